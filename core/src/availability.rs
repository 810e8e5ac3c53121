//! The availability engine: what the widget shows now, and when that next changes.
//!
//! [`evaluate`] is a pure function of the config, the wall clock in the business's
//! time zone (computed by the browser with `Intl`, so daylight-saving time is already
//! applied) and the team's presence as last reported by the transport.
//!
//! Invariants:
//! - the result depends only on the arguments; the same inputs give the same decision;
//! - ranges are half-open: open AT `from`, closed AT `to`; overnight ranges run into
//!   the next day and Sunday runs into Monday;
//! - an enabled bot means the state is never [`AvailabilityState::Hidden`];
//! - `next_change` is the first wall time strictly after `now` at which the evaluated
//!   state differs (touching or overlapping ranges do not count as a change), and
//!   `minutes_until_change` is in 1 ..= 10080; both are `None` when only a presence
//!   event can change the state. The work is proportional to the square of the number
//!   of ranges, not to the minutes in a week.

use crate::config::{Availability, AwayBehavior, Config, ResponseTime, WeeklyRange};
use crate::time::{WallTime, MINUTES_PER_WEEK};

/// The team's presence as the transport reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TeamStatus {
    /// Nothing reported yet (the transport is connecting); treated as [`TeamStatus::Away`]
    /// so a visitor is never promised an answer nobody is there to give.
    #[default]
    Unknown,
    /// At least one agent is available.
    Available,
    /// No agent is available.
    Away,
}

impl TeamStatus {
    fn is_available(self) -> bool {
        self == TeamStatus::Available
    }
}

/// What the widget shows, and when the schedule will next change it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub state: AvailabilityState,
    /// The next wall-clock time at which the decision changes because of the schedule
    /// (None when only presence events can change it, or the schedule never changes).
    pub next_change: Option<WallTime>,
    /// Wall-clock minutes from `now` to `next_change` (1..=10080). Around a
    /// daylight-saving jump this differs from elapsed minutes, so the widget should
    /// re-evaluate when the wall clock reaches `next_change` rather than trust a timer
    /// of this length blindly.
    pub minutes_until_change: Option<u32>,
}

/// The visitor-facing state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AvailabilityState {
    /// Someone is here; show the typical response time if configured.
    Available { response_time: Option<ResponseTime> },
    /// Visible but away.
    Away { display: AwayDisplay },
    /// No widget at all.
    Hidden,
}

/// What an away widget says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwayDisplay {
    /// The owner's away message.
    Message(String),
    /// "Typically replies in …" (or nothing when no response time is configured).
    ResponseTime(Option<ResponseTime>),
}

impl AvailabilityState {
    /// A stable name for events and CSS classes.
    ///
    /// # Example
    /// ```
    /// use sitechat_core::availability::AvailabilityState;
    /// assert_eq!(AvailabilityState::Hidden.kind(), "hidden");
    /// ```
    pub fn kind(&self) -> &'static str {
        match self {
            AvailabilityState::Available { .. } => "available",
            AvailabilityState::Away { .. } => "away",
            AvailabilityState::Hidden => "hidden",
        }
    }

    pub fn is_visible(&self) -> bool {
        !matches!(self, AvailabilityState::Hidden)
    }
}

/// Decides what the widget shows at wall time `now` in the business's time zone.
///
/// # Example
/// ```
/// use sitechat_core::availability::{evaluate, AvailabilityState, TeamStatus};
/// use sitechat_core::config::parse_config;
/// use sitechat_core::time::{WallTime, Weekday};
///
/// let config = parse_config(r#"{ "availability": {
///     "mode": "business_hours", "time_zone": "Europe/Paris",
///     "hours": [{ "days": "weekdays", "from": "09:00", "to": "17:00" }],
///     "outside_hours": { "behavior": "hide" } } }"#).unwrap();
///
/// let friday_evening = WallTime::new(Weekday::Fri, 17 * 60);
/// let d = evaluate(&config, friday_evening, TeamStatus::Unknown);
/// assert_eq!(d.state, AvailabilityState::Hidden);
/// assert_eq!(d.next_change, Some(WallTime::new(Weekday::Mon, 9 * 60)));
/// assert_eq!(d.minutes_until_change, Some((7 + 2 * 24 + 9) * 60));
/// ```
pub fn evaluate(config: &Config, now: WallTime, team: TeamStatus) -> Decision {
    let Availability::BusinessHours { ranges, .. } = &config.availability else {
        return Decision {
            state: state_when(config, true, team),
            next_change: None,
            minutes_until_change: None,
        };
    };
    let open_now = is_open(ranges, now);
    let state = state_when(config, open_now, team);
    let minutes = if state_when(config, !open_now, team) == state {
        None
    } else {
        minutes_until_flip(ranges, now, open_now)
    };
    Decision {
        state,
        next_change: minutes.map(|m| WallTime::from_minute_of_week(now.minute_of_week() + m)),
        minutes_until_change: minutes,
    }
}

