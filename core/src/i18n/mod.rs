//! Every string the visitor sees, in each language the widget speaks.
//!
//! The widget never writes visible text itself: it asks for a [`Msg`] in the
//! negotiated [`Locale`]. Invariants:
//! - every message exists in every locale (exhaustive `match` in `en.rs`, `fr.rs`);
//! - every locale's text of a message uses the same set of `{placeholders}` (checked
//!   by a test over [`Msg::ALL`]), so one call site fits all languages;
//! - texts are plain text, never HTML.

mod en;
mod fr;
mod locale;
mod msg;
mod placeholder;
mod relative_time;

pub use locale::{negotiate, Locale};
pub use msg::Msg;
pub use placeholder::{fill, placeholders};
pub use relative_time::{relative_time, RelativeTime};

/// The text of `msg` in `locale`, placeholders unfilled: for messages without any.
///
/// # Example
/// ```
/// use sitechat_core::i18n::{text, Locale, Msg};
/// assert_eq!(text(Locale::En, Msg::StartNewChat), "Start a new chat");
/// assert_eq!(text(Locale::Fr, Msg::StartNewChat), "Démarrer un nouveau chat");
/// ```
pub fn text(locale: Locale, msg: Msg) -> &'static str {
    match locale {
        Locale::En => en::text(msg),
        Locale::Fr => fr::text(msg),
    }
}

/// The text of `msg` in `locale` with its `{name}` placeholders filled from `args`;
/// placeholders without an argument are left as they are (see [`fill`]).
///
/// # Example
/// ```
/// use sitechat_core::i18n::{format, Locale, Msg};
/// assert_eq!(format(Locale::En, Msg::NamedTyping, &[("name", "Ada")]), "Ada is typing…");
/// assert_eq!(
///     format(Locale::Fr, Msg::LoadFailed, &[("reason", "timeout")]),
///     "Le chat n’a pas pu se charger\u{a0}: timeout",
/// );
/// ```
pub fn format(locale: Locale, msg: Msg, args: &[(&str, &str)]) -> String {
    fill(text(locale, msg), args)
}

/// The unread-badge label for `count` messages, in the locale's singular or plural.
///
/// English uses the singular for exactly one; French for zero and one.
///
/// # Example
/// ```
/// use sitechat_core::i18n::{unread_messages, Locale};
/// assert_eq!(unread_messages(Locale::En, 1), "1 unread message");
/// assert_eq!(unread_messages(Locale::En, 3), "3 unread messages");
/// assert_eq!(unread_messages(Locale::Fr, 3), "3 messages non lus");
/// ```
pub fn unread_messages(locale: Locale, count: u32) -> String {
    let singular = match locale {
        Locale::En => count == 1,
        Locale::Fr => count <= 1,
    };
    let msg = if singular { Msg::UnreadOne } else { Msg::UnreadMany };
    format(locale, msg, &[("count", &count.to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn placeholder_set(locale: Locale, msg: Msg) -> BTreeSet<&'static str> {
        placeholders(text(locale, msg)).into_iter().collect()
    }

    #[test]
    fn every_locale_uses_the_same_placeholders() {
        for &msg in Msg::ALL {
            let english = placeholder_set(Locale::En, msg);
            for locale in Locale::ALL {
                assert_eq!(placeholder_set(locale, msg), english, "{msg:?} in {locale:?}");
            }
        }
    }

    #[test]
    fn no_text_is_empty_or_padded() {
        for &msg in Msg::ALL {
            for locale in Locale::ALL {
                let t = text(locale, msg);
                assert!(!t.is_empty() && t.trim() == t, "{msg:?} in {locale:?}: {t:?}");
                assert!(
                    !t.contains("..."),
                    "{msg:?} in {locale:?} must use the ellipsis character"
                );
            }
        }
    }

    #[test]
    fn french_typography() {
        for &msg in Msg::ALL {
            let t = text(Locale::Fr, msg);
            assert!(!t.contains('\''), "{msg:?}: use ’ in French: {t:?}");
            assert!(!t.contains('\u{202f}'), "{msg:?}: use U+00A0 consistently: {t:?}");
            let chars: Vec<char> = t.chars().collect();
            for (i, &c) in chars.iter().enumerate() {
                if matches!(c, '?' | '!' | ':' | ';') {
                    let before = i.checked_sub(1).and_then(|j| chars.get(j));
                    assert_eq!(
                        before,
                        Some(&'\u{a0}'),
                        "{msg:?}: no-break space before {c:?}: {t:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn french_is_a_translation_not_a_copy() {
        let same: Vec<Msg> = Msg::ALL
            .iter()
            .copied()
            .filter(|&m| text(Locale::En, m) == text(Locale::Fr, m))
            .collect();
        // Words French shares with English; anything else identical is a missed translation.
        assert_eq!(
            same,
            vec![Msg::WindowLabel, Msg::ComposerLabel, Msg::MessageListLabel, Msg::Bot]
        );
    }

    #[test]
    fn format_fills_known_and_keeps_unknown_placeholders() {
        assert_eq!(
            format(Locale::En, Msg::FileTooLarge, &[("max", "10 MB")]),
            "This file is too large (max 10 MB)"
        );
        assert_eq!(format(Locale::En, Msg::TranscriptSent, &[]), "Transcript sent to {email}");
        assert_eq!(
            format(Locale::Fr, Msg::TranscriptSent, &[("email", "ada@example.org")]),
            "Transcription envoyée à ada@example.org"
        );
    }

    #[test]
    fn response_times_by_their_config_value() {
        use crate::config::ResponseTime;
        let cases = [
            (
                ResponseTime::FewMinutes,
                "Typically replies in a few minutes",
                "Répond généralement en quelques minutes",
            ),
            (
                ResponseTime::WithinAnHour,
                "Typically replies within an hour",
                "Répond généralement en moins d’une heure",
            ),
            (
                ResponseTime::FewHours,
                "Typically replies in a few hours",
                "Répond généralement en quelques heures",
            ),
            (
                ResponseTime::WithinADay,
                "Typically replies within a day",
                "Répond généralement dans la journée",
            ),
        ];
        for (time, en, fr) in cases {
            assert_eq!(text(Locale::En, time.msg()), en);
            assert_eq!(text(Locale::Fr, time.msg()), fr);
            assert!(time.msg().key().starts_with("response_time."), "{time:?}");
        }
        let lines = Msg::ALL.iter().filter(|m| m.key().starts_with("response_time.")).count();
        assert_eq!(lines, cases.len(), "one catalogue line per response time");
    }

    #[test]
    fn unread_plural_rules() {
        assert_eq!(unread_messages(Locale::En, 0), "0 unread messages");
        assert_eq!(unread_messages(Locale::Fr, 0), "0 message non lu");
        assert_eq!(unread_messages(Locale::Fr, 1), "1 message non lu");
        assert_eq!(unread_messages(Locale::Fr, 2), "2 messages non lus");
    }
}
