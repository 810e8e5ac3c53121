//! Who is connected right now, and the fan-out of live frames to them.
//!
//! Each socket owns a queue of encoded frames, bounded in bytes, drained by its writer
//! task ([`crate::outgoing`]); the hub keeps a sender per socket, grouped by visitor and by agent.
//!
//! Invariants:
//! - the lock is a plain mutex held only for map updates and channel sends (which
//!   never block), never across an `.await`;
//! - `team_available` is true exactly when some agent has status `available` and at
//!   least one open inbox socket; every change of it is pushed to every visitor
//!   socket (`presence`) and every agent socket (`team_presence`) before the call
//!   that caused it returns;
//! - a frame for a visitor goes only to that visitor's own sockets.

use std::collections::HashMap;
use std::sync::Mutex;

use sitechat_core::protocol::agent::{AgentEvent, AgentInfo, AgentStatus};
use sitechat_core::protocol::ServerEvent;

/// The sending half a socket's writer task drains.
pub use crate::outgoing::Outgoing;

/// Identifies one socket within the hub.
pub type ConnId = u64;

struct LiveAgent {
    info: AgentInfo,
    conns: Vec<(ConnId, Outgoing)>,
    /// The session (token hash) each socket signed in with, to close them on sign-out.
    sessions: Vec<(ConnId, Vec<u8>)>,
}

#[derive(Default)]
struct Inner {
    next_conn: ConnId,
    visitors: HashMap<String, Vec<(ConnId, Outgoing)>>,
    agents: HashMap<String, LiveAgent>,
    team_available: bool,
}

/// The live connection registry.
#[derive(Default)]
pub struct Hub {
    inner: Mutex<Inner>,
}

impl Inner {
    fn next(&mut self) -> ConnId {
        self.next_conn += 1;
        self.next_conn
    }

    fn to_agents(&self, frame: &str) {
        for agent in self.agents.values() {
            for (_, tx) in &agent.conns {
                let _ = tx.send(frame.to_owned());
            }
        }
    }

    fn to_visitors(&self, frame: &str) {
        for conns in self.visitors.values() {
            for (_, tx) in conns {
                let _ = tx.send(frame.to_owned());
            }
        }
    }

    /// Recomputes team presence and pushes it everywhere if it changed.
    fn refresh_presence(&mut self) {
        let now = self
            .agents
            .values()
            .any(|a| a.info.status == AgentStatus::Available && !a.conns.is_empty());
        if now != self.team_available {
            self.team_available = now;
            self.to_visitors(&ServerEvent::Presence { team_available: now }.encode());
            self.to_agents(&AgentEvent::TeamPresence { team_available: now }.encode());
        }
    }
}

impl Hub {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // Nothing in the critical sections can leave the maps half-updated in a way
        // that matters more than losing every live socket would.
        match self.inner.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    /// Whether visitors currently see the team as available.
    pub fn team_available(&self) -> bool {
        self.lock().team_available
    }

    /// Registers a visitor socket, unless the visitor already has `max` open.
    pub fn connect_visitor(&self, visitor_id: &str, tx: Outgoing, max: usize) -> Option<ConnId> {
        let mut inner = self.lock();
        if inner.visitors.get(visitor_id).is_some_and(|conns| conns.len() >= max) {
            return None;
        }
        let id = inner.next();
        inner.visitors.entry(visitor_id.to_owned()).or_default().push((id, tx));
        Some(id)
    }

    /// Forgets a visitor socket.
    pub fn disconnect_visitor(&self, visitor_id: &str, conn: ConnId) {
        let mut inner = self.lock();
        if let Some(conns) = inner.visitors.get_mut(visitor_id) {
            conns.retain(|(id, _)| *id != conn);
            if conns.is_empty() {
                inner.visitors.remove(visitor_id);
            }
        }
    }

    /// Sends a frame to every socket of one visitor (all their tabs).
    pub fn to_visitor(&self, visitor_id: &str, event: &ServerEvent) {
        let inner = self.lock();
        if let Some(conns) = inner.visitors.get(visitor_id) {
            let frame = event.encode();
            for (_, tx) in conns {
                let _ = tx.send(frame.clone());
            }
        }
    }

    /// Sends a frame to every agent socket.
    pub fn to_agents(&self, event: &AgentEvent) {
        self.lock().to_agents(&event.encode());
    }

    /// Sends a frame to every agent socket except those of `agent_id`.
    pub fn to_other_agents(&self, agent_id: &str, event: &AgentEvent) {
        let inner = self.lock();
        let frame = event.encode();
        for (id, agent) in &inner.agents {
            if id != agent_id {
                for (_, tx) in &agent.conns {
                    let _ = tx.send(frame.clone());
                }
            }
        }
    }