fn is_open(ranges: &[WeeklyRange], t: WallTime) -> bool {
    ranges.iter().any(|r| r.contains(t))
}

/// The first range edge after `now` where being open differs from `open_now`.
/// Openness is constant between edges, so only edges need checking.
fn minutes_until_flip(ranges: &[WeeklyRange], now: WallTime, open_now: bool) -> Option<u32> {
    let now_m = now.minute_of_week() % MINUTES_PER_WEEK;
    let mut distances: Vec<u32> = ranges
        .iter()
        .flat_map(|r| {
            let start = r.start_minute_of_week();
            [start, start + r.length_minutes()]
        })
        .map(|edge| (edge % MINUTES_PER_WEEK + MINUTES_PER_WEEK - now_m) % MINUTES_PER_WEEK)
        .filter(|d| *d > 0)
        .collect();
    distances.sort_unstable();
    distances.dedup();
    distances
        .into_iter()
        .find(|d| is_open(ranges, WallTime::from_minute_of_week(now_m + d)) != open_now)
}

/// The state for a given openness (always "open" outside business-hours mode).
fn state_when(config: &Config, open: bool, team: TeamStatus) -> AvailabilityState {
    let availability = &config.availability;
    let response_time = availability.typical_response_time();
    let available = AvailabilityState::Available { response_time };
    let state = match availability {
        Availability::Always { .. } => available,
        Availability::TeamStatus { when_away, .. } => {
            if team.is_available() {
                available
            } else {
                apply(when_away, response_time)
            }
        }
        Availability::BusinessHours { outside_hours, when_team_away, .. } => {
            match (open, when_team_away) {
                (false, _) => apply(outside_hours, response_time),
                (true, Some(behavior)) if !team.is_available() => apply(behavior, response_time),
                (true, _) => available,
            }
        }
    };
    if config.bot.enabled && state == AvailabilityState::Hidden {
        // The bot answers, so the widget must stay reachable.
        let display = match availability.away_message() {
            Some(message) => AwayDisplay::Message(message.to_owned()),
            None => AwayDisplay::ResponseTime(response_time),
        };
        AvailabilityState::Away { display }
    } else {
        state
    }
}

