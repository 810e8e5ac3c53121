//! The outbox promise under arbitrary interleavings: whatever the order of submits,
//! disconnects, reconnects, timer firings, and duplicated or reordered server frames,
//! every submitted message ends up in the list exactly once, and once everything is
//! acknowledged the list is in seq order.

use std::collections::BTreeSet;

use proptest::prelude::*;

use super::*;
use crate::protocol::{
    Author, AuthorKind, ClientCommand, ClientId, ConversationId, ServerEvent, WireMessage,
};

#[derive(Debug, Clone)]
enum Op {
    Submit,
    AgentSays,
    Disconnect,
    Connect,
    /// Delivers one queued server frame; with `duplicate` it also stays queued.
    Deliver {
        pick: usize,
        duplicate: bool,
    },
    /// Fires one armed ack timer.
    FireTimer {
        pick: usize,
    },
    /// Retries one failed message.
    Retry {
        pick: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Submit),
        1 => Just(Op::AgentSays),
        1 => Just(Op::Disconnect),
        2 => Just(Op::Connect),
        6 => (any::<usize>(), any::<bool>()).prop_map(|(pick, duplicate)| Op::Deliver { pick, duplicate }),
        2 => any::<usize>().prop_map(|pick| Op::FireTimer { pick }),
        1 => any::<usize>().prop_map(|pick| Op::Retry { pick }),
    ]
}

/// A minimal honest server: one conversation, idempotent on client ids.
#[derive(Default)]
struct Server {
    conversation: Option<ConversationId>,
    log: Vec<WireMessage>,
}

impl Server {
    fn append(&mut self, client_id: Option<ClientId>, kind: AuthorKind) -> WireMessage {
        let seq = self.log.len() as u64 + 1;
        let message = WireMessage {
            id: format!("m{seq}").into(),
            seq,
            client_id,
            author: Author { kind, name: None, avatar_url: None },
            text: format!("text {seq}"),
            attachments: vec![],
            quick_replies: vec![],
            collect_input: true,
            at: seq as i64,
        };
        self.log.push(message.clone());
        message
    }

    fn handle(&mut self, command: ClientCommand) -> Vec<ServerEvent> {
        match command {
            ClientCommand::SendMessage { conversation_id, client_id, .. } => {
                let mut out = Vec::new();
                let conversation = match (conversation_id, &self.conversation) {
                    (Some(c), _) => c,
                    (None, Some(c)) => c.clone(),
                    (None, None) => {
                        self.conversation = Some("c1".into());
                        out.push(ServerEvent::ConversationStarted {
                            conversation_id: "c1".into(),
                            client_id: client_id.clone(),
                        });
                        "c1".into()
                    }
                };
                let known = self
                    .log
                    .iter()
                    .find(|m| m.client_id.as_deref() == Some(client_id.as_str()))
                    .cloned();
                let message = match known {
                    Some(m) => m,
                    None => self.append(Some(client_id.clone()), AuthorKind::Visitor),
                };
                out.push(ServerEvent::Ack {
                    client_id,
                    conversation_id: conversation.clone(),
                    message_id: message.id.clone(),
                    seq: message.seq,
                    at: message.at,
                });
                out.push(ServerEvent::Message { conversation_id: conversation, message });
                out
            }
            ClientCommand::CatchUp { conversation_id, after_seq } => vec![ServerEvent::History {
                conversation_id,
                messages: self.log.iter().filter(|m| m.seq > after_seq).cloned().collect(),
                complete: true,
            }],
            _ => Vec::new(),
        }
    }
}

/// The widget side: the state plus what its effects would have done.
struct World {
    chat: ChatState,
    server: Server,
    connected: bool,
    /// Server → visitor frames in transit.
    wire: Vec<ServerEvent>,
    timers: BTreeSet<ClientId>,
    submitted: Vec<ClientId>,
    agent_messages: usize,
}

impl World {
    fn new() -> World {
        World {
            chat: ChatState::new(),
            server: Server::default(),
            connected: false,
            wire: Vec::new(),
            timers: BTreeSet::new(),
            submitted: Vec::new(),
            agent_messages: 0,
        }
    }

    fn apply(&mut self, event: ChatEvent) {
        for effect in self.chat.apply(event) {
            match effect {
                Effect::Send(command) => {
                    assert!(self.connected, "sent while disconnected: {command:?}");
                    let replies = self.server.handle(command);
                    self.wire.extend(replies);
                }
                Effect::ArmAckTimer { client_id, .. } => {
                    self.timers.insert(client_id);
                }
                Effect::CancelAckTimer { client_id } => {
                    self.timers.remove(&client_id);
                }
                Effect::Persist | Effect::Notify(_) => {}
            }
        }
    }

