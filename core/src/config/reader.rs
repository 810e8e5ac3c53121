//! The JSON walker the config sections are read with.
//!
//! Reading never stops at the first problem: each accessor records an error (path +
//! message naming the bad value) and returns `None`, and the caller falls back to the
//! default so the rest of the document is still checked. The public entry point turns
//! the collected list into `Err` when it is not empty.
//!
//! Invariants: no accessor panics on any `Value`; quoted values in messages are JSON
//! string literals, cut to a readable length.

use super::error::ConfigError;
use serde_json::{Map, Value};
use std::ops::RangeInclusive;

/// Collects the problems found while walking one document.
#[derive(Debug, Default)]
pub(crate) struct Reader {
    errors: Vec<ConfigError>,
}

impl Reader {
    pub(crate) fn into_errors(self) -> Vec<ConfigError> {
        self.errors
    }

    pub(crate) fn fail(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(ConfigError { path: path.to_owned(), message: message.into() });
    }

    /// An object whose keys must all be in `allowed`; unknown keys are reported with
    /// the closest allowed name, because a typo silently ignored is a setting the owner
    /// thinks is applied and is not.
    pub(crate) fn object<'v>(
        &mut self,
        path: &str,
        value: &'v Value,
        allowed: &[&str],
    ) -> Option<&'v Map<String, Value>> {
        self.object_with_hint(path, value, allowed, |_| None)
    }

    /// Like [`Reader::object`], with `hint` explaining keys that are known elsewhere
    /// (e.g. valid only in another availability mode).
    pub(crate) fn object_with_hint<'v>(
        &mut self,
        path: &str,
        value: &'v Value,
        allowed: &[&str],
        hint: impl Fn(&str) -> Option<String>,
    ) -> Option<&'v Map<String, Value>> {
        let Value::Object(map) = value else {
            self.fail(path, format!("expected an object, found {}", describe(value)));
            return None;
        };
        for key in map.keys().filter(|k| !allowed.contains(&k.as_str())) {
            let message = match (hint(key), suggest(key, allowed)) {
                (Some(h), _) => format!("unknown field ({h})"),
                (None, Some(s)) => format!("unknown field (did you mean {}?)", quote(s)),
                (None, None) => format!("unknown field (expected {})", one_of(allowed)),
            };
            self.fail(&child(path, key), message);
        }
        Some(map)
    }

    pub(crate) fn bool(&mut self, path: &str, value: &Value) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            other => self.wrong_type(path, "true or false", other),
        }
    }

    pub(crate) fn string<'v>(&mut self, path: &str, value: &'v Value) -> Option<&'v str> {
        match value {
            Value::String(s) => Some(s),
            other => self.wrong_type(path, "a string", other),
        }
    }

    /// A string, or `None` without error for JSON `null` (the "not set" spelling).
    pub(crate) fn nullable_string<'v>(
        &mut self,
        path: &str,
        value: &'v Value,
    ) -> Option<Option<&'v str>> {
        match value {
            Value::Null => Some(None),
            Value::String(s) => Some(Some(s)),
            other => self.wrong_type(path, "a string or null", other),
        }
    }

    pub(crate) fn array<'v>(&mut self, path: &str, value: &'v Value) -> Option<&'v [Value]> {
        match value {
            Value::Array(items) => Some(items),
            other => self.wrong_type(path, "an array", other),
        }
    }

    /// A whole number inside `range`.
    pub(crate) fn integer(
        &mut self,
        path: &str,
        value: &Value,
        range: RangeInclusive<u64>,
    ) -> Option<u64> {
        let Value::Number(n) = value else {
            return self.wrong_type(path, "a whole number", value);
        };
        match n.as_u64() {
            Some(v) if range.contains(&v) => Some(v),
            Some(_) => {
                self.fail(
                    path,
                    format!("{n} is out of range (expected {} to {})", range.start(), range.end()),
                );
                None
            }
            None if n.as_i64().is_some() => {
                self.fail(
                    path,
                    format!("{n} is out of range (expected {} to {})", range.start(), range.end()),
                );
                None
            }
            None => self.wrong_type(path, "a whole number", value),
        }
    }

    /// One of a fixed set of string keywords, with a suggestion for near misses.
    pub(crate) fn keyword<T: Copy>(
        &mut self,
        path: &str,
        value: &Value,
        choices: &[(&str, T)],
    ) -> Option<T> {
        let s = self.string(path, value)?;
        if let Some((_, v)) = choices.iter().find(|(name, _)| *name == s) {
            return Some(*v);
        }
        let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
        let message = match suggest(s, &names) {
            Some(near) => format!(
                "{} is not allowed (expected {}; did you mean {}?)",
                quote(s),
                one_of(&names),
                quote(near)
            ),
            None => format!("{} is not allowed (expected {})", quote(s), one_of(&names)),
        };
        self.fail(path, message);
        None
    }

    fn wrong_type<T>(&mut self, path: &str, expected: &str, found: &Value) -> Option<T> {
        self.fail(path, format!("expected {expected}, found {}", describe(found)));
        None
    }
}

