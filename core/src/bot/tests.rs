//! The flow engine's rules and every bad flow named, as plain tests.

use serde_json::json;

use super::*;
use crate::config::{parse_config, Config};
use crate::i18n::Locale;

fn config(flow: serde_json::Value) -> Result<Config, String> {
    parse_config(&json!({"bot": {"enabled": true, "flow": flow}}).to_string())
        .map_err(|e| e.to_string())
}

fn demo() -> Flow {
    let flow = json!({
        "start": "welcome",
        "steps": [
            {"id": "welcome", "say": {"en": "Hi! How can we help?", "fr": "Bonjour ! Comment pouvons-nous aider ?"},
             "replies": [
                {"label": {"en": "Talk to sales", "fr": "Parler aux ventes"}, "next": "sales"},
                {"label": "Pricing question", "next": "pricing"},
                {"label": "Just browsing", "next": "bye"}]},
            {"id": "sales", "say": "Let me find someone for you.", "next": "handoff"},
            {"id": "handoff", "handoff": true},
            {"id": "pricing", "say": "What would you like to know?", "ask": "question", "next": "email"},
            {"id": "email", "say": "Where can we send the answer?", "ask": "email", "next": "meet"},
            {"id": "meet", "link": {"url": "https://meet.example/ana", "text": "Book a call"}},
            {"id": "bye", "say": "Enjoy your visit!", "end": true}
        ]
    });
    config(flow).expect("the demo flow is valid").bot.flow.expect("a flow")
}

fn ctx(team_available: bool) -> Context {
    Context { team_available, locale: Locale::En, collect_input: true, email_known: false }
}