    fn run(&mut self, op: Op) {
        match op {
            Op::Submit => {
                let id = ClientId::from(format!("k{}", self.submitted.len()));
                self.submitted.push(id.clone());
                self.apply(ChatEvent::Submit {
                    client_id: id,
                    text: "hi".into(),
                    attachments: vec![],
                    now: 0,
                });
            }
            Op::AgentSays => {
                if let Some(conversation_id) = self.server.conversation.clone() {
                    let message = self.server.append(None, AuthorKind::Agent);
                    self.agent_messages += 1;
                    if self.connected {
                        self.wire.push(ServerEvent::Message { conversation_id, message });
                    }
                }
            }
            Op::Disconnect => {
                if self.connected {
                    self.connected = false;
                    self.wire.clear();
                    self.apply(ChatEvent::Disconnected);
                    assert!(self.timers.is_empty(), "timers left armed: {:?}", self.timers);
                }
            }
            Op::Connect => {
                if !self.connected {
                    self.connected = true;
                    self.apply(ChatEvent::Connected { now: 0 });
                }
            }
            Op::Deliver { pick, duplicate } => {
                if !self.wire.is_empty() {
                    let i = pick % self.wire.len();
                    let frame = if duplicate { self.wire[i].clone() } else { self.wire.remove(i) };
                    self.apply(ChatEvent::Server(frame, 0));
                }
            }
            Op::FireTimer { pick } => {
                if let Some(id) = self.timers.iter().nth(pick % self.timers.len().max(1)).cloned() {
                    self.timers.remove(&id);
                    self.apply(ChatEvent::AckTimeout { client_id: id, now: 0 });
                }
            }
            Op::Retry { pick } => {
                let failed: Vec<ClientId> = self
                    .chat
                    .messages()
                    .iter()
                    .filter(|m| m.is_failed())
                    .map(|m| ClientId::from(m.key()))
                    .collect();
                if !failed.is_empty() {
                    let id = failed[pick % failed.len()].clone();
                    self.apply(ChatEvent::Retry { client_id: id, now: 0 });
                }
            }
        }
    }

    /// Every submitted message is shown exactly once, right now.
    fn check_each_submitted_once(&self) {
        for id in &self.submitted {
            let copies = self
                .chat
                .messages()
                .iter()
                .filter(|m| m.client_id.as_deref() == Some(id.as_str()))
                .count();
            assert_eq!(copies, 1, "{id} shown {copies} times");
        }
    }

    /// Lets the network and the timers run until every message is acknowledged.
    fn settle(&mut self) {
        self.run(Op::Connect);
        for _ in 0..50 {
            while !self.wire.is_empty() {
                self.run(Op::Deliver { pick: 0, duplicate: false });
            }
            if self.chat.outbox_len() == 0 {
                return;
            }
            let timers: Vec<ClientId> = self.timers.iter().cloned().collect();
            for id in timers {
                self.timers.remove(&id);
                self.apply(ChatEvent::AckTimeout { client_id: id, now: 0 });
            }
            for _ in 0..self.chat.messages().len() {
                self.run(Op::Retry { pick: 0 });
            }
        }
        panic!("outbox never drained: {:?}", self.chat.outbox().client_ids().collect::<Vec<_>>());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_message_lands_exactly_once_and_in_seq_order(ops in prop::collection::vec(op(), 0..60)) {
        let mut world = World::new();
        for op in ops {
            world.run(op);
            world.check_each_submitted_once();
        }
        world.settle();
        world.check_each_submitted_once();

        let chat = &world.chat;
        prop_assert_eq!(chat.outbox_len(), 0);
        prop_assert_eq!(chat.messages().len(), world.submitted.len() + world.agent_messages);
        let seqs: Vec<u64> = chat.messages().iter().filter_map(|m| m.seq).collect();
        prop_assert_eq!(seqs.len(), chat.messages().len(), "every message has a seq");
        prop_assert!(seqs.windows(2).all(|w| w[0] < w[1]), "not in seq order: {:?}", seqs);
        prop_assert_eq!(chat.last_seq(), seqs.len() as u64);
        for m in chat.messages().iter().filter(|m| m.is_from_visitor()) {
            prop_assert!(matches!(m.delivery, Some(Delivery::Sent { .. })), "{:?}", m);
        }
    }
}
