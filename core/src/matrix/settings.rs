//! The page's Matrix settings: `transport: {"matrix": {"homeserver", "registration_token",
//! "agents"}}`.
//!
//! Every field is checked at once and each problem is reported with its path, so a site
//! owner sees everything wrong in one console message; nothing here guesses.

use serde_json::Value;

/// Where the settings are found, for error messages.
pub const SETTINGS_PATH: &str = "sitechatSettings.transport.matrix";

/// Checked Matrix settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixSettings {
    /// The homeserver's client-server API base, `https://matrix.example.org` (no trailing
    /// slash).
    pub homeserver: String,
    /// The registration token every visitor registers with.
    pub registration_token: String,
    /// The agents' user ids, invited into every conversation's room.
    pub agents: Vec<String>,
    /// The room name prefix agents see in their client (`"Website chat"` by default).
    pub room_name: String,
}

/// Whether `id` looks like a Matrix user id, `@localpart:server`.
pub fn is_user_id(id: &str) -> bool {
    let Some(rest) = id.strip_prefix('@') else { return false };
    let Some((local, server)) = rest.split_once(':') else { return false };
    !local.is_empty()
        && !server.is_empty()
        && id.len() <= 255
        && !id.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Whether `token` is a valid registration token (at most 64 characters of
/// `[A-Za-z0-9._~-]`, as the Matrix specification requires).
pub fn is_registration_token(token: &str) -> bool {
    !token.is_empty()
        && token.len() <= 64
        && token.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '~' | '-'))
}

/// Reads the settings object (the value of the `matrix` key).
///
/// # Example
/// ```
/// use sitechat_core::matrix::settings::parse_settings;
/// let v = serde_json::json!({"homeserver": "https://matrix.example.org/",
///     "registration_token": "site-visitors", "agents": ["@ann:example.org"]});
/// let s = parse_settings(&v).unwrap();
/// assert_eq!(s.homeserver, "https://matrix.example.org");
///
/// let bad = serde_json::json!({"homeserver": "matrix.example.org", "agents": "ann"});
/// let errors = parse_settings(&bad).unwrap_err();
/// assert!(errors.contains("sitechatSettings.transport.matrix.homeserver"));
/// assert!(errors.contains("sitechatSettings.transport.matrix.registration_token"));
/// assert!(errors.contains("sitechatSettings.transport.matrix.agents"));
/// ```
pub fn parse_settings(value: &Value) -> Result<MatrixSettings, String> {
    let Some(o) = value.as_object() else {
        return Err(format!(
            "{SETTINGS_PATH}: expected an object with homeserver, registration_token and agents"
        ));
    };
    let mut errors: Vec<String> = Vec::new();
    let homeserver = match o.get("homeserver").and_then(Value::as_str).map(str::trim) {
        Some(url) if url.starts_with("https://") || url.starts_with("http://") => {
            let url = url.trim_end_matches('/');
            if url.len() <= "https://".len() || url.contains(char::is_whitespace) {
                errors.push(format!("{SETTINGS_PATH}.homeserver: \"{url}\" is not a URL"));
            }
            url.to_owned()
        }
        Some(other) => {
            errors.push(format!(
                "{SETTINGS_PATH}.homeserver: \"{other}\" must start with https:// (or http://)"
            ));
            String::new()
        }
        None => {
            errors.push(format!(
                "{SETTINGS_PATH}.homeserver: missing (the homeserver's URL, e.g. \"https://matrix.example.org\")"
            ));
            String::new()
        }
    };
    let registration_token = match o.get("registration_token").and_then(Value::as_str) {
        Some(t) if is_registration_token(t) => t.to_owned(),
        Some(_) => {
            errors.push(format!(
                "{SETTINGS_PATH}.registration_token: at most 64 characters of A-Z a-z 0-9 . _ ~ -"
            ));
            String::new()
        }
        None => {
            errors.push(format!(
                "{SETTINGS_PATH}.registration_token: missing (a registration token of the homeserver)"
            ));
            String::new()
        }
    };
    let mut agents = Vec::new();
    match o.get("agents").and_then(Value::as_array) {
        Some(list) if !list.is_empty() => {
            for (i, agent) in list.iter().enumerate() {
                match agent.as_str() {
                    Some(id) if is_user_id(id) => agents.push(id.to_owned()),
                    _ => errors.push(format!(
                        "{SETTINGS_PATH}.agents[{i}]: expected a Matrix user id like \"@ann:example.org\""
                    )),
                }
            }
        }
        _ => errors.push(format!(
            "{SETTINGS_PATH}.agents: expected a non-empty list of Matrix user ids (\"@ann:example.org\")"
        )),
    }
    let room_name = match o.get("room_name") {
        None | Some(Value::Null) => "Website chat".to_owned(),
        Some(Value::String(s)) if !s.trim().is_empty() && s.chars().count() <= 100 => s.clone(),
        Some(_) => {
            errors
                .push(format!("{SETTINGS_PATH}.room_name: expected a text of 1 to 100 characters"));
            String::new()
        }
    };
    if errors.is_empty() {
        Ok(MatrixSettings { homeserver, registration_token, agents, room_name })
    } else {
        Err(errors.join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_complete_object_is_read() {
        let s = parse_settings(&json!({"homeserver": " http://127.0.0.1:8008 ",
            "registration_token": "a.b_c~d-e", "agents": ["@ann:127.0.0.1", "@bo:x.org"],
            "room_name": "Shop chat"}))
        .unwrap();
        assert_eq!(s.homeserver, "http://127.0.0.1:8008");
        assert_eq!(s.agents.len(), 2);
        assert_eq!(s.room_name, "Shop chat");
    }

    #[test]
    fn every_problem_is_named_with_its_path() {
        let e = parse_settings(&json!({"homeserver": "ftp://x", "registration_token": "has space",
            "agents": ["ann", "@ok:x"], "room_name": 3}))
        .unwrap_err();
        let lines: Vec<&str> = e.lines().collect();
        assert_eq!(lines.len(), 4, "{e}");
        assert!(lines[0].starts_with("sitechatSettings.transport.matrix.homeserver:"));
        assert!(lines[1].starts_with("sitechatSettings.transport.matrix.registration_token:"));
        assert!(lines[2].starts_with("sitechatSettings.transport.matrix.agents[0]:"));
        assert!(lines[3].starts_with("sitechatSettings.transport.matrix.room_name:"));
    }

    #[test]
    fn not_an_object_and_empty_agents_are_refused() {
        assert!(parse_settings(&json!("https://x")).unwrap_err().contains("expected an object"));
        let e = parse_settings(&json!({"homeserver": "https://x.org", "registration_token": "t",
            "agents": []}))
        .unwrap_err();
        assert!(e.contains(".agents: expected a non-empty list"));
    }

    #[test]
    fn user_ids_and_tokens() {
        assert!(is_user_id("@ann:example.org"));
        assert!(is_user_id("@ann:127.0.0.1:8008"));
        for bad in ["ann", "@ann", "@:x", "@ann:", "@a nn:x", "#room:x"] {
            assert!(!is_user_id(bad), "{bad}");
        }
        assert!(is_registration_token("abc-DEF_1.2~3"));
        assert!(!is_registration_token(""));
        assert!(!is_registration_token(&"a".repeat(65)));
        assert!(!is_registration_token("a/b"));
    }
}
