//! `profile`: who the visitor is talking to — name, avatar, meetings link.
//!
//! Invariants of a parsed [`Profile`]: `name` is trimmed, 1 ..= 80 characters;
//! `avatar_url` is an http(s) URL or a site path starting with a single `/`;
//! `meetings.url` is an http(s) URL and is present whenever `meetings.enabled`;
//! `meetings.link_text` is trimmed, 1 ..= 80 characters. No URL contains whitespace,
//! control characters or `"<>\``, so it can go into an attribute as is.

use super::reader::{child, quote, Reader};
use serde::Serialize;
use serde_json::Value;

/// Longest profile name or link text, in characters: what fits in the header.
pub const MAX_NAME_CHARS: usize = 80;
/// Longest URL accepted; browsers handle more, but nothing sane needs it.
pub const MAX_URL_CHARS: usize = 2048;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub name: String,
    /// `None` shows the name's initials instead of an image.
    pub avatar_url: Option<String>,
    pub meetings: Meetings,
}

/// The optional "book a meeting" link in the header.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Meetings {
    pub enabled: bool,
    pub url: Option<String>,
    /// `None` lets the UI use its own translated text.
    pub link_text: Option<String>,
}

impl Default for Profile {
    fn default() -> Profile {
        Profile { name: "Support".to_owned(), avatar_url: None, meetings: Meetings::default() }
    }
}

impl Profile {
    /// The meetings link to show, if any: enabled and with a URL.
    pub fn meetings_link(&self) -> Option<&str> {
        self.meetings.url.as_deref().filter(|_| self.meetings.enabled)
    }
}

const FIELDS: &[&str] = &["name", "avatar_url", "meetings"];
const MEETINGS_FIELDS: &[&str] = &["enabled", "url", "link_text"];

pub(crate) fn read_profile(r: &mut Reader, path: &str, value: &Value) -> Profile {
    let mut profile = Profile::default();
    let Some(map) = r.object(path, value, FIELDS) else { return profile };
    if let Some(v) = map.get("name") {
        let p = child(path, "name");
        if let Some(name) = r.string(&p, v).and_then(|s| short_text(r, &p, s)) {
            profile.name = name;
        }
    }
    if let Some(v) = map.get("avatar_url") {
        let p = child(path, "avatar_url");
        if let Some(url) = r.nullable_string(&p, v) {
            profile.avatar_url = url.and_then(|u| checked(r, &p, u, avatar_problem(u)));
        }
    }
    if let Some(v) = map.get("meetings") {
        profile.meetings = read_meetings(r, &child(path, "meetings"), v);
    }
    profile
}

fn read_meetings(r: &mut Reader, path: &str, value: &Value) -> Meetings {
    let mut meetings = Meetings::default();
    let Some(map) = r.object(path, value, MEETINGS_FIELDS) else { return meetings };
    let enabled = map.get("enabled").map(|v| r.bool(&child(path, "enabled"), v));
    meetings.enabled = enabled.flatten().unwrap_or(false);
    let url_path = child(path, "url");
    let url = map.get("url").map(|v| r.nullable_string(&url_path, v));
    match url {
        Some(Some(Some(u))) => meetings.url = checked(r, &url_path, u, http_url_problem(u)),
        Some(None) => {} // wrong type, already reported
        None | Some(Some(None)) => {
            if enabled == Some(Some(true)) {
                r.fail(&url_path, "required when meetings are enabled (an http or https URL)");
            }
        }
    }
    if let Some(v) = map.get("link_text") {
        let p = child(path, "link_text");
        if let Some(text) = r.nullable_string(&p, v) {
            meetings.link_text = text.and_then(|t| short_text(r, &p, t));
        }
    }
    meetings
}

/// Trimmed text of 1 ..= [`MAX_NAME_CHARS`] characters.
fn short_text(r: &mut Reader, path: &str, s: &str) -> Option<String> {
    let t = s.trim();
    let count = t.chars().count();
    if count == 0 {
        r.fail(path, "must not be empty");
        None
    } else if count > MAX_NAME_CHARS {
        r.fail(
            path,
            format!("{} is too long ({count} characters, at most {MAX_NAME_CHARS})", quote(t)),
        );
        None
    } else {
        Some(t.to_owned())
    }
}

fn checked(r: &mut Reader, path: &str, url: &str, problem: Option<String>) -> Option<String> {
    match problem {
        Some(message) => {
            r.fail(path, message);
            None
        }
        None => Some(url.to_owned()),
    }
}

/// Why `url` is not an http(s) URL, if it is not.
pub(crate) fn http_url_problem(url: &str) -> Option<String> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        url.get(8..)
    } else if lower.starts_with("http://") {
        url.get(7..)
    } else {
        return Some(format!("{} is not an http or https URL", quote(url)));
    };
    let host = rest.unwrap_or("").split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() {
        return Some(format!("{} has no host name", quote(url)));
    }
    unsafe_chars_problem(url)
}

fn avatar_problem(url: &str) -> Option<String> {
    if url.starts_with("//") {
        Some(format!("{} is protocol-relative; write the full https:// URL", quote(url)))
    } else if url.starts_with('/') {
        unsafe_chars_problem(url)
    } else if http_url_problem(url).is_none() {
        None
    } else {
        Some(format!("{} is not an http or https URL nor a path starting with \"/\"", quote(url)))
    }
}

fn unsafe_chars_problem(url: &str) -> Option<String> {
    if url.chars().count() > MAX_URL_CHARS {
        Some(format!("{} is too long (at most {MAX_URL_CHARS} characters)", quote(url)))
    } else if url.chars().any(|c| c.is_whitespace() || c.is_control() || "\"<>`\\".contains(c)) {
        Some(format!("{} contains spaces or characters not allowed in a URL", quote(url)))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_urls() {
        assert_eq!(http_url_problem("https://acme.example/meet/ada"), None);
        assert_eq!(http_url_problem("HTTP://acme.example"), None);
        assert!(http_url_problem("javascript:alert(1)").is_some());
        assert!(http_url_problem("https://").is_some());
        assert!(http_url_problem("https:///path").is_some());
        assert!(http_url_problem("https://a b.example").is_some());
        assert!(http_url_problem("ftp://acme.example").is_some());
        assert!(http_url_problem("é").is_some());
    }

    #[test]
    fn avatars_accept_site_paths() {
        assert_eq!(avatar_problem("/img/ada.png"), None);
        assert_eq!(avatar_problem("https://cdn.example/ada.png"), None);
        assert!(avatar_problem("//cdn.example/ada.png").is_some());
        assert!(avatar_problem("ada.png").is_some());
        assert!(avatar_problem("data:image/png;base64,AAAA").is_some());
    }
}
