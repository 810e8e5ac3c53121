//! `availability`: when the widget says "we're here", and what it shows otherwise.
//!
//! This is the config half (types and validation); the rules that turn it into what
//! the visitor sees live in [`crate::availability`].
//!
//! Invariants of a parsed [`Availability`]:
//! - `BusinessHours` has a time zone shaped like an IANA name (`UTC` or
//!   `Area/Location`; the browser checks it exists) and at least one range;
//! - every [`WeeklyRange`] has `from` in 0 ..= 1439 and `to` in 1 ..= 1440 with
//!   `to != from`; `to < from` means the range runs past midnight into the next day;
//! - an `AwayMessage` text is trimmed, 1 ..= 500 characters;
//! - `TeamStatus::when_away` is `AwayMessage` or `Hide` (never `ResponseTime`).

use super::reader::{child, item, one_of, quote, Reader};
use crate::i18n::Msg;
use crate::time::{WallTime, Weekday, MINUTES_PER_WEEK};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;

/// Minutes in a day; `to` may equal it ("24:00", the end of the day).
pub const MINUTES_PER_DAY: u16 = 24 * 60;
/// Longest away message, in characters.
pub const MAX_AWAY_MESSAGE_CHARS: usize = 500;
/// Longest time-zone name accepted (the longest IANA name is about 32).
pub const MAX_TIME_ZONE_CHARS: usize = 64;

/// The availability mode and its settings; see `docs/configuration.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Availability {
    /// Open during weekly ranges in the business's time zone.
    BusinessHours {
        time_zone: String,
        /// One range per day (a `days` list in the config is expanded).
        #[serde(rename = "hours")]
        ranges: Vec<WeeklyRange>,
        typical_response_time: Option<ResponseTime>,
        outside_hours: AwayBehavior,
        /// What to do inside hours when no agent is available; `None` ignores presence.
        when_team_away: Option<AwayBehavior>,
    },
    /// Open when at least one agent is available, as reported by the transport.
    TeamStatus { typical_response_time: Option<ResponseTime>, when_away: AwayBehavior },
    /// Always open.
    Always { typical_response_time: Option<ResponseTime> },
}

impl Default for Availability {
    fn default() -> Availability {
        Availability::Always { typical_response_time: Some(ResponseTime::FewMinutes) }
    }
}

impl Availability {
    /// The response time to show while available (`None` = don't show one).
    pub fn typical_response_time(&self) -> Option<ResponseTime> {
        match self {
            Availability::BusinessHours { typical_response_time, .. }
            | Availability::TeamStatus { typical_response_time, .. }
            | Availability::Always { typical_response_time } => *typical_response_time,
        }
    }

    /// The first away message configured anywhere in this mode, used when a bot keeps
    /// the widget visible although the schedule says "hide".
    pub fn away_message(&self) -> Option<&str> {
        let behaviors: [Option<&AwayBehavior>; 2] = match self {
            Availability::BusinessHours { outside_hours, when_team_away, .. } => {
                [Some(outside_hours), when_team_away.as_ref()]
            }
            Availability::TeamStatus { when_away, .. } => [Some(when_away), None],
            Availability::Always { .. } => [None, None],
        };
        behaviors.into_iter().flatten().find_map(|b| match b {
            AwayBehavior::AwayMessage(m) => Some(m.as_str()),
            _ => None,
        })
    }
}

/// One opening range on one weekday, in minutes of the local day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WeeklyRange {
    pub day: Weekday,
    /// Opening minute, 0 ..= 1439; open AT this minute.
    pub from: u16,
    /// Closing minute, 1 ..= 1440; closed AT this minute. `to <= from` runs overnight
    /// into the next day (Sunday runs into Monday).
    pub to: u16,
}

impl WeeklyRange {
    /// Minute of the week at which the range opens.
    pub fn start_minute_of_week(self) -> u32 {
        self.day.index() * u32::from(MINUTES_PER_DAY)
            + u32::from(self.from.min(MINUTES_PER_DAY - 1))
    }

