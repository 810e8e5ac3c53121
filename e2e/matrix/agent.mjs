// The agent's side, through the client-server API as Element would use it: accept the
// invitation, read the room, reply, type, send read receipts, end the conversation.

import { randomBytes } from 'node:crypto';
import http from 'node:http';

import { api } from './synapse.mjs';

const enc = encodeURIComponent;

/**
 * A Matrix client for `user` (`{ userId, token }`) on `base`. `sync()` runs one
 * `/sync` (accepting every invitation) and records typing and receipts per room.
 */
export function agentClient(base, user) {
  let since = null;
  const typing = new Map(); // room → user ids typing
  const receipts = []; // { room, userId, eventId }
  const call = (method, path, body) => api(base, method, path, { token: user.token, body });

  async function sync(timeout = 0) {
    const q = since ? `?timeout=${timeout}&since=${enc(since)}` : '?timeout=0';
    const body = await call('GET', `/_matrix/client/v3/sync${q}`);
    since = body.next_batch;
    for (const room of Object.keys(body.rooms?.invite ?? {})) {
      await call('POST', `/_matrix/client/v3/join/${enc(room)}`, {});
    }
    for (const [room, data] of Object.entries(body.rooms?.join ?? {})) {
      for (const e of data.ephemeral?.events ?? []) {
        if (e.type === 'm.typing') typing.set(room, e.content.user_ids ?? []);
        if (e.type === 'm.receipt') {
          for (const [eventId, kinds] of Object.entries(e.content)) {
            for (const userId of Object.keys(kinds['m.read'] ?? {})) receipts.push({ room, userId, eventId });
          }
        }
      }
    }
    return body;
  }

  return {
    ...user,
    sync,
    typing,
    receipts,
    /** Syncs until an invitation arrives; joins it and returns the room id. */
    async acceptInvite({ timeout = 20_000 } = {}) {
      const deadline = Date.now() + timeout;
      while (Date.now() < deadline) {
        const body = await sync(1000);
        const invited = Object.keys(body.rooms?.invite ?? {});
        if (invited.length) return invited[0];
      }
      throw new Error(`${user.userId}: no invitation within ${timeout} ms`);
    },
    /** Every `m.room.message` of `room`, oldest first (forward pagination from the start). */
    async messages(room) {
      const out = [];
      let from = null;
      for (;;) {
        const q = `dir=f&limit=100${from ? `&from=${enc(from)}` : ''}`;
        const page = await call('GET', `/_matrix/client/v3/rooms/${enc(room)}/messages?${q}`);
        out.push(...page.chunk.filter((e) => e.type === 'm.room.message'));
        if (!page.end || page.chunk.length < 100) return out;
        from = page.end;
      }
    },
    async send(room, text) {
      const txn = randomBytes(8).toString('hex');
      const { event_id } = await call('PUT', `/_matrix/client/v3/rooms/${enc(room)}/send/m.room.message/${txn}`, { msgtype: 'm.text', body: text });
      return event_id;
    },
    /** Uploads `buffer` to the media repository; its `mxc://` URL. */
    async upload(buffer, name, mime) {
      const res = await fetch(`${base}/_matrix/media/v3/upload?filename=${enc(name)}`, {
        method: 'POST', headers: { Authorization: `Bearer ${user.token}`, 'Content-Type': mime }, body: buffer,
      });
      if (!res.ok) throw new Error(`upload: HTTP ${res.status}`);
      return (await res.json()).content_uri;
    },
    /** Downloads an `mxc://` file with the access token (authenticated media). */
    async download(mxc) {
      const [server, id] = mxc.slice('mxc://'.length).split('/');
      const res = await fetch(`${base}/_matrix/client/v1/media/download/${enc(server)}/${enc(id)}`, { headers: { Authorization: `Bearer ${user.token}` } });
      if (!res.ok) throw new Error(`download: HTTP ${res.status}`);
      return Buffer.from(await res.arrayBuffer());
    },
    async sendImage(room, mxc, name, size) {
      const txn = randomBytes(8).toString('hex');
      const content = { msgtype: 'm.image', body: name, url: mxc, info: { mimetype: 'image/png', size } };
      return (await call('PUT', `/_matrix/client/v3/rooms/${enc(room)}/send/m.room.message/${txn}`, content)).event_id;
    },
    setTyping: (room, on) => call('PUT', `/_matrix/client/v3/rooms/${enc(room)}/typing/${enc(user.userId)}`, on ? { typing: true, timeout: 10_000 } : { typing: false }),
    receipt: (room, eventId) => call('POST', `/_matrix/client/v3/rooms/${enc(room)}/receipt/m.read/${enc(eventId)}`, {}),
    end: (room) => call('PUT', `/_matrix/client/v3/rooms/${enc(room)}/state/org.sitechat.end/`, { reason: 'agent' }),
  };
}

/**
 * An HTTP proxy on 127.0.0.1 in front of the homeserver that can lose the answer to the
 * next message sent (`loseNextSendAnswer()`): the homeserver stores the message, and the
 * widget gets `504 Gateway Timeout` instead of its answer, as from a reverse proxy that
 * gave up. From that moment on the homeserver "forgets" its transaction ids (every later
 * PUT arrives with a transaction id renamed for the new generation), as Synapse's cache
 * does after a while: only the client id in the content can then tell a resend from a new
 * message.
 */
export async function lossyProxy(target) {
  let loseNext = false;
  let lost = 0;
  let generation = 0;
  const sends = [];
  const server = http.createServer((req, res) => {
    const sending = req.method === 'PUT' && /\/send\/m\.room\.message\//.test(req.url ?? '');
    const txn = sending ? decodeURIComponent((req.url ?? '').split('/').pop()) : null;
    const path = sending && generation > 0 ? `${req.url}.g${generation}` : req.url;
    const upstream = http.request(`${target}${path}`, { method: req.method, headers: req.headers }, (answer) => {
      // Stored by the homeserver (whether or not the widget hears of it).
      if (sending && answer.statusCode === 200) sends.push(txn);
      if (sending && loseNext) {
        loseNext = false;
        lost += 1;
        generation += 1;
        answer.resume();
        answer.on('end', () => {
          res.writeHead(504, { 'Content-Type': 'text/plain', 'Access-Control-Allow-Origin': '*' });
          res.end('gateway timeout\n');
        });
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  const sockets = new Set();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    loseNextSendAnswer() { loseNext = true; },
    lost: () => lost,
    /** The transaction ids (as the widget sent them) of every message the homeserver stored through the proxy, in order. */
    sends: () => [...sends],
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((ok) => server.close(() => ok()));
    },
  };
}
