//! Token-authenticated registration through Matrix's user-interactive authentication.
//!
//! `POST /register` without `auth` is answered `401` with the flows the homeserver
//! accepts and a `session`; the client completes one flow stage by stage, sending the
//! same request with an `auth` dict each time. Synapse with
//! `registration_requires_token: true` asks for `m.login.registration_token` and then
//! `m.login.dummy`; this module answers any flow made of those two stages, and nothing
//! else (a homeserver asking for a captcha or an e-mail is reported, not guessed at).

use serde_json::{json, Value};

use super::api_error::MatrixError;

/// The stages a visitor's widget can complete by itself.
pub const SUPPORTED_STAGES: [&str; 2] = ["m.login.registration_token", "m.login.dummy"];

/// What to do after a `401` from `/register`.
#[derive(Debug, Clone, PartialEq)]
pub enum UiaNext {
    /// Send the request again with this `auth` dict.
    Send(Value),
    /// Registration cannot go on; the text says why, for the console.
    Refused(String),
}

/// The next `auth` dict for the `401` answer `body`, registering with `token`.
///
/// # Example
/// ```
/// use sitechat_core::matrix::uia::{next_auth, UiaNext};
/// let body = serde_json::json!({"session": "s1", "flows": [
///     {"stages": ["m.login.registration_token", "m.login.dummy"]}], "params": {}});
/// let UiaNext::Send(auth) = next_auth(&body, "tok") else { panic!() };
/// assert_eq!(auth["type"], "m.login.registration_token");
/// assert_eq!(auth["token"], "tok");
/// assert_eq!(auth["session"], "s1");
/// ```
pub fn next_auth(body: &Value, token: &str) -> UiaNext {
    let completed: Vec<&str> = body
        .get("completed")
        .and_then(Value::as_array)
        .map(|c| c.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if let Some(err) = MatrixError::from_body(body) {
        let token_refused = !completed.contains(&"m.login.registration_token");
        return UiaNext::Refused(if token_refused {
            format!(
                "the homeserver refused the registration token ({err}): check registration_token"
            )
        } else {
            format!("the homeserver refused the registration ({err})")
        });
    }
    let Some(session) = body.get("session").and_then(Value::as_str) else {
        return UiaNext::Refused(
            "the homeserver's answer to /register has no UIA session (is registration enabled?)"
                .into(),
        );
    };
    let flows: Vec<Vec<&str>> = body
        .get("flows")
        .and_then(Value::as_array)
        .map(|flows| {
            flows
                .iter()
                .map(|f| {
                    f.get("stages")
                        .and_then(Value::as_array)
                        .map(|s| s.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default();
    let usable = flows.iter().find(|stages| {
        !stages.is_empty()
            && stages.iter().all(|s| SUPPORTED_STAGES.contains(s))
            && stages.contains(&"m.login.registration_token")
    });
    let Some(stages) = usable else {
        let offered: Vec<String> = flows.iter().map(|s| s.join(" → ")).collect();
        return UiaNext::Refused(format!(
            "the homeserver offers no registration flow with a registration token that a widget can complete (offered: {}); set registration_requires_token: true",
            if offered.is_empty() { "none".to_owned() } else { offered.join(", ") }
        ));
    };
    match stages.iter().find(|s| !completed.contains(s)) {
        Some(&"m.login.registration_token") => UiaNext::Send(
            json!({"type": "m.login.registration_token", "token": token, "session": session}),
        ),
        Some(stage) => UiaNext::Send(json!({"type": stage, "session": session})),
        None => {
            UiaNext::Refused("the homeserver asks for more after every stage was completed".into())
        }
    }
}

/// The user id and access token of a `200` answer to `/register`.
pub fn registered(body: &Value) -> Result<(String, String), String> {
    let user = body.get("user_id").and_then(Value::as_str);
    let token = body.get("access_token").and_then(Value::as_str);
    match (user, token) {
        (Some(u), Some(t)) if !u.is_empty() && !t.is_empty() => Ok((u.to_owned(), t.to_owned())),
        _ => Err("the homeserver registered the visitor but sent no user_id and access_token (is inhibit_login set?)".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn synapse_401(completed: &[&str]) -> Value {
        json!({"session": "abc", "completed": completed, "params": {},
            "flows": [{"stages": ["m.login.registration_token", "m.login.dummy"]}]})
    }

    #[test]
    fn synapse_flow_token_then_dummy() {
        let UiaNext::Send(first) = next_auth(&synapse_401(&[]), "t1") else { panic!() };
        assert_eq!(
            first,
            json!({"type": "m.login.registration_token", "token": "t1", "session": "abc"})
        );
        let UiaNext::Send(second) = next_auth(&synapse_401(&["m.login.registration_token"]), "t1")
        else {
            panic!()
        };
        assert_eq!(second, json!({"type": "m.login.dummy", "session": "abc"}));
    }

    #[test]
    fn a_wrong_token_is_named() {
        let mut body = synapse_401(&[]);
        body["errcode"] = json!("M_UNAUTHORIZED");
        body["error"] = json!("Invalid registration token");
        let UiaNext::Refused(why) = next_auth(&body, "nope") else { panic!() };
        assert!(why.contains("registration token"), "{why}");
        assert!(why.contains("M_UNAUTHORIZED: Invalid registration token"), "{why}");
    }

    #[test]
    fn flows_a_widget_cannot_complete_are_refused() {
        let body = json!({"session": "s", "flows": [{"stages": ["m.login.recaptcha", "m.login.dummy"]},
            {"stages": ["m.login.dummy"]}]});
        let UiaNext::Refused(why) = next_auth(&body, "t") else { panic!() };
        assert!(why.contains("m.login.recaptcha → m.login.dummy"), "{why}");
        assert!(matches!(next_auth(&json!({"flows": []}), "t"), UiaNext::Refused(_)));
        assert!(matches!(next_auth(&json!("junk"), "t"), UiaNext::Refused(_)));
    }

    #[test]
    fn registered_needs_user_and_token() {
        let ok = registered(&json!({"user_id": "@1:h", "access_token": "syt_x", "device_id": "D"}));
        assert_eq!(ok, Ok(("@1:h".to_owned(), "syt_x".to_owned())));
        assert!(registered(&json!({"user_id": "@1:h"})).is_err());
    }
}
