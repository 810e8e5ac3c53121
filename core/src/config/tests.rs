//! Parsing, defaults, round-trips and the exact wording of error messages.

use super::*;
use crate::color::Rgb;
use crate::time::Weekday;
use proptest::prelude::*;
use serde_json::json;

fn errors_of(doc: serde_json::Value) -> Vec<String> {
    match Config::from_value(&doc) {
        Ok(c) => panic!("expected errors, got {c:?}"),
        Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
    }
}

fn ok(doc: serde_json::Value) -> Config {
    match Config::from_value(&doc) {
        Ok(c) => c,
        Err(e) => panic!("expected a valid config, got:\n{e}"),
    }
}

fn full_example() -> serde_json::Value {
    json!({
        "profile": {
            "name": "  Ada from Acme ",
            "avatar_url": "https://acme.example/ada.png",
            "meetings": { "enabled": true, "url": "https://acme.example/meet/ada", "link_text": "Book a meeting" }
        },
        "appearance": { "theme_color": "#0B5FFF", "position": "left", "branding": false, "locale": "fr-CA" },
        "availability": {
            "mode": "business_hours",
            "time_zone": "Europe/Paris",
            "hours": [
                { "days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "12:30" },
                { "days": "weekdays", "from": "13:30", "to": "17:30" },
                { "days": "friday", "from": "22:00", "to": "02:00" }
            ],
            "typical_response_time": "within_an_hour",
            "outside_hours": { "behavior": "away_message", "message": "We're away — leave a message." },
            "when_team_away": { "behavior": "response_time" }
        },
        "bot": { "enabled": true, "collect_input": false },
        "options": {
            "transcript_auto_send": false,
            "inactivity_timeout_minutes": 45,
            "attachments": true,
            "max_attachment_bytes": 1048576,
            "allowed_attachment_types": ["image/*", "Application/PDF"]
        }
    })
}

#[test]
fn empty_object_is_the_default_config() {
    assert_eq!(parse_config("{}"), Ok(Config::default()));
    let c = Config::default();
    assert_eq!(c.profile.name, "Support");
    assert_eq!(c.appearance.theme_color, Rgb::new(0x2f, 0x5b, 0xea));
    assert_eq!(
        c.availability,
        Availability::Always { typical_response_time: Some(ResponseTime::FewMinutes) }
    );
    assert_eq!(c.options.inactivity_timeout_minutes, 30);
    assert!(c.options.allowed_attachment_types.iter().any(|t| t == "application/pdf"));
}

#[test]
fn full_example_parses_into_typed_values() {
    let c = ok(full_example());
    assert_eq!(c.profile.name, "Ada from Acme");
    assert_eq!(c.profile.meetings_link(), Some("https://acme.example/meet/ada"));
    assert_eq!(c.profile.meetings.link_text.as_deref(), Some("Book a meeting"));
    assert_eq!(c.appearance.theme_color, Rgb::new(0x0b, 0x5f, 0xff));
    assert_eq!(c.appearance.position, Position::Left);
    assert_eq!(c.appearance.locale.as_deref(), Some("fr-CA"));
    assert_eq!(c.options.allowed_attachment_types, ["image/*", "application/pdf"]);
    let Availability::BusinessHours {
        time_zone,
        ranges,
        typical_response_time,
        outside_hours,
        when_team_away,
    } = c.availability
    else {
        panic!("expected business hours");
    };
    assert_eq!(time_zone, "Europe/Paris");
    assert_eq!(ranges.len(), 5 + 5 + 1);
    assert_eq!(ranges.first(), Some(&WeeklyRange { day: Weekday::Mon, from: 540, to: 750 }));
    assert_eq!(ranges.last(), Some(&WeeklyRange { day: Weekday::Fri, from: 1320, to: 120 }));
    assert_eq!(typical_response_time, Some(ResponseTime::WithinAnHour));
    assert_eq!(outside_hours, AwayBehavior::AwayMessage("We're away — leave a message.".into()));
    assert_eq!(when_team_away, Some(AwayBehavior::ResponseTime));
    assert_eq!(c.bot, Bot { enabled: true, collect_input: false, flow: None });
}

#[test]
fn serialised_configs_parse_back_to_the_same_value() {
    for config in [
        Config::default(),
        ok(full_example()),
        ok(json!({ "availability": { "mode": "team_status",
        "typical_response_time": null, "when_away": { "behavior": "away_message", "message": "Later" } } })),
    ] {
        let text = serde_json::to_string(&config).unwrap_or_default();
        assert_eq!(parse_config(&text), Ok(config.clone()), "{text}");
        assert_eq!(Config::from_value(&config.to_value()), Ok(config));
    }
}

#[test]
fn null_response_time_hides_it_and_a_missing_one_defaults() {
    let hidden = ok(json!({ "availability": { "mode": "always", "typical_response_time": null } }));
    assert_eq!(hidden.availability.typical_response_time(), None);
    let missing = ok(json!({ "availability": { "mode": "team_status" } }));
    assert_eq!(
        missing.availability,
        Availability::TeamStatus {
            typical_response_time: Some(ResponseTime::FewMinutes),
            when_away: AwayBehavior::Hide
        }
    );
}

#[test]
fn not_json_is_one_document_error_with_line_and_column() {
    let e = parse_config("{\n  \"profile\": {\"name\": \"Ada\",}\n}").err();
    assert_eq!(
        e.map(|e| e.to_string()),
        Some("(document): not valid JSON: trailing comma at line 2 column 29".to_owned())
    );
    let e = parse_config("").err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        e.starts_with("(document): not valid JSON: EOF while parsing a value at line 1 column 0"),
        "{e}"
    );
    assert_eq!(errors_of(json!([1])), ["(document): expected an object, found an array"]);
}

