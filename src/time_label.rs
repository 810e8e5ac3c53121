//! How a message's time reads: "just now", "5 min ago", then the clock time in the
//! visitor's language ("14:05", "Mon 14:05" for older days).
//!
//! Recent times come from the core's catalogue; clock times from `Intl`, in the
//! visitor's own time zone (a message time is about the visitor's day, unlike opening
//! hours, which follow the business).

use std::cell::RefCell;

use js_sys::{Array, Date, Intl, Object, Reflect};
use sitechat_core::i18n::{relative_time, Locale};
use sitechat_core::time::UnixMillis;
use wasm_bindgen::JsValue;

const HOUR: i64 = 60 * 60 * 1000;

thread_local! {
    static FORMATS: RefCell<Vec<(Locale, bool, Intl::DateTimeFormat)>> = const { RefCell::new(Vec::new()) };
}

fn formatter(locale: Locale, with_day: bool) -> Intl::DateTimeFormat {
    FORMATS.with(|cache| {
        if let Some((_, _, f)) =
            cache.borrow().iter().find(|(l, d, _)| *l == locale && *d == with_day)
        {
            return f.clone();
        }
        let options = Object::new();
        let set = |k: &str, v: &str| {
            let _ = Reflect::set(&options, &JsValue::from_str(k), &JsValue::from_str(v));
        };
        set("hour", "2-digit");
        set("minute", "2-digit");
        if with_day {
            set("weekday", "short");
            set("day", "numeric");
            set("month", "short");
        }
        let f = Intl::DateTimeFormat::new(&Array::of1(&JsValue::from_str(locale.code())), &options);
        cache.borrow_mut().push((locale, with_day, f.clone()));
        f
    })
}

/// The label for a message written at `at`, seen at `now`.
pub fn time_label(locale: Locale, now: UnixMillis, at: UnixMillis) -> String {
    if now.saturating_sub(at) < HOUR {
        if let Some(recent) = relative_time(locale, now, at) {
            return recent;
        }
    }
    let date = Date::new(&JsValue::from_f64(at as f64));
    let today = Date::new(&JsValue::from_f64(now as f64));
    let same_day = date.get_full_year() == today.get_full_year()
        && date.get_month() == today.get_month()
        && date.get_date() == today.get_date();
    let format = formatter(locale, !same_day).format();
    format.call1(&JsValue::NULL, &date).ok().and_then(|v| v.as_string()).unwrap_or_default()
}
