// The two client loads of the Matrix benchmark, run inside a Chromium page (WebSocket
// and fetch as the widget has them). Both drivers offer the same load — `visitors`
// visitors, each writing one message every `intervalMs`, `perVisitor` messages, after
// a warm-up that opens every conversation — and each does per message what the
// widget's transport does, so the figures are the site's, not a synthetic best case:
//
// - sitechat-server: one WebSocket per visitor, `send_message` frames (the server acks
//   each); the agent is one `/ws/agent` socket that receives every visitor message;
// - Synapse: each visitor is a registered user with a private room inviting the agent;
//   messages go one at a time per visitor, each as the Matrix transport sends it (read
//   the room forward, PUT the event with the client id as transaction id, read the room
//   again to number it); the agent is one `/sync` long poll.
//
// Each returns `{ t0, sent: [[text, t]], got: [[text, t]] }` in page milliseconds.

export async function sitechatDriver({ visitors, perVisitor, intervalMs }) {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const got = new Map();
  const sent = new Map();
  const agent = new WebSocket(`ws://${location.host}/ws/agent`);
  await new Promise((ok, fail) => {
    agent.onmessage = (e) => { if (JSON.parse(e.data).type === 'ready') ok(); };
    agent.onclose = () => fail(new Error('the agent socket closed (not signed in?)'));
  });
  agent.onmessage = (e) => {
    const f = JSON.parse(e.data);
    if (f.type === 'message' && f.message.author.kind === 'visitor' && !got.has(f.message.text)) got.set(f.message.text, performance.now());
  };
  const open = async (i) => {
    const ws = new WebSocket(`ws://${location.host}/ws/visitor`);
    const frames = [];
    let wake = null;
    ws.onmessage = (e) => { frames.push(JSON.parse(e.data)); wake?.(); };
    const next = async (type) => {
      for (;;) {
        const k = frames.findIndex((f) => f.type === type || f.type === 'error');
        if (k >= 0) { const f = frames.splice(k, 1)[0]; if (f.type === 'error') throw new Error(`${f.code}: ${f.message}`); return f; }
        await new Promise((r) => { wake = r; });
      }
    };
    await new Promise((ok) => { ws.onopen = ok; });
    ws.send(JSON.stringify({ type: 'hello', session_token: null, protocol: 1, page_url: location.href, locale: 'en' }));
    await next('welcome');
    ws.send(JSON.stringify({ type: 'send_message', conversation_id: null, client_id: `w${i}`, text: `warm-${i}`, attachments: [] }));
    const ack = await next('ack');
    ws.onmessage = null;
    return { ws, conversation: ack.conversation_id };
  };
  const vs = await Promise.all(Array.from({ length: visitors }, (_, i) => open(i)));
  while (got.size < visitors) await sleep(20);
  const t0 = performance.now();
  await Promise.all(vs.map(async (v, i) => {
    for (let k = 0; k < perVisitor; k++) {
      const text = `m-${i}-${k}`;
      sent.set(text, performance.now());
      v.ws.send(JSON.stringify({ type: 'send_message', conversation_id: v.conversation, client_id: `c${i}-${k}`, text, attachments: [] }));
      await sleep(intervalMs);
    }
  }));
  const deadline = performance.now() + 60_000;
  while (got.size < visitors + visitors * perVisitor && performance.now() < deadline) await sleep(20);
  for (const v of vs) v.ws.close();
  agent.close();
  return { t0, sent: [...sent], got: [...got].filter(([t]) => sent.has(t)) };
}

