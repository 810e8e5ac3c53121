//! The site owner's configuration: one JSON document, typed and validated.
//!
//! Every field is optional (`{}` is a valid config); see `docs/configuration.md` for
//! the full reference. Validation walks the whole document and reports **every**
//! problem at once, each naming its field path and the bad value, so a broken config
//! is fixed in one round and the host page never breaks.
//!
//! Invariants:
//! - [`parse_config`] and [`Config::from_value`] never panic, on any input;
//! - unknown fields are errors (a misspelt setting must not be silently ignored);
//! - a [`Config`] returned by them satisfies the invariants stated in each section's
//!   module, and serialises back to JSON that [`parse_config`] reads to an equal value.

mod appearance;
mod availability;
mod bot;
mod error;
mod options;
mod profile;
pub(crate) mod reader;

pub use appearance::{Appearance, Position, DEFAULT_THEME_COLOR};
pub use availability::{
    format_time, parse_time, Availability, AwayBehavior, ResponseTime, WeeklyRange,
    MAX_AWAY_MESSAGE_CHARS, MINUTES_PER_DAY,
};
pub use bot::Bot;
pub use error::{ConfigError, ConfigErrors, DOCUMENT_PATH};
pub use options::{
    Options, DEFAULT_ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_INACTIVITY_TIMEOUT_MINUTES,
};
pub use profile::{Meetings, Profile, MAX_NAME_CHARS};

use reader::Reader;
use serde::Serialize;
use serde_json::Value;

/// Everything a site owner can set.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Config {
    pub profile: Profile,
    pub appearance: Appearance,
    pub availability: Availability,
    pub bot: Bot,
    pub options: Options,
}

const SECTIONS: &[&str] = &["profile", "appearance", "availability", "bot", "options"];

/// Parses and validates a config document.
///
/// # Example
/// ```
/// use sitechat_core::config::{parse_config, Position};
/// let config = parse_config(r#"{ "appearance": { "position": "left" } }"#).unwrap();
/// assert_eq!(config.appearance.position, Position::Left);
/// assert_eq!(config.profile.name, "Support");
///
/// let errors = parse_config(r#"{ "options": { "attachments": "yes" } }"#).unwrap_err();
/// assert_eq!(errors.to_string(), r#"options.attachments: expected true or false, found "yes""#);
/// ```
pub fn parse_config(json: &str) -> Result<Config, ConfigErrors> {
    match serde_json::from_str::<Value>(json) {
        Ok(value) => Config::from_value(&value),
        Err(e) => Err(document_error(format!(
            "not valid JSON: {} at line {} column {}",
            syntax_problem(&e),
            e.line(),
            e.column()
        ))),
    }
}

impl Config {
    /// Validates an already-parsed JSON value (e.g. one the browser's `JSON.parse`
    /// produced, or a section embedded in a larger document).
    ///
    /// # Example
    /// ```
    /// use sitechat_core::config::Config;
    /// let value = serde_json::json!({ "appearance": { "colour": "#fff" } });
    /// let errors = Config::from_value(&value).unwrap_err();
    /// assert_eq!(errors.to_string(), r#"appearance.colour: unknown field (did you mean "theme_color"?)"#);
    /// ```
    pub fn from_value(value: &Value) -> Result<Config, ConfigErrors> {
        let mut r = Reader::default();
        let config = read_config(&mut r, value);
        match ConfigErrors::from_vec(r.into_errors()) {
            Some(errors) => Err(errors),
            None => Ok(config),
        }
    }

    /// The config as JSON, in the same shape [`parse_config`] reads (day lists are
    /// written one range per day).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

fn read_config(r: &mut Reader, value: &Value) -> Config {
    let mut config = Config::default();
    if !value.is_object() {
        r.fail(DOCUMENT_PATH, format!("expected an object, found {}", reader::describe(value)));
        return config;
    }
    let Some(map) = r.object("", value, SECTIONS) else { return config };
    if let Some(v) = map.get("profile") {
        config.profile = profile::read_profile(r, "profile", v);
    }
    if let Some(v) = map.get("appearance") {
        config.appearance = appearance::read_appearance(r, "appearance", v);
    }
    if let Some(v) = map.get("availability") {
        config.availability = availability::read_availability(r, "availability", v);
    }
    if let Some(v) = map.get("bot") {
        config.bot = bot::read_bot(r, "bot", v);
    }
    if let Some(v) = map.get("options") {
        config.options = options::read_options(r, "options", v);
    }
    config
}

fn document_error(message: String) -> ConfigErrors {
    ConfigErrors::single(ConfigError { path: DOCUMENT_PATH.to_owned(), message })
}

/// serde_json's message without its own " at line … column …" suffix, which we add
/// in a fixed form.
fn syntax_problem(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text.get(..i).unwrap_or(&text).to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests;
