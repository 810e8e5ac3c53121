//! The link's rules, one `#[test]` each.

use super::*;
use crate::backoff::{BASE_DELAY_MS, MAX_DELAY_MS};

const WELCOME: &str = r#"{"type":"welcome","session_token":"t1","visitor_id":"v1","team_available":true,"server_time":1}"#;

fn unauthorized() -> String {
    r#"{"type":"error","code":"unauthorized","message":"unknown token"}"#.into()
}

/// A link started and its first connection opened; returns the connection.
fn greeting(link: &mut LinkMachine) -> ConnId {
    let out = link.handle(LinkInput::Start);
    let [LinkOutput::Connect(conn)] = out[..] else { panic!("{out:?}") };
    link.handle(LinkInput::Opened { conn, page_url: "https://shop.example/p".into() });
    conn
}

fn open(link: &mut LinkMachine) -> ConnId {
    let conn = greeting(link);
    link.handle(LinkInput::Frame { conn, text: WELCOME.into() });
    assert!(link.is_open());
    conn
}

fn sent(out: &[LinkOutput]) -> Vec<String> {
    out.iter()
        .filter_map(|o| match o {
            LinkOutput::Send { frame, .. } => Some(frame.clone()),
            _ => None,
        })
        .collect()
}

fn retry_delay(out: &[LinkOutput]) -> Option<u32> {
    out.iter().find_map(|o| match o {
        LinkOutput::Arm { timer: LinkTimer::Retry, after_ms } => Some(*after_ms),
        _ => None,
    })
}

#[test]
fn starting_twice_connects_once() {
    let mut link = LinkMachine::new("en", None, 1);
    assert!(!link.is_started());
    assert_eq!(link.handle(LinkInput::Start).len(), 1);
    assert!(link.handle(LinkInput::Start).is_empty());
}

#[test]
fn hello_carries_the_token_locale_and_page_and_no_resume() {
    let mut link = LinkMachine::new("fr", Some("stored".into()), 1);
    let out = link.handle(LinkInput::Start);
    let [LinkOutput::Connect(conn)] = out[..] else { panic!("{out:?}") };
    let out = link.handle(LinkInput::Opened { conn, page_url: "https://shop.example/p".into() });
    let hello = ClientCommand::decode(&sent(&out)[0]).expect("hello decodes");
    assert_eq!(
        hello,
        ClientCommand::Hello {
            session_token: Some("stored".into()),
            protocol: PROTOCOL_VERSION,
            page_url: "https://shop.example/p".into(),
            locale: "fr".into(),
            resume: vec![],
        }
    );
}

#[test]
fn welcome_opens_the_link_keeps_the_token_and_arms_the_ping() {
    let mut link = LinkMachine::new("en", None, 1);
    let conn = greeting(&mut link);
    let out = link.handle(LinkInput::Frame { conn, text: WELCOME.into() });
    assert_eq!(out[0], LinkOutput::Event(LinkEvent::TokenIssued("t1".into())));
    assert_eq!(out[1], LinkOutput::Arm { timer: LinkTimer::Ping, after_ms: PING_INTERVAL_MS });
    assert!(matches!(out[2], LinkOutput::Event(LinkEvent::Welcomed(ServerEvent::Welcome { .. }))));
    assert_eq!(link.token(), Some("t1"));
    // The same token again is not news.
    let mut again = LinkMachine::new("en", Some("t1".into()), 1);
    let conn = greeting(&mut again);
    let out = again.handle(LinkInput::Frame { conn, text: WELCOME.into() });
    assert!(!out.iter().any(|o| matches!(o, LinkOutput::Event(LinkEvent::TokenIssued(_)))));
}

#[test]
fn a_refused_token_is_forgotten_and_hello_goes_again_without_it() {
    let mut link = LinkMachine::new("en", Some("stale".into()), 1);
    let conn = greeting(&mut link);
    let out = link.handle(LinkInput::Frame { conn, text: unauthorized() });
    assert_eq!(out[0], LinkOutput::Event(LinkEvent::TokenForgotten));
    let hello = ClientCommand::decode(&sent(&out)[0]).expect("hello decodes");
    assert!(matches!(hello, ClientCommand::Hello { session_token: None, .. }));
    assert_eq!(link.token(), None);
    assert_eq!(link.phase(), LinkPhase::Greeting(conn), "same connection, no back-off");
}

