//! The catalogue is exactly what the visitor sees: every message is shown somewhere,
//! and none shows a raw `{placeholder}`.
//!
//! Reads the sources of the core and of the widget (`../src`), the way a reviewer
//! would: a message no code names is dead text (and a promise of a feature that does
//! not exist), and a message with placeholders shown through `text()` instead of
//! `format()` shows its braces to the visitor.

use std::path::{Path, PathBuf};

use sitechat_core::i18n::{format, placeholders, text, Locale, Msg};

fn sources() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let catalogue = path.ends_with("i18n/en.rs")
                    || path.ends_with("i18n/fr.rs")
                    || path.ends_with("i18n/msg.rs");
                if !catalogue {
                    if let Ok(text) = std::fs::read_to_string(&path) {
                        out.push((path, text));
                    }
                }
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    walk(&root.join("src"), &mut out);
    walk(&root.join("../src"), &mut out);
    assert!(out.len() > 40, "the widget's sources were not found ({} files)", out.len());
    out
}

fn names(source: &str, msg: Msg) -> bool {
    let needle = format!("Msg::{msg:?}");
    source.match_indices(&needle).any(|(at, _)| {
        let next = source[at + needle.len()..].chars().next();
        !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
    }) || source.contains(&format!("\"{}\"", msg.key()))
}

#[test]
fn every_catalogue_message_is_used_by_some_code() {
    let sources = sources();
    let unused: Vec<Msg> = Msg::ALL
        .iter()
        .copied()
        .filter(|&msg| !sources.iter().any(|(_, source)| names(source, msg)))
        .collect();
    assert!(unused.is_empty(), "catalogue messages no code shows: {unused:?}");
}

/// Every `text(…)` call's argument list, with where it is.
fn text_calls(source: &str) -> Vec<(usize, &str)> {
    let mut calls = Vec::new();
    for (at, _) in source.match_indices("text(") {
        let before = source[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let args = &source[at + 5..];
        let mut depth = 1;
        let end = args
            .char_indices()
            .find(|&(_, c)| {
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                depth == 0
            })
            .map_or(args.len(), |(i, _)| i);
        let line = source[..at].lines().count();
        calls.push((line, &args[..end]));
    }
    calls
}

#[test]
fn messages_with_placeholders_are_never_shown_through_text() {
    let mut wrong = Vec::new();
    for (path, source) in sources() {
        for (line, args) in text_calls(&source) {
            for &msg in Msg::ALL {
                if !placeholders(text(Locale::En, msg)).is_empty() && names(args, msg) {
                    wrong.push(format!("{}:{line}: {msg:?}", path.display()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "use format() for messages with placeholders: {wrong:#?}");
}

#[test]
fn every_message_rendered_with_its_arguments_has_no_braces_left() {
    for &msg in Msg::ALL {
        for locale in Locale::ALL {
            let names = placeholders(text(locale, msg));
            let args: Vec<(&str, &str)> = names.iter().map(|n| (*n, "x")).collect();
            let shown = format(locale, msg, &args);
            assert!(!shown.contains('{') && !shown.contains('}'), "{msg:?} in {locale:?}: {shown}");
        }
    }
}
