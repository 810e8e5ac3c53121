//! When the widget must decide availability again.
//!
//! [`crate::availability::evaluate`] says what to show now; this says when that may
//! change: at the schedule's next boundary (a timer), and whenever the backend reports
//! the team's presence. The browser only arms the timer and calls back.

use crate::availability::{Decision, TeamStatus};
use crate::conversation::ChatEvent;
use crate::protocol::ServerEvent;
use crate::time::{instant_after_wall_minutes, UnixMillis, WallTime};

/// Whether `event` can change availability (it reports the team's presence).
pub fn after_event(event: &ChatEvent) -> bool {
    matches!(
        event,
        ChatEvent::Server(ServerEvent::Presence { .. } | ServerEvent::Welcome { .. }, _)
    )
}

/// The team's presence as the chat last heard it (`None`: nothing heard yet).
pub fn team_status(reported: Option<bool>) -> TeamStatus {
    match reported {
        Some(true) => TeamStatus::Available,
        Some(false) => TeamStatus::Away,
        None => TeamStatus::Unknown,
    }
}

/// How long until `decision` must be made again, given the instant `now` and the
/// business's wall clock at any instant: `None` when only presence can change it.
/// Counted in wall minutes through [`instant_after_wall_minutes`], so a boundary on a
/// daylight-saving day fires at the right instant; at least 1 ms, and within what a
/// browser timer holds (a week is far below its ~24.8 days).
///
/// # Example
/// ```
/// use sitechat_core::availability::{Decision, AvailabilityState};
/// use sitechat_core::availability_recheck::delay_ms;
/// use sitechat_core::time::{WallTime, Weekday};
///
/// let closing_in_an_hour = Decision {
///     state: AvailabilityState::Available { response_time: None },
///     next_change: Some(WallTime::new(Weekday::Mon, 17 * 60)),
///     minutes_until_change: Some(60),
/// };
/// // A clock in UTC: wall time is instant time.
/// let wall = |t: i64| Some(WallTime::new(Weekday::Mon, ((t / 60_000) % 1440) as u16));
/// assert_eq!(delay_ms(&closing_in_an_hour, 16 * 3_600_000, wall), Some(3_600_000));
/// ```
pub fn delay_ms(
    decision: &Decision,
    now: UnixMillis,
    wall_at: impl Fn(UnixMillis) -> Option<WallTime>,
) -> Option<u32> {
    let minutes = decision.minutes_until_change?;
    let at = instant_after_wall_minutes(now, minutes, wall_at);
    Some((at - now).clamp(1, i64::from(i32::MAX)) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::availability::AvailabilityState;
    use crate::time::Weekday;

    fn decision(minutes: Option<u32>) -> Decision {
        Decision {
            state: AvailabilityState::Available { response_time: None },
            next_change: None,
            minutes_until_change: minutes,
        }
    }

    #[test]
    fn only_presence_reports_trigger_a_new_decision() {
        let presence = ChatEvent::Server(ServerEvent::Presence { team_available: false }, 1);
        assert!(after_event(&presence));
        assert!(!after_event(&ChatEvent::WindowOpened));
        assert!(!after_event(&ChatEvent::Connected { now: 1 }));
    }

    #[test]
    fn presence_maps_to_team_status() {
        assert_eq!(team_status(None), TeamStatus::Unknown);
        assert_eq!(team_status(Some(true)), TeamStatus::Available);
        assert_eq!(team_status(Some(false)), TeamStatus::Away);
    }

    #[test]
    fn no_boundary_means_no_timer() {
        assert_eq!(delay_ms(&decision(None), 0, |_| None), None);
    }

    #[test]
    fn a_spring_forward_hour_is_skipped_in_wall_time() {
        // Wall clock an hour ahead after instant 2 h (a DST jump at 02:00 → 03:00):
        // 3 wall hours from 00:00 are reached after 2 real hours.
        let hour = 3_600_000i64;
        let wall = move |t: i64| {
            let shifted = if t >= 2 * hour { t + hour } else { t };
            Some(WallTime::new(Weekday::Sun, ((shifted / 60_000) % 1440) as u16))
        };
        assert_eq!(delay_ms(&decision(Some(180)), 0, wall), Some((2 * hour) as u32));
    }

    #[test]
    fn the_delay_is_never_zero() {
        let wall = |_t: i64| Some(WallTime::new(Weekday::Mon, 0));
        let d = delay_ms(&decision(Some(1)), 0, wall);
        assert!(d.is_some_and(|d| d >= 1), "{d:?}");
    }
}
