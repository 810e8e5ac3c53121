//! What is wrong with a config, said so a site owner can fix it.
//!
//! Invariants: a [`ConfigErrors`] is never empty; every [`ConfigError`] names one
//! field by its path from the document root (`availability.hours[2].to`, or
//! `(document)` for the whole input) and a message that quotes the bad value.

use std::fmt;

/// The path used when the problem is the document as a whole (not JSON, not an object).
pub const DOCUMENT_PATH: &str = "(document)";

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// Dotted path with `[index]` for array items, e.g. `availability.hours[2].to`.
    pub path: String,
    /// Human-readable, names the offending value, e.g.
    /// `"25:00" is not a time (expected HH:MM, 00:00 to 24:00)`.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Every problem found in one config, section by section, so the owner fixes them all
/// in one round instead of one per reload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors {
    errors: Vec<ConfigError>,
}

impl ConfigErrors {
    /// `None` when there is nothing to report, which keeps the "never empty" invariant.
    pub fn from_vec(errors: Vec<ConfigError>) -> Option<ConfigErrors> {
        if errors.is_empty() {
            None
        } else {
            Some(ConfigErrors { errors })
        }
    }

    pub fn single(error: ConfigError) -> ConfigErrors {
        ConfigErrors { errors: vec![error] }
    }

    pub fn errors(&self) -> &[ConfigError] {
        &self.errors
    }

    pub fn len(&self) -> usize {
        self.errors.len()
    }

    /// Always false; present because clippy expects it next to `len`.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The message for `path`, if that field has a problem; handy in tests and UIs
    /// that highlight one form field.
    pub fn message_for(&self, path: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.path == path).map(|e| e.message.as_str())
    }
}

/// One error per line, no trailing newline.
impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl IntoIterator for ConfigErrors {
    type Item = ConfigError;
    type IntoIter = std::vec::IntoIter<ConfigError>;
    fn into_iter(self) -> Self::IntoIter {
        self.errors.into_iter()
    }
}
