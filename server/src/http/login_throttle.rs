//! Failed sign-ins per client address, so agents' passwords cannot be guessed at the
//! speed of the server.
//!
//! Invariants:
//! - only failures cost: an address has [`BURST`] failed attempts, refilled at one per
//!   [`REFILL_SECS`] seconds; an agent who mistypes a few times never notices;
//! - an address whose allowance is spent is refused (`429 rate_limited`) before any
//!   password is checked — the right password included — until a failure's worth has
//!   refilled, so guessing gains nothing by trying harder;
//! - the table is bounded: past [`MAX_TRACKED`] addresses, the ones that have refilled
//!   completely are forgotten (they would start full anyway).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use crate::ws::rate_limit::TokenBucket;

/// Failed sign-ins an address may make in a row.
pub const BURST: f64 = 10.0;
/// Seconds for one failed attempt to be forgiven.
pub const REFILL_SECS: f64 = 6.0;
/// Addresses tracked before the full ones are forgotten.
pub const MAX_TRACKED: usize = 10_000;

/// The allowance of every address that failed recently.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    buckets: Mutex<HashMap<IpAddr, TokenBucket>>,
}

impl LoginThrottle {
    /// Whether `ip` may try to sign in now.
    ///
    /// ```
    /// use std::time::Instant;
    /// use sitechat_server::http::login_throttle::{LoginThrottle, BURST};
    /// let throttle = LoginThrottle::default();
    /// let (ip, now) = ("192.0.2.7".parse().unwrap(), Instant::now());
    /// for _ in 0..BURST as usize {
    ///     assert!(throttle.may_try(ip, now));
    ///     throttle.failed(ip, now);
    /// }
    /// assert!(!throttle.may_try(ip, now));
    /// assert!(throttle.may_try("192.0.2.8".parse().unwrap(), now), "another address is not affected");
    /// ```
    pub fn may_try(&self, ip: IpAddr, now: Instant) -> bool {
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        buckets.get_mut(&ip).is_none_or(|b| b.available(now))
    }

    /// Records a failed attempt from `ip`.
    pub fn failed(&self, ip: IpAddr, now: Instant) {
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= MAX_TRACKED {
            buckets.retain(|_, b| !b.is_full(now));
        }
        let bucket =
            buckets.entry(ip).or_insert_with(|| TokenBucket::new(1.0 / REFILL_SECS, BURST, now));
        bucket.take(now);
    }
}
