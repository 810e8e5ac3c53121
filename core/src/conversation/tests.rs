use super::*;
use crate::protocol::{
    limits, Attachment, Author, AuthorKind, ClientCommand, ClientId, EndReason, ErrorCode,
    QuickReply, ServerEvent, WireMessage,
};

// ----- helpers -----

fn submit(chat: &mut ChatState, client_id: &str, text: &str) -> Vec<Effect> {
    chat.apply(ChatEvent::Submit {
        client_id: client_id.into(),
        text: text.into(),
        attachments: vec![],
        now: 100,
    })
}

fn server(chat: &mut ChatState, event: ServerEvent) -> Vec<Effect> {
    chat.apply(ChatEvent::Server(event, 1_000))
}

fn ack(client_id: &str, conversation: &str, seq: u64) -> ServerEvent {
    ServerEvent::Ack {
        client_id: client_id.into(),
        conversation_id: conversation.into(),
        message_id: format!("m{seq}").into(),
        seq,
        at: 500 + seq as i64,
    }
}

fn wire(seq: u64, kind: AuthorKind, client_id: Option<&str>, text: &str) -> WireMessage {
    WireMessage {
        id: format!("m{seq}").into(),
        seq,
        client_id: client_id.map(ClientId::from),
        author: Author { kind, name: Some("Ann".into()), avatar_url: None },
        text: text.into(),
        attachments: vec![],
        quick_replies: vec![],
        collect_input: true,
        at: 500 + seq as i64,
    }
}

fn agent(conversation: &str, seq: u64, text: &str) -> ServerEvent {
    ServerEvent::Message {
        conversation_id: conversation.into(),
        message: wire(seq, AuthorKind::Agent, None, text),
    }
}

fn echo(conversation: &str, client_id: &str, seq: u64) -> ServerEvent {
    ServerEvent::Message {
        conversation_id: conversation.into(),
        message: wire(seq, AuthorKind::Visitor, Some(client_id), "echo"),
    }
}

