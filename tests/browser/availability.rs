//! Availability in the widget: live flips at a business-hours boundary on a controlled
//! clock, hiding, the bot override, and team presence from the transport.

use std::rc::Rc;

use sitechat_core::i18n::Locale;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::support::Harness;

/// Wednesday 2026-11-25, 17:29:59.500 in Paris (16:29:59.500 UTC): half a second
/// before closing time.
const HALF_A_SECOND_BEFORE_CLOSING: i64 = 1_795_624_199_500;

/// A clock that starts at `start` and runs at the real pace.
fn clock_from(start: i64) -> sitechat::store::Now {
    let real_start = js_sys::Date::now() as i64;
    Rc::new(move || start + (js_sys::Date::now() as i64 - real_start))
}

const PARIS_OFFICE: &str = r#"{
  "profile": {"name": "Ada"},
  "availability": {
    "mode": "business_hours",
    "time_zone": "Europe/Paris",
    "hours": [{"days": "weekdays", "from": "09:00", "to": "17:30"}],
    "typical_response_time": "few_minutes",
    "outside_hours": {"behavior": "away_message", "message": "We're closed — back at 9."}
  }
}"#;

#[wasm_bindgen_test]
async fn the_widget_flips_to_away_at_closing_time_without_a_reload() {
    let h = Harness::with(PARIS_OFFICE, Locale::En, Some(clock_from(HALF_A_SECOND_BEFORE_CLOSING)))
        .await;
    h.open().await;
    assert_eq!(h.text_of(".sc-header__status"), "Typically replies in a few minutes");
    assert!(h.find(".sc-presence--online").is_some());
    h.wait_for("closing time", |h| h.text_of(".sc-header__status") == "We're closed — back at 9.")
        .await;
    assert!(h.find(".sc-presence--away").is_some(), "the presence dot turns away");
}

#[wasm_bindgen_test]
async fn outside_hours_with_hide_shows_no_widget_unless_a_bot_is_configured() {
    let hide = PARIS_OFFICE.replace(
        r#"{"behavior": "away_message", "message": "We're closed — back at 9."}"#,
        r#"{"behavior": "hide"}"#,
    );
    // 18:00 in Paris: closed.
    let evening = HALF_A_SECOND_BEFORE_CLOSING + 30 * 60 * 1000;
    let h = Harness::with(&hide, Locale::En, Some(clock_from(evening))).await;
    assert!(h.find(".sc-launcher").is_none(), "hidden outside hours");

    let with_bot = hide.replacen('{', r#"{"bot": {"enabled": true, "collect_input": true},"#, 1);
    let b = Harness::with(&with_bot, Locale::En, Some(clock_from(evening))).await;
    assert!(b.find(".sc-launcher").is_some(), "a bot overrides availability: always shown");
}

#[wasm_bindgen_test]
async fn a_hidden_widget_appears_when_the_business_opens() {
    let hide = PARIS_OFFICE.replace(
        r#"{"behavior": "away_message", "message": "We're closed — back at 9."}"#,
        r#"{"behavior": "hide"}"#,
    );
    // Wednesday 08:59:59.500 in Paris.
    let before_opening = HALF_A_SECOND_BEFORE_CLOSING - (8 * 60 + 30) * 60 * 1000;
    let h = Harness::with(&hide, Locale::En, Some(clock_from(before_opening))).await;
    assert!(h.find(".sc-launcher").is_none());
    h.wait_for("opening time", |h| h.find(".sc-launcher").is_some()).await;
}

#[wasm_bindgen_test]
async fn team_presence_from_the_transport_changes_availability_live() {
    let h = Harness::new(
        r#"{"availability": {"mode": "team_status", "typical_response_time": "few_hours",
             "when_away": {"behavior": "away_message", "message": "Nobody's here right now."}}}"#,
    )
    .await;
    h.wait_for("presence known", |h| h.store().chat().team_available() == Some(true)).await;
    h.open().await;
    assert_eq!(h.text_of(".sc-header__status"), "Typically replies in a few hours");
    h.agent.set_team_available(false);
    h.wait_for("away", |h| h.text_of(".sc-header__status") == "Nobody's here right now.").await;
    h.agent.set_team_available(true);
    h.wait_for("back", |h| h.text_of(".sc-header__status") == "Typically replies in a few hours")
        .await;
}

#[wasm_bindgen_test]
async fn team_status_with_hide_hides_the_launcher_while_nobody_is_available() {
    let h = Harness::new(
        r#"{"availability": {"mode": "team_status", "when_away": {"behavior": "hide"}}}"#,
    )
    .await;
    h.wait_for("shown once the team is known to be there", |h| h.find(".sc-launcher").is_some())
        .await;
    h.agent.set_team_available(false);
    h.wait_for("hidden", |h| h.find(".sc-launcher").is_none()).await;
}
