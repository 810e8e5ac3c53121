#!/usr/bin/env node
// Chaos test: a visitor (the built widget in headless Chromium) and a scripted agent
// exchange messages through the real `sitechat-server` while a fault-injecting TCP proxy
// between the widget and the server cuts, delays and stalls the connection, and the
// server process is killed (SIGKILL) and restarted. At the end both sides must hold
// exactly the same messages, in the same order, each exactly once.
//
//   node e2e/chaos.mjs                         # CI variant: 200 messages, 10 restarts
//   node e2e/chaos.mjs --messages 1000 --restarts 12   # the full run (scripts/chaos.sh)
//
// Needs dist/ and target/debug/sitechat-server (e2e/run.sh builds both). Everything
// listens on 127.0.0.1. Prints one line of counts and exits non-zero on any loss,
// duplicate, reordering, or when the run does not settle in time.

import assert from 'node:assert/strict';
import { parseArgs } from 'node:util';

import { inWidget, launchBrowser, openContext, openWidgetPage, waitFor } from './harness.mjs';
import { AGENT, startChatServer } from './server-harness.mjs';
import { startFaultProxy } from './fault-proxy.mjs';

const { values: opts } = parseArgs({
  options: {
    messages: { type: 'string', default: '200' },
    restarts: { type: 'string', default: '10' },
    settle: { type: 'string', default: '120' },
    seed: { type: 'string', default: String(Date.now() % 100000) },
  },
});
const TOTAL = Number(opts.messages);
const RESTARTS = Number(opts.restarts);
const SETTLE_MS = Number(opts.settle) * 1000;

// A small seeded generator, so a failing run can be replayed with --seed.
let seed = Number(opts.seed) || 1;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (lo, hi) => Math.floor(lo + random() * (hi - lo));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.log('[chaos]', ...a);

/**
 * The scripted agent, run inside a page on the server's origin: it keeps an agent socket
 * open (reconnecting after every failure), sends its messages with client ids and resends
 * the unacknowledged ones after each reconnect, and keeps every message it sees by id.
 */
function agentScript() {
  const a = {
    conversationId: null,
    messages: new Map(), // id → { seq, kind, text, clientId }
    pending: new Map(), // client id → text, in sending order
    acked: 0,
    connects: 0,
    errors: [],
    ws: null,
  };
  const keep = (m) => {
    if (!a.messages.has(m.id)) a.messages.set(m.id, { seq: m.seq, kind: m.author.kind, text: m.text, clientId: m.client_id ?? null });
  };
  const send = (frame) => {
    if (a.ws?.readyState === WebSocket.OPEN) a.ws.send(JSON.stringify(frame));
  };
  const flush = () => {
    if (!a.conversationId) return;
    for (const [clientId, text] of a.pending) {
      send({ type: 'send_message', conversation_id: a.conversationId, client_id: clientId, text, attachments: [] });
    }
  };
  const connect = () => {
    const ws = new WebSocket(`ws://${location.host}/ws/agent`);
    a.ws = ws;
    ws.onmessage = (e) => {
      const f = JSON.parse(e.data);
      if (f.type === 'ready') {
        a.connects += 1;
        if (a.conversationId) send({ type: 'open_conversation', conversation_id: a.conversationId });
        flush();
      } else if (f.type === 'message') {
        a.conversationId ??= f.conversation_id;
        if (f.conversation_id === a.conversationId) keep(f.message);
      } else if (f.type === 'conversation') {
        if (f.conversation.id === a.conversationId) f.messages.forEach(keep);
      } else if (f.type === 'ack') {
        if (a.pending.delete(f.client_id)) a.acked += 1;
      } else if (f.type === 'error') {
        a.errors.push(`${f.code}: ${f.message}`);
      }
    };
    ws.onclose = () => setTimeout(connect, 150 + Math.random() * 300);
  };
  a.say = (clientId, text) => {
    a.pending.set(clientId, text);
    if (a.conversationId) send({ type: 'send_message', conversation_id: a.conversationId, client_id: clientId, text, attachments: [] });
  };
  a.resync = () => {
    if (a.conversationId) send({ type: 'open_conversation', conversation_id: a.conversationId });
  };
  a.snapshot = () => ({
    conversationId: a.conversationId,
    messages: [...a.messages.values()].sort((x, y) => x.seq - y.seq),
    pending: a.pending.size,
    acked: a.acked,
    connects: a.connects,
    errors: a.errors.slice(-5),
  });
  window.agent = a;
  connect();
}

/** The widget's own record of the conversation, from its persisted state. */
async function widgetState(page) {
  return page.evaluate(() => {
    const raw = localStorage.getItem('sitechat:v1:chat');
    const state = raw ? JSON.parse(raw) : null;
    const messages = (state?.timeline?.messages ?? []).map((m) => ({
      seq: m.seq, kind: m.author.kind, text: m.text, delivery: m.delivery?.state ?? null, reason: m.delivery?.reason ?? null,
    }));
    return { conversationId: state?.conversation_id ?? null, messages };
  });
}