    /// How long the range stays open, 1 ..= 1440 minutes.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::config::WeeklyRange;
    /// use sitechat_core::time::Weekday;
    /// // Friday 22:00 → Saturday 02:00.
    /// let r = WeeklyRange { day: Weekday::Fri, from: 22 * 60, to: 2 * 60 };
    /// assert_eq!(r.length_minutes(), 4 * 60);
    /// ```
    pub fn length_minutes(self) -> u32 {
        let from = u32::from(self.from.min(MINUTES_PER_DAY - 1));
        let to = u32::from(self.to.clamp(1, MINUTES_PER_DAY));
        if to > from {
            to - from
        } else {
            to + u32::from(MINUTES_PER_DAY) - from
        }
    }

    /// Whether the range is open at `t` (wrapping over midnight and the week end).
    ///
    /// # Example
    /// ```
    /// use sitechat_core::config::WeeklyRange;
    /// use sitechat_core::time::{WallTime, Weekday};
    /// let r = WeeklyRange { day: Weekday::Sun, from: 23 * 60, to: 60 };
    /// assert!(r.contains(WallTime::new(Weekday::Mon, 30)));
    /// assert!(!r.contains(WallTime::new(Weekday::Mon, 60)));
    /// ```
    pub fn contains(self, t: WallTime) -> bool {
        let offset = (t.minute_of_week() % MINUTES_PER_WEEK + MINUTES_PER_WEEK
            - self.start_minute_of_week())
            % MINUTES_PER_WEEK;
        offset < self.length_minutes()
    }
}

/// Written back in the config's own shape: `{"days": "mon", "from": "09:00", "to": "17:30"}`.
impl Serialize for WeeklyRange {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(3))?;
        map.serialize_entry("days", self.day.as_str())?;
        map.serialize_entry("from", &format_time(self.from))?;
        map.serialize_entry("to", &format_time(self.to))?;
        map.end()
    }
}

/// What the widget does when not available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwayBehavior {
    /// Stay visible, marked away, with this text.
    AwayMessage(String),
    /// Stay visible, marked away, with the typical response time.
    ResponseTime,
    /// Hide the widget entirely.
    Hide,
}

impl Serialize for AwayBehavior {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        match self {
            AwayBehavior::AwayMessage(message) => {
                map.serialize_entry("behavior", "away_message")?;
                map.serialize_entry("message", message)?;
            }
            AwayBehavior::ResponseTime => map.serialize_entry("behavior", "response_time")?,
            AwayBehavior::Hide => map.serialize_entry("behavior", "hide")?,
        }
        map.end()
    }
}

/// How quickly the team usually answers, shown as e.g. "Typically replies in a few minutes".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseTime {
    FewMinutes,
    WithinAnHour,
    FewHours,
    WithinADay,
}

