//! A token bucket: each frame costs one token; tokens refill at a steady rate up to
//! a burst size.
//!
//! Invariants: the bucket never holds more than `burst` tokens nor fewer than zero;
//! time comes in as an argument, so the behaviour is testable without sleeping.

use std::time::Instant;

/// One client's allowance.
#[derive(Debug, Clone)]
pub struct TokenBucket {
    rate_per_sec: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(rate_per_sec: f64, burst: f64, now: Instant) -> TokenBucket {
        TokenBucket { rate_per_sec, burst, tokens: burst, last: now }
    }

    /// Takes a token if there is one.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// use sitechat_server::rate_limit::TokenBucket;
    /// let t0 = Instant::now();
    /// let mut b = TokenBucket::new(5.0, 2.0, t0);
    /// assert!(b.take(t0) && b.take(t0));
    /// assert!(!b.take(t0));
    /// assert!(b.take(t0 + Duration::from_millis(200)));
    /// ```
    pub fn take(&mut self, now: Instant) -> bool {
        self.take_n(1.0, now)
    }

    /// Takes `n` tokens if there are that many (an upload's bytes, say).
    pub fn take_n(&mut self, n: f64, now: Instant) -> bool {
        self.refill(now);
        if self.tokens >= n {
            self.tokens -= n;
            true
        } else {
            false
        }
    }
}

impl TokenBucket {
    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.rate_per_sec).min(self.burst);
    }

    /// Gives `n` tokens back (never past the burst).
    pub fn give(&mut self, n: f64, now: Instant) {
        self.refill(now);
        self.tokens = (self.tokens + n).min(self.burst);
    }

    /// Whether a token could be taken now, without taking it.
    pub fn available(&mut self, now: Instant) -> bool {
        self.refill(now);
        self.tokens >= 1.0
    }

    /// Whether the bucket has refilled completely.
    pub fn is_full(&mut self, now: Instant) -> bool {
        self.refill(now);
        self.tokens >= self.burst
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn refill_is_capped_at_the_burst() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(5.0, 3.0, t0);
        let later = t0 + Duration::from_secs(3600);
        let granted = (0..10).filter(|_| b.take(later)).count();
        assert_eq!(granted, 3);
    }
}
