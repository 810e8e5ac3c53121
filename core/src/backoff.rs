//! How long to wait before reconnecting to the backend.
//!
//! Exponential backoff with jitter: after a server restart every widget on every page
//! reconnects at once, so each waits a random share of an exponentially growing delay
//! rather than hammering the server in lockstep. The randomness comes in as a number in
//! `[0, 1)` (the core has no random generator).

/// The first retry waits around this long.
pub const BASE_DELAY_MS: u32 = 500;
/// No retry waits longer than this: a visitor who comes back should not wait minutes.
pub const MAX_DELAY_MS: u32 = 30_000;

/// The delay before reconnection attempt `attempt` (0 for the first retry), given a
/// uniform random `unit` in `[0, 1)`: between half and all of
/// `min(MAX, BASE · 2^attempt)` ("equal jitter"), so it never collapses to zero.
///
/// # Example
/// ```
/// use sitechat_core::backoff::{reconnect_delay_ms, MAX_DELAY_MS};
/// assert_eq!(reconnect_delay_ms(0, 0.0), 250);
/// assert_eq!(reconnect_delay_ms(0, 0.999_999), 499);
/// assert!(reconnect_delay_ms(40, 0.5) <= MAX_DELAY_MS);
/// ```
pub fn reconnect_delay_ms(attempt: u32, unit: f64) -> u32 {
    let cap = BASE_DELAY_MS
        .saturating_mul(1u32.checked_shl(attempt.min(16)).unwrap_or(u32::MAX))
        .min(MAX_DELAY_MS);
    let unit = if unit.is_finite() { unit.clamp(0.0, 1.0) } else { 0.5 };
    let half = cap / 2;
    let jitter = (f64::from(cap - half) * unit) as u32;
    (half + jitter).min(cap.saturating_sub(1)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_cap() {
        let mid: Vec<u32> = (0..10).map(|a| reconnect_delay_ms(a, 0.5)).collect();
        assert!(mid.windows(2).all(|w| w[0] <= w[1]), "{mid:?}");
        assert_eq!(reconnect_delay_ms(3, 0.0), 2_000);
        assert_eq!(reconnect_delay_ms(20, 0.0), MAX_DELAY_MS / 2);
        assert!(reconnect_delay_ms(20, 0.99) < MAX_DELAY_MS);
    }

    #[test]
    fn odd_randomness_stays_in_bounds() {
        for unit in [f64::NAN, f64::INFINITY, -3.0, 7.0] {
            let d = reconnect_delay_ms(2, unit);
            assert!((1_000..2_000).contains(&d), "{unit} gave {d}");
        }
        assert!(reconnect_delay_ms(u32::MAX, 0.3) <= MAX_DELAY_MS);
    }
}