#[test]
fn unknown_fields_are_reported_with_a_suggestion() {
    assert_eq!(
        errors_of(json!({ "appearance": { "colour": "#fff", "postion": "left" }, "option": {} })),
        [
            "option: unknown field (did you mean \"options\"?)",
            "appearance.colour: unknown field (did you mean \"theme_color\"?)",
            "appearance.postion: unknown field (did you mean \"position\"?)",
        ]
    );
    assert_eq!(
        errors_of(json!({ "bot": { "zzz": 1 } })),
        ["bot.zzz: unknown field (expected \"enabled\", \"collect_input\" or \"flow\")"]
    );
}

#[test]
fn fields_of_another_mode_say_which_mode_they_belong_to() {
    assert_eq!(
        errors_of(json!({ "availability": { "mode": "always", "hours": [] } })),
        ["availability.hours: unknown field (only used with \"mode\": \"business_hours\", this is \"always\")"]
    );
    assert_eq!(
        errors_of(json!({ "availability": { "hours": [] } })),
        ["availability.hours: unknown field (only used with \"mode\": \"business_hours\", this is \"always\")"]
    );
}

#[test]
fn every_problem_is_collected_with_its_path() {
    let doc = json!({
        "profile": { "name": "   ", "avatar_url": "ada.png", "meetings": { "enabled": true } },
        "appearance": { "theme_color": "blue", "position": "rigth", "branding": "yes", "locale": "french" },
        "availability": { "mode": "business_hours", "time_zone": "Paris",
            "hours": [
                { "days": "mon", "from": "09:00", "to": "17:00" },
                { "days": ["tue", "mondy"], "from": "24:00", "to": "25:00" },
                { "days": [], "from": "10:00", "to": "10:00" },
                { "from": "10:00", "to": "10:00", "extra": true }
            ],
            "typical_response_time": "soon",
            "outside_hours": { "behavior": "away_message" },
            "when_team_away": { "behavior": "hide", "message": "x" } },
        "bot": { "enabled": 1 },
        "options": { "inactivity_timeout_minutes": 0, "max_attachment_bytes": 1e9, "allowed_attachment_types": ["image", 3],
            "attachments": "yes", "transcript_auto_send": null }
    });
    let expected = [
        "profile.name: must not be empty",
        "profile.avatar_url: \"ada.png\" is not an http or https URL nor a path starting with \"/\"",
        "profile.meetings.url: required when meetings are enabled (an http or https URL)",
        "appearance.theme_color: \"blue\" is not a colour (expected \"#rgb\" or \"#rrggbb\")",
        "appearance.position: \"rigth\" is not allowed (expected \"right\" or \"left\"; did you mean \"right\"?)",
        "appearance.branding: expected true or false, found \"yes\"",
        "appearance.locale: \"french\" is not \"auto\" or a language tag like \"fr\" or \"fr-CA\"",
        "availability.typical_response_time: \"soon\" is not allowed (expected \"few_minutes\", \"within_an_hour\", \"few_hours\" or \"within_a_day\")",
        "availability.time_zone: \"Paris\" is not a time zone name (expected \"UTC\" or Area/Location like \"Europe/Paris\")",
        "availability.hours[1].days[1]: \"mondy\" is not a day (expected \"mon\" to \"sun\", a full English day name, or \"weekdays\", \"weekend\" or \"every_day\")",
        "availability.hours[1].from: \"24:00\" is only allowed as \"to\" (the end of the day)",
        "availability.hours[1].to: \"25:00\" is not a time (expected HH:MM, 00:00 to 24:00)",
        "availability.hours[2].days: must list at least one day",
        "availability.hours[3].extra: unknown field (expected \"days\", \"from\" or \"to\")",
        "availability.hours[3].days: required (a day like \"mon\", a list of days, \"weekdays\", \"weekend\" or \"every_day\")",
        "availability.outside_hours.message: required when behavior is \"away_message\"",
        "availability.when_team_away.message: only used when behavior is \"away_message\"",
        "bot.enabled: expected true or false, found 1",
        "options.transcript_auto_send: expected true or false, found null",
        "options.inactivity_timeout_minutes: 0 is out of range (expected 1 to 1440)",
        "options.attachments: expected true or false, found \"yes\"",
        "options.max_attachment_bytes: expected a whole number, found 1000000000.0",
        "options.allowed_attachment_types[0]: \"image\" is not a MIME type pattern (expected e.g. \"image/*\" or \"application/pdf\")",
        "options.allowed_attachment_types[1]: expected a string, found 3",
    ];
    assert_eq!(errors_of(doc), expected);
}