fn lines(out: &[BotOutput]) -> Vec<&str> {
    out.iter()
        .filter_map(|o| match o {
            BotOutput::Say { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_greeting_comes_with_its_quick_replies_in_the_visitors_language() {
    let (run, out) = BotRun::start(&demo(), Context { locale: Locale::Fr, ..ctx(true) });
    assert_eq!(run, BotRun::Waiting { at: "welcome".into() });
    let [BotOutput::Say { text, quick_replies, collect_input: true }] = &out[..] else {
        panic!("{out:?}")
    };
    assert_eq!(text, "Bonjour ! Comment pouvons-nous aider ?");
    let labels: Vec<&str> = quick_replies.iter().map(|q| q.label.as_str()).collect();
    assert_eq!(labels, ["Parler aux ventes", "Pricing question", "Just browsing"]);
    assert_eq!(quick_replies[0].value, "sales");
}

#[test]
fn a_quick_reply_follows_the_flow_through_steps_that_do_not_wait() {
    let flow = demo();
    let (mut run, _) = BotRun::start(&flow, ctx(true));
    let out = run.handle(&flow, BotInput::QuickReply("sales"), ctx(true)).expect("known reply");
    assert_eq!(lines(&out), ["Let me find someone for you.", "Connecting you with the team…"]);
    assert!(out.contains(&BotOutput::HandOff));
    assert_eq!(run, BotRun::Done);
}

#[test]
fn hand_off_with_nobody_there_asks_for_the_email_and_promises_a_reply() {
    let flow = demo();
    let (mut run, _) = BotRun::start(&flow, ctx(false));
    let out = run.handle(&flow, BotInput::QuickReply("sales"), ctx(false)).expect("known reply");
    assert!(!out.contains(&BotOutput::HandOff), "never handed to someone away");
    assert!(out.contains(&BotOutput::NobodyAvailable));
    assert!(lines(&out).last().is_some_and(|l| l.contains("e-mail")), "{out:?}");
    assert_eq!(run, BotRun::WaitingForEmail);
    let out = run.handle(&flow, BotInput::Text("not an address"), ctx(false)).expect("text");
    assert_eq!(lines(&out), ["That doesn't look like an e-mail address. Could you check it?"]);
    assert_eq!(run, BotRun::WaitingForEmail, "still waiting, nothing lost");
    let out = run.handle(&flow, BotInput::Text(" ada@example.com "), ctx(false)).expect("text");
    assert_eq!(out[0], BotOutput::Captured(Capture::Email("ada@example.com".into())));
    assert_eq!(lines(&out), ["Thanks! We'll reply to ada@example.com by e-mail."]);
    assert_eq!(run, BotRun::Done);
}

#[test]
fn outside_hours_with_a_known_address_the_bot_does_not_ask_again() {
    let flow = demo();
    let known = Context { email_known: true, ..ctx(false) };
    let (mut run, _) = BotRun::start(&flow, known);
    let out = run.handle(&flow, BotInput::QuickReply("sales"), known).expect("known reply");
    assert!(out.contains(&BotOutput::NobodyAvailable));
    assert_eq!(run, BotRun::Done);
}

#[test]
fn questions_capture_answers_and_a_link_ends_a_flow_that_collects_input() {
    let flow = demo();
    let (mut run, _) = BotRun::start(&flow, ctx(true));
    run.handle(&flow, BotInput::QuickReply("pricing"), ctx(true)).expect("known reply");
    let out =
        run.handle(&flow, BotInput::Text("Do you ship to Belgium?"), ctx(true)).expect("text");
    assert_eq!(out[0], BotOutput::Captured(Capture::Question("Do you ship to Belgium?".into())));
    assert_eq!(lines(&out), ["Where can we send the answer?"]);
    let out = run.handle(&flow, BotInput::Text("ada@example.com"), ctx(true)).expect("text");
    assert_eq!(out[0], BotOutput::Captured(Capture::Email("ada@example.com".into())));
    assert_eq!(lines(&out), ["Book a call: https://meet.example/ana"]);
    assert!(!out.contains(&BotOutput::End), "collect_input: the chat goes on with the team");
    assert_eq!(run, BotRun::Done);
}

#[test]
fn without_collect_input_the_chat_ends_once_the_flow_has_run() {
    let flow = demo();
    let closed = Context { collect_input: false, ..ctx(true) };
    let (mut run, out) = BotRun::start(&flow, closed);
    let [BotOutput::Say { collect_input: false, .. }] = &out[..] else { panic!("{out:?}") };
    run.handle(&flow, BotInput::QuickReply("pricing"), closed).expect("known reply");
    run.handle(&flow, BotInput::Text("How much?"), closed).expect("text");
    let out = run.handle(&flow, BotInput::Text("ada@example.com"), closed).expect("text");
    assert_eq!(out.last(), Some(&BotOutput::End));
    // An explicit end step ends it whatever the setting.
    let (mut run, _) = BotRun::start(&flow, ctx(true));
    let out = run.handle(&flow, BotInput::QuickReply("bye"), ctx(true)).expect("known reply");
    assert_eq!(lines(&out), ["Enjoy your visit!"]);
    assert_eq!(out.last(), Some(&BotOutput::End));
}

#[test]
fn typing_instead_of_clicking_asks_again_and_an_unknown_reply_is_an_error() {
    let flow = demo();
    let (mut run, _) = BotRun::start(&flow, ctx(true));
    let out = run.handle(&flow, BotInput::Text("hello?"), ctx(true)).expect("text");
    assert_eq!(lines(&out), ["Hi! How can we help?"]);
    assert_eq!(run, BotRun::Waiting { at: "welcome".into() });
    let err = run.handle(&flow, BotInput::QuickReply("refund"), ctx(true)).expect_err("unknown");
    assert_eq!(err.value, "refund");
    assert!(err.to_string().contains("\"refund\""), "{err}");
    assert_eq!(run, BotRun::Waiting { at: "welcome".into() }, "an error changes nothing");
}

#[test]
fn an_agent_taking_over_stops_the_bot() {
    let flow = demo();
    let (mut run, _) = BotRun::start(&flow, ctx(true));
    run.take_over();
    assert!(!run.is_active());
    assert_eq!(run.handle(&flow, BotInput::QuickReply("sales"), ctx(true)), Ok(vec![]));
}

#[test]
fn a_run_survives_being_stored() {
    let run = BotRun::Waiting { at: "email".into() };
    let saved = serde_json::to_string(&run).expect("serialises");
    assert_eq!(saved, r#"{"state":"waiting","at":"email"}"#);
    assert_eq!(serde_json::from_str::<BotRun>(&saved).ok(), Some(run));
}

#[test]
fn a_flow_reads_back_from_the_config_it_writes() {
    let config = parse_config(&json!({"bot": {"enabled": true, "flow": {
        "start": "a", "steps": [{"id": "a", "say": {"en": "Hi", "fr": "Salut"}, "replies": [{"label": "Go", "next": "b"}]},
                                 {"id": "b", "handoff": true}]}}}).to_string())
    .expect("valid");
    let text = serde_json::to_string(&config).expect("serialises");
    assert_eq!(parse_config(&text), Ok(config));
}

fn error_of(flow: serde_json::Value) -> String {
    config(flow).expect_err("a bad flow")
}

#[test]
fn every_bad_flow_is_named_by_its_path_and_step() {
    let cases = [
        (
            json!({"start": "a", "steps": [{"id": "a", "say": "Hi", "next": "nowhere"}]}),
            r#"bot.flow.steps[0].next: step "a" leads to "nowhere", which is not the id of any step"#,
        ),
        (
            json!({"start": "a", "steps": [{"id": "a", "say": "Hi", "next": "b"}, {"id": "b", "say": "Again", "next": "a"}]}),
            r#"bot.flow.steps[0].id: step "a" loops with no way out"#,
        ),
        (
            json!({"start": "a", "steps": [{"id": "a", "say": "Pick", "replies": [{"label": "", "next": "a"}]}]}),
            "bot.flow.steps[0].replies[0].label: empty",
        ),
        (
            json!({"start": "a", "steps": [{"id": "a", "say": "Pick", "replies": []}]}),
            "bot.flow.steps[0].replies: expected 1 to 10 quick replies, found 0",
        ),
        (
            json!({"start": "z", "steps": [{"id": "a", "end": true}]}),
            r#"bot.flow.start: "z" is not the id of any step"#,
        ),
        (
            json!({"start": "a", "steps": [{"id": "a", "end": true}, {"id": "a", "handoff": true}]}),
            r#"bot.flow.steps[1].id: "a" is already the id of an earlier step"#,
        ),
        (
            json!({"start": "a", "steps": [{"id": "a", "say": "Hi", "ask": "phone"}]}),
            r#"bot.flow.steps[0].ask: "phone" is not allowed"#,
        ),
        (
            json!({"start": "a", "steps": [{"id": "a", "handoff": true, "end": true}]}),
            "bot.flow.steps[0]: a step does one thing; this one has handoff and end",
        ),
        (
            json!({"start": "a", "steps": [{"id": "a", "ask": "email"}]}),
            "bot.flow.steps[0].say: missing",
        ),
        (
            json!({"start": "a", "steps": [{"id": "a", "say": {"de": "Hallo"}, "end": true}]}),
            r#"bot.flow.steps[0].say.de: "de" is not a language the widget speaks"#,
        ),
        (
            json!({"start": "a", "steps": [{"id": "a", "say": "Hi", "link": {"url": "javascript:alert(1)", "text": "x"}}]}),
            r#"bot.flow.steps[0].link.url: "javascript:alert(1)" is not an http(s) URL"#,
        ),
        (
            json!({"start": "a", "steps": [{"id": "a b", "end": true}]}),
            r#"bot.flow.steps[0].id: "a b" is not a step id"#,
        ),
        (
            json!({"start": "a", "steps": [{"id": "a", "end": true, "next": "a"}]}),
            "bot.flow.steps[0].next: nothing comes after end",
        ),
        (json!({"steps": [{"id": "a", "end": true}]}), "bot.flow.start: missing"),
    ];
    for (flow, expected) in cases {
        let error = error_of(flow.clone());
        assert!(error.contains(expected), "{flow}\n  expected: {expected}\n  got: {error}");
    }
}

#[test]
fn a_loop_with_an_exit_is_fine() {
    // "Anything else?" → back to the menu, or done: a loop a visitor can leave.
    let flow = json!({"start": "menu", "steps": [
        {"id": "menu", "say": "Menu", "replies": [{"label": "Again", "next": "again"}, {"label": "Done", "next": "bye"}]},
        {"id": "again", "say": "Here it is again", "next": "menu"},
        {"id": "bye", "end": true}]});
    assert!(config(flow).is_ok());
}

mod in_page_backend {
    //! The in-page backend runs the same flows the reference server does.

    use super::*;
    use crate::memory_backend::{AgentMessage, MemoryBackend};
    use crate::protocol::{AuthorKind, ClientCommand, EndReason, ErrorCode, ServerEvent};

    fn hello(backend: &mut MemoryBackend) -> u32 {
        let c = backend.connect();
        let hello = ClientCommand::Hello {
            session_token: None,
            protocol: crate::protocol::PROTOCOL_VERSION,
            page_url: "/".into(),
            locale: "en".into(),
            resume: vec![],
        };
        backend.receive(c, hello, 0);
        c
    }

    fn send(id: &str, text: &str, reply: Option<&str>) -> ClientCommand {
        ClientCommand::SendMessage {
            conversation_id: None,
            client_id: id.into(),
            text: text.into(),
            attachments: vec![],
            quick_reply: reply.map(str::to_owned),
            page_url: None,
        }
    }

    #[test]
    fn the_greeting_tops_the_conversation_and_a_quick_reply_is_answered() {
        let mut backend = MemoryBackend::new("Ana");
        backend.set_bot(demo(), true);
        let c = hello(&mut backend);
        let out = backend.receive(c, send("k1", "Talk to sales", Some("sales")), 5);
        let Some(id) = backend.current_conversation().cloned() else { panic!("{out:?}") };
        let messages = backend.messages(&id).expect("messages").to_vec();
        let shown: Vec<(AuthorKind, &str)> =
            messages.iter().map(|m| (m.author.kind, m.text.as_str())).collect();
        assert_eq!(
            shown,
            [
                (AuthorKind::Bot, "Hi! How can we help?"),
                (AuthorKind::Visitor, "Talk to sales"),
                (AuthorKind::Bot, "Let me find someone for you."),
                (AuthorKind::Bot, "Connecting you with the team…"),
            ]
        );
        assert_eq!(messages[0].quick_replies.len(), 3);
        assert!(out.iter().any(|o| matches!(&o.event, ServerEvent::Ack { seq: 2, .. })));
    }

    #[test]
    fn an_unknown_quick_reply_is_refused_and_stores_nothing_of_it() {
        let mut backend = MemoryBackend::new("Ana");
        backend.set_bot(demo(), true);
        let c = hello(&mut backend);
        let out = backend.receive(c, send("k1", "Refund", Some("refund")), 5);
        assert!(out.iter().any(|o| matches!(&o.event,
            ServerEvent::Error { code: ErrorCode::BadRequest, client_id: Some(k), .. } if k.as_str() == "k1")));
        let id = backend.current_conversation().cloned().expect("conversation");
        assert!(backend
            .messages(&id)
            .expect("messages")
            .iter()
            .all(|m| m.author.kind == AuthorKind::Bot));
    }

    #[test]
    fn a_bot_only_flow_ends_the_chat_and_an_agent_reply_stops_the_bot() {
        let mut backend = MemoryBackend::new("Ana");
        backend.set_bot(demo(), true);
        let c = hello(&mut backend);
        let out = backend.receive(c, send("k1", "Just browsing", Some("bye")), 5);
        assert!(out.iter().any(|o| matches!(
            o.event,
            ServerEvent::ConversationEnded { reason: EndReason::Bot, .. }
        )));

        let mut backend = MemoryBackend::new("Ana");
        backend.set_bot(demo(), true);
        let c = hello(&mut backend);
        backend.receive(c, send("k1", "hello?", None), 5);
        backend.agent_sends(AgentMessage::text("Hi, I'm Ana"), false, 6);
        let id = backend.current_conversation().cloned().expect("conversation");
        let before = backend.messages(&id).map_or(0, <[_]>::len);
        let next = ClientCommand::SendMessage {
            conversation_id: Some(id.clone()),
            client_id: "k2".into(),
            text: "Great".into(),
            attachments: vec![],
            quick_reply: None,
            page_url: None,
        };
        backend.receive(c, next, 7);
        assert_eq!(backend.messages(&id).map_or(0, <[_]>::len), before + 1, "the bot stays quiet");
    }
}