    /// Registers an inbox socket; tells the other agents if the agent came online
    /// and everyone if presence changed.
    pub fn connect_agent(&self, mut info: AgentInfo, tx: Outgoing, session: Vec<u8>) -> ConnId {
        let mut inner = self.lock();
        let id = inner.next();
        info.online = true;
        let entry = inner.agents.entry(info.id.clone()).or_insert_with(|| LiveAgent {
            info: info.clone(),
            conns: Vec::new(),
            sessions: Vec::new(),
        });
        let came_online = entry.conns.is_empty();
        entry.info = info.clone();
        entry.conns.push((id, tx));
        entry.sessions.push((id, session));
        if came_online {
            inner.to_agents(&AgentEvent::AgentUpdated { agent: info }.encode());
        }
        inner.refresh_presence();
        id
    }

    /// Forgets an inbox socket; an agent whose last socket closes goes offline.
    pub fn disconnect_agent(&self, agent_id: &str, conn: ConnId) {
        let mut inner = self.lock();
        let mut went_offline = None;
        if let Some(agent) = inner.agents.get_mut(agent_id) {
            agent.conns.retain(|(id, _)| *id != conn);
            agent.sessions.retain(|(id, _)| *id != conn);
            if agent.conns.is_empty() {
                let mut info = agent.info.clone();
                info.online = false;
                went_offline = Some(info);
            }
        }
        if let Some(info) = went_offline {
            inner.agents.remove(agent_id);
            inner.to_agents(&AgentEvent::AgentUpdated { agent: info }.encode());
        }
        inner.refresh_presence();
    }

    /// Applies an agent's new status to the live state and tells everyone.
    pub fn set_agent_status(&self, agent_id: &str, status: AgentStatus) {
        let mut inner = self.lock();
        let updated = inner.agents.get_mut(agent_id).map(|agent| {
            agent.info.status = status;
            agent.info.clone()
        });
        if let Some(info) = updated {
            inner.to_agents(&AgentEvent::AgentUpdated { agent: info }.encode());
        }
        inner.refresh_presence();
    }

    /// Closes every inbox socket signed in with this session (the agent signed out).
    pub fn close_agent_session(&self, session: &[u8]) {
        let inner = self.lock();
        for agent in inner.agents.values() {
            for (conn, _) in agent.sessions.iter().filter(|(_, s)| s.as_slice() == session) {
                if let Some((_, tx)) = agent.conns.iter().find(|(id, _)| id == conn) {
                    tx.close();
                }
            }
        }
    }

    /// Whether the agent has an open inbox socket.
    pub fn is_online(&self, agent_id: &str) -> bool {
        self.lock().agents.get(agent_id).is_some_and(|a| !a.conns.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(id: &str, status: AgentStatus) -> AgentInfo {
        AgentInfo {
            id: id.into(),
            name: id.into(),
            email: format!("{id}@x.test"),
            status,
            online: false,
        }
    }

    fn drain(rx: &mut crate::outgoing::Incoming) -> Vec<String> {
        rx.drain()
    }

    #[test]
    fn presence_needs_an_available_agent_with_a_socket() {
        let hub = Hub::default();
        let (vtx, mut vrx) = crate::outgoing::channel();
        hub.connect_visitor("v1", vtx, 10);
        let (atx, _arx) = crate::outgoing::channel();
        let conn = hub.connect_agent(agent("a1", AgentStatus::Away), atx, vec![1]);
        assert!(!hub.team_available());
        assert!(drain(&mut vrx).is_empty());

        hub.set_agent_status("a1", AgentStatus::Available);
        assert!(hub.team_available());
        assert_eq!(drain(&mut vrx), vec![r#"{"type":"presence","team_available":true}"#]);

        hub.disconnect_agent("a1", conn);
        assert!(!hub.team_available());
        assert_eq!(drain(&mut vrx), vec![r#"{"type":"presence","team_available":false}"#]);
    }

    #[test]
    fn visitor_frames_reach_only_that_visitor() {
        let hub = Hub::default();
        let (tx1, mut rx1) = crate::outgoing::channel();
        let (tx2, mut rx2) = crate::outgoing::channel();
        hub.connect_visitor("v1", tx1, 10);
        hub.connect_visitor("v2", tx2, 10);
        hub.to_visitor("v1", &ServerEvent::Pong { nonce: 1 });
        assert_eq!(drain(&mut rx1).len(), 1);
        assert!(drain(&mut rx2).is_empty());
    }
}
