//! "just now", "5 min ago", "3 h ago", "yesterday": message times as people say them.
//!
//! The core has no time zone, so "yesterday" cannot mean the previous calendar day;
//! it means "24 to 48 hours ago". Anything older is [`RelativeTime::Older`], for which
//! the widget shows a date formatted by the browser (`Intl.DateTimeFormat`) instead.
//!
//! Invariants:
//! - a time in the future (clock skew between visitor and server) counts as just now;
//! - counts are whole units, rounded down ("59 min ago", never "60 min ago");
//! - no overflow on any pair of `i64` instants.

use super::{format, text, Locale, Msg};
use crate::time::UnixMillis;

const MINUTE: i64 = 60 * 1000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// How long ago something happened, in the buckets the widget displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelativeTime {
    /// Less than a minute ago (or in the future).
    JustNow,
    /// 1 ..= 59 whole minutes ago.
    Minutes(u32),
    /// 1 ..= 23 whole hours ago.
    Hours(u32),
    /// 24 to 48 hours ago.
    Yesterday,
    /// 48 hours ago or more: show a date.
    Older,
}

impl RelativeTime {
    /// The bucket of `then` seen from `now`.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::i18n::RelativeTime;
    /// let now = 1_700_000_000_000;
    /// assert_eq!(RelativeTime::between(now, now - 90_000), RelativeTime::Minutes(1));
    /// assert_eq!(RelativeTime::between(now, now + 5_000), RelativeTime::JustNow);
    /// ```
    pub fn between(now: UnixMillis, then: UnixMillis) -> RelativeTime {
        let elapsed = now.saturating_sub(then);
        if elapsed < MINUTE {
            RelativeTime::JustNow
        } else if elapsed < HOUR {
            RelativeTime::Minutes((elapsed / MINUTE) as u32)
        } else if elapsed < DAY {
            RelativeTime::Hours((elapsed / HOUR) as u32)
        } else if elapsed < 2 * DAY {
            RelativeTime::Yesterday
        } else {
            RelativeTime::Older
        }
    }
}

/// The relative time of `then` seen from `now`, or `None` when it is 48 hours old or
/// more and the widget should show a browser-formatted date instead.
///
/// # Example
/// ```
/// use sitechat_core::i18n::{relative_time, Locale};
/// let now = 1_700_000_000_000;
/// assert_eq!(relative_time(Locale::En, now, now - 5 * 60_000).as_deref(), Some("5 min ago"));
/// assert_eq!(relative_time(Locale::Fr, now, now - 3 * 3_600_000).as_deref(), Some("il y a 3\u{a0}h"));
/// assert_eq!(relative_time(Locale::En, now, now - 3 * 86_400_000), None);
/// ```
pub fn relative_time(locale: Locale, now: UnixMillis, then: UnixMillis) -> Option<String> {
    match RelativeTime::between(now, then) {
        RelativeTime::JustNow => Some(text(locale, Msg::JustNow).to_string()),
        RelativeTime::Minutes(n) => Some(format(locale, Msg::MinutesAgo, &[("n", &n.to_string())])),
        RelativeTime::Hours(n) => Some(format(locale, Msg::HoursAgo, &[("n", &n.to_string())])),
        RelativeTime::Yesterday => Some(text(locale, Msg::YesterdayRelative).to_string()),
        RelativeTime::Older => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: UnixMillis = 1_700_000_000_000;

    #[test]
    fn bucket_edges() {
        assert_eq!(RelativeTime::between(NOW, NOW), RelativeTime::JustNow);
        assert_eq!(RelativeTime::between(NOW, NOW - MINUTE + 1), RelativeTime::JustNow);
        assert_eq!(RelativeTime::between(NOW, NOW - MINUTE), RelativeTime::Minutes(1));
        assert_eq!(RelativeTime::between(NOW, NOW - HOUR + 1), RelativeTime::Minutes(59));
        assert_eq!(RelativeTime::between(NOW, NOW - HOUR), RelativeTime::Hours(1));
        assert_eq!(RelativeTime::between(NOW, NOW - DAY + 1), RelativeTime::Hours(23));
        assert_eq!(RelativeTime::between(NOW, NOW - DAY), RelativeTime::Yesterday);
        assert_eq!(RelativeTime::between(NOW, NOW - 2 * DAY + 1), RelativeTime::Yesterday);
        assert_eq!(RelativeTime::between(NOW, NOW - 2 * DAY), RelativeTime::Older);
    }

    #[test]
    fn future_and_extreme_instants() {
        assert_eq!(RelativeTime::between(NOW, NOW + HOUR), RelativeTime::JustNow);
        assert_eq!(RelativeTime::between(i64::MAX, i64::MIN), RelativeTime::Older);
        assert_eq!(RelativeTime::between(i64::MIN, i64::MAX), RelativeTime::JustNow);
    }

    #[test]
    fn english_texts() {
        let at = |ago| relative_time(Locale::En, NOW, NOW - ago);
        assert_eq!(at(10_000).as_deref(), Some("just now"));
        assert_eq!(at(42 * MINUTE).as_deref(), Some("42 min ago"));
        assert_eq!(at(5 * HOUR).as_deref(), Some("5 h ago"));
        assert_eq!(at(30 * HOUR).as_deref(), Some("yesterday"));
        assert_eq!(at(50 * HOUR), None);
    }

    #[test]
    fn french_texts() {
        let at = |ago| relative_time(Locale::Fr, NOW, NOW - ago);
        assert_eq!(at(10_000).as_deref(), Some("à l’instant"));
        assert_eq!(at(42 * MINUTE).as_deref(), Some("il y a 42\u{a0}min"));
        assert_eq!(at(5 * HOUR).as_deref(), Some("il y a 5\u{a0}h"));
        assert_eq!(at(30 * HOUR).as_deref(), Some("hier"));
    }
}