impl ResponseTime {
    const CHOICES: [(&'static str, ResponseTime); 4] = [
        ("few_minutes", ResponseTime::FewMinutes),
        ("within_an_hour", ResponseTime::WithinAnHour),
        ("few_hours", ResponseTime::FewHours),
        ("within_a_day", ResponseTime::WithinADay),
    ];

    /// The catalogue line that says this response time: a value, not a key to look up,
    /// so there is no string to mistype and no "unknown key" case to handle.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::config::ResponseTime;
    /// use sitechat_core::i18n::{text, Locale, Msg};
    /// assert_eq!(ResponseTime::WithinAnHour.msg(), Msg::ResponseWithinAnHour);
    /// assert_eq!(
    ///     text(Locale::Fr, ResponseTime::FewMinutes.msg()),
    ///     "Répond généralement en quelques minutes",
    /// );
    /// ```
    pub fn msg(self) -> Msg {
        match self {
            ResponseTime::FewMinutes => Msg::ResponseFewMinutes,
            ResponseTime::WithinAnHour => Msg::ResponseWithinAnHour,
            ResponseTime::FewHours => Msg::ResponseFewHours,
            ResponseTime::WithinADay => Msg::ResponseWithinADay,
        }
    }
}

/// `"HH:MM"`, with 1440 written `"24:00"`.
pub fn format_time(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Parses `"HH:MM"` (or `"H:MM"`) into minutes, `"24:00"` giving 1440.
///
/// # Example
/// ```
/// use sitechat_core::config::parse_time;
/// assert_eq!(parse_time("09:30"), Some(570));
/// assert_eq!(parse_time("24:00"), Some(1440));
/// assert_eq!(parse_time("24:30"), None);
/// ```
pub fn parse_time(s: &str) -> Option<u16> {
    let (h, m) = s.split_once(':')?;
    let digits = |x: &str, max_len: usize| {
        !x.is_empty() && x.len() <= max_len && x.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(h, 2) || !digits(m, 2) || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    match (h, m) {
        (24, 0) => Some(MINUTES_PER_DAY),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

const MODES: [(&str, Mode); 3] = [
    ("business_hours", Mode::BusinessHours),
    ("team_status", Mode::TeamStatus),
    ("always", Mode::Always),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    BusinessHours,
    TeamStatus,
    Always,
}

impl Mode {
    fn name(self) -> &'static str {
        match self {
            Mode::BusinessHours => "business_hours",
            Mode::TeamStatus => "team_status",
            Mode::Always => "always",
        }
    }

    fn fields(self) -> &'static [&'static str] {
        match self {
            Mode::BusinessHours => &[
                "mode",
                "time_zone",
                "hours",
                "typical_response_time",
                "outside_hours",
                "when_team_away",
            ],
            Mode::TeamStatus => &["mode", "typical_response_time", "when_away"],
            Mode::Always => &["mode", "typical_response_time"],
        }
    }
}

pub(crate) fn read_availability(r: &mut Reader, path: &str, value: &Value) -> Availability {
    let Value::Object(raw) = value else {
        r.object(path, value, &[]);
        return Availability::default();
    };
    let mode = match raw.get("mode") {
        None => Mode::Always,
        Some(v) => match r.keyword(&child(path, "mode"), v, &MODES) {
            Some(m) => m,
            None => return Availability::default(),
        },
    };
    let hint = |key: &str| {
        MODES.iter().find(|(_, m)| *m != mode && m.fields().contains(&key)).map(|(name, _)| {
            format!("only used with \"mode\": {}, this is {}", quote(name), quote(mode.name()))
        })
    };
    let Some(map) = r.object_with_hint(path, value, mode.fields(), hint) else {
        return Availability::default();
    };

    let typical_response_time = match map.get("typical_response_time") {
        None => Some(ResponseTime::FewMinutes),
        Some(Value::Null) => None,
        Some(v) => r.keyword(&child(path, "typical_response_time"), v, &ResponseTime::CHOICES),
    };
    match mode {
        Mode::Always => Availability::Always { typical_response_time },
        Mode::TeamStatus => {
            let when_away = match map.get("when_away") {
                None => AwayBehavior::Hide,
                Some(v) => read_behavior(r, &child(path, "when_away"), v, false)
                    .unwrap_or(AwayBehavior::Hide),
            };
            Availability::TeamStatus { typical_response_time, when_away }
        }
        Mode::BusinessHours => {
            let tz_path = child(path, "time_zone");
            let time_zone = match map.get("time_zone") {
                None => {
                    r.fail(&tz_path, "required when mode is \"business_hours\" (an IANA name like \"Europe/Paris\")");
                    String::new()
                }
                Some(v) => r
                    .string(&tz_path, v)
                    .and_then(|s| read_time_zone(r, &tz_path, s))
                    .unwrap_or_default(),
            };
            let hours_path = child(path, "hours");
            let ranges = match map.get("hours") {
                None => {
                    r.fail(
                        &hours_path,
                        "required when mode is \"business_hours\" (a list of opening ranges)",
                    );
                    Vec::new()
                }
                Some(v) => read_hours(r, &hours_path, v),
            };
            let outside_hours = match map.get("outside_hours") {
                None => AwayBehavior::ResponseTime,
                Some(v) => read_behavior(r, &child(path, "outside_hours"), v, true)
                    .unwrap_or(AwayBehavior::ResponseTime),
            };
            let when_team_away = match map.get("when_team_away") {
                None | Some(Value::Null) => None,
                Some(v) => read_behavior(r, &child(path, "when_team_away"), v, true),
            };
            Availability::BusinessHours {
                time_zone,
                ranges,
                typical_response_time,
                outside_hours,
                when_team_away,
            }
        }
    }
}

fn read_time_zone(r: &mut Reader, path: &str, s: &str) -> Option<String> {
    let allowed_chars = s.chars().all(|c| c.is_ascii_alphanumeric() || "_+-/".contains(c));
    let segments_ok =
        s.split('/').all(|seg| seg.chars().next().is_some_and(|c| c.is_ascii_alphabetic()));
    let shaped = s == "UTC" || (s.contains('/') && segments_ok);
    if allowed_chars && shaped && s.len() <= MAX_TIME_ZONE_CHARS {
        Some(s.to_owned())
    } else {
        r.fail(path, format!("{} is not a time zone name (expected \"UTC\" or Area/Location like \"Europe/Paris\")", quote(s)));
        None
    }
}

fn read_hours(r: &mut Reader, path: &str, value: &Value) -> Vec<WeeklyRange> {
    let Some(entries) = r.array(path, value) else { return Vec::new() };
    if entries.is_empty() {
        r.fail(path, "must contain at least one range");
    }
    let mut ranges = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        let p = item(path, i);
        let Some(map) = r.object(&p, entry, &["days", "from", "to"]) else { continue };
        let days = match map.get("days") {
            Some(v) => read_days(r, &child(&p, "days"), v),
            None => {
                r.fail(&child(&p, "days"), "required (a day like \"mon\", a list of days, \"weekdays\", \"weekend\" or \"every_day\")");
                None
            }
        };
        let from = match read_bound(r, &p, map.get("from"), "from") {
            Some(MINUTES_PER_DAY) => {
                r.fail(
                    &child(&p, "from"),
                    "\"24:00\" is only allowed as \"to\" (the end of the day)",
                );
                None
            }
            other => other,
        };
        let to = read_bound(r, &p, map.get("to"), "to");
        let (Some(days), Some(from), Some(to)) = (days, from, to) else { continue };
        if to == from {
            r.fail(
                &child(&p, "to"),
                format!("{} is the same as \"from\", an empty range (a whole day is \"00:00\" to \"24:00\")", quote(&format_time(to))),
            );
            continue;
        }
        // "00:00" as an end is the same instant as "24:00": keep one spelling.
        let to = if to == 0 { MINUTES_PER_DAY } else { to };
        ranges.extend(days.into_iter().map(|day| WeeklyRange { day, from, to }));
    }
    ranges
}

fn read_bound(r: &mut Reader, entry_path: &str, value: Option<&Value>, name: &str) -> Option<u16> {
    let p = child(entry_path, name);
    let Some(v) = value else {
        r.fail(&p, "required (a time like \"09:00\")");
        return None;
    };
    let s = r.string(&p, v)?;
    let t = parse_time(s);
    if t.is_none() {
        r.fail(&p, format!("{} is not a time (expected HH:MM, 00:00 to 24:00)", quote(s)));
    }
    t
}

const DAY_GROUPS: [(&str, &[Weekday]); 3] = [
    ("weekdays", &[Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]),
    ("weekend", &[Weekday::Sat, Weekday::Sun]),
    ("every_day", &Weekday::ALL),
];

/// A day, a group, or an array of them, without duplicates, in the order written.
fn read_days(r: &mut Reader, path: &str, value: &Value) -> Option<Vec<Weekday>> {
    let mut days = Vec::new();
    match value {
        Value::Array(items) if items.is_empty() => {
            r.fail(path, "must list at least one day");
            return None;
        }
        Value::Array(items) => {
            let mut ok = true;
            for (i, v) in items.iter().enumerate() {
                ok &= read_day_word(r, &item(path, i), v, &mut days);
            }
            if !ok {
                return None;
            }
        }
        Value::String(_) => {
            if !read_day_word(r, path, value, &mut days) {
                return None;
            }
        }
        other => {
            r.fail(
                path,
                format!(
                    "expected a day or a list of days, found {}",
                    super::reader::describe(other)
                ),
            );
            return None;
        }
    }
    Some(days)
}

fn read_day_word(r: &mut Reader, path: &str, value: &Value, days: &mut Vec<Weekday>) -> bool {
    let Some(s) = r.string(path, value) else { return false };
    let found: Vec<Weekday> =
        match (Weekday::parse(s), DAY_GROUPS.iter().find(|(name, _)| *name == s)) {
            (Some(day), _) => vec![day],
            (None, Some((_, group))) => group.to_vec(),
            (None, None) => {
                let groups: Vec<&str> = DAY_GROUPS.iter().map(|(n, _)| *n).collect();
                r.fail(
                    path,
                    format!(
                    "{} is not a day (expected \"mon\" to \"sun\", a full English day name, or {})",
                    quote(s),
                    one_of(&groups)
                ),
                );
                return false;
            }
        };
    for d in found {
        if !days.contains(&d) {
            days.push(d);
        }
    }
    true
}

/// `allow_response_time` is false for `when_away`, whose only choices are a message or hiding.
fn read_behavior(
    r: &mut Reader,
    path: &str,
    value: &Value,
    allow_response_time: bool,
) -> Option<AwayBehavior> {
    let map = r.object(path, value, &["behavior", "message"])?;
    #[derive(Clone, Copy)]
    enum Kind {
        Message,
        ResponseTime,
        Hide,
    }
    let all = [
        ("away_message", Kind::Message),
        ("response_time", Kind::ResponseTime),
        ("hide", Kind::Hide),
    ];
    let choices: Vec<(&str, Kind)> =
        all.into_iter().filter(|(n, _)| allow_response_time || *n != "response_time").collect();
    let behavior_path = child(path, "behavior");
    let kind = match map.get("behavior") {
        Some(v) => r.keyword(&behavior_path, v, &choices)?,
        None => {
            let names: Vec<&str> = choices.iter().map(|(n, _)| *n).collect();
            r.fail(&behavior_path, format!("required ({})", one_of(&names)));
            return None;
        }
    };
    let message_path = child(path, "message");
    match (kind, map.get("message")) {
        (Kind::Message, None) => {
            r.fail(&message_path, "required when behavior is \"away_message\"");
            None
        }
        (Kind::Message, Some(v)) => {
            let text = r.string(&message_path, v)?.trim();
            let count = text.chars().count();
            if count == 0 {
                r.fail(&message_path, "must not be empty");
                None
            } else if count > MAX_AWAY_MESSAGE_CHARS {
                r.fail(
                    &message_path,
                    format!("is too long ({count} characters, at most {MAX_AWAY_MESSAGE_CHARS})"),
                );
                None
            } else {
                Some(AwayBehavior::AwayMessage(text.to_owned()))
            }
        }
        (_, Some(_)) => {
            r.fail(&message_path, "only used when behavior is \"away_message\"");
            None
        }
        (Kind::ResponseTime, None) => Some(AwayBehavior::ResponseTime),
        (Kind::Hide, None) => Some(AwayBehavior::Hide),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("00:00"), Some(0));
        assert_eq!(parse_time("9:05"), Some(545));
        assert_eq!(parse_time("23:59"), Some(1439));
        assert_eq!(parse_time("24:00"), Some(1440));
        for bad in [
            "",
            "9",
            "09:0",
            "09:000",
            "25:00",
            "12:60",
            "-1:00",
            "+9:00",
            "09h00",
            "٠٩:٠٠",
            "009:00",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(format_time(1440), "24:00");
        assert_eq!(format_time(545), "09:05");
    }

    #[test]
    fn overnight_range_from_sunday_wraps_into_monday() {
        let r = WeeklyRange { day: Weekday::Sun, from: 23 * 60, to: 60 };
        assert!(r.contains(WallTime::new(Weekday::Sun, 23 * 60)));
        assert!(r.contains(WallTime::new(Weekday::Mon, 0)));
        assert!(!r.contains(WallTime::new(Weekday::Mon, 60)));
        assert!(!r.contains(WallTime::new(Weekday::Sun, 22 * 60 + 59)));
    }

    #[test]
    fn range_ending_at_24_00_closes_at_midnight() {
        let r = WeeklyRange { day: Weekday::Wed, from: 18 * 60, to: MINUTES_PER_DAY };
        assert!(r.contains(WallTime::new(Weekday::Wed, 1439)));
        assert!(!r.contains(WallTime::new(Weekday::Thu, 0)));
        assert_eq!(r.length_minutes(), 6 * 60);
    }

    #[test]
    fn away_message_is_found_in_either_behaviour() {
        let a = Availability::BusinessHours {
            time_zone: "UTC".into(),
            ranges: vec![],
            typical_response_time: None,
            outside_hours: AwayBehavior::Hide,
            when_team_away: Some(AwayBehavior::AwayMessage("busy".into())),
        };
        assert_eq!(a.away_message(), Some("busy"));
        assert_eq!(Availability::default().away_message(), None);
    }
}
