//! `appearance`: theme colour, corner, branding line and language.
//!
//! Invariants of a parsed [`Appearance`]: `locale` is `None` for `"auto"` (use the
//! browser's language) or a syntactically valid language tag (`fr`, `fr-CA`,
//! `zh-Hant-TW`); whether a catalogue exists for it is the i18n layer's business.

use super::reader::{child, quote, Reader};
use crate::color::Rgb;
use serde::{Serialize, Serializer};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appearance {
    pub theme_color: Rgb,
    pub position: Position,
    /// Show the "Powered by sitechat" line.
    pub branding: bool,
    /// `None` = auto (the visitor's browser language).
    #[serde(serialize_with = "serialize_locale")]
    pub locale: Option<String>,
}

/// Which bottom corner the launcher sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    #[default]
    Right,
    Left,
}

/// The default theme colour: a blue that carries white text at more than 4.5:1.
pub const DEFAULT_THEME_COLOR: Rgb = Rgb::new(0x2f, 0x5b, 0xea);

impl Default for Appearance {
    fn default() -> Appearance {
        Appearance {
            theme_color: DEFAULT_THEME_COLOR,
            position: Position::Right,
            branding: true,
            locale: None,
        }
    }
}

impl Appearance {
    /// The colour for text drawn on the theme colour; always at least 4.5:1.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::color::Rgb;
    /// use sitechat_core::config::Appearance;
    /// assert_eq!(Appearance::default().text_color(), Rgb::WHITE);
    /// ```
    pub fn text_color(&self) -> Rgb {
        self.theme_color.readable_text_color()
    }
}

fn serialize_locale<S: Serializer>(
    locale: &Option<String>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(locale.as_deref().unwrap_or("auto"))
}

const FIELDS: &[&str] = &["theme_color", "position", "branding", "locale"];

pub(crate) fn read_appearance(r: &mut Reader, path: &str, value: &Value) -> Appearance {
    let mut a = Appearance::default();
    let Some(map) = r.object(path, value, FIELDS) else { return a };
    if let Some(v) = map.get("theme_color") {
        let p = child(path, "theme_color");
        if let Some(s) = r.string(&p, v) {
            match Rgb::parse(s) {
                Ok(c) => a.theme_color = c,
                Err(e) => r.fail(&p, e.to_string()),
            }
        }
    }
    if let Some(v) = map.get("position") {
        let choices = [("right", Position::Right), ("left", Position::Left)];
        if let Some(pos) = r.keyword(&child(path, "position"), v, &choices) {
            a.position = pos;
        }
    }
    if let Some(b) = map.get("branding").and_then(|v| r.bool(&child(path, "branding"), v)) {
        a.branding = b;
    }
    if let Some(v) = map.get("locale") {
        let p = child(path, "locale");
        if let Some(s) = r.string(&p, v) {
            if s == "auto" {
                a.locale = None;
            } else if is_language_tag(s) {
                a.locale = Some(s.to_owned());
            } else {
                r.fail(
                    &p,
                    format!(
                        "{} is not \"auto\" or a language tag like \"fr\" or \"fr-CA\"",
                        quote(s)
                    ),
                );
            }
        }
    }
    a
}

/// BCP 47 shape only: a 2–3 letter language, then `-` subtags of 2–8 letters/digits.
pub(crate) fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let language_ok = parts
        .next()
        .is_some_and(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()));
    language_ok
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        for ok in ["fr", "en", "fr-CA", "zh-Hant-TW", "es-419", "ast"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "f", "fren", "fr-", "fr_CA", "fr-C", "fr-toolongtag", "1a", "fr--CA", "é"]
        {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn locale_serialises_auto_for_none() {
        let json = serde_json::to_value(Appearance::default()).ok();
        assert_eq!(
            json.as_ref().and_then(|v| v.get("locale")).and_then(Value::as_str),
            Some("auto")
        );
    }
}
