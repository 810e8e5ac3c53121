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
            lower == short
                || (lower.len() > 3 && lower.starts_with(short) && full_name(*d) == lower)
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
        WallTime {
            weekday: Weekday::from_index(m / (24 * 60)),
            minute_of_day: (m % (24 * 60)) as u16,
        }
    }

    /// Wall-clock minutes from `self` forward to `later`, wrapping over the week end
    /// (0 when equal).
    pub fn minutes_until(self, later: WallTime) -> u32 {
        (later.minute_of_week() + MINUTES_PER_WEEK - self.minute_of_week()) % MINUTES_PER_WEEK
    }
}

/// The instant at which the wall clock, which reads `wall_at(now)` at `now`, will have
/// advanced by `minutes` wall-clock minutes.
///
/// Wall minutes and real minutes differ across a daylight-saving change (a spring-forward
/// night has one wall hour fewer), so a timer set for `minutes * 60 s` would fire an hour
/// late. This refines the naive guess with the zone's own clock (`wall_at`, given by the
/// caller, e.g. from `Intl`), so the widget flips to away exactly at closing time. When
/// the target wall time does not exist (it falls in a skipped hour) the result is the
/// first instant after the gap. When `wall_at` fails the naive guess is returned: the
/// caller re-evaluates when the timer fires anyway.
///
/// # Example
/// ```
/// use sitechat_core::time::{instant_after_wall_minutes, WallTime};
/// // A zone fixed at UTC: wall minutes are real minutes.
/// let utc = |t: i64| Some(WallTime::from_minute_of_week(((t / 60_000) % 10_080) as u32));
/// assert_eq!(instant_after_wall_minutes(0, 90, utc), 90 * 60_000);
/// ```
pub fn instant_after_wall_minutes(
    now: UnixMillis,
    minutes: u32,
    wall_at: impl Fn(UnixMillis) -> Option<WallTime>,
) -> UnixMillis {
    const MINUTE: i64 = 60_000;
    let start_of_minute = now - now.rem_euclid(MINUTE);
    let naive = start_of_minute + i64::from(minutes) * MINUTE;
    let Some(start) = wall_at(now) else { return naive };
    let target = (start.minute_of_week() + minutes) % MINUTES_PER_WEEK;
    let half_week = i64::from(MINUTES_PER_WEEK / 2);
    // Signed wall distance from `w` to the target, in (-half week, half week].
    let off_by = |w: WallTime| -> i64 {
        let d = (i64::from(target) - i64::from(w.minute_of_week()))
            .rem_euclid(i64::from(MINUTES_PER_WEEK));
        if d > half_week {
            d - i64::from(MINUTES_PER_WEEK)
        } else {
            d
        }
    };
    let mut t = naive;
    for _ in 0..4 {
        let Some(w) = wall_at(t) else { return naive };
        let d = off_by(w);
        if d == 0 {
            break;
        }
        t += d * MINUTE;
    }
    // In a skipped hour the refinement oscillates around the gap. Walk to the first
    // instant whose wall time is at or past the target (a gap is at most a few hours).
    let behind = |t: UnixMillis| wall_at(t).is_some_and(|w| off_by(w) > 0);
    let mut steps = 0;
    if behind(t) {
        while steps < 240 && behind(t) {
            t += MINUTE;
            steps += 1;
        }
    } else {
        while steps < 240
            && t - MINUTE > now
            && !behind(t - MINUTE)
            && wall_at(t).is_some_and(|w| off_by(w) != 0)
        {
            t -= MINUTE;
            steps += 1;
        }
    }
    t.max(now + 1)
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

    /// A toy zone: UTC+1 before `switch`, UTC+2 from it (a spring-forward at 01:00 UTC
    /// of a Sunday, like Europe/Paris), instants counted from a Monday 00:00 UTC.
    fn spring_zone(switch: UnixMillis) -> impl Fn(UnixMillis) -> Option<WallTime> {
        move |t: UnixMillis| {
            let offset = if t < switch { 60 } else { 120 };
            let m = (t / 60_000 + offset).rem_euclid(i64::from(MINUTES_PER_WEEK));
            Some(WallTime::from_minute_of_week(m as u32))
        }
    }

    const SUNDAY_UTC: UnixMillis = 6 * 24 * 60 * 60_000;

    #[test]
    fn wall_offset_is_real_offset_without_dst() {
        let zone = spring_zone(i64::MAX);
        let now = SUNDAY_UTC + 30 * 60_000 + 12_345;
        assert_eq!(instant_after_wall_minutes(now, 45, &zone), SUNDAY_UTC + 75 * 60_000);
    }

    #[test]
    fn wall_offset_across_spring_forward_is_an_hour_shorter() {
        // Switch at 01:00 UTC; now 00:30 UTC = 01:30 wall; closing at 04:00 wall is 150
        // wall minutes away but only 90 real minutes: 02:00 UTC.
        let zone = spring_zone(SUNDAY_UTC + 60 * 60_000);
        let now = SUNDAY_UTC + 30 * 60_000;
        assert_eq!(instant_after_wall_minutes(now, 150, &zone), SUNDAY_UTC + 120 * 60_000);
    }

    #[test]
    fn wall_offset_into_a_skipped_hour_lands_after_the_gap() {
        // 02:30 wall does not exist that night; the first instant past it is 01:00 UTC (03:00 wall).
        let zone = spring_zone(SUNDAY_UTC + 60 * 60_000);
        let now = SUNDAY_UTC + 30 * 60_000; // 01:30 wall
        assert_eq!(instant_after_wall_minutes(now, 60, &zone), SUNDAY_UTC + 60 * 60_000);
    }

    #[test]
    fn wall_offset_without_a_clock_falls_back_to_the_naive_guess() {
        assert_eq!(instant_after_wall_minutes(61_000, 2, |_| None), 180_000);
    }
}
