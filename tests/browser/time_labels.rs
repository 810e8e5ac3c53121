//! Message times read the visitor's way, in the visitor's language: relative while
//! recent, then the clock time from `Intl` (with the day once it is not today).

use sitechat::time_label::time_label;
use sitechat_core::i18n::Locale;
use wasm_bindgen_test::wasm_bindgen_test;

const MINUTE: i64 = 60_000;

/// Today at 14:05 in the browser's own zone, as an instant.
fn today_at_1405() -> i64 {
    let d = js_sys::Date::new_0();
    d.set_hours(14);
    d.set_minutes(5);
    d.set_seconds(0);
    d.set_milliseconds(0);
    d.get_time() as i64
}

#[wasm_bindgen_test]
fn recent_times_are_relative_in_english_and_french() {
    let now = today_at_1405() + 30 * MINUTE;
    assert_eq!(time_label(Locale::En, now, now - 20_000), "just now");
    assert_eq!(time_label(Locale::Fr, now, now - 20_000), "à l’instant");
    assert_eq!(time_label(Locale::En, now, now - 5 * MINUTE), "5 min ago");
    assert_eq!(time_label(Locale::Fr, now, now - 5 * MINUTE), "il y a 5\u{a0}min");
}

#[wasm_bindgen_test]
fn older_times_today_are_clock_times_in_the_visitors_convention() {
    let at = today_at_1405();
    let now = at + 3 * 60 * MINUTE;
    let en = time_label(Locale::En, now, at);
    let fr = time_label(Locale::Fr, now, at);
    assert_eq!(fr, "14:05", "French uses the 24-hour clock");
    assert!(en == "02:05 PM" || en == "2:05 PM", "English uses the 12-hour clock: {en:?}");
}

#[wasm_bindgen_test]
fn times_from_another_day_carry_the_day_in_the_visitors_language() {
    let at = today_at_1405() - 3 * 24 * 60 * MINUTE;
    let now = today_at_1405();
    let fr = time_label(Locale::Fr, now, at);
    let en = time_label(Locale::En, now, at);
    assert!(fr.contains("14:05"), "{fr:?}");
    let french_days = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."];
    assert!(french_days.iter().any(|d| fr.contains(d)), "a French weekday in {fr:?}");
    let english_days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    assert!(english_days.iter().any(|d| en.contains(d)), "an English weekday in {en:?}");
    assert_ne!(fr, en);
}
