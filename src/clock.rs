//! The business wall clock, computed by the browser's `Intl` time-zone data.
//!
//! The core decides availability from a [`WallTime`] in the business's time zone; this
//! module is the only place that turns an instant into that wall time. Using
//! `Intl.DateTimeFormat` with `timeZone` keeps a time-zone database out of the wasm
//! binary and follows whatever daylight-saving rules the visitor's browser knows.

use js_sys::{Array, Date, Intl, Object, Reflect};
use sitechat_core::time::{UnixMillis, WallTime, Weekday};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `Intl.DateTimeFormat(locales, options)` called as a function (allowed by ECMA-402),
    /// with `catch` so that the `RangeError` of an unknown zone becomes an `Err` instead
    /// of an exception unwinding through wasm.
    #[wasm_bindgen(catch, js_namespace = Intl, js_name = DateTimeFormat)]
    fn date_time_format(locales: &Array, options: &Object)
        -> Result<Intl::DateTimeFormat, JsValue>;
}

/// Why a wall clock could not be produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClockError {
    /// The browser rejected the name (`Intl` throws a `RangeError`).
    UnknownTimeZone(String),
    /// `formatToParts` returned something we could not read (a very old browser).
    Unreadable(String),
}

impl std::fmt::Display for ClockError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClockError::UnknownTimeZone(tz) => {
                write!(f, "availability.time_zone: \"{tz}\" is not a time zone this browser knows")
            }
            ClockError::Unreadable(what) => write!(f, "the browser's Intl clock gave {what}"),
        }
    }
}

/// Reads wall-clock times in one time zone. Holding the formatter avoids building a
/// new `Intl.DateTimeFormat` (slow) on every evaluation.
pub struct BusinessClock {
    format: Intl::DateTimeFormat,
}

impl BusinessClock {
    /// A clock for the IANA zone `time_zone`, or an error naming it when the browser
    /// does not know it.
    pub fn new(time_zone: &str) -> Result<BusinessClock, ClockError> {
        let options = Object::new();
        let set =
            |k: &str, v: &str| Reflect::set(&options, &JsValue::from_str(k), &JsValue::from_str(v));
        let ok = set("timeZone", time_zone)
            .and_then(|_| set("weekday", "short"))
            .and_then(|_| set("hour", "2-digit"))
            .and_then(|_| set("minute", "2-digit"))
            .and_then(|_| set("hourCycle", "h23"));
        if ok.is_err() {
            return Err(ClockError::Unreadable("an options object it would not accept".into()));
        }
        let locales = Array::of1(&JsValue::from_str("en-US"));
        let format = date_time_format(&locales, &options)
            .map_err(|_| ClockError::UnknownTimeZone(time_zone.to_owned()))?;
        Ok(BusinessClock { format })
    }

    /// The wall time at `instant` in this clock's zone.
    pub fn wall_time_at(&self, instant: UnixMillis) -> Result<WallTime, ClockError> {
        let date = Date::new(&JsValue::from_f64(instant as f64));
        let parts = self.format.format_to_parts(&date);
        let mut weekday = None;
        let mut hour = None;
        let mut minute = None;
        for part in parts.iter() {
            let kind =
                Reflect::get(&part, &JsValue::from_str("type")).ok().and_then(|v| v.as_string());
            let value =
                Reflect::get(&part, &JsValue::from_str("value")).ok().and_then(|v| v.as_string());
            match (kind.as_deref(), value) {
                (Some("weekday"), Some(v)) => weekday = Weekday::parse(&v),
                (Some("hour"), Some(v)) => hour = v.parse::<u16>().ok(),
                (Some("minute"), Some(v)) => minute = v.parse::<u16>().ok(),
                _ => {}
            }
        }
        match (weekday, hour, minute) {
            // Some engines print midnight as "24" even with h23; treat it as 0.
            (Some(d), Some(h), Some(m)) if h <= 24 && m < 60 => {
                Ok(WallTime::new(d, (h % 24) * 60 + m))
            }
            _ => Err(ClockError::Unreadable(format!("unexpected parts at {instant}"))),
        }
    }
}

/// The current instant, from the browser.
pub fn now() -> UnixMillis {
    Date::now() as UnixMillis
}