export async function synapseDriver({ base, agentToken, registrationToken, visitors, perVisitor, intervalMs }) {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const enc = encodeURIComponent;
  const call = async (method, path, token, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = await res.json().catch(() => ({}));
    return { status: res.status, json };
  };
  const ok = async (...args) => {
    const { status, json } = await call(...args);
    if (status !== 200) throw new Error(`${args[0]} ${args[1]}: ${status} ${JSON.stringify(json)}`);
    return json;
  };
  const got = new Map();
  const sent = new Map();
  let running = true;
  const rooms = new Set();
  const filter = enc(JSON.stringify({ presence: { not_types: ['*'] }, room: { timeline: { limit: 500 } } }));
  let since = (await ok('GET', `/_matrix/client/v3/sync?timeout=0&filter=${filter}`, agentToken)).next_batch;
  const poll = (async () => {
    while (running) {
      const b = await ok('GET', `/_matrix/client/v3/sync?timeout=5000&filter=${filter}&since=${enc(since)}`, agentToken);
      since = b.next_batch;
      const now = performance.now();
      for (const room of Object.keys(b.rooms?.invite ?? {})) {
        await ok('POST', `/_matrix/client/v3/join/${enc(room)}`, agentToken, {});
        rooms.add(room);
      }
      for (const data of Object.values(b.rooms?.join ?? {})) {
        for (const e of data.timeline?.events ?? []) {
          if (e.type === 'm.room.message' && !got.has(e.content.body)) got.set(e.content.body, now);
        }
      }
    }
  })();
  const register = async () => {
    const body = { password: crypto.randomUUID(), initial_device_display_name: 'bench' };
    let r = await call('POST', '/_matrix/client/v3/register', null, body);
    r = await call('POST', '/_matrix/client/v3/register', null, { ...body, auth: { type: 'm.login.registration_token', token: registrationToken, session: r.json.session } });
    r = await call('POST', '/_matrix/client/v3/register', null, { ...body, auth: { type: 'm.login.dummy', session: r.json.session } });
    if (r.status !== 200) throw new Error(`register: ${r.status} ${JSON.stringify(r.json)}`);
    return r.json;
  };
  const agentId = (await ok('GET', '/_matrix/client/v3/account/whoami', agentToken)).user_id;
  const open = async (i) => {
    const user = await register();
    const { room_id: room } = await ok('POST', '/_matrix/client/v3/createRoom', user.access_token, { preset: 'private_chat', invite: [agentId], name: `bench ${i}` });
    const v = { token: user.access_token, room, cursor: null, queue: [], busy: false };
    // As the transport reads the room: forward from its cursor to the live end.
    v.read = async () => {
      for (;;) {
        const page = await ok('GET', `/_matrix/client/v3/rooms/${enc(room)}/messages?dir=f&limit=100${v.cursor ? `&from=${enc(v.cursor)}` : ''}`, v.token);
        if (page.end) v.cursor = page.end;
        if (page.chunk.length < 100 || !page.end) return;
      }
    };
    v.send = async (clientId, text) => {
      await v.read();
      await ok('PUT', `/_matrix/client/v3/rooms/${enc(room)}/send/m.room.message/${enc(clientId)}`, v.token, { msgtype: 'm.text', body: text, 'org.sitechat.client_id': clientId });
      await v.read();
    };
    return v;
  };
  const vs = await Promise.all(Array.from({ length: visitors }, (_, i) => open(i)));
  while (rooms.size < visitors) await sleep(20);
  await Promise.all(vs.map((v, i) => v.send(`w${i}`, `warm-${i}`)));
  while (got.size < visitors) await sleep(20);
  const t0 = performance.now();
  await Promise.all(vs.map(async (v, i) => {
    // Submitted on the clock; sent one at a time, as the transport's job queue does.
    let chain = Promise.resolve();
    for (let k = 0; k < perVisitor; k++) {
      const text = `m-${i}-${k}`;
      sent.set(text, performance.now());
      chain = chain.then(() => v.send(`c${i}-${k}`, text));
      await sleep(intervalMs);
    }
    await chain;
  }));
  const deadline = performance.now() + 60_000;
  while (got.size < visitors + visitors * perVisitor && performance.now() < deadline) await sleep(20);
  running = false;
  await poll.catch(() => {});
  return { t0, sent: [...sent], got: [...got].filter(([t]) => sent.has(t)) };
}