/// `parent.key`, or just `key` at the root. A key that is not a plain name (empty, or
/// with spaces, dots, quotes…) is written `parent["key"]` as a JSON string, so every path
/// names its field unambiguously and is never empty (found by the `config` fuzz target:
/// `{"": 1}` used to give an error with an empty path).
pub(crate) fn child(parent: &str, key: &str) -> String {
    let plain =
        !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (plain, parent.is_empty()) {
        (true, true) => key.to_owned(),
        (true, false) => format!("{parent}.{key}"),
        (false, _) => format!("{parent}[{}]", quote(key)),
    }
}

/// `parent[index]`.
pub(crate) fn item(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// A JSON value as a message shows it: scalars literally, containers by kind.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quote(s),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// Longest string content quoted in a message, in characters.
const QUOTE_MAX_CHARS: usize = 60;

/// A JSON string literal of `s`, shortened with `…` when long.
pub(crate) fn quote(s: &str) -> String {
    let shown: String = if s.chars().count() > QUOTE_MAX_CHARS {
        s.chars().take(QUOTE_MAX_CHARS - 1).chain(std::iter::once('…')).collect()
    } else {
        s.to_owned()
    };
    serde_json::to_string(&shown).unwrap_or_else(|_| format!("{shown:?}"))
}

/// `"a"`, `"a" or "b"`, `"a", "b" or "c"`.
pub(crate) fn one_of(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| quote(n)).collect();
    match quoted.split_last() {
        None => "nothing".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// The candidate closest to `word`, if close enough to be a plausible typo.
///
/// Whole names and their `_`-separated parts are both compared, so `colour` finds
/// `theme_color` through its `color` part.
pub(crate) fn suggest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_ascii_lowercase().replace('-', "_");
    let budget = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .filter_map(|&cand| {
            let whole = edit_distance(&word, cand);
            let part =
                cand.split('_').filter(|p| p.len() >= 3).map(|p| edit_distance(&word, p) + 1).min();
            let best = part.map_or(whole, |p| p.min(whole));
            (best <= budget).then_some((best, cand))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance over characters where swapping two neighbours counts as one edit
/// (optimal string alignment), since "rigth" for "right" is the commonest typo.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    // d[i * width + j] = distance between a[..i] and b[..j].
    let mut d: Vec<usize> = vec![0; (a.len() + 1) * width];
    for (i, row) in d.chunks_mut(width).enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            *cell = if i == 0 {
                j
            } else if j == 0 {
                i
            } else {
                0
            };
        }
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn suggestions_catch_typos_and_british_spelling() {
        let appearance = ["theme_color", "position", "branding", "locale"];
        assert_eq!(suggest("colour", &appearance), Some("theme_color"));
        assert_eq!(suggest("theme-color", &appearance), Some("theme_color"));
        assert_eq!(suggest("postion", &appearance), Some("position"));
        assert_eq!(suggest("brandng", &appearance), Some("branding"));
        assert_eq!(suggest("zzz", &appearance), None);
        assert_eq!(suggest("language", &appearance), None);
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
        assert_eq!(edit_distance("rigth", "right"), 1);
        assert_eq!(edit_distance("ca", "abc"), 3);
    }

    #[test]
    fn wrong_types_name_what_was_found() {
        let mut r = Reader::default();
        assert_eq!(r.bool("a", &json!("yes")), None);
        assert_eq!(r.integer("b", &json!(2.5), 1..=10), None);
        assert_eq!(r.integer("c", &json!(-3), 1..=10), None);
        assert_eq!(r.integer("d", &json!(7), 1..=10), Some(7));
        assert_eq!(r.string("e", &json!([1])), None);
        let messages: Vec<String> = r.into_errors().iter().map(ToString::to_string).collect();
        assert_eq!(
            messages,
            [
                "a: expected true or false, found \"yes\"",
                "b: expected a whole number, found 2.5",
                "c: -3 is out of range (expected 1 to 10)",
                "e: expected a string, found an array",
            ]
        );
    }

    #[test]
    fn long_values_are_cut_when_quoted() {
        let long = "é".repeat(100);
        let q = quote(&long);
        assert_eq!(q.chars().count(), QUOTE_MAX_CHARS + 2);
        assert!(q.ends_with("…\""));
    }

    #[test]
    fn one_of_reads_like_a_sentence() {
        assert_eq!(one_of(&["a"]), "\"a\"");
        assert_eq!(one_of(&["a", "b", "c"]), "\"a\", \"b\" or \"c\"");
    }
}
