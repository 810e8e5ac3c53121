//! The site's options the server acts on, read from the site config document with the
//! widget's own parser ([`sitechat_core::config`]), so the widget and the server can
//! never disagree about a default or about what is valid.
//!
//! The server serves the document unchanged at `GET /api/site-config` and acts on
//! `options`: `transcript_auto_send` (mail the transcript when a chat ends),
//! `inactivity_timeout_minutes` (end a silent chat), `attachments`,
//! `max_attachment_bytes` and `allowed_attachment_types` (visitor uploads).
//!
//! Invariants: a document the widget would refuse is refused here too, with the same
//! messages (every problem, each naming its field); a missing option takes the core's
//! default.

use std::time::Duration;

use serde_json::Value;
use sitechat_core::config::{Config, Options};

/// What the server takes from the site config.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteOptions {
    /// End an open chat after this long without a visitor message.
    pub inactivity_timeout: Duration,
    /// Mail the transcript when a chat ends, if the visitor's address is known.
    pub transcript_auto_send: bool,
    /// Whether visitors may upload files at all.
    pub attachments: bool,
    /// Largest visitor upload, in bytes.
    pub max_attachment_bytes: u64,
    /// MIME patterns a visitor's upload (as sniffed) must match.
    pub allowed_attachment_types: Vec<String>,
}

impl Default for SiteOptions {
    fn default() -> SiteOptions {
        SiteOptions::from(&Options::default())
    }
}

impl From<&Options> for SiteOptions {
    fn from(o: &Options) -> SiteOptions {
        SiteOptions {
            inactivity_timeout: Duration::from_secs(u64::from(o.inactivity_timeout_minutes) * 60),
            transcript_auto_send: o.transcript_auto_send,
            attachments: o.attachments,
            max_attachment_bytes: o.max_attachment_bytes,
            allowed_attachment_types: o.allowed_attachment_types.clone(),
        }
    }
}

impl SiteOptions {
    /// Reads the options from the site config document, validating all of it as the
    /// widget does.
    ///
    /// ```
    /// use sitechat_server::site_options::SiteOptions;
    /// let doc = serde_json::json!({"options": {"inactivity_timeout_minutes": 5, "transcript_auto_send": false}});
    /// let o = SiteOptions::from_config(&doc).unwrap();
    /// assert_eq!(o.inactivity_timeout.as_secs(), 300);
    /// assert!(!o.transcript_auto_send);
    ///
    /// let bad = serde_json::json!({"options": {"inactivity_timeout_minutes": "soon"}});
    /// assert_eq!(SiteOptions::from_config(&bad).unwrap_err(),
    ///     r#"options.inactivity_timeout_minutes: expected a whole number, found "soon""#);
    /// ```
    pub fn from_config(doc: &Value) -> Result<SiteOptions, String> {
        let config = Config::from_value(doc).map_err(|errors| errors.to_string())?;
        Ok(SiteOptions::from(&config.options))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_document_gives_the_cores_defaults() {
        let o = SiteOptions::from_config(&serde_json::json!({})).unwrap();
        let core = Options::default();
        assert_eq!(o.inactivity_timeout.as_secs(), u64::from(core.inactivity_timeout_minutes) * 60);
        assert_eq!(o.transcript_auto_send, core.transcript_auto_send);
        assert_eq!(o.allowed_attachment_types, core.allowed_attachment_types);
        assert_eq!(o.max_attachment_bytes, core.max_attachment_bytes);
    }

    #[test]
    fn what_the_widget_refuses_the_server_refuses() {
        for (doc, message) in [
            (
                serde_json::json!({"options": {"inactivity_timeout_minutes": 0}}),
                "options.inactivity_timeout_minutes: 0 is out of range (expected 1 to 1440)",
            ),
            (
                serde_json::json!({"options": {"inactivity_timeout_minutes": 0.5}}),
                "options.inactivity_timeout_minutes: expected a whole number, found 0.5",
            ),
            (
                serde_json::json!({"options": {"transcript_auto_send": "yes"}}),
                r#"options.transcript_auto_send: expected true or false, found "yes""#,
            ),
        ] {
            assert_eq!(SiteOptions::from_config(&doc).unwrap_err(), message);
            assert_eq!(
                sitechat_core::config::Config::from_value(&doc).unwrap_err().to_string(),
                message
            );
        }
        assert!(SiteOptions::from_config(&serde_json::json!({"options": 3})).is_err());
        assert!(SiteOptions::from_config(&serde_json::json!({"profile": {"nmae": "x"}})).is_err());
    }
}