#[test]
fn business_hours_requirements() {
    assert_eq!(
        errors_of(json!({ "availability": { "mode": "business_hours" } })),
        [
            "availability.time_zone: required when mode is \"business_hours\" (an IANA name like \"Europe/Paris\")",
            "availability.hours: required when mode is \"business_hours\" (a list of opening ranges)",
        ]
    );
    assert_eq!(
        errors_of(
            json!({ "availability": { "mode": "business_hours", "time_zone": "UTC", "hours": [] } })
        ),
        ["availability.hours: must contain at least one range"]
    );
    assert_eq!(
        errors_of(json!({ "availability": { "mode": "business_hours", "time_zone": "UTC",
            "hours": [{ "days": "weekend", "from": "00:00", "to": "00:00" }] } })),
        ["availability.hours[0].to: \"00:00\" is the same as \"from\", an empty range (a whole day is \"00:00\" to \"24:00\")"]
    );
}

#[test]
fn days_accept_names_groups_and_lists_without_duplicates() {
    let c = ok(
        json!({ "availability": { "mode": "business_hours", "time_zone": "America/Argentina/Buenos_Aires",
        "hours": [{ "days": ["Saturday", "weekend", "sun"], "from": "10:00", "to": "00:00" }] } }),
    );
    let Availability::BusinessHours { ranges, .. } = c.availability else {
        panic!("expected business hours")
    };
    assert_eq!(
        ranges,
        [
            WeeklyRange { day: Weekday::Sat, from: 600, to: 1440 },
            WeeklyRange { day: Weekday::Sun, from: 600, to: 1440 }
        ]
    );
}

#[test]
fn time_zone_shapes() {
    for tz in ["UTC", "Europe/Paris", "Etc/GMT+5", "America/Port-au-Prince"] {
        ok(
            json!({ "availability": { "mode": "business_hours", "time_zone": tz, "hours": [{ "days": "mon", "from": "09:00", "to": "10:00" }] } }),
        );
    }
    for tz in
        ["", "Paris", "GMT", "Europe/", "/Paris", "Europe/Pa ris", "Europe//Paris", "Europe/1Paris"]
    {
        let errs = errors_of(json!({ "availability": { "mode": "business_hours", "time_zone": tz,
            "hours": [{ "days": "mon", "from": "09:00", "to": "10:00" }] } }));
        assert_eq!(errs.len(), 1, "{tz}");
    }
}

#[test]
fn team_status_cannot_fall_back_to_response_time() {
    assert_eq!(
        errors_of(json!({ "availability": { "mode": "team_status", "when_away": { "behavior": "response_time" } } })),
        ["availability.when_away.behavior: \"response_time\" is not allowed (expected \"away_message\" or \"hide\")"]
    );
}

#[test]
fn text_limits() {
    let long_name = "a".repeat(81);
    let errs = errors_of(json!({ "profile": { "name": long_name } }));
    assert_eq!(errs.len(), 1);
    assert!(errs.iter().all(|e| e.starts_with("profile.name: \"aaa")
        && e.ends_with("is too long (81 characters, at most 80)")));
    ok(json!({ "profile": { "name": "é".repeat(80) } }));
    let long_message = "m".repeat(501);
    assert_eq!(
        errors_of(
            json!({ "availability": { "mode": "team_status", "when_away": { "behavior": "away_message", "message": long_message } } })
        ),
        ["availability.when_away.message: is too long (501 characters, at most 500)"]
    );
}

#[test]
fn meetings_url_must_be_http_even_when_disabled() {
    assert_eq!(
        errors_of(
            json!({ "profile": { "meetings": { "enabled": false, "url": "javascript:alert(1)" } } })
        ),
        ["profile.meetings.url: \"javascript:alert(1)\" is not an http or https URL"]
    );
    let c =
        ok(json!({ "profile": { "meetings": { "enabled": false, "url": "https://x.example" } } }));
    assert_eq!(c.profile.meetings_link(), None);
}

