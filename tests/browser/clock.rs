//! The Intl business clock, across daylight-saving changes.

use sitechat::clock::{BusinessClock, ClockError};
use sitechat_core::time::{instant_after_wall_minutes, WallTime, Weekday};
use wasm_bindgen_test::wasm_bindgen_test;

fn wall(clock: &BusinessClock, instant: i64) -> WallTime {
    clock.wall_time_at(instant).expect("a readable wall time")
}

fn at(weekday: Weekday, hour: u16, minute: u16) -> WallTime {
    WallTime::new(weekday, hour * 60 + minute)
}

#[wasm_bindgen_test]
fn paris_springs_forward_on_2026_03_29() {
    let paris = BusinessClock::new("Europe/Paris").expect("Europe/Paris is known");
    assert_eq!(wall(&paris, 1_774_745_940_000), at(Weekday::Sun, 1, 59)); // 00:59Z, CET
    assert_eq!(wall(&paris, 1_774_746_000_000), at(Weekday::Sun, 3, 0)); // 01:00Z, CEST
}

#[wasm_bindgen_test]
fn paris_falls_back_on_2026_10_25() {
    let paris = BusinessClock::new("Europe/Paris").expect("Europe/Paris is known");
    assert_eq!(wall(&paris, 1_792_889_940_000), at(Weekday::Sun, 2, 59)); // 00:59Z, CEST
    assert_eq!(wall(&paris, 1_792_890_000_000), at(Weekday::Sun, 2, 0)); // 01:00Z, CET
}

#[wasm_bindgen_test]
fn new_york_springs_forward_on_2026_03_08() {
    let new_york = BusinessClock::new("America/New_York").expect("America/New_York is known");
    assert_eq!(wall(&new_york, 1_772_953_140_000), at(Weekday::Sun, 1, 59)); // 06:59Z, EST
    assert_eq!(wall(&new_york, 1_772_953_200_000), at(Weekday::Sun, 3, 0)); // 07:00Z, EDT
}

#[wasm_bindgen_test]
fn the_business_zone_not_the_visitors_decides() {
    // Same instant, two zones, two wall clocks: 2026-03-29 00:30Z.
    let tokyo = BusinessClock::new("Asia/Tokyo").expect("Asia/Tokyo is known");
    let utc = BusinessClock::new("UTC").expect("UTC is known");
    assert_eq!(wall(&tokyo, 1_774_744_200_000), at(Weekday::Sun, 9, 30));
    assert_eq!(wall(&utc, 1_774_744_200_000), at(Weekday::Sun, 0, 30));
}

#[wasm_bindgen_test]
fn an_unknown_zone_is_an_error_naming_it() {
    match BusinessClock::new("Mars/Olympus_Mons") {
        Err(err @ ClockError::UnknownTimeZone(_)) => {
            assert!(err.to_string().contains("\"Mars/Olympus_Mons\""), "{err}");
        }
        Err(other) => panic!("wrong error: {other}"),
        Ok(_) => panic!("an unknown zone was accepted"),
    }
}

#[wasm_bindgen_test]
fn closing_time_across_spring_forward_is_reached_an_hour_sooner() {
    // 01:30 in Paris on 2026-03-29; closing at 04:00 is 150 wall minutes away, but
    // the clocks skip 02:00–03:00, so the timer must fire at 02:00Z, 90 real minutes on.
    let paris = BusinessClock::new("Europe/Paris").expect("Europe/Paris is known");
    let now = 1_774_744_200_000;
    assert_eq!(wall(&paris, now), at(Weekday::Sun, 1, 30));
    let flip = instant_after_wall_minutes(now, 150, |t| paris.wall_time_at(t).ok());
    assert_eq!(flip, 1_774_749_600_000);
    assert_eq!(wall(&paris, flip), at(Weekday::Sun, 4, 0));
}

#[wasm_bindgen_test]
fn closing_time_across_fall_back_is_reached_an_hour_later() {
    // 02:30 CEST on 2026-10-25; 04:00 CET is 90 wall minutes but 150 real minutes away.
    let paris = BusinessClock::new("Europe/Paris").expect("Europe/Paris is known");
    let now = 1_792_888_200_000;
    assert_eq!(wall(&paris, now), at(Weekday::Sun, 2, 30));
    let flip = instant_after_wall_minutes(now, 90, |t| paris.wall_time_at(t).ok());
    assert_eq!(flip, 1_792_897_200_000);
}
