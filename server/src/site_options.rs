//! The two site-config options the server acts on, read from the site config JSON.
//!
//! The full config type lives in the widget's core; the server only needs
//! `options.inactivity_timeout_minutes` and `options.transcript_auto_send`, so it
//! reads them with plain `serde_json` and keeps the rest as an opaque document that
//! `GET /api/site-config` hands to the widget unchanged.
//!
//! Invariants: a missing option takes its default (30 minutes, no auto-send); a
//! present option of the wrong type is an error naming it; the timeout is positive.

use std::time::Duration;

use serde_json::Value;

/// Minutes of visitor silence after which a chat ends when the config says nothing.
pub const DEFAULT_INACTIVITY_MINUTES: f64 = 30.0;

/// What the server takes from the site config.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteOptions {
    /// End an open chat after this long without a visitor message.
    pub inactivity_timeout: Duration,
    /// Mail the transcript when a chat ends, if the visitor's address is known.
    pub transcript_auto_send: bool,
}

impl Default for SiteOptions {
    fn default() -> SiteOptions {
        SiteOptions {
            inactivity_timeout: Duration::from_secs_f64(DEFAULT_INACTIVITY_MINUTES * 60.0),
            transcript_auto_send: false,
        }
    }
}

impl SiteOptions {
    /// Reads the options from the site config document. Fractional minutes are
    /// accepted (tests use a few seconds).
    ///
    /// ```
    /// use sitechat_server::site_options::SiteOptions;
    /// let doc = serde_json::json!({"options": {"inactivity_timeout_minutes": 5, "transcript_auto_send": true}});
    /// let o = SiteOptions::from_config(&doc).unwrap();
    /// assert_eq!(o.inactivity_timeout.as_secs(), 300);
    /// assert!(o.transcript_auto_send);
    ///
    /// let bad = serde_json::json!({"options": {"inactivity_timeout_minutes": "soon"}});
    /// assert_eq!(SiteOptions::from_config(&bad).unwrap_err(),
    ///     "options.inactivity_timeout_minutes: expected a positive number");
    /// ```
    pub fn from_config(doc: &Value) -> Result<SiteOptions, String> {
        let mut out = SiteOptions::default();
        let options = match doc.get("options") {
            None | Some(Value::Null) => return Ok(out),
            Some(Value::Object(map)) => map,
            Some(_) => return Err("options: expected an object".into()),
        };
        match options.get("inactivity_timeout_minutes") {
            None | Some(Value::Null) => {}
            Some(v) => match v.as_f64() {
                Some(m) if m > 0.0 && m.is_finite() && m < 1.0e7 => {
                    out.inactivity_timeout = Duration::from_secs_f64(m * 60.0);
                }
                _ => {
                    return Err(
                        "options.inactivity_timeout_minutes: expected a positive number".into()
                    )
                }
            },
        }
        match options.get("transcript_auto_send") {
            None | Some(Value::Null) => {}
            Some(Value::Bool(b)) => out.transcript_auto_send = *b,
            Some(_) => return Err("options.transcript_auto_send: expected a boolean".into()),
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_document_gives_defaults() {
        let o = SiteOptions::from_config(&serde_json::json!({})).unwrap();
        assert_eq!(o.inactivity_timeout.as_secs(), 1800);
        assert!(!o.transcript_auto_send);
    }

    #[test]
    fn zero_timeout_and_wrong_types_are_refused() {
        let zero = serde_json::json!({"options": {"inactivity_timeout_minutes": 0}});
        assert!(SiteOptions::from_config(&zero).is_err());
        let auto = serde_json::json!({"options": {"transcript_auto_send": "yes"}});
        assert_eq!(
            SiteOptions::from_config(&auto).unwrap_err(),
            "options.transcript_auto_send: expected a boolean"
        );
        assert!(SiteOptions::from_config(&serde_json::json!({"options": 3})).is_err());
    }
}