fn apply(behavior: &AwayBehavior, response_time: Option<ResponseTime>) -> AvailabilityState {
    match behavior {
        AwayBehavior::AwayMessage(message) => {
            AvailabilityState::Away { display: AwayDisplay::Message(message.clone()) }
        }
        AwayBehavior::ResponseTime => {
            AvailabilityState::Away { display: AwayDisplay::ResponseTime(response_time) }
        }
        AwayBehavior::Hide => AvailabilityState::Hidden,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse_config, Bot};
    use crate::time::Weekday::{self, *};
    use proptest::prelude::*;
    use serde_json::json;

    fn at(day: Weekday, hh: u16, mm: u16) -> WallTime {
        WallTime::new(day, hh * 60 + mm)
    }

    fn config(availability: serde_json::Value) -> Config {
        let doc = json!({ "availability": availability }).to_string();
        match parse_config(&doc) {
            Ok(c) => c,
            Err(e) => panic!("test config is invalid: {e}"),
        }
    }

    fn hours(ranges: serde_json::Value, outside: serde_json::Value) -> Config {
        config(
            json!({ "mode": "business_hours", "time_zone": "Europe/Paris", "hours": ranges, "outside_hours": outside }),
        )
    }

    const HIDE: fn() -> serde_json::Value = || json!({ "behavior": "hide" });

    fn available(rt: Option<ResponseTime>) -> AvailabilityState {
        AvailabilityState::Available { response_time: rt }
    }

    fn away_message(m: &str) -> AvailabilityState {
        AvailabilityState::Away { display: AwayDisplay::Message(m.to_owned()) }
    }

    const FEW_MIN: Option<ResponseTime> = Some(ResponseTime::FewMinutes);

    #[test]
    fn always_is_available_with_its_response_time_and_never_changes() {
        let c = config(json!({ "mode": "always", "typical_response_time": "within_a_day" }));
        for team in [TeamStatus::Unknown, TeamStatus::Away, TeamStatus::Available] {
            let d = evaluate(&c, at(Sun, 3, 0), team);
            assert_eq!(
                d,
                Decision {
                    state: available(Some(ResponseTime::WithinADay)),
                    next_change: None,
                    minutes_until_change: None
                }
            );
        }
        let d = evaluate(
            &config(json!({ "mode": "always", "typical_response_time": null })),
            at(Mon, 0, 0),
            TeamStatus::Unknown,
        );
        assert_eq!(d.state, available(None));
        assert_eq!(
            evaluate(&Config::default(), at(Tue, 1, 0), TeamStatus::Away).state,
            available(FEW_MIN)
        );
    }

    #[test]
    fn team_status_follows_presence_and_unknown_counts_as_away() {
        let c = config(json!({ "mode": "team_status", "typical_response_time": "few_hours",
            "when_away": { "behavior": "away_message", "message": "Back soon" } }));
        let now = at(Wed, 10, 0);
        assert_eq!(
            evaluate(&c, now, TeamStatus::Available).state,
            available(Some(ResponseTime::FewHours))
        );
        assert_eq!(evaluate(&c, now, TeamStatus::Away).state, away_message("Back soon"));
        assert_eq!(evaluate(&c, now, TeamStatus::Unknown).state, away_message("Back soon"));
        assert_eq!(evaluate(&c, now, TeamStatus::Away).next_change, None);

        let hide = config(json!({ "mode": "team_status", "when_away": { "behavior": "hide" } }));
        assert_eq!(evaluate(&hide, now, TeamStatus::Unknown).state, AvailabilityState::Hidden);
        assert_eq!(evaluate(&hide, now, TeamStatus::Available).state, available(FEW_MIN));
    }

    #[test]
    fn business_hours_open_at_from_closed_at_to() {
        let c = hours(json!([{ "days": "weekdays", "from": "09:00", "to": "17:30" }]), HIDE());
        let t = TeamStatus::Unknown;
        assert_eq!(evaluate(&c, at(Tue, 8, 59), t).state, AvailabilityState::Hidden);
        assert_eq!(evaluate(&c, at(Tue, 9, 0), t).state, available(FEW_MIN));
        assert_eq!(evaluate(&c, at(Tue, 17, 29), t).state, available(FEW_MIN));
        assert_eq!(evaluate(&c, at(Tue, 17, 30), t).state, AvailabilityState::Hidden);
        assert_eq!(evaluate(&c, at(Sat, 12, 0), t).state, AvailabilityState::Hidden);
    }

    #[test]
    fn outside_hours_behaviours() {
        let ranges = json!([{ "days": "mon", "from": "09:00", "to": "17:00" }]);
        let night = at(Mon, 20, 0);
        let msg =
            hours(ranges.clone(), json!({ "behavior": "away_message", "message": "We're away" }));
        assert_eq!(evaluate(&msg, night, TeamStatus::Available).state, away_message("We're away"));
        let rt = hours(ranges.clone(), json!({ "behavior": "response_time" }));
        assert_eq!(
            evaluate(&rt, night, TeamStatus::Available).state,
            AvailabilityState::Away { display: AwayDisplay::ResponseTime(FEW_MIN) }
        );
        let hide = hours(ranges, HIDE());
        assert_eq!(evaluate(&hide, night, TeamStatus::Available).state, AvailabilityState::Hidden);
        assert_eq!(evaluate(&hide, night, TeamStatus::Available).state.kind(), "hidden");
    }

    #[test]
    fn when_team_away_applies_only_inside_hours() {
        let c = config(json!({ "mode": "business_hours", "time_zone": "UTC",
            "hours": [{ "days": "every_day", "from": "08:00", "to": "20:00" }],
            "outside_hours": { "behavior": "away_message", "message": "Closed" },
            "when_team_away": { "behavior": "away_message", "message": "All agents busy" } }));
        let noon = at(Thu, 12, 0);
        assert_eq!(evaluate(&c, noon, TeamStatus::Available).state, available(FEW_MIN));
        assert_eq!(evaluate(&c, noon, TeamStatus::Away).state, away_message("All agents busy"));
        assert_eq!(evaluate(&c, noon, TeamStatus::Unknown).state, away_message("All agents busy"));
        assert_eq!(
            evaluate(&c, at(Thu, 21, 0), TeamStatus::Available).state,
            away_message("Closed")
        );
        // Without when_team_away, presence is ignored inside hours.
        let plain = hours(json!([{ "days": "every_day", "from": "08:00", "to": "20:00" }]), HIDE());
        assert_eq!(evaluate(&plain, noon, TeamStatus::Away).state, available(FEW_MIN));
    }

    #[test]
    fn several_ranges_per_day_close_over_lunch() {
        let c = hours(
            json!([{ "days": ["mon","tue","wed","thu","fri"], "from": "09:00", "to": "12:30" },
                   { "days": "weekdays", "from": "13:30", "to": "17:30" }]),
            HIDE(),
        );
        let d = evaluate(&c, at(Wed, 12, 30), TeamStatus::Unknown);
        assert_eq!(d.state, AvailabilityState::Hidden);
        assert_eq!((d.next_change, d.minutes_until_change), (Some(at(Wed, 13, 30)), Some(60)));
        let d = evaluate(&c, at(Wed, 10, 0), TeamStatus::Unknown);
        assert_eq!((d.next_change, d.minutes_until_change), (Some(at(Wed, 12, 30)), Some(150)));
    }

    #[test]
    fn overnight_range_runs_into_the_next_day() {
        let c = hours(json!([{ "days": "fri", "from": "22:00", "to": "02:00" }]), HIDE());
        let t = TeamStatus::Unknown;
        assert_eq!(evaluate(&c, at(Fri, 21, 59), t).state, AvailabilityState::Hidden);
        assert_eq!(evaluate(&c, at(Fri, 23, 0), t).state, available(FEW_MIN));
        let d = evaluate(&c, at(Sat, 1, 59), t);
        assert_eq!(d.state, available(FEW_MIN));
        assert_eq!((d.next_change, d.minutes_until_change), (Some(at(Sat, 2, 0)), Some(1)));
        assert_eq!(evaluate(&c, at(Sat, 2, 0), t).state, AvailabilityState::Hidden);
        assert_eq!(evaluate(&c, at(Thu, 23, 0), t).state, AvailabilityState::Hidden);
    }

    #[test]
    fn sunday_night_range_wraps_into_monday() {
        let c = hours(json!([{ "days": "sun", "from": "23:00", "to": "01:00" }]), HIDE());
        let t = TeamStatus::Unknown;
        let d = evaluate(&c, at(Mon, 0, 30), t);
        assert_eq!(d.state, available(FEW_MIN));
        assert_eq!((d.next_change, d.minutes_until_change), (Some(at(Mon, 1, 0)), Some(30)));
        let d = evaluate(&c, at(Mon, 1, 0), t);
        assert_eq!(d.state, AvailabilityState::Hidden);
        assert_eq!(
            (d.next_change, d.minutes_until_change),
            (Some(at(Sun, 23, 0)), Some(6 * 1440 + 22 * 60))
        );
        let d = evaluate(&c, at(Sun, 22, 0), t);
        assert_eq!((d.next_change, d.minutes_until_change), (Some(at(Sun, 23, 0)), Some(60)));
    }

    #[test]
    fn monday_morning_query_finds_monday_opening_after_the_week_wrap() {
        let c = hours(json!([{ "days": "mon", "from": "09:00", "to": "17:00" }]), HIDE());
        let d = evaluate(&c, at(Sun, 20, 0), TeamStatus::Unknown);
        assert_eq!((d.next_change, d.minutes_until_change), (Some(at(Mon, 9, 0)), Some(13 * 60)));
        let d = evaluate(&c, at(Mon, 8, 0), TeamStatus::Unknown);
        assert_eq!((d.next_change, d.minutes_until_change), (Some(at(Mon, 9, 0)), Some(60)));
        // Just after closing, the next opening is almost a whole week away.
        let d = evaluate(&c, at(Mon, 17, 0), TeamStatus::Unknown);
        assert_eq!(d.minutes_until_change, Some(MINUTES_PER_WEEK - 8 * 60));
    }

    #[test]
    fn range_ending_at_24_00_closes_at_midnight() {
        let c = hours(json!([{ "days": "sat", "from": "18:00", "to": "24:00" }]), HIDE());
        let d = evaluate(&c, at(Sat, 23, 59), TeamStatus::Unknown);
        assert_eq!(d.state, available(FEW_MIN));
        assert_eq!((d.next_change, d.minutes_until_change), (Some(at(Sun, 0, 0)), Some(1)));
        assert_eq!(
            evaluate(&c, at(Sun, 0, 0), TeamStatus::Unknown).state,
            AvailabilityState::Hidden
        );
    }

    #[test]
    fn touching_and_overlapping_ranges_are_one_opening() {
        let c = hours(
            json!([{ "days": "tue", "from": "09:00", "to": "12:00" }, { "days": "tue", "from": "12:00", "to": "17:00" },
                   { "days": "tue", "from": "16:00", "to": "18:00" }]),
            HIDE(),
        );
        let d = evaluate(&c, at(Tue, 10, 0), TeamStatus::Unknown);
        assert_eq!((d.next_change, d.minutes_until_change), (Some(at(Tue, 18, 0)), Some(8 * 60)));
    }

    #[test]
    fn open_all_week_never_changes() {
        let c = hours(json!([{ "days": "every_day", "from": "00:00", "to": "24:00" }]), HIDE());
        let d = evaluate(&c, at(Thu, 4, 0), TeamStatus::Unknown);
        assert_eq!(
            d,
            Decision { state: available(FEW_MIN), next_change: None, minutes_until_change: None }
        );
        // Back-to-back overnight ranges (noon to noon, built directly) cover every minute too.
        let c = Config {
            availability: Availability::BusinessHours {
                time_zone: "UTC".into(),
                ranges: Weekday::ALL
                    .iter()
                    .map(|&day| WeeklyRange { day, from: 12 * 60, to: 12 * 60 })
                    .collect(),
                typical_response_time: None,
                outside_hours: AwayBehavior::Hide,
                when_team_away: None,
            },
            ..Config::default()
        };
        assert_eq!(evaluate(&c, at(Sun, 12, 0), TeamStatus::Unknown).next_change, None);
    }

    #[test]
    fn same_state_inside_and_outside_means_no_schedule_change() {
        let c = config(json!({ "mode": "business_hours", "time_zone": "UTC",
            "hours": [{ "days": "mon", "from": "09:00", "to": "17:00" }],
            "outside_hours": { "behavior": "away_message", "message": "Away" },
            "when_team_away": { "behavior": "away_message", "message": "Away" } }));
        let d = evaluate(&c, at(Mon, 10, 0), TeamStatus::Away);
        assert_eq!((d.state, d.next_change), (away_message("Away"), None));
        assert_eq!(
            evaluate(&c, at(Mon, 10, 0), TeamStatus::Available).next_change,
            Some(at(Mon, 17, 0))
        );
    }

    #[test]
    fn bot_keeps_the_widget_visible() {
        let mut c = hours(json!([{ "days": "mon", "from": "09:00", "to": "17:00" }]), HIDE());
        c.bot = Bot { enabled: true, collect_input: true, flow: None };
        let d = evaluate(&c, at(Mon, 20, 0), TeamStatus::Unknown);
        assert_eq!(
            d.state,
            AvailabilityState::Away { display: AwayDisplay::ResponseTime(FEW_MIN) }
        );
        assert!(d.state.is_visible());

        let mut c = config(json!({ "mode": "business_hours", "time_zone": "UTC",
            "hours": [{ "days": "mon", "from": "09:00", "to": "17:00" }],
            "outside_hours": { "behavior": "hide" },
            "when_team_away": { "behavior": "away_message", "message": "Our bot can help" } }));
        c.bot.enabled = true;
        assert_eq!(
            evaluate(&c, at(Mon, 20, 0), TeamStatus::Unknown).state,
            away_message("Our bot can help")
        );

        let mut c = config(json!({ "mode": "team_status", "when_away": { "behavior": "hide" } }));
        c.bot.enabled = true;
        assert_eq!(evaluate(&c, at(Mon, 20, 0), TeamStatus::Away).state.kind(), "away");
    }

    // ---- property: next_change is exactly the first minute at which the state differs ----

    fn arb_behavior() -> impl Strategy<Value = AwayBehavior> {
        prop_oneof![
            Just(AwayBehavior::Hide),
            Just(AwayBehavior::ResponseTime),
            Just(AwayBehavior::AwayMessage("away".into()))
        ]
    }

    fn arb_config() -> impl Strategy<Value = Config> {
        let range = (0u32..7, 0u16..1440, 1u16..=1440)
            .prop_filter("empty range", |(_, f, t)| f != t)
            .prop_map(|(d, from, to)| WeeklyRange { day: Weekday::from_index(d), from, to });
        (
            prop::collection::vec(range, 0..6),
            arb_behavior(),
            prop::option::of(arb_behavior()),
            any::<bool>(),
        )
            .prop_map(|(ranges, outside_hours, when_team_away, bot)| Config {
                availability: Availability::BusinessHours {
                    time_zone: "UTC".into(),
                    ranges,
                    typical_response_time: FEW_MIN,
                    outside_hours,
                    when_team_away,
                },
                bot: Bot { enabled: bot, collect_input: true, flow: None },
                ..Config::default()
            })
    }

    fn arb_team() -> impl Strategy<Value = TeamStatus> {
        prop_oneof![Just(TeamStatus::Unknown), Just(TeamStatus::Available), Just(TeamStatus::Away)]
    }

    fn shifted(now: WallTime, minutes: u32) -> WallTime {
        WallTime::from_minute_of_week(now.minute_of_week() + minutes)
    }

    proptest! {
        #[test]
        fn state_holds_until_next_change_and_differs_at_it(c in arb_config(), m in 0u32..MINUTES_PER_WEEK, team in arb_team()) {
            let now = WallTime::from_minute_of_week(m);
            let d = evaluate(&c, now, team);
            if let Some(minutes) = d.minutes_until_change {
                prop_assert!((1..=MINUTES_PER_WEEK).contains(&minutes));
                prop_assert_eq!(d.next_change, Some(shifted(now, minutes)));
                prop_assert_eq!(&evaluate(&c, shifted(now, minutes - 1), team).state, &d.state);
                prop_assert_ne!(&evaluate(&c, shifted(now, minutes), team).state, &d.state);
            } else {
                prop_assert_eq!(d.next_change, None);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn next_change_matches_a_minute_by_minute_search(c in arb_config(), m in 0u32..MINUTES_PER_WEEK, team in arb_team()) {
            let now = WallTime::from_minute_of_week(m);
            let d = evaluate(&c, now, team);
            let Availability::BusinessHours { ranges, .. } = &c.availability else { unreachable!() };
            let open_now = is_open(ranges, now);
            let brute = (1..MINUTES_PER_WEEK)
                .find(|k| state_when(&c, is_open(ranges, shifted(now, *k)), team) != state_when(&c, open_now, team));
            prop_assert_eq!(d.minutes_until_change, brute);
        }
    }
}
