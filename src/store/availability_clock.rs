//! The availability clock: the decision in force and the timer for its next change.
//!
//! The core decides what to show ([`evaluate`]) and when to decide again
//! ([`availability_recheck`]); this part holds the browser's business clock (`Intl`,
//! in the business's time zone), the current [`Decision`] and one gloo timer that calls
//! back at the next boundary, so the widget flips to away at closing time while the
//! page stays open.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::timers::callback::Timeout;
use sitechat_core::availability::{evaluate, AvailabilityState, Decision, TeamStatus};
use sitechat_core::availability_recheck;
use sitechat_core::config::{Availability, Config};
use sitechat_core::time::{UnixMillis, WallTime, Weekday};

use crate::clock::BusinessClock;

/// The availability part of the store.
pub struct AvailabilityClock {
    business_clock: Option<BusinessClock>,
    decision: RefCell<Decision>,
    timer: RefCell<Option<Timeout>>,
}

impl AvailabilityClock {
    /// A clock for `config`'s time zone (business hours only); a zone the browser does
    /// not know is reported once and read as UTC.
    pub fn new(config: &Config) -> AvailabilityClock {
        let business_clock = match &config.availability {
            Availability::BusinessHours { time_zone, .. } => match BusinessClock::new(time_zone) {
                Ok(clock) => Some(clock),
                Err(err) => {
                    gloo::console::error!(format!(
                        "sitechat: {err}; opening hours are read as UTC"
                    ));
                    BusinessClock::new("UTC").ok()
                }
            },
            _ => None,
        };
        AvailabilityClock {
            business_clock,
            // Replaced by the store's first evaluation before anyone reads it.
            decision: RefCell::new(Decision {
                state: AvailabilityState::Available { response_time: None },
                next_change: None,
                minutes_until_change: None,
            }),
            timer: RefCell::new(None),
        }
    }

    /// The decision in force.
    pub fn decision(&self) -> Decision {
        self.decision.borrow().clone()
    }

    /// Decides at `now` with the team's presence `team`, re-arms the boundary timer to
    /// call `recheck`, and returns whether the decision changed.
    pub fn evaluate(
        &self,
        config: &Config,
        now: UnixMillis,
        team: TeamStatus,
        recheck: Rc<dyn Fn()>,
    ) -> bool {
        let clock = self.business_clock.as_ref();
        let wall =
            clock.and_then(|c| c.wall_time_at(now).ok()).unwrap_or(WallTime::new(Weekday::Mon, 0));
        let decision = evaluate(config, wall, team);
        let delay = clock.and_then(|clock| {
            availability_recheck::delay_ms(&decision, now, |t| clock.wall_time_at(t).ok())
        });
        *self.timer.borrow_mut() = delay.map(|ms| Timeout::new(ms, move || recheck()));
        let changed = *self.decision.borrow() != decision;
        if changed {
            *self.decision.borrow_mut() = decision;
        }
        changed
    }
}
