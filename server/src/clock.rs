//! The wall clock, in the protocol's unit (Unix milliseconds).
//!
//! The only place the server reads the time, so the rest takes `now` as a value.

use sitechat_core::time::UnixMillis;

/// Milliseconds since the Unix epoch; a clock before 1970 reads as 0.
pub fn now_ms() -> UnixMillis {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
