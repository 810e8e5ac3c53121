//! Reading untrusted JSON text into typed frames, with errors that name the field.
//!
//! Invariants:
//! - nothing here panics, whatever the input: every lookup is checked and every
//!   problem becomes a [`DecodeError`] carrying the dotted path of the field
//!   (`message.message.seq`, `history.messages[3].author.kind`) and what was wrong;
//! - paths start with the frame's `type`, so one message tells the reader both which
//!   frame and which field;
//! - a JSON `null` counts as an absent field: optional fields accept either, required
//!   ones refuse both; unknown fields are ignored so either side may add fields later;
//! - limits from [`limits`](super::limits) are checked here, once, for both ends.
//!
//! The [`Obj`] reader is shared by every frame family (visitor commands, server
//! events, and later the agent inbox's frames), which is what lets a new family be a
//! new enum with its own `decode` and nothing else.

use std::fmt;

use serde_json::{Map, Value};

use super::limits::{MAX_FRAME_BYTES, MAX_ID_CHARS};

/// Why a frame could not be decoded. `Display` gives a one-line, English,
/// developer-facing explanation such as `message.message.seq: expected an unsigned integer`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    path: String,
    problem: Problem,
}

/// What was wrong, without the location (see [`DecodeError::path`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// The text is not JSON at all; `detail` is the parser's explanation.
    NotJson { detail: String },
    /// The text is longer than [`MAX_FRAME_BYTES`].
    FrameTooLarge { bytes: usize },
    /// A JSON object was expected (the frame itself, or a nested value).
    NotAnObject,
    /// The frame has no `type` string.
    MissingType,
    /// The `type` is not one this family knows; `family` is "command" or "event".
    UnknownType { family: &'static str, name: String },
    /// A required field is absent or `null`.
    Missing,
    /// The field has the wrong JSON type or an out-of-range number.
    Expected(&'static str),
    /// The string is longer than allowed.
    TooLong { max_chars: usize },
    /// The list has more items than allowed.
    TooMany { max_items: usize },
    /// An identifier is empty.
    Empty,
}

impl DecodeError {
    pub(crate) fn new(path: impl Into<String>, problem: Problem) -> DecodeError {
        DecodeError { path: path.into(), problem }
    }

    /// An unknown `type`; the name is cut to 64 characters so a hostile frame cannot
    /// make the error message huge.
    pub(crate) fn unknown_type(family: &'static str, name: &str) -> DecodeError {
        let name = name.chars().take(64).collect();
        DecodeError::new("", Problem::UnknownType { family, name })
    }

    /// The dotted path of the offending field, empty when the frame as a whole is wrong.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        match &self.problem {
            Problem::NotJson { detail } => write!(f, "not JSON: {detail}"),
            Problem::FrameTooLarge { bytes } => {
                write!(f, "frame of {bytes} bytes is larger than {MAX_FRAME_BYTES} bytes")
            }
            Problem::NotAnObject => f.write_str("expected a JSON object"),
            Problem::MissingType => f.write_str("missing the \"type\" string"),
            Problem::UnknownType { family, name } => write!(f, "unknown {family} type {name:?}"),
            Problem::Missing => f.write_str("missing"),
            Problem::Expected(what) => write!(f, "expected {what}"),
            Problem::TooLong { max_chars } => write!(f, "longer than {max_chars} characters"),
            Problem::TooMany { max_items } => write!(f, "more than {max_items} items"),
            Problem::Empty => f.write_str("must not be empty"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Parses `text` as JSON after checking its size.
pub(crate) fn parse_json(text: &str) -> Result<Value, DecodeError> {
    if text.len() > MAX_FRAME_BYTES {
        return Err(DecodeError::new("", Problem::FrameTooLarge { bytes: text.len() }));
    }
    serde_json::from_str(text)
        .map_err(|e| DecodeError::new("", Problem::NotJson { detail: e.to_string() }))
}

/// Splits a parsed frame into its `type` and a reader for its fields, whose paths
/// start with the type name.
pub(crate) fn tagged(value: &Value) -> Result<(&str, Obj<'_>), DecodeError> {
    let map = value.as_object().ok_or_else(|| DecodeError::new("", Problem::NotAnObject))?;
    let kind = match map.get("type") {
        None | Some(Value::Null) => return Err(DecodeError::new("", Problem::MissingType)),
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Err(DecodeError::new("type", Problem::Expected("a string"))),
    };
    Ok((kind, Obj { map, path: kind.to_owned() }))
}

/// A checked view of one JSON object that knows where it sits in the frame.
pub(crate) struct Obj<'a> {
    map: &'a Map<String, Value>,
    path: String,
}

impl<'a> Obj<'a> {
    /// Views `value` as an object located at `path`.
    pub(crate) fn at(value: &'a Value, path: String) -> Result<Obj<'a>, DecodeError> {
        match value.as_object() {
            Some(map) => Ok(Obj { map, path }),
            None => Err(DecodeError::new(path, Problem::NotAnObject)),
        }
    }

    fn path_of(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn fail<T>(&self, key: &str, problem: Problem) -> Result<T, DecodeError> {
        Err(DecodeError::new(self.path_of(key), problem))
    }

    /// The value under `key`, treating `null` as absent.
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn required(&self, key: &str) -> Result<&'a Value, DecodeError> {
        match self.get(key) {
            Some(v) => Ok(v),
            None => self.fail(key, Problem::Missing),
        }
    }

    fn check_len(&self, key: &str, s: &str, max_chars: usize) -> Result<(), DecodeError> {
        // Byte length bounds char count from above: skip the count for short strings.
        if s.len() > max_chars && s.chars().count() > max_chars {
            return self.fail(key, Problem::TooLong { max_chars });
        }
        Ok(())
    }

    /// A required string of at most `max_chars` characters (empty allowed).
    pub(crate) fn string(&self, key: &str, max_chars: usize) -> Result<String, DecodeError> {
        match self.required(key)? {
            Value::String(s) => {
                self.check_len(key, s, max_chars)?;
                Ok(s.clone())
            }
            _ => self.fail(key, Problem::Expected("a string")),
        }
    }

    /// An optional string of at most `max_chars` characters.
    pub(crate) fn opt_string(
        &self,
        key: &str,
        max_chars: usize,
    ) -> Result<Option<String>, DecodeError> {
        match self.get(key) {
            None => Ok(None),
            Some(_) => self.string(key, max_chars).map(Some),
        }
    }

    /// A required, non-empty identifier of at most [`MAX_ID_CHARS`] characters, as a
    /// `String` or one of the id types (`ClientId`, …).
    pub(crate) fn id<T: From<String>>(&self, key: &str) -> Result<T, DecodeError> {
        let s = self.string(key, MAX_ID_CHARS)?;
        if s.is_empty() {
            return self.fail(key, Problem::Empty);
        }
        Ok(T::from(s))
    }

    /// An optional identifier; when present it must be non-empty.
    pub(crate) fn opt_id<T: From<String>>(&self, key: &str) -> Result<Option<T>, DecodeError> {
        match self.get(key) {
            None => Ok(None),
            Some(_) => self.id(key).map(Some),
        }
    }

    /// A required unsigned integer.
    pub(crate) fn u64(&self, key: &str) -> Result<u64, DecodeError> {
        match self.required(key)?.as_u64() {
            Some(n) => Ok(n),
            None => self.fail(key, Problem::Expected("an unsigned integer")),
        }
    }

    /// A required unsigned 32-bit integer.
    pub(crate) fn u32(&self, key: &str) -> Result<u32, DecodeError> {
        match self.required(key)?.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Ok(n),
            None => self.fail(key, Problem::Expected("an unsigned 32-bit integer")),
        }
    }

    /// A required signed integer (timestamps in Unix milliseconds).
    pub(crate) fn i64(&self, key: &str) -> Result<i64, DecodeError> {
        match self.required(key)?.as_i64() {
            Some(n) => Ok(n),
            None => self.fail(key, Problem::Expected("an integer")),
        }
    }

    /// A required boolean.
    pub(crate) fn bool(&self, key: &str) -> Result<bool, DecodeError> {
        match self.required(key)? {
            Value::Bool(b) => Ok(*b),
            _ => self.fail(key, Problem::Expected("a boolean")),
        }
    }

    /// An optional boolean, `default` when absent.
    pub(crate) fn bool_or(&self, key: &str, default: bool) -> Result<bool, DecodeError> {
        match self.get(key) {
            None => Ok(default),
            Some(_) => self.bool(key),
        }
    }

    /// A required nested object.
    pub(crate) fn object(&self, key: &str) -> Result<Obj<'a>, DecodeError> {
        Obj::at(self.required(key)?, self.path_of(key))
    }

    /// A required string that must be one of a closed set of words; `expected`
    /// lists them for the error message.
    pub(crate) fn word<T>(
        &self,
        key: &str,
        parse: fn(&str) -> Option<T>,
        expected: &'static str,
    ) -> Result<T, DecodeError> {
        match self.required(key)? {
            Value::String(s) => match parse(s) {
                Some(t) => Ok(t),
                None => self.fail(key, Problem::Expected(expected)),
            },
            _ => self.fail(key, Problem::Expected(expected)),
        }
    }

    /// A list of objects, each read with `item`; absent or `null` is an empty list
    /// (so senders may omit empty lists), more than `max_items` is an error.
    pub(crate) fn list<T>(
        &self,
        key: &str,
        max_items: usize,
        item: impl Fn(&Obj<'a>) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        let items = match self.get(key) {
            None => return Ok(Vec::new()),
            Some(Value::Array(items)) => items,
            Some(_) => return self.fail(key, Problem::Expected("an array")),
        };
        if items.len() > max_items {
            return self.fail(key, Problem::TooMany { max_items });
        }
        let base = self.path_of(key);
        items.iter().enumerate().map(|(i, v)| item(&Obj::at(v, format!("{base}[{i}]"))?)).collect()
    }
}