#[test]
fn a_refused_new_visitor_backs_off_instead_of_looping() {
    let mut link = LinkMachine::new("en", None, 1);
    let conn = greeting(&mut link);
    let out = link.handle(LinkInput::Frame { conn, text: unauthorized() });
    assert!(out.contains(&LinkOutput::Disconnect));
    let delay = retry_delay(&out).expect("a retry is armed");
    assert!((BASE_DELAY_MS / 2..BASE_DELAY_MS).contains(&delay), "{delay}");
    assert_eq!(link.phase(), LinkPhase::Waiting);
}

#[test]
fn an_unsupported_protocol_stops_the_link_for_good() {
    let mut link = LinkMachine::new("en", None, 1);
    let conn = greeting(&mut link);
    let refusal = r#"{"type":"error","code":"unsupported_protocol","message":"v9 only"}"#;
    let out = link.handle(LinkInput::Frame { conn, text: refusal.into() });
    assert!(out.contains(&LinkOutput::Event(LinkEvent::Refused { message: "v9 only".into() })));
    assert!(out.contains(&LinkOutput::Disconnect));
    assert!(link.is_stopped());
    for input in [
        LinkInput::Start,
        LinkInput::ReconnectNow,
        LinkInput::TimerFired(LinkTimer::Retry),
        LinkInput::Closed { conn, reason: "gone".into() },
        LinkInput::Send(ClientCommand::Ping { nonce: 1 }),
    ] {
        assert!(link.handle(input).is_empty());
    }
}

#[test]
fn other_errors_before_welcome_reach_the_store() {
    let mut link = LinkMachine::new("en", None, 1);
    let conn = greeting(&mut link);
    let busy = r#"{"type":"error","code":"rate_limited","message":"slow down"}"#;
    let out = link.handle(LinkInput::Frame { conn, text: busy.into() });
    assert!(matches!(
        &out[..],
        [LinkOutput::Event(LinkEvent::Received(ServerEvent::Error { .. }))]
    ));
}

#[test]
fn a_dropped_link_says_down_backs_off_and_reconnects_on_the_timer() {
    let mut link = LinkMachine::new("en", None, 1);
    let conn = open(&mut link);
    let out = link.handle(LinkInput::Closed { conn, reason: "1006".into() });
    assert!(out.contains(&LinkOutput::Event(LinkEvent::Down { reason: "1006".into() })));
    assert!(out.contains(&LinkOutput::Cancel(LinkTimer::Ping)));
    assert!(retry_delay(&out).is_some());
    let out = link.handle(LinkInput::TimerFired(LinkTimer::Retry));
    let [LinkOutput::Connect(next)] = out[..] else { panic!("{out:?}") };
    assert_ne!(next, conn);
    // Late signals of the old connection are ignored.
    assert!(link.handle(LinkInput::Frame { conn, text: WELCOME.into() }).is_empty());
    assert!(link.handle(LinkInput::Closed { conn, reason: "late".into() }).is_empty());
    assert_eq!(link.phase(), LinkPhase::Connecting(next));
}

#[test]
fn a_link_that_never_opened_says_no_down() {
    let mut link = LinkMachine::new("en", None, 1);
    let conn = greeting(&mut link);
    let out = link.handle(LinkInput::ConnectFailed { conn, reason: "refused".into() });
    assert!(!out.iter().any(|o| matches!(o, LinkOutput::Event(_))));
    assert!(retry_delay(&out).is_some());
}

#[test]
fn back_off_grows_per_attempt_and_resets_once_welcomed() {
    let mut link = LinkMachine::new("en", None, 42);
    let mut delays = Vec::new();
    link.handle(LinkInput::Start);
    for _ in 0..8 {
        let LinkPhase::Connecting(conn) = link.phase() else { panic!("{:?}", link.phase()) };
        let out = link.handle(LinkInput::ConnectFailed { conn, reason: "down".into() });
        delays.push(retry_delay(&out).expect("retry"));
        link.handle(LinkInput::TimerFired(LinkTimer::Retry));
    }
    for (attempt, d) in delays.iter().enumerate() {
        let cap = (BASE_DELAY_MS << attempt).min(MAX_DELAY_MS);
        assert!((cap / 2..cap).contains(d), "attempt {attempt}: {d} not in [{}, {cap})", cap / 2);
    }
    let LinkPhase::Connecting(conn) = link.phase() else { panic!() };
    link.handle(LinkInput::Opened { conn, page_url: String::new() });
    link.handle(LinkInput::Frame { conn, text: WELCOME.into() });
    let out = link.handle(LinkInput::Closed { conn, reason: "x".into() });
    let first = retry_delay(&out).expect("retry");
    assert!(first < BASE_DELAY_MS, "back to the first attempt's delay: {first}");
}

