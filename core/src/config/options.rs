//! `options`: transcript, inactivity timeout and attachment limits.
//!
//! Invariants of parsed [`Options`]: `inactivity_timeout_minutes` is 1 ..= 1440,
//! `max_attachment_bytes` is 1 ..= 100 MiB, and `allowed_attachment_types` holds at
//! least one lower-case MIME pattern (`type/subtype`, `type/*` or `*/*`).

use super::reader::{child, item, quote, Reader};
use serde::Serialize;
use serde_json::Value;

pub const MAX_INACTIVITY_TIMEOUT_MINUTES: u64 = 24 * 60;
pub const MAX_ATTACHMENT_BYTES: u64 = 100 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Options {
    /// E-mail the transcript to the visitor when the chat ends.
    pub transcript_auto_send: bool,
    /// The chat ends after this long without a visitor message.
    pub inactivity_timeout_minutes: u32,
    pub attachments: bool,
    pub max_attachment_bytes: u64,
    pub allowed_attachment_types: Vec<String>,
}

/// Images, PDF, plain text and the common office formats: what visitors send support,
/// listed type by type as the reference server's upload sniffer accepts them (so a file
/// the widget lets through is not refused by the server; `image/*` would let HEIC,
/// AVIF, BMP and SVG through, which it refuses). `server/src/sniff.rs` has the test that
/// keeps the two lists equal.
pub const DEFAULT_ATTACHMENT_TYPES: [&str; 13] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "text/csv",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
];

impl Default for Options {
    fn default() -> Options {
        Options {
            transcript_auto_send: true,
            inactivity_timeout_minutes: 30,
            attachments: true,
            max_attachment_bytes: 10 * 1024 * 1024,
            allowed_attachment_types: DEFAULT_ATTACHMENT_TYPES
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        }
    }
}

const FIELDS: &[&str] = &[
    "transcript_auto_send",
    "inactivity_timeout_minutes",
    "attachments",
    "max_attachment_bytes",
    "allowed_attachment_types",
];

pub(crate) fn read_options(r: &mut Reader, path: &str, value: &Value) -> Options {
    let mut o = Options::default();
    let Some(map) = r.object(path, value, FIELDS) else { return o };
    if let Some(b) = map
        .get("transcript_auto_send")
        .and_then(|v| r.bool(&child(path, "transcript_auto_send"), v))
    {
        o.transcript_auto_send = b;
    }
    if let Some(v) = map.get("inactivity_timeout_minutes") {
        let minutes = r.integer(
            &child(path, "inactivity_timeout_minutes"),
            v,
            1..=MAX_INACTIVITY_TIMEOUT_MINUTES,
        );
        if let Some(m) = minutes.and_then(|m| u32::try_from(m).ok()) {
            o.inactivity_timeout_minutes = m;
        }
    }
    if let Some(b) = map.get("attachments").and_then(|v| r.bool(&child(path, "attachments"), v)) {
        o.attachments = b;
    }
    if let Some(n) = map
        .get("max_attachment_bytes")
        .and_then(|v| r.integer(&child(path, "max_attachment_bytes"), v, 1..=MAX_ATTACHMENT_BYTES))
    {
        o.max_attachment_bytes = n;
    }
    if let Some(v) = map.get("allowed_attachment_types") {
        let p = child(path, "allowed_attachment_types");
        if let Some(types) = read_types(r, &p, v) {
            o.allowed_attachment_types = types;
        }
    }
    o
}

fn read_types(r: &mut Reader, path: &str, value: &Value) -> Option<Vec<String>> {
    let items = r.array(path, value)?;
    if items.is_empty() {
        r.fail(
            path,
            "must list at least one type (set \"attachments\": false to turn attachments off)",
        );
        return None;
    }
    let mut types = Vec::new();
    let mut ok = true;
    for (i, v) in items.iter().enumerate() {
        let p = item(path, i);
        match r.string(&p, v) {
            Some(s) if is_mime_pattern(s) => types.push(s.to_ascii_lowercase()),
            Some(s) => {
                r.fail(&p, format!("{} is not a MIME type pattern (expected e.g. \"image/*\" or \"application/pdf\")", quote(s)));
                ok = false;
            }
            None => ok = false,
        }
    }
    ok.then_some(types)
}

fn is_mime_pattern(s: &str) -> bool {
    let token = |t: &str| {
        !t.is_empty() && t.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    match s.split_once('/') {
        Some(("*", "*")) => true,
        Some((ty, sub)) => token(ty) && (sub == "*" || token(sub)),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mime_patterns() {
        for ok in ["image/*", "*/*", "application/pdf", "application/vnd.ms-excel", "Text/Plain"] {
            assert!(is_mime_pattern(ok), "{ok}");
        }
        for bad in
            ["", "image", "image/", "/png", "*/png", "image/png/x", "image /png", "ima ge/png"]
        {
            assert!(!is_mime_pattern(bad), "{bad}");
        }
    }
}
