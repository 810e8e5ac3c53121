//! Text a site owner writes for the bot: one string, or one per language.
//!
//! `"Hi!"` is the same in every language; `{"en": "Hi!", "fr": "Bonjour !"}` picks the
//! visitor's language, then English, then the first one given — a visitor always reads
//! something, and a language added to the widget later falls back gracefully.

use serde::Serialize;
use serde_json::Value;

use crate::config::reader::{child, quote, Reader};
use crate::i18n::Locale;

/// Most characters in one text (a bot line is a chat message).
pub const MAX_TEXT_CHARS: usize = 2_000;

/// A bot text, per language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    Same(String),
    PerLanguage(Vec<(String, String)>),
}

impl Text {
    /// The text for `locale`.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::bot::Text;
    /// use sitechat_core::i18n::Locale;
    /// let t = Text::PerLanguage(vec![("en".into(), "Hi".into()), ("fr".into(), "Salut".into())]);
    /// assert_eq!(t.get(Locale::Fr), "Salut");
    /// assert_eq!(Text::Same("Hi".into()).get(Locale::Fr), "Hi");
    /// ```
    pub fn get(&self, locale: Locale) -> &str {
        match self {
            Text::Same(s) => s,
            Text::PerLanguage(list) => list
                .iter()
                .find(|(code, _)| code == locale.code())
                .or_else(|| list.iter().find(|(code, _)| code == "en"))
                .or_else(|| list.first())
                .map_or("", |(_, s)| s.as_str()),
        }
    }
}

/// Written back in the shape it was read: a string, or an object by language.
impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Text::Same(text) => s.serialize_str(text),
            Text::PerLanguage(list) => {
                let mut map = s.serialize_map(Some(list.len()))?;
                for (code, text) in list {
                    map.serialize_entry(code, text)?;
                }
                map.end()
            }
        }
    }
}

fn check(r: &mut Reader, path: &str, s: &str) -> Option<String> {
    if s.trim().is_empty() {
        r.fail(path, "empty: write what the visitor should read");
        None
    } else if s.chars().count() > MAX_TEXT_CHARS {
        r.fail(path, format!("longer than {MAX_TEXT_CHARS} characters"));
        None
    } else {
        Some(s.to_owned())
    }
}

/// Reads a text at `path`.
pub(crate) fn read_text(r: &mut Reader, path: &str, value: &Value) -> Option<Text> {
    match value {
        Value::String(s) => check(r, path, s).map(Text::Same),
        Value::Object(map) if !map.is_empty() => {
            let mut list = Vec::new();
            for (code, v) in map {
                let p = child(path, code);
                if !Locale::ALL.iter().any(|l| l.code() == code) {
                    let known: Vec<&str> = Locale::ALL.iter().map(|l| l.code()).collect();
                    r.fail(
                        &p,
                        format!(
                            "{} is not a language the widget speaks ({})",
                            quote(code),
                            known.join(", ")
                        ),
                    );
                    continue;
                }
                if let Some(s) =
                    r.string(&p, v).and_then(|s| check(r, &p, s).map(|s| (code.clone(), s)))
                {
                    list.push(s);
                }
            }
            (list.len() == map.len()).then_some(Text::PerLanguage(list))
        }
        _ => {
            r.fail(path, "expected a text, or an object of texts by language (\"en\", \"fr\")");
            None
        }
    }
}
