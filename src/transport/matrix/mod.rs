//! The Matrix transport: sitechat's visitor protocol on a Matrix homeserver, so that a
//! team answers from Element (desktop, iOS, Android) or any Matrix client.
//!
//! Each new visitor registers as a user of the site's homeserver with token-authenticated
//! registration; the access token is the session token the widget keeps. One private
//! room per conversation, with the configured agents invited. A visitor message is an
//! `m.room.message` sent with the client id as its transaction id *and* in its content
//! (Synapse forgets transaction ids after a while and on restart; the content does not),
//! so a resend never duplicates. `/sync` long-polls for news; `/messages`, read forward
//! from the room's creation, orders the conversation and gives each message its `seq`.
//! Typing, read receipts and the end (an `org.sitechat.end` state event) are mapped both
//! ways where the protocol has them; files go through the media API and are shown from
//! `blob:` URLs. The translation itself is `sitechat_core::matrix`, tested natively.
//!
//! Everything above the transport — hello, back-off, catch-up, the outbox — is the
//! widget's, as for every transport: this module only answers the protocol's commands.

mod api;
mod conversation;
mod media;
mod register;
mod session;
mod sync_loop;

use std::cell::Cell;
use std::rc::Rc;

use sitechat_core::matrix::settings::MatrixSettings;
use sitechat_core::protocol::ClientCommand;
use web_sys::AbortController;

use self::api::Api;
use self::media::MediaCache;
use self::session::{Job, Session, Shared};
use super::{Connection, Signal, SignalSink, Transport, TransportError, UploadFuture};

/// Connects to one homeserver with the page's Matrix settings.
pub struct MatrixTransport {
    shared: Rc<Shared>,
}

impl MatrixTransport {
    /// A transport for `settings` (checked by `sitechat_core::matrix::settings`).
    pub fn new(settings: MatrixSettings) -> MatrixTransport {
        MatrixTransport {
            shared: Rc::new(Shared {
                settings: Rc::new(settings),
                media: Rc::new(MediaCache::default()),
                refusal_logged: Cell::new(false),
            }),
        }
    }

    fn api(&self) -> Result<Api, TransportError> {
        let abort = AbortController::new()
            .map_err(|_| TransportError("this browser cannot cancel requests".into()))?;
        Ok(Api::new(&self.shared.settings.homeserver, abort))
    }
}

impl Transport for MatrixTransport {
    fn name(&self) -> &'static str {
        "matrix"
    }

    fn connect(&self, sink: SignalSink) -> Result<Box<dyn Connection>, TransportError> {
        let session = Session::new(self.shared.clone(), self.api()?, sink.clone());
        // HTTP needs no handshake: open at once, but on a later task (never inside the
        // link's own call).
        let weak = Rc::downgrade(&session);
        wasm_bindgen_futures::spawn_local(async move {
            if weak.upgrade().is_some_and(|s| !s.is_closed()) {
                sink(Signal::Open);
            }
        });
        Ok(Box::new(MatrixConnection { session }))
    }

    fn upload(&self, file: web_sys::File, session_token: Option<String>) -> UploadFuture {
        let media = self.shared.media.clone();
        let api = self.api();
        Box::pin(async move {
            let mut api = api?;
            let token = session_token
                .ok_or_else(|| TransportError("not signed in to the homeserver yet".into()))?;
            api.set_token(&token);
            media.upload(api, file).await
        })
    }

    fn accepts_uploads(&self) -> bool {
        true
    }
}

/// One connection; dropping it aborts its requests and silences it.
struct MatrixConnection {
    session: Rc<Session>,
}

impl Connection for MatrixConnection {
    fn send(&self, frame: &str) -> Result<(), TransportError> {
        if self.session.is_closed() {
            return Err(TransportError("the Matrix connection is closed".into()));
        }
        let command = ClientCommand::decode(frame).map_err(|e| TransportError(e.to_string()))?;
        self.session.push(Job::Command(command));
        Ok(())
    }
}

impl Drop for MatrixConnection {
    fn drop(&mut self) {
        self.session.close(None);
    }
}