fn sends(effects: &[Effect]) -> Vec<ClientCommand> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Send(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

/// `client_id@conversation` of every `send_message`, in order.
fn sent_messages(effects: &[Effect]) -> Vec<String> {
    sends(effects)
        .into_iter()
        .filter_map(|c| match c {
            ClientCommand::SendMessage { client_id, conversation_id, .. } => {
                Some(format!("{client_id}@{}", conversation_id.unwrap_or_else(|| "-".into())))
            }
            _ => None,
        })
        .collect()
}

fn notifications(effects: &[Effect]) -> Vec<Notification> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Notify(n) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

fn keys(chat: &ChatState) -> Vec<String> {
    chat.messages().iter().map(|m| m.key().to_owned()).collect()
}

fn delivery(chat: &ChatState, key: &str) -> Option<Delivery> {
    chat.message(key).and_then(|m| m.delivery.clone())
}

fn connected() -> ChatState {
    let mut chat = ChatState::new();
    chat.apply(ChatEvent::Connected { now: 0 });
    chat
}

/// Connected, in conversation `c1`, whose message 1 is the visitor's acknowledged `k1`,
/// with the catch-up that follows the start answered.
fn active() -> ChatState {
    let mut chat = connected();
    submit(&mut chat, "k1", "hello");
    server(&mut chat, ack("k1", "c1", 1));
    server(
        &mut chat,
        ServerEvent::History {
            conversation_id: "c1".into(),
            messages: vec![wire(1, AuthorKind::Visitor, Some("k1"), "hello")],
            complete: true,
        },
    );
    chat
}

// ----- submit -----

#[test]
fn a_submitted_message_appears_at_once_as_sending_and_goes_out_with_a_timer() {
    let mut chat = connected();
    let fx = submit(&mut chat, "k1", "  hello \n");
    assert_eq!(
        fx,
        vec![
            Effect::Send(ClientCommand::SendMessage {
                conversation_id: None,
                client_id: "k1".into(),
                text: "hello".into(),
                attachments: vec![],
                quick_reply: None,
                page_url: None,
            }),
            Effect::ArmAckTimer { client_id: "k1".into(), after_ms: ACK_TIMEOUT_MS },
            Effect::Persist,
        ]
    );
    let m = &chat.messages()[0];
    assert_eq!((m.text.as_str(), m.at, m.author.kind), ("hello", 100, AuthorKind::Visitor));
    assert_eq!(m.delivery, Some(Delivery::Sending));
    assert_eq!(chat.outbox_len(), 1);
    assert_eq!(chat.status(), Status::Idle);
}

#[test]
fn whitespace_only_text_without_attachment_does_nothing() {
    let mut chat = connected();
    assert!(submit(&mut chat, "k1", " \n\t ").is_empty());
    assert!(chat.messages().is_empty());
    assert_eq!(chat.outbox_len(), 0);
}

#[test]
fn an_attachment_alone_is_a_message_and_its_reference_is_sent() {
    let mut chat = connected();
    let file = Attachment {
        id: "a1".into(),
        name: "cv.pdf".into(),
        mime: "application/pdf".into(),
        size: 10,
        url: "https://cdn.example/a1".into(),
    };
    let fx = chat.apply(ChatEvent::Submit {
        client_id: "k1".into(),
        text: " ".into(),
        attachments: vec![file.clone()],
        now: 1,
    });
    match sends(&fx).first() {
        Some(ClientCommand::SendMessage { attachments, .. }) => assert_eq!(attachments[0].id, "a1"),
        other => panic!("expected send_message, got {other:?}"),
    }
    assert_eq!(chat.messages()[0].attachments, vec![file]);
}

#[test]
fn a_reused_client_id_is_not_a_second_message() {
    let mut chat = connected();
    submit(&mut chat, "k1", "one");
    assert!(submit(&mut chat, "k1", "two").is_empty());
    assert_eq!(chat.messages().len(), 1);
}

#[test]
fn the_current_page_url_rides_along() {
    let mut chat = connected();
    chat.apply(ChatEvent::PageChanged { url: "https://shop.example/pricing".into() });
    let fx = submit(&mut chat, "k1", "hi");
    assert!(matches!(
        sends(&fx).first(),
        Some(ClientCommand::SendMessage { page_url: Some(u), .. }) if u == "https://shop.example/pricing"
    ));
}

#[test]
fn a_message_over_the_limits_fails_locally_with_too_large_and_is_kept() {
    let mut chat = connected();
    let long = "x".repeat(limits::MAX_TEXT_CHARS + 1);
    let fx = submit(&mut chat, "k1", &long);
    assert!(sends(&fx).is_empty());
    match delivery(&chat, "k1") {
        Some(Delivery::Failed { reason: FailReason::Rejected { code, .. } }) => {
            assert_eq!(code, ErrorCode::TooLarge)
        }
        other => panic!("expected too_large, got {other:?}"),
    }
    assert_eq!(chat.messages()[0].text, long, "the visitor's text is not lost");
    // The next message is not stuck behind it.
    assert_eq!(sent_messages(&submit(&mut chat, "k2", "short")), vec!["k2@-"]);
}

#[test]
fn a_quick_reply_sends_its_label_as_text_and_its_value_even_when_typing_is_blocked() {
    let mut chat = active();
    let mut bot = wire(2, AuthorKind::Bot, None, "Which team?");
    bot.collect_input = false;
    bot.quick_replies = vec![QuickReply { label: "Sales".into(), value: "sales".into() }];
    server(&mut chat, ServerEvent::Message { conversation_id: "c1".into(), message: bot });
    assert!(!chat.can_type());
    assert!(submit(&mut chat, "k2", "typed anyway").is_empty(), "the composer is disabled");

    let fx = chat.apply(ChatEvent::QuickReply {
        client_id: "q1".into(),
        label: "Sales".into(),
        value: "sales".into(),
        now: 5,
    });
    assert_eq!(
        sends(&fx),
        vec![ClientCommand::SendMessage {
            conversation_id: Some("c1".into()),
            client_id: "q1".into(),
            text: "Sales".into(),
            attachments: vec![],
            quick_reply: Some("sales".into()),
            page_url: None,
        }]
    );
    assert_eq!(chat.message("q1").map(|m| m.text.as_str()), Some("Sales"));
    assert!(
        notifications(&fx).contains(&Notification::QuickReplyClicked { value: "sales".into() }),
        "the page hears which button was clicked"
    );
}

// ----- acknowledgement, conversation start, head-of-line -----

#[test]
fn an_ack_confirms_the_message_and_gives_the_conversation() {
    let mut chat = connected();
    submit(&mut chat, "k1", "hello");
    let fx = server(&mut chat, ack("k1", "c1", 1));
    assert!(fx.contains(&Effect::CancelAckTimer { client_id: "k1".into() }));
    assert!(notifications(&fx)
        .contains(&Notification::ConversationStarted { conversation_id: "c1".into() }));
    assert_eq!(fx.last(), Some(&Effect::Persist));
    assert_eq!(chat.status(), Status::Active);
    assert_eq!(chat.conversation_id().map(|c| c.as_str()), Some("c1"));
    let m = &chat.messages()[0];
    assert_eq!((m.id.as_deref(), m.seq, m.at), (Some("m1"), Some(1), 501));
    assert_eq!(m.delivery, Some(Delivery::Sent { message_id: "m1".into(), seq: 1 }));
    assert_eq!(chat.outbox_len(), 0);
    assert_eq!(chat.last_seq(), 1);
}

#[test]
fn without_a_conversation_id_only_the_first_message_is_in_flight() {
    let mut chat = connected();
    assert_eq!(sent_messages(&submit(&mut chat, "k1", "a")), vec!["k1@-"]);
    assert!(sent_messages(&submit(&mut chat, "k2", "b")).is_empty());
    assert!(sent_messages(&submit(&mut chat, "k3", "c")).is_empty());
    assert_eq!(keys(&chat), vec!["k1", "k2", "k3"], "all shown at once");

    let fx = server(
        &mut chat,
        ServerEvent::ConversationStarted { conversation_id: "c1".into(), client_id: "k1".into() },
    );
    assert_eq!(sent_messages(&fx), vec!["k2@c1", "k3@c1"]);
    assert_eq!(
        notifications(&fx),
        vec![Notification::ConversationStarted { conversation_id: "c1".into() }]
    );
    // The ack after conversation_started neither restarts nor resends anything.
    let fx = server(&mut chat, ack("k1", "c1", 1));
    assert!(sent_messages(&fx).is_empty());
    assert!(!notifications(&fx)
        .iter()
        .any(|n| matches!(n, Notification::ConversationStarted { .. })));
}

#[test]
fn learning_the_conversation_catches_up_on_what_was_said_meanwhile() {
    // The first message went out, the link dropped before any answer, and the team
    // replied in the meantime: only a catch-up can bring that reply.
    let mut chat = connected();
    submit(&mut chat, "k1", "hello");
    chat.apply(ChatEvent::Disconnected);
    chat.apply(ChatEvent::Connected { now: 0 });
    let fx = server(&mut chat, ack("k1", "c1", 1));
    assert_eq!(
        sends(&fx),
        vec![ClientCommand::CatchUp { conversation_id: "c1".into(), after_seq: 0 }]
    );
    server(
        &mut chat,
        ServerEvent::History {
            conversation_id: "c1".into(),
            messages: vec![
                wire(1, AuthorKind::Visitor, Some("k1"), "hello"),
                wire(2, AuthorKind::Agent, None, "hi!"),
            ],
            complete: true,
        },
    );
    assert_eq!(keys(&chat), vec!["k1", "m2"]);
    assert_eq!(chat.unread(), 1);
}

#[test]
fn an_ack_alone_also_releases_the_queue() {
    let mut chat = connected();
    submit(&mut chat, "k1", "a");
    submit(&mut chat, "k2", "b");
    assert_eq!(sent_messages(&server(&mut chat, ack("k1", "c1", 1))), vec!["k2@c1"]);
}

#[test]
fn conversation_started_for_someone_elses_client_id_is_ignored() {
    let mut chat = connected();
    submit(&mut chat, "k1", "a");
    let fx = server(
        &mut chat,
        ServerEvent::ConversationStarted { conversation_id: "c9".into(), client_id: "zz".into() },
    );
    assert!(fx.is_empty());
    assert_eq!(chat.conversation_id(), None);
}

// ----- de-duplication and ordering -----

#[test]
fn ack_then_echo_keeps_one_copy() {
    let mut chat = active();
    let fx = server(&mut chat, echo("c1", "k1", 1));
    assert_eq!(keys(&chat), vec!["k1"]);
    assert!(notifications(&fx).is_empty(), "the echo of our own message is not news");
    assert_eq!(chat.unread(), 0);
}

#[test]
fn echo_then_ack_keeps_one_copy_and_the_echo_confirms() {
    let mut chat = connected();
    submit(&mut chat, "k1", "hello");
    let fx = server(&mut chat, echo("c1", "k1", 1));
    assert!(fx.contains(&Effect::CancelAckTimer { client_id: "k1".into() }));
    assert_eq!(delivery(&chat, "k1"), Some(Delivery::Sent { message_id: "m1".into(), seq: 1 }));
    assert_eq!(chat.outbox_len(), 0);
    assert_eq!(chat.conversation_id().map(|c| c.as_str()), Some("c1"));
    let fx = server(&mut chat, ack("k1", "c1", 1));
    assert_eq!(keys(&chat), vec!["k1"]);
    assert!(!fx.iter().any(|e| matches!(e, Effect::CancelAckTimer { .. })));
    assert_eq!(chat.messages()[0].text, "hello", "our text stays");
}

#[test]
fn the_echo_brings_the_stored_attachment_urls() {
    let mut chat = connected();
    let local = Attachment {
        id: "a1".into(),
        name: "p.png".into(),
        mime: "image/png".into(),
        size: 3,
        url: "blob:x".into(),
    };
    chat.apply(ChatEvent::Submit {
        client_id: "k1".into(),
        text: String::new(),
        attachments: vec![local.clone()],
        now: 0,
    });
    let mut copy = wire(1, AuthorKind::Visitor, Some("k1"), "");
    copy.attachments = vec![Attachment { url: "https://cdn.example/a1".into(), ..local }];
    server(&mut chat, ServerEvent::Message { conversation_id: "c1".into(), message: copy });
    assert_eq!(chat.messages()[0].attachments[0].url, "https://cdn.example/a1");
}

#[test]
fn a_duplicated_agent_message_or_history_adds_nothing() {
    let mut chat = active();
    let first = server(&mut chat, agent("c1", 2, "hi"));
    assert_eq!(
        notifications(&first)
            .iter()
            .filter(|n| matches!(n, Notification::MessageReceived { .. }))
            .count(),
        1
    );
    let again = server(&mut chat, agent("c1", 2, "hi"));
    assert!(notifications(&again).is_empty());
    let history = ServerEvent::History {
        conversation_id: "c1".into(),
        messages: vec![
            wire(1, AuthorKind::Visitor, Some("k1"), "hello"),
            wire(2, AuthorKind::Agent, None, "hi"),
        ],
        complete: true,
    };
    server(&mut chat, history.clone());
    server(&mut chat, history);
    assert_eq!(keys(&chat), vec!["k1", "m2"]);
}

#[test]
fn out_of_order_messages_and_history_are_placed_by_seq() {
    let mut chat = active();
    server(&mut chat, agent("c1", 4, "four"));
    server(&mut chat, agent("c1", 2, "two"));
    assert_eq!(chat.last_seq(), 2, "seq 3 is still missing");
    server(
        &mut chat,
        ServerEvent::History {
            conversation_id: "c1".into(),
            messages: vec![
                wire(5, AuthorKind::Agent, None, "five"),
                wire(3, AuthorKind::Agent, None, "three"),
            ],
            complete: true,
        },
    );
    let seqs: Vec<_> = chat.messages().iter().map(|m| m.seq).collect();
    assert_eq!(seqs, vec![Some(1), Some(2), Some(3), Some(4), Some(5)]);
    assert_eq!(chat.last_seq(), 5);
}

#[test]
fn unacknowledged_messages_stay_below_sequenced_ones() {
    let mut chat = active();
    submit(&mut chat, "k2", "pending");
    server(&mut chat, agent("c1", 2, "from agent"));
    assert_eq!(keys(&chat), vec!["k1", "m2", "k2"]);
    server(&mut chat, ack("k2", "c1", 3));
    assert_eq!(keys(&chat), vec!["k1", "m2", "k2"]);
    assert_eq!(chat.last_seq(), 3);
}

#[test]
fn a_gap_is_filled_by_one_catch_up() {
    let mut chat = active();
    let fx = server(&mut chat, agent("c1", 3, "three"));
    assert!(
        sends(&fx).contains(&ClientCommand::CatchUp { conversation_id: "c1".into(), after_seq: 1 })
    );
    let fx = server(&mut chat, agent("c1", 4, "four"));
    assert!(
        !sends(&fx).iter().any(|c| matches!(c, ClientCommand::CatchUp { .. })),
        "already asked"
    );
}

#[test]
fn an_incomplete_history_asks_for_the_next_page() {
    let mut chat = active();
    let fx = server(
        &mut chat,
        ServerEvent::History {
            conversation_id: "c1".into(),
            messages: vec![
                wire(2, AuthorKind::Agent, None, "a"),
                wire(3, AuthorKind::Agent, None, "b"),
            ],
            complete: false,
        },
    );
    assert!(
        sends(&fx).contains(&ClientCommand::CatchUp { conversation_id: "c1".into(), after_seq: 3 })
    );
}

#[test]
fn frames_about_another_conversation_are_ignored() {
    let mut chat = active();
    assert!(server(&mut chat, agent("other", 2, "psst")).is_empty());
    assert!(server(
        &mut chat,
        ServerEvent::ConversationEnded {
            conversation_id: "other".into(),
            reason: EndReason::Agent
        }
    )
    .is_empty());
    assert_eq!(chat.messages().len(), 1);
    assert_eq!(chat.status(), Status::Active);
}

// ----- failures, retry, timeouts -----

#[test]
fn a_server_error_naming_the_message_fails_it_and_retry_resends_it() {
    let mut chat = active();
    submit(&mut chat, "k2", "spam?");
    let fx = server(
        &mut chat,
        ServerEvent::Error {
            code: ErrorCode::BadRequest,
            message: "slow down".into(),
            client_id: Some("k2".into()),
        },
    );
    assert!(fx.contains(&Effect::CancelAckTimer { client_id: "k2".into() }));
    assert_eq!(
        delivery(&chat, "k2"),
        Some(Delivery::Failed {
            reason: FailReason::Rejected {
                code: ErrorCode::BadRequest,
                message: "slow down".into()
            }
        })
    );
    assert_eq!(chat.outbox_len(), 1, "failed stays in the outbox");

    let fx = chat.apply(ChatEvent::Retry { client_id: "k2".into(), now: 9 });
    assert_eq!(sent_messages(&fx), vec!["k2@c1"]);
    assert_eq!(delivery(&chat, "k2"), Some(Delivery::Sending));
    server(&mut chat, ack("k2", "c1", 2));
    assert_eq!(delivery(&chat, "k2"), Some(Delivery::Sent { message_id: "m2".into(), seq: 2 }));
    assert_eq!(chat.outbox_len(), 0);
}

#[test]
fn retry_of_a_message_that_did_not_fail_does_nothing() {
    let mut chat = active();
    submit(&mut chat, "k2", "x");
    assert!(chat.apply(ChatEvent::Retry { client_id: "k2".into(), now: 0 }).is_empty());
    assert!(chat.apply(ChatEvent::Retry { client_id: "nope".into(), now: 0 }).is_empty());
}

#[test]
fn errors_without_a_client_id_leave_messages_alone() {
    let mut chat = active();
    submit(&mut chat, "k2", "x");
    let fx = server(
        &mut chat,
        ServerEvent::Error { code: ErrorCode::BadRequest, message: "?".into(), client_id: None },
    );
    assert!(fx.is_empty());
    assert_eq!(delivery(&chat, "k2"), Some(Delivery::Sending));
}

#[test]
fn two_ack_timeouts_resend_and_the_third_fails_the_message() {
    let mut chat = active();
    submit(&mut chat, "k2", "x");
    for _ in 0..2 {
        let fx = chat.apply(ChatEvent::AckTimeout { client_id: "k2".into(), now: 0 });
        assert_eq!(sent_messages(&fx), vec!["k2@c1"]);
        assert!(
            fx.contains(&Effect::ArmAckTimer { client_id: "k2".into(), after_ms: ACK_TIMEOUT_MS })
        );
    }
    let fx = chat.apply(ChatEvent::AckTimeout { client_id: "k2".into(), now: 0 });
    assert!(sends(&fx).is_empty());
    assert_eq!(delivery(&chat, "k2"), Some(Delivery::Failed { reason: FailReason::NoAck }));
    assert_eq!(chat.outbox_len(), 1);
    assert!(chat.message("k2").is_some());
    // Retry starts the count again.
    chat.apply(ChatEvent::Retry { client_id: "k2".into(), now: 0 });
    let fx = chat.apply(ChatEvent::AckTimeout { client_id: "k2".into(), now: 0 });
    assert_eq!(sent_messages(&fx), vec!["k2@c1"]);
}

#[test]
fn when_the_first_message_times_out_the_next_one_takes_its_place() {
    let mut chat = connected();
    submit(&mut chat, "k1", "a");
    submit(&mut chat, "k2", "b");
    chat.apply(ChatEvent::AckTimeout { client_id: "k1".into(), now: 0 });
    chat.apply(ChatEvent::AckTimeout { client_id: "k1".into(), now: 0 });
    let fx = chat.apply(ChatEvent::AckTimeout { client_id: "k1".into(), now: 0 });
    assert_eq!(sent_messages(&fx), vec!["k2@-"]);
}

#[test]
fn stale_timeouts_are_ignored() {
    let mut chat = active();
    submit(&mut chat, "k2", "x");
    chat.apply(ChatEvent::Disconnected);
    assert!(
        chat.apply(ChatEvent::AckTimeout { client_id: "k2".into(), now: 0 }).is_empty(),
        "disconnected"
    );
    chat.apply(ChatEvent::Connected { now: 0 });
    server(&mut chat, ack("k2", "c1", 2));
    assert!(
        chat.apply(ChatEvent::AckTimeout { client_id: "k2".into(), now: 0 }).is_empty(),
        "acked"
    );
}

// ----- connection -----

#[test]
fn messages_queue_while_disconnected_and_go_out_in_order_after_a_catch_up() {
    let mut chat = active();
    submit(&mut chat, "k2", "a");
    let fx = chat.apply(ChatEvent::Disconnected);
    assert_eq!(fx, vec![Effect::CancelAckTimer { client_id: "k2".into() }]);
    assert!(!chat.is_connected());
    assert!(sends(&submit(&mut chat, "k3", "b")).is_empty());
    assert_eq!(delivery(&chat, "k3"), Some(Delivery::Sending));

    let fx = chat.apply(ChatEvent::Connected { now: 0 });
    let sent = sends(&fx);
    assert_eq!(sent[0], ClientCommand::CatchUp { conversation_id: "c1".into(), after_seq: 1 });
    assert_eq!(sent_messages(&fx), vec!["k2@c1", "k3@c1"]);
}

#[test]
fn reconnecting_before_any_conversation_resends_only_the_first() {
    let mut chat = ChatState::new();
    submit(&mut chat, "k1", "a");
    submit(&mut chat, "k2", "b");
    let fx = chat.apply(ChatEvent::Connected { now: 0 });
    assert!(!sends(&fx).iter().any(|c| matches!(c, ClientCommand::CatchUp { .. })));
    assert_eq!(sent_messages(&fx), vec!["k1@-"]);
}

#[test]
fn a_failed_message_is_not_resent_by_a_reconnect() {
    let mut chat = active();
    submit(&mut chat, "k2", "x");
    server(
        &mut chat,
        ServerEvent::Error {
            code: ErrorCode::TooLarge,
            message: "".into(),
            client_id: Some("k2".into()),
        },
    );
    chat.apply(ChatEvent::Disconnected);
    assert!(sent_messages(&chat.apply(ChatEvent::Connected { now: 0 })).is_empty());
}

// ----- unread and reading -----

#[test]
fn team_messages_count_as_unread_while_the_window_is_closed_and_opening_resets() {
    let mut chat = active();
    let fx = server(&mut chat, agent("c1", 2, "hi"));
    assert_eq!(chat.unread(), 1);
    let n = notifications(&fx);
    assert!(n.contains(&Notification::UnreadCountChanged { count: 1 }));
    assert!(n.contains(&Notification::Announce("Ann: hi".into())));
    server(&mut chat, agent("c1", 3, "there"));
    server(
        &mut chat,
        ServerEvent::Message {
            conversation_id: "c1".into(),
            message: wire(4, AuthorKind::System, None, "Ann left"),
        },
    );
    assert_eq!(chat.unread(), 2, "system messages do not count");

    let fx = chat.apply(ChatEvent::WindowOpened);
    assert_eq!(chat.unread(), 0);
    assert!(notifications(&fx).contains(&Notification::UnreadCountChanged { count: 0 }));
    assert_eq!(
        sends(&fx),
        vec![ClientCommand::MarkRead { conversation_id: "c1".into(), up_to_seq: 4 }]
    );
    assert!(chat.is_window_open());
}

#[test]
fn messages_seen_as_they_arrive_are_not_unread_but_are_marked_read() {
    let mut chat = active();
    chat.apply(ChatEvent::WindowOpened);
    let fx = server(&mut chat, agent("c1", 2, "hi"));
    assert_eq!(chat.unread(), 0);
    assert_eq!(
        sends(&fx),
        vec![ClientCommand::MarkRead { conversation_id: "c1".into(), up_to_seq: 2 }]
    );
}

#[test]
fn a_hidden_page_counts_unread_even_with_the_window_open() {
    let mut chat = active();
    chat.apply(ChatEvent::WindowOpened);
    chat.apply(ChatEvent::PageVisible(false));
    server(&mut chat, agent("c1", 2, "hi"));
    assert_eq!(chat.unread(), 1);
    let fx = chat.apply(ChatEvent::PageVisible(true));
    assert_eq!(chat.unread(), 0);
    assert!(sends(&fx)
        .contains(&ClientCommand::MarkRead { conversation_id: "c1".into(), up_to_seq: 2 }));
}

#[test]
fn closing_the_window_does_not_touch_unread() {
    let mut chat = active();
    chat.apply(ChatEvent::WindowOpened);
    let fx = chat.apply(ChatEvent::WindowClosed);
    assert_eq!(fx, vec![Effect::Persist]);
    server(&mut chat, agent("c1", 2, "hi"));
    assert_eq!(chat.unread(), 1);
}

// ----- typing -----

#[test]
fn visitor_typing_sends_at_most_one_frame_per_three_seconds() {
    let mut chat = active();
    let frame = ClientCommand::Typing { conversation_id: "c1".into(), typing: true };
    assert_eq!(sends(&chat.apply(ChatEvent::VisitorTyping { now: 10_000 })), vec![frame.clone()]);
    assert!(chat.apply(ChatEvent::VisitorTyping { now: 12_999 }).is_empty());
    assert_eq!(sends(&chat.apply(ChatEvent::VisitorTyping { now: 13_000 })), vec![frame]);
}

#[test]
fn visitor_typing_before_a_conversation_sends_nothing() {
    let mut chat = connected();
    assert!(chat.apply(ChatEvent::VisitorTyping { now: 0 }).is_empty());
}

#[test]
fn the_agent_typing_indicator_shows_until_their_message_or_a_disconnect() {
    let mut chat = active();
    let typing = ServerEvent::Typing {
        conversation_id: "c1".into(),
        author_name: Some("Ann".into()),
        typing: true,
    };
    chat.apply(ChatEvent::Server(typing.clone(), 42));
    assert_eq!(chat.agent_typing(), Some(&AgentTyping { name: Some("Ann".into()), since: 42 }));
    server(&mut chat, agent("c1", 2, "hi"));
    assert_eq!(chat.agent_typing(), None);
    chat.apply(ChatEvent::Server(typing, 43));
    chat.apply(ChatEvent::Disconnected);
    assert_eq!(chat.agent_typing(), None);
}

// ----- availability, transcript -----

#[test]
fn availability_hints_only_on_change() {
    let mut chat = connected();
    let welcome = ServerEvent::Welcome {
        session_token: "t".into(),
        visitor_id: "v".into(),
        team_available: true,
        server_time: 0,
    };
    let fx = server(&mut chat, welcome);
    assert_eq!(notifications(&fx), vec![Notification::AvailabilityHint { team_available: true }]);
    assert!(server(&mut chat, ServerEvent::Presence { team_available: true }).is_empty());
    let fx = server(&mut chat, ServerEvent::Presence { team_available: false });
    assert_eq!(notifications(&fx), vec![Notification::AvailabilityHint { team_available: false }]);
    assert_eq!(chat.team_available(), Some(false));
}

#[test]
fn a_transcript_request_is_sent_and_its_confirmation_notified() {
    let mut chat = active();
    let fx = chat.apply(ChatEvent::RequestTranscript { email: " a@b.example ".into() });
    assert_eq!(
        sends(&fx),
        vec![ClientCommand::RequestTranscript {
            conversation_id: "c1".into(),
            email: "a@b.example".into()
        }]
    );
    let fx = server(
        &mut chat,
        ServerEvent::TranscriptRequested {
            conversation_id: "c1".into(),
            email: "a@b.example".into(),
        },
    );
    assert_eq!(
        notifications(&fx),
        vec![Notification::TranscriptRequested { email: "a@b.example".into() }]
    );
}

// ----- ending -----

#[test]
fn each_end_reason_ends_the_chat_and_disables_the_composer() {
    for reason in [EndReason::Agent, EndReason::Inactivity, EndReason::Bot] {
        let mut chat = active();
        let fx = server(
            &mut chat,
            ServerEvent::ConversationEnded { conversation_id: "c1".into(), reason },
        );
        assert_eq!(chat.status(), Status::Ended { reason });
        assert!(!chat.can_type());
        assert!(notifications(&fx)
            .contains(&Notification::ConversationClosed { conversation_id: "c1".into(), reason }));
        assert!(submit(&mut chat, "k9", "too late").is_empty());
        assert!(chat.apply(ChatEvent::VisitorTyping { now: 0 }).is_empty());
        assert_eq!(
            chat.conversation_id().map(|c| c.as_str()),
            Some("c1"),
            "kept for the transcript"
        );
    }
}

#[test]
fn a_bot_message_without_collect_input_blocks_typing_until_a_later_team_message() {
    let mut chat = active();
    let mut bot = wire(2, AuthorKind::Bot, None, "Bye!");
    bot.collect_input = false;
    server(&mut chat, ServerEvent::Message { conversation_id: "c1".into(), message: bot });
    assert!(chat.input_blocked());
    assert!(!chat.can_type());
    server(&mut chat, agent("c1", 3, "Ann here, taking over"));
    assert!(chat.can_type());
}

#[test]
fn ending_turns_unacknowledged_messages_into_failed_ones() {
    let mut chat = active();
    submit(&mut chat, "k2", "wait");
    let fx = server(
        &mut chat,
        ServerEvent::ConversationEnded {
            conversation_id: "c1".into(),
            reason: EndReason::Inactivity,
        },
    );
    assert!(fx.contains(&Effect::CancelAckTimer { client_id: "k2".into() }));
    assert_eq!(
        delivery(&chat, "k2"),
        Some(Delivery::Failed { reason: FailReason::ConversationEnded })
    );
    assert_eq!(chat.outbox_len(), 1);
    assert!(
        chat.apply(ChatEvent::Retry { client_id: "k2".into(), now: 0 }).is_empty(),
        "not into an ended chat"
    );
}

#[test]
fn a_new_chat_clears_the_old_one_keeps_failed_messages_and_ignores_late_frames() {
    let mut chat = active();
    submit(&mut chat, "k2", "wait");
    server(&mut chat, agent("c1", 2, "bye"));
    server(
        &mut chat,
        ServerEvent::ConversationEnded { conversation_id: "c1".into(), reason: EndReason::Agent },
    );
    assert_eq!(chat.unread(), 1);

    // Nothing happens before the chat has ended.
    let mut still_active = active();
    assert!(still_active.apply(ChatEvent::StartNewChat).is_empty());

    let fx = chat.apply(ChatEvent::StartNewChat);
    assert!(notifications(&fx).contains(&Notification::UnreadCountChanged { count: 0 }));
    assert_eq!(chat.status(), Status::Idle);
    assert_eq!(chat.conversation_id(), None);
    assert_eq!(keys(&chat), vec!["k2"]);
    assert_eq!(chat.last_seq(), 0);
    assert!(chat.can_type());

    // A late ack from the old conversation does not drag us back into it.
    assert!(server(&mut chat, ack("k2", "c1", 3)).is_empty());
    assert_eq!(chat.conversation_id(), None);

    // Retrying starts the new conversation.
    let fx = chat.apply(ChatEvent::Retry { client_id: "k2".into(), now: 0 });
    assert_eq!(sent_messages(&fx), vec!["k2@-"]);
    server(&mut chat, ack("k2", "c2", 1));
    assert_eq!(chat.conversation_id().map(|c| c.as_str()), Some("c2"));
    assert_eq!(chat.status(), Status::Active);
}

// ----- persistence -----

#[test]
fn the_state_survives_a_save_and_restore_and_resends_its_outbox() {
    let mut chat = active();
    server(&mut chat, agent("c1", 2, "hi"));
    submit(&mut chat, "k2", "pending");
    chat.apply(ChatEvent::WindowOpened);
    let json = chat.save();
    let mut restored = ChatState::restore(&json).expect("restores");
    assert_eq!(restored.messages(), chat.messages());
    assert_eq!(restored.conversation_id().map(|c| c.as_str()), Some("c1"));
    assert_eq!(restored.last_seq(), 2);
    assert!(restored.is_window_open());
    assert!(!restored.is_connected(), "a restored state is disconnected");
    let fx = restored.apply(ChatEvent::Connected { now: 0 });
    assert_eq!(
        sends(&fx)[0],
        ClientCommand::CatchUp { conversation_id: "c1".into(), after_seq: 2 }
    );
    assert_eq!(sent_messages(&fx), vec!["k2@c1"]);
}

#[test]
fn restore_refuses_other_versions_and_garbage() {
    let json = ChatState::new().save().replace("\"schema_version\":1", "\"schema_version\":99");
    assert_eq!(
        ChatState::restore(&json),
        Err(RestoreError::SchemaVersion { found: 99, expected: 1 })
    );
    assert!(matches!(ChatState::restore("{]"), Err(RestoreError::Malformed(_))));
    let truncated = r#"{"schema_version":1,"status":{"status":"idle"}}"#;
    let err = ChatState::restore(truncated).unwrap_err();
    assert!(err.to_string().contains("missing field"), "{err}");
}

// ----- rate limiting (found by the chaos test) -----

fn rate_limited(client_id: &str) -> ServerEvent {
    ServerEvent::Error {
        code: ErrorCode::RateLimited,
        message: "too many frames; slow down and retry".into(),
        client_id: Some(client_id.into()),
    }
}

fn timer_for(effects: &[Effect], client_id: &str) -> Option<u32> {
    effects.iter().find_map(|e| match e {
        Effect::ArmAckTimer { client_id: c, after_ms } if c == client_id => Some(*after_ms),
        _ => None,
    })
}

#[test]
fn a_rate_limited_message_stays_sending_and_the_queue_resumes_in_order_after_a_pause() {
    let mut chat = active();
    for k in ["k2", "k3", "k4"] {
        submit(&mut chat, k, k);
    }
    // The server took k2, refused k3; k4 was behind it.
    server(&mut chat, ack("k2", "c1", 2));
    let fx = server(&mut chat, rate_limited("k3"));
    assert_eq!(delivery(&chat, "k3"), Some(Delivery::Sending), "not failed");
    assert_eq!(timer_for(&fx, "k3"), Some(outbox::RATE_LIMIT_PAUSE_MS), "the pause is armed");
    assert!(
        fx.contains(&Effect::CancelAckTimer { client_id: "k4".into() }),
        "k4 goes back to the queue"
    );
    assert!(sent_messages(&fx).is_empty(), "nothing is sent during the pause");
    // A new message written during the pause waits too.
    assert!(sent_messages(&submit(&mut chat, "k5", "five")).is_empty());

    let fx = chat.apply(ChatEvent::AckTimeout { client_id: "k3".into(), now: 3_000 });
    assert_eq!(sent_messages(&fx), vec!["k3@c1", "k4@c1", "k5@c1"], "resent in the order written");
    assert_eq!(timer_for(&fx, "k3"), Some(outbox::ACK_TIMEOUT_MS));

    // Refused again and again: still never failed, the pause does not count as a missed ack.
    for _ in 0..5 {
        server(&mut chat, rate_limited("k3"));
        chat.apply(ChatEvent::AckTimeout { client_id: "k3".into(), now: 4_000 });
    }
    assert_eq!(delivery(&chat, "k3"), Some(Delivery::Sending));
    server(&mut chat, ack("k3", "c1", 3));
    assert!(matches!(delivery(&chat, "k3"), Some(Delivery::Sent { .. })));
}

#[test]
fn a_disconnect_during_the_rate_limit_pause_does_not_stall_the_queue() {
    let mut chat = active();
    submit(&mut chat, "k2", "two");
    server(&mut chat, rate_limited("k2"));
    chat.apply(ChatEvent::Disconnected);
    let fx = chat.apply(ChatEvent::Connected { now: 5_000 });
    assert_eq!(sent_messages(&fx), vec!["k2@c1"], "resent on the new connection at once");
}

#[test]
fn a_message_paused_by_the_rate_limit_when_the_chat_ends_goes_out_when_retried_in_the_next() {
    let mut chat = active();
    submit(&mut chat, "k2", "two");
    server(&mut chat, rate_limited("k2"));
    server(
        &mut chat,
        ServerEvent::ConversationEnded { conversation_id: "c1".into(), reason: EndReason::Agent },
    );
    assert_eq!(
        delivery(&chat, "k2"),
        Some(Delivery::Failed { reason: FailReason::ConversationEnded })
    );
    chat.apply(ChatEvent::StartNewChat);
    let fx = chat.apply(ChatEvent::Retry { client_id: "k2".into(), now: 0 });
    assert_eq!(sent_messages(&fx), vec!["k2@-"], "the ended pause does not hold the queue");
}

#[test]
fn the_teams_read_receipts_move_forward_for_the_current_conversation_only() {
    let mut chat = ChatState::new();
    submit(&mut chat, "k1", "Hello");
    server(&mut chat, ack("k1", "c1", 1));
    assert_eq!(chat.team_read_seq(), 0);
    let read = |c: &str, seq| ServerEvent::Read { conversation_id: c.into(), up_to_seq: seq };
    server(&mut chat, read("c1", 1));
    assert_eq!(chat.team_read_seq(), 1);
    server(&mut chat, read("c1", 0));
    server(&mut chat, read("other", 9));
    assert_eq!(chat.team_read_seq(), 1);
}
