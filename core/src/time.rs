//! Time as the core sees it: plain numbers handed in from outside.
//!
//! The core never reads a clock and carries no time-zone database. The widget passes
//! the current instant (`UnixMillis`) and, for availability, the wall clock in the
//! business's time zone (`WallTime`), which the browser computes with `Intl`.

use serde::{Deserialize, Serialize};

/// Milliseconds since the Unix epoch, UTC. The unit of every timestamp on the wire.
pub type UnixMillis = i64;

/// Minutes in one week; wall-clock arithmetic wraps at this value.
pub const MINUTES_PER_WEEK: u32 = 7 * 24 * 60;

/// A day of the week, Monday first (ISO 8601), as written in the config (`"mon"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// Every day, Monday first.
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// 0 for Monday … 6 for Sunday.
    pub fn index(self) -> u32 {
        self as u32
    }

    /// The day `index` (taken modulo 7) counting from Monday = 0.
    pub fn from_index(index: u32) -> Weekday {
        Weekday::ALL[(index % 7) as usize]
    }

    /// The config spelling: `"mon"` … `"sun"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }

    /// Parses the config spelling, also accepting full English names (`"monday"`), any case.
    pub fn parse(s: &str) -> Option<Weekday> {
        let lower = s.trim().to_ascii_lowercase();
        Weekday::ALL.into_iter().find(|d| {
            let short = d.as_str();
            lower == short || (lower.len() > 3 && lower.starts_with(short) && full_name(*d) == lower)
        })
    }
}

fn full_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "monday",
        Weekday::Tue => "tuesday",
        Weekday::Wed => "wednesday",
        Weekday::Thu => "thursday",
        Weekday::Fri => "friday",
        Weekday::Sat => "saturday",
        Weekday::Sun => "sunday",
    }
}

/// A local wall-clock position within the week, in some time zone.
///
/// Only the weekday and the minute of the day matter for weekly opening hours; the
/// date does not, which is why this is all the browser has to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WallTime {
    pub weekday: Weekday,
    /// 0 ..= 1439.
    pub minute_of_day: u16,
}

impl WallTime {
    /// # Example
    /// ```
    /// use sitechat_core::time::{WallTime, Weekday};
    /// let t = WallTime::new(Weekday::Tue, 9 * 60 + 30);
    /// assert_eq!(t.minute_of_week(), 24 * 60 + 9 * 60 + 30);
    /// ```
    pub fn new(weekday: Weekday, minute_of_day: u16) -> WallTime {
        WallTime { weekday, minute_of_day: minute_of_day.min(24 * 60 - 1) }
    }

    /// Minutes since Monday 00:00.
    pub fn minute_of_week(self) -> u32 {
        self.weekday.index() * 24 * 60 + u32::from(self.minute_of_day)
    }

    /// The wall time `minute` minutes after Monday 00:00 (taken modulo one week).
    pub fn from_minute_of_week(minute: u32) -> WallTime {
        let m = minute % MINUTES_PER_WEEK;
        WallTime { weekday: Weekday::from_index(m / (24 * 60)), minute_of_day: (m % (24 * 60)) as u16 }
    }

    /// Wall-clock minutes from `self` forward to `later`, wrapping over the week end
    /// (0 when equal).
    pub fn minutes_until(self, later: WallTime) -> u32 {
        (later.minute_of_week() + MINUTES_PER_WEEK - self.minute_of_week()) % MINUTES_PER_WEEK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_parse_accepts_short_and_full_names() {
        assert_eq!(Weekday::parse("mon"), Some(Weekday::Mon));
        assert_eq!(Weekday::parse("Sunday"), Some(Weekday::Sun));
        assert_eq!(Weekday::parse("SAT"), Some(Weekday::Sat));
        assert_eq!(Weekday::parse("mond"), None);
        assert_eq!(Weekday::parse("funday"), None);
    }

    #[test]
    fn minutes_until_wraps_over_the_week_end() {
        let sun_late = WallTime::new(Weekday::Sun, 23 * 60);
        let mon_nine = WallTime::new(Weekday::Mon, 9 * 60);
        assert_eq!(sun_late.minutes_until(mon_nine), 60 + 9 * 60);
        assert_eq!(mon_nine.minutes_until(mon_nine), 0);
    }

    #[test]
    fn minute_of_week_round_trips() {
        for m in [0, 1, 1439, 1440, 10079] {
            assert_eq!(WallTime::from_minute_of_week(m).minute_of_week(), m);
        }
        assert_eq!(WallTime::from_minute_of_week(MINUTES_PER_WEEK).minute_of_week(), 0);
    }
}