#[test]
fn a_quiet_link_is_pinged_and_replaced_without_a_pong_in_ten_seconds() {
    let mut link = LinkMachine::new("en", None, 1);
    let conn = open(&mut link);
    let out = link.handle(LinkInput::TimerFired(LinkTimer::Ping));
    let ping = ClientCommand::decode(&sent(&out)[0]).expect("ping decodes");
    assert!(matches!(ping, ClientCommand::Ping { .. }));
    assert!(out.contains(&LinkOutput::Arm { timer: LinkTimer::Pong, after_ms: PONG_TIMEOUT_MS }));
    assert_eq!(PONG_TIMEOUT_MS, 10_000);
    let out = link.handle(LinkInput::TimerFired(LinkTimer::Pong));
    assert!(out.contains(&LinkOutput::Disconnect));
    assert!(
        out.contains(&LinkOutput::Event(LinkEvent::Down { reason: "no answer to ping".into() }))
    );
    assert_eq!(link.phase(), LinkPhase::Waiting);
    let _ = conn;
}

#[test]
fn an_answer_cancels_the_pong_deadline_and_traffic_postpones_the_ping() {
    let mut link = LinkMachine::new("en", None, 1);
    let conn = open(&mut link);
    link.handle(LinkInput::TimerFired(LinkTimer::Ping));
    let out = link.handle(LinkInput::Frame { conn, text: r#"{"type":"pong","nonce":1}"#.into() });
    assert_eq!(out[0], LinkOutput::Cancel(LinkTimer::Pong));
    assert!(link.handle(LinkInput::TimerFired(LinkTimer::Pong)).is_empty(), "no ping is out");
    // A frame heard within the interval: the next tick only looks again.
    link.handle(LinkInput::Frame {
        conn,
        text: r#"{"type":"presence","team_available":false}"#.into(),
    });
    let out = link.handle(LinkInput::TimerFired(LinkTimer::Ping));
    assert!(sent(&out).is_empty(), "{out:?}");
    assert_eq!(out, vec![LinkOutput::Arm { timer: LinkTimer::Ping, after_ms: PING_INTERVAL_MS }]);
}

#[test]
fn reconnect_now_skips_the_wait_only_while_waiting() {
    let mut link = LinkMachine::new("en", None, 1);
    let conn = open(&mut link);
    assert!(link.handle(LinkInput::ReconnectNow).is_empty(), "open: nothing to skip");
    link.handle(LinkInput::Closed { conn, reason: "x".into() });
    let out = link.handle(LinkInput::ReconnectNow);
    assert_eq!(out[0], LinkOutput::Cancel(LinkTimer::Retry));
    assert!(matches!(out[1], LinkOutput::Connect(_)));
}

#[test]
fn commands_go_out_only_while_open() {
    let mut link = LinkMachine::new("en", None, 1);
    let command = ClientCommand::Typing { conversation_id: "c1".into(), typing: true };
    assert!(link.handle(LinkInput::Send(command.clone())).is_empty());
    let conn = greeting(&mut link);
    assert!(link.handle(LinkInput::Send(command.clone())).is_empty(), "not before welcome");
    link.handle(LinkInput::Frame { conn, text: WELCOME.into() });
    let out = link.handle(LinkInput::Send(command.clone()));
    assert_eq!(out, vec![LinkOutput::Send { conn, frame: command.encode() }]);
}

#[test]
fn another_visitors_token_replaces_the_connection() {
    let mut link = LinkMachine::new("en", Some("t1".into()), 1);
    let conn = open(&mut link);
    assert!(link.handle(LinkInput::UseToken(Some("t1".into()))).is_empty());
    let out = link.handle(LinkInput::UseToken(Some("t2".into())));
    assert!(out.contains(&LinkOutput::Disconnect));
    let Some(LinkOutput::Connect(next)) = out.last() else { panic!("{out:?}") };
    assert_ne!(*next, conn);
    assert_eq!(link.token(), Some("t2"));
    // Before the link started, only the token changes.
    let mut idle = LinkMachine::new("en", None, 1);
    assert!(idle.handle(LinkInput::UseToken(Some("t3".into()))).is_empty());
    assert_eq!(idle.token(), Some("t3"));
}

#[test]
fn an_undecodable_frame_is_reported_and_changes_nothing() {
    let mut link = LinkMachine::new("en", None, 1);
    let conn = open(&mut link);
    let out = link.handle(LinkInput::Frame { conn, text: "{not json".into() });
    assert!(matches!(&out[..], [LinkOutput::Event(LinkEvent::Invalid(_))]));
    assert!(link.is_open());
}
