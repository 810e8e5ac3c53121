//! Which attachment types the site owner allows, as MIME patterns (`image/*`,
//! `application/pdf`).
//!
//! The widget checks a chosen file's type against the config before uploading, so the
//! visitor gets a clear message at once; the server checks again by sniffing the bytes,
//! since a declared type proves nothing.

/// Whether `mime` matches one of `patterns` (`type/subtype`, `type/*` or `*/*`; case and
/// parameters such as `; charset=utf-8` are ignored). An empty or malformed type — the
/// browser's answer for unknown files — matches only `*/*`.
///
/// # Example
/// ```
/// use sitechat_core::mime::mime_allowed;
/// let allowed = ["image/*".to_owned(), "application/pdf".to_owned()];
/// assert!(mime_allowed(&allowed, "image/PNG"));
/// assert!(mime_allowed(&allowed, "application/pdf; x=1"));
/// assert!(!mime_allowed(&allowed, "application/x-msdownload"));
/// assert!(!mime_allowed(&allowed, ""));
/// ```
pub fn mime_allowed(patterns: &[String], mime: &str) -> bool {
    let essence = mime.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let parsed =
        essence.split_once('/').filter(|(t, s)| !t.is_empty() && !s.is_empty() && !s.contains('/'));
    patterns.iter().any(|pattern| {
        let pattern = pattern.trim().to_ascii_lowercase();
        if pattern == "*/*" {
            return true;
        }
        let Some((ptype, psub)) = pattern.split_once('/') else { return false };
        match parsed {
            Some((t, s)) => ptype == t && (psub == "*" || psub == s),
            None => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn wildcards_exact_types_and_junk() {
        let allowed = p(&["image/*", "application/pdf", "text/plain"]);
        assert!(mime_allowed(&allowed, "image/jpeg"));
        assert!(mime_allowed(&allowed, "text/plain;charset=utf-8"));
        assert!(!mime_allowed(&allowed, "text/html"));
        assert!(!mime_allowed(&allowed, "image"));
        assert!(!mime_allowed(&allowed, "image/png/x"));
        assert!(!mime_allowed(&allowed, "/png"));
        assert!(!mime_allowed(&p(&[]), "image/png"));
        assert!(mime_allowed(&p(&["*/*"]), ""));
        assert!(!mime_allowed(&p(&["garbage"]), "image/png"));
    }
}
