//! The languages the widget speaks, and picking one from the visitor's preferences.
//!
//! Invariants:
//! - only the primary language subtag of a tag matters (`fr-Latn-CA` is French), read
//!   case-insensitively with `-` or `_` as separator (`FR_fr` is French too);
//! - negotiation never fails: with no usable tag the widget speaks English.

/// A language of the widget's catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// English, the fallback.
    #[default]
    En,
    /// French.
    Fr,
}

impl Locale {
    /// Every locale, the fallback first.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Fr];

    /// The BCP 47 language code, for `<html lang>`-style attributes and `Intl` calls.
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Fr => "fr",
        }
    }

    /// The locale of one language tag (`"fr-CA"`, `"en_GB"`, `"FR"`), if the widget
    /// speaks that language.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::i18n::Locale;
    /// assert_eq!(Locale::from_tag("fr-Latn-CA"), Some(Locale::Fr));
    /// assert_eq!(Locale::from_tag("de-DE"), None);
    /// ```
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        Locale::ALL.into_iter().find(|l| primary.eq_ignore_ascii_case(l.code()))
    }
}

/// The first locale the widget speaks among `preferred`, tags in order of preference
/// (the config's locale, then `<html lang>`, then `navigator.languages`); English when
/// none fits.
///
/// Empty tags and `"auto"` (the config's way of saying "ask the browser") are skipped,
/// so callers can pass every source without filtering them first.
///
/// # Example
/// ```
/// use sitechat_core::i18n::{negotiate, Locale};
/// assert_eq!(negotiate(["auto", "", "de-DE", "fr-CA", "en"]), Locale::Fr);
/// assert_eq!(negotiate(["es", "pt-BR"]), Locale::En);
/// ```
pub fn negotiate<'a>(preferred: impl IntoIterator<Item = &'a str>) -> Locale {
    preferred
        .into_iter()
        .filter(|tag| !tag.trim().is_empty() && !tag.trim().eq_ignore_ascii_case("auto"))
        .find_map(Locale::from_tag)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_tags_in_every_spelling() {
        for tag in ["fr", "fr-CA", "FR_fr", "fr-Latn-CA", "Fr", " fr-BE "] {
            assert_eq!(negotiate([tag]), Locale::Fr, "{tag:?}");
        }
    }

    #[test]
    fn english_tags() {
        assert_eq!(negotiate(["en-GB"]), Locale::En);
        assert_eq!(negotiate(["en-US", "fr"]), Locale::En);
    }

    #[test]
    fn unknown_tags_fall_through_to_the_next_candidate() {
        assert_eq!(negotiate(["de-DE", "fr"]), Locale::Fr);
        assert_eq!(negotiate(["french", "frr", "fr"]), Locale::Fr);
    }

    #[test]
    fn auto_and_empty_are_skipped() {
        assert_eq!(negotiate(["auto", "fr"]), Locale::Fr);
        assert_eq!(negotiate(["AUTO", "", "  ", "fr"]), Locale::Fr);
    }

    #[test]
    fn nothing_usable_means_english() {
        assert_eq!(negotiate(Vec::<&str>::new()), Locale::En);
        assert_eq!(negotiate(["auto", "", "zh-Hant", "-", "_fr"]), Locale::En);
    }

    #[test]
    fn codes_round_trip() {
        for locale in Locale::ALL {
            assert_eq!(Locale::from_tag(locale.code()), Some(locale));
        }
    }
}
