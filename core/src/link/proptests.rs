//! Property tests: whatever happens, in whatever order, the link keeps its invariants.

use proptest::prelude::*;

use super::*;
use crate::backoff::MAX_DELAY_MS;

const FRAMES: [&str; 6] = [
    r#"{"type":"welcome","session_token":"t1","visitor_id":"v1","team_available":true,"server_time":1}"#,
    r#"{"type":"error","code":"unauthorized","message":"no"}"#,
    r#"{"type":"error","code":"unsupported_protocol","message":"no"}"#,
    r#"{"type":"pong","nonce":1}"#,
    r#"{"type":"presence","team_available":false}"#,
    "garbage",
];

fn input() -> impl Strategy<Value = LinkInput> {
    let conn = (1u64..6).prop_map(ConnId);
    let timer = prop_oneof![Just(LinkTimer::Retry), Just(LinkTimer::Ping), Just(LinkTimer::Pong)];
    prop_oneof![
        Just(LinkInput::Start),
        Just(LinkInput::ReconnectNow),
        conn.clone().prop_map(|conn| LinkInput::Opened { conn, page_url: "p".into() }),
        (conn.clone(), 0..FRAMES.len())
            .prop_map(|(conn, i)| LinkInput::Frame { conn, text: FRAMES[i].into() }),
        conn.clone().prop_map(|conn| LinkInput::Closed { conn, reason: "x".into() }),
        conn.clone().prop_map(|conn| LinkInput::ConnectFailed { conn, reason: "x".into() }),
        conn.prop_map(|conn| LinkInput::SendFailed { conn, reason: "x".into() }),
        timer.prop_map(LinkInput::TimerFired),
        Just(LinkInput::Send(ClientCommand::Ping { nonce: 99 })),
        prop_oneof![Just(None), Just(Some("t1".to_owned())), Just(Some("t2".to_owned()))]
            .prop_map(LinkInput::UseToken),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_link_keeps_its_invariants(
        token in prop_oneof![Just(None), Just(Some("t0".to_owned()))],
        seed in any::<u64>(),
        inputs in proptest::collection::vec(input(), 0..80),
    ) {
        let mut link = LinkMachine::new("en", token, seed);
        let mut last_conn = 0u64;
        for input in inputs {
            let before = link.phase();
            let out = link.handle(input);
            if before == LinkPhase::Stopped {
                prop_assert!(out.is_empty(), "a stopped link did {out:?}");
            }
            let connects = out.iter().filter(|o| matches!(o, LinkOutput::Connect(_))).count();
            prop_assert!(connects <= 1, "{out:?}");
            for o in &out {
                match o {
                    LinkOutput::Connect(ConnId(id)) => {
                        prop_assert!(*id > last_conn, "connection ids only grow");
                        last_conn = *id;
                    }
                    LinkOutput::Arm { timer: LinkTimer::Retry, after_ms } => {
                        prop_assert!((1..MAX_DELAY_MS).contains(after_ms), "{after_ms}");
                    }
                    LinkOutput::Send { conn, frame } => {
                        // Only to a connection the machine asked for, and before
                        // `welcome` nothing but `hello`.
                        prop_assert!(conn.0 <= last_conn && conn.0 > 0);
                        let hello = frame.contains("\"type\":\"hello\"");
                        if !matches!(before, LinkPhase::Open(_)) {
                            prop_assert!(hello, "{frame} sent in {before:?}");
                        }
                    }
                    _ => {}
                }
            }
            match link.phase() {
                LinkPhase::Connecting(c) | LinkPhase::Greeting(c) | LinkPhase::Open(c) => {
                    prop_assert_eq!(c.0, last_conn, "the current connection is the newest");
                }
                LinkPhase::Idle => prop_assert_eq!(last_conn, 0),
                LinkPhase::Waiting | LinkPhase::Stopped => {}
            }
        }
    }
}