async function main() {
  const started = Date.now();
  const browser = await launchBrowser();
  const server = await startChatServer();
  const port = Number(new URL(server.url('/')).port);
  const proxy = await startFaultProxy(port);
  const cleanup = async () => {
    await proxy.close().catch(() => {});
    await server.stop().catch(() => {});
    await browser.close().catch(() => {});
  };
  try {
    // The visitor, through the proxy.
    const visitor = await openWidgetPage(browser, proxy.url('/#hs-chat-open'));
    await inWidget(visitor.page, '.sc-window').waitFor({ state: 'visible' });
    const composer = inWidget(visitor.page, '.sc-window textarea');

    // The agent, straight to the server (the faults are between widget and server).
    const agentCtx = await openContext(browser);
    const login = await agentCtx.context.request.post(server.url('/api/agent/login'), { data: { email: AGENT.email, password: AGENT.password } });
    assert.equal(login.status(), 200, 'the agent signs in');
    await agentCtx.page.goto(server.url('/api/site-config'));
    await agentCtx.page.evaluate(agentScript);

    const visitorTexts = [];
    const agentTexts = [];
    const visitorSay = async (text) => {
      visitorTexts.push(text);
      await composer.fill(text);
      await composer.press('Enter');
    };
    // The first message opens the conversation the agent then answers in.
    await visitorSay('v-0000 hello, is anyone there?');
    await waitFor(async () => (await agentCtx.page.evaluate(() => window.agent.conversationId)) !== null, 'the agent to see the conversation', { timeout: 15_000 });

    // Blocks of messages from both sides, with a fault after each block; every other
    // fault is a kill -9 of the server, so the restarts are spread over the exchange.
    const blocks = Math.max(2 * RESTARTS, 2);
    const perBlock = Math.ceil((TOTAL - 1) / blocks);
    let restarts = 0;
    const faults = ['cut', 'delay', 'stall', 'cut+delay'];
    let n = 1;
    for (let b = 0; b < blocks && n < TOTAL; b += 1) {
      for (let i = 0; i < perBlock && n < TOTAL; i += 1, n += 1) {
        const id = String(n).padStart(4, '0');
        if (n % 2 === 1) {
          await visitorSay(`v-${id} visitor says ${pick(0, 1e6)}`);
        } else {
          const text = `a-${id} agent says ${pick(0, 1e6)}`;
          agentTexts.push(text);
          await agentCtx.page.evaluate(([c, t]) => window.agent.say(c, t), [`agent-${id}`, text]);
        }
        if (random() < 0.15) await sleep(pick(5, 60));
      }
      if (b % 2 === 0 && restarts < RESTARTS) {
        await server.restart({ hard: true });
        restarts += 1;
      } else {
        const fault = faults[(b >> 1) % faults.length];
        if (fault.includes('cut')) proxy.cutAll();
        if (fault.includes('delay')) proxy.setDelay(pick(50, 400));
        if (fault === 'stall') proxy.stall(pick(500, 3000));
        await sleep(pick(100, 600));
        proxy.setDelay(0);
      }
    }
    while (restarts < RESTARTS) {
      await server.restart({ hard: true });
      restarts += 1;
    }
    proxy.setDelay(0);
    log(`exchange written in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for both sides to settle`);

    // Settle: the widget has every message confirmed and both sides hold everything.
    const expected = visitorTexts.length + agentTexts.length;
    let w;
    let a;
    const settleStart = Date.now();
    while (Date.now() - settleStart < SETTLE_MS) {
      w = await widgetState(visitor.page);
      await agentCtx.page.evaluate(() => window.agent.resync());
      await sleep(500);
      a = await agentCtx.page.evaluate(() => window.agent.snapshot());
      const unsent = w.messages.filter((m) => m.delivery !== null && m.delivery !== 'sent').length;
      if (unsent === 0 && a.pending === 0 && w.messages.length >= expected && a.messages.length >= expected) break;
      if (w.messages.some((m) => m.delivery === 'failed')) break;
    }

    // The verdict.
    const key = (m) => `${m.kind}|${m.text}`;
    const wKeys = w.messages.map(key);
    const aKeys = a.messages.map(key);
    const expectedKeys = [...visitorTexts.map((t) => `visitor|${t}`), ...agentTexts.map((t) => `agent|${t}`)];
    const countIn = (keys) => keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map());
    const wCount = countIn(wKeys);
    const aCount = countIn(aKeys);
    const lost = expectedKeys.filter((k) => !wCount.has(k) || !aCount.has(k));
    const duplicates = [...wCount.values(), ...aCount.values()].filter((c) => c > 1).length;
    const delivered = expectedKeys.filter((k) => wCount.get(k) === 1 && aCount.get(k) === 1).length;
    const wSeqs = w.messages.map((m) => m.seq);
    const sameOrder = JSON.stringify(wKeys) === JSON.stringify(aKeys);
    const gapFree = wSeqs.every((s, i) => s === i + 1);
    const failed = w.messages.filter((m) => m.delivery === 'failed').length;
    const stats = proxy.stats();
    const summary = {
      sent: expected,
      delivered,
      duplicates,
      lost: lost.length,
      failed,
      reconnects: Math.max(0, stats.visitorSockets - 1),
      agent_reconnects: Math.max(0, a.connects - 1),
      server_restarts: restarts,
      cuts: stats.cuts,
      stalls: stats.stalls,
      delays: stats.delays,
      same_order: sameOrder,
      seconds: Math.round((Date.now() - started) / 1000),
      seed: opts.seed,
    };
    console.log(`chaos: ${Object.entries(summary).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    if (lost.length) log('lost (first 5):', lost.slice(0, 5));
    if (failed) log('failed (first 3):', JSON.stringify(w.messages.filter((m) => m.delivery === 'failed').slice(0, 3)));
    if (a.errors.length) log('agent errors (last 5):', a.errors);
    assert.equal(lost.length, 0, 'no message lost');
    assert.equal(duplicates, 0, 'no message twice');
    assert.equal(failed, 0, 'no message left failed');
    assert.ok(sameOrder, 'both sides hold the same messages in the same order');
    assert.ok(gapFree, 'seqs are 1..n without gaps');
    assert.equal(w.messages.length, expected, 'the widget holds exactly what was sent');
    assert.ok(restarts >= RESTARTS, `at least ${RESTARTS} server restarts`);
    await visitor.close();
    await agentCtx.close();
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`chaos: FAILED — ${err.message}`);
    process.exit(1);
  },
);
