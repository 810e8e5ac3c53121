//! Failed sign-ins per client address, so agents' passwords cannot be guessed at the
//! speed of the server.
//!
//! Invariants:
//! - only failures cost: an address has [`BURST`] attempts, refilled at one per
//!   [`REFILL_SECS`] seconds; each attempt is charged *before* its password check and a
//!   successful one is refunded, so an agent who mistypes a few times never notices and
//!   a burst of concurrent guesses gets no more checks than a sequence would;
//! - an address whose allowance is spent is refused (`429 rate_limited`) before any
//!   password is checked — the right password included — until an attempt's worth has
//!   refilled, so guessing gains nothing by trying harder;
//! - the table is bounded: past [`MAX_TRACKED`] addresses, the ones that have refilled
//!   completely are forgotten (they would start full anyway), and if that frees less
//!   than half, all of them; an IPv6 address counts by its /64
//!   ([`crate::limits::address_key`]).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use crate::rate_limit::TokenBucket;

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
    /// Charges one attempt to `ip`; `false` (nothing charged) when it has none left.
    ///
    /// ```
    /// use std::time::Instant;
    /// use sitechat_server::http::login_throttle::{LoginThrottle, BURST};
    /// let throttle = LoginThrottle::default();
    /// let (ip, now) = ("192.0.2.7".parse().unwrap(), Instant::now());
    /// for _ in 0..BURST as usize {
    ///     assert!(throttle.charge(ip, now));
    /// }
    /// assert!(!throttle.charge(ip, now));
    /// assert!(throttle.charge("192.0.2.8".parse().unwrap(), now), "another address is not affected");
    /// ```
    pub fn charge(&self, ip: IpAddr, now: Instant) -> bool {
        let ip = crate::limits::address_key(ip);
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= MAX_TRACKED && !buckets.contains_key(&ip) {
            buckets.retain(|_, b| !b.is_full(now));
            if buckets.len() > MAX_TRACKED / 2 {
                buckets.clear();
            }
        }
        buckets
            .entry(ip)
            .or_insert_with(|| TokenBucket::new(1.0 / REFILL_SECS, BURST, now))
            .take(now)
    }

    /// Gives back the charge of an attempt that succeeded.
    pub fn refund(&self, ip: IpAddr, now: Instant) {
        let ip = crate::limits::address_key(ip);
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(b) = buckets.get_mut(&ip) {
            b.give(1.0, now);
        }
    }
}