#[test]
fn errors_display_one_per_line_and_are_std_errors() {
    let e = parse_config(r#"{ "bot": { "enabled": "no", "collect_input": "no" } }"#).err();
    let text = e.as_ref().map(ToString::to_string).unwrap_or_default();
    assert_eq!(text.lines().count(), 2);
    let boxed: Option<Box<dyn std::error::Error>> = e.map(|e| Box::new(e) as _);
    assert!(boxed.is_some());
}

// ---- docs/configuration.md stays true ----

const DOC: &str = include_str!("../../../docs/configuration.md");

/// The fenced blocks of the guide as (info string, body).
fn fenced_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in markdown.lines() {
        match (current.take(), line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_owned(), String::new())),
            (Some(block), Some(_)) => blocks.push(block),
            (Some((info, mut body)), None) => {
                body.push_str(line);
                body.push('\n');
                current = Some((info, body));
            }
            (None, None) => {}
        }
    }
    blocks
}

#[test]
fn every_json_example_in_the_guide_is_a_valid_config() {
    let examples: Vec<String> =
        fenced_blocks(DOC).into_iter().filter(|(info, _)| info == "json").map(|(_, b)| b).collect();
    assert!(examples.len() >= 6);
    for example in examples {
        if let Err(e) = parse_config(&example) {
            panic!("guide example rejected:\n{example}\n{e}");
        }
    }
}

#[test]
fn every_error_example_in_the_guide_prints_exactly_what_the_code_prints() {
    let blocks = fenced_blocks(DOC);
    let pairs: Vec<(&String, &String)> = blocks
        .windows(2)
        .filter_map(|w| match w {
            [(a, input), (b, output)] if a == "json invalid" && b == "text" => {
                Some((input, output))
            }
            _ => None,
        })
        .collect();
    assert!(pairs.len() >= 3, "the guide should show at least three error examples");
    for (input, output) in pairs {
        let printed = parse_config(input).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(printed, output.trim_end(), "for input:\n{input}");
    }
}

// ---- never panics ----

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let keys = prop::sample::select(vec![
        "profile",
        "appearance",
        "availability",
        "bot",
        "options",
        "name",
        "avatar_url",
        "meetings",
        "enabled",
        "url",
        "link_text",
        "theme_color",
        "position",
        "branding",
        "locale",
        "mode",
        "time_zone",
        "hours",
        "days",
        "from",
        "to",
        "typical_response_time",
        "outside_hours",
        "when_team_away",
        "when_away",
        "behavior",
        "message",
        "collect_input",
        "inactivity_timeout_minutes",
        "max_attachment_bytes",
        "allowed_attachment_types",
        "attachments",
        "x",
    ]);
    let strings = prop::sample::select(vec![
        "",
        "business_hours",
        "team_status",
        "always",
        "09:00",
        "24:00",
        "25:00",
        "mon",
        "weekdays",
        "hide",
        "away_message",
        "response_time",
        "#fff",
        "UTC",
        "Europe/Paris",
        "https://a.example",
        "/a.png",
        "é",
        "image/*",
        "few_hours",
        "auto",
    ]);
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)),
        strings.prop_map(serde_json::Value::from),
        ".*".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(keys.clone(), inner, 0..6).prop_map(|m| {
                serde_json::Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn never_panics_and_valid_results_round_trip(doc in arb_json()) {
        match Config::from_value(&doc) {
            Ok(c) => prop_assert_eq!(Config::from_value(&c.to_value()), Ok(c)),
            Err(e) => prop_assert!(e.errors().iter().all(|x| !x.path.is_empty() && !x.message.is_empty())),
        }
    }

    #[test]
    fn never_panics_on_arbitrary_text(text in ".{0,200}") {
        let _ = parse_config(&text);
    }
}

/// Regression (fuzz target `config`): an unknown key that is empty or not a plain name
/// still gets an error naming it, with a path that is never empty.
#[test]
fn odd_unknown_keys_are_named_by_a_quoted_path() {
    assert_eq!(
        errors_of(json!({ "": { "meetings": { "enabled": true, "url": "https:da" } } })),
        [
            r#"[""]: unknown field (expected "profile", "appearance", "availability", "bot" or "options")"#
        ]
    );
    assert_eq!(
        errors_of(json!({ "profile": { "na me": "x", "a.b": 1 } })),
        [
            r#"profile["a.b"]: unknown field (expected "name", "avatar_url" or "meetings")"#,
            r#"profile["na me"]: unknown field (did you mean "name"?)"#,
        ]
    );
    let errors = parse_config(r#"{"\u202e<script>": 1}"#).unwrap_err();
    assert!(errors.errors().iter().all(|e| !e.path.is_empty()));
    assert_eq!(errors.errors()[0].path, "[\"\u{202e}<script>\"]");
}
