// The XSS corpus (tests/xss/payloads.json, shared with the widget's browser test)
// against the agent inbox of the real `sitechat-server`: as visitor messages, as the
// page URL a chat started on, as attachment file names, as agent names (the team list),
// and typed by the agent itself as replies.
//
// The trap: `sitechatTrap`, `alert`, `confirm` and `prompt` are replaced before the
// inbox's own script runs and count their calls; Content-Security-Policy violations are
// counted too (the inbox's strict CSP would block an inline script — a violation means
// something tried). Both must stay at zero, the DOM must hold no element or attribute
// that can run code and no link with another scheme than http, https or mailto, and the
// inbox must still send a reply at the end.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ROOT, freePort, launchBrowser, openContext, waitFor } from './harness.mjs';
import { SERVER_BIN, signInToInbox } from './server-harness.mjs';

const CORPUS = JSON.parse(readFileSync(join(ROOT, 'tests', 'xss', 'payloads.json'), 'utf8'));
const PAYLOADS = CORPUS.payloads.map((p) => ({ label: `#${p.id} (${p.category})`, text: p.payload.repeat(p.repeat ?? 1) }));
const AGENT = { email: 'ann@example.com', name: 'Ann', password: 'correct horse battery' };
/** Every fifth payload also becomes an agent's name (adding an agent hashes a password). */
const HOSTILE_AGENTS = PAYLOADS.filter((_, i) => i % 5 === 0).map((p, i) => ({ email: `x${i}@example.com`, name: p.text.slice(0, 200) }));

let browser;
let server;

function run(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(SERVER_BIN, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')}: ${err}`))));
  });
}

before(async () => {
  browser = await launchBrowser();
  const dir = mkdtempSync(join(tmpdir(), 'sitechat-xss-'));
  const db = join(dir, 'chat.sqlite');
  await run(['agent', 'add', '--db', db, '--email', AGENT.email, '--name', AGENT.name], { SITECHAT_AGENT_PASSWORD: AGENT.password });
  for (const a of HOSTILE_AGENTS) {
    // A name the CLI refuses (empty after trimming, control characters…) is fine too:
    // it simply never reaches the inbox.
    await run(['agent', 'add', '--db', db, '--email', a.email, '--name', a.name], { SITECHAT_AGENT_PASSWORD: 'another long password' }).catch(() => {});
  }
  const port = await freePort();
  // One visitor per payload, all from 127.0.0.1: the per-address allowance of new
  // conversations (30 an hour by default) is raised so every payload gets its own.
  const limits = ['--conversations-per-address-per-hour', '1000', '--conversations-per-visitor-per-hour', '1000'];
  const child = spawn(SERVER_BIN, ['serve', '--db', db, '--addr', `127.0.0.1:${port}`, ...limits], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  server = { url: (path = '/') => `${base}${path}`, child, dir };
  await waitFor(async () => (await fetch(`${base}/api/site-config`).catch(() => null))?.ok, 'the server to answer', { timeout: 15_000 });
});

after(async () => {
  server?.child.kill('SIGKILL');
  if (server) rmSync(server.dir, { recursive: true, force: true });
  await browser?.close();
});

/** In the page, before any of its scripts: the trap and the CSP violation counter. */
function installTrap() {
  window.__trapped = [];
  const trap = (...args) => { window.__trapped.push(String(args[0] ?? '')); };
  for (const name of ['sitechatTrap', 'alert', 'confirm', 'prompt', 'print']) window[name] = trap;
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
}

/** Everything in the inbox's DOM that could run or mislead. */
function domProblems() {
  const problems = [];
  const app = document.body;
  for (const el of app.querySelectorAll('script, iframe, object, embed, base, meta, link, style, frame, svg, math, template')) {
    problems.push(`a <${el.tagName.toLowerCase()}> in the body`);
  }
  for (const el of app.querySelectorAll('*')) {
    for (const name of el.getAttributeNames()) {
      if (name.startsWith('on') || name === 'style' || name === 'srcdoc' || name === 'formaction') problems.push(`<${el.tagName.toLowerCase()} ${name}>`);
    }
  }
  for (const a of app.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href');
    if (!/^(https?:|mailto:)/i.test(href)) problems.push(`a link to ${JSON.stringify(href.slice(0, 80))}`);
    // A link's text must not read differently from where it goes.
    if (/[\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/.test(a.textContent)) {
      problems.push(`a link whose text hides characters: ${JSON.stringify(a.textContent.slice(0, 80))}`);
    }
  }
  for (const img of app.querySelectorAll('img[src]')) {
    const src = img.getAttribute('src');
    if (!/^(https?:\/\/|\/[^/\\])/i.test(src)) problems.push(`an image from ${JSON.stringify(src.slice(0, 80))}`);
  }
  return problems;
}

/**
 * Runs in a page on the server's origin: one visitor per payload, whose page URL,
 * message text and attachment name are the payload.
 */
async function visitorsSay(payloads) {
  const once = (ws, type) => new Promise((resolve, reject) => {
    const onMessage = (e) => {
      const f = JSON.parse(e.data);
      if (f.type === type) { ws.removeEventListener('message', onMessage); resolve(f); }
      if (f.type === 'error') { ws.removeEventListener('message', onMessage); reject(new Error(`${f.code}: ${f.message}`)); }
    };
    ws.addEventListener('message', onMessage);
  });
  const refused = [];
  for (const { label, text } of payloads) {
    const ws = new WebSocket(`ws://${location.host}/ws/visitor`);
    await new Promise((r) => ws.addEventListener('open', r, { once: true }));
    const welcome = once(ws, 'welcome');
    ws.send(JSON.stringify({ type: 'hello', session_token: null, protocol: 1, page_url: text.slice(0, 2000), locale: 'en', resume: [] }));
    const { session_token: token } = await welcome;
    const upload = await fetch(`/api/attachments?name=${encodeURIComponent(text.slice(0, 300))}&mime=text/html`, {
      method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: 'an innocent text file\n',
    });
    const attachment = upload.ok ? await upload.json() : null;
    if (!attachment) refused.push(`${label}: upload ${upload.status}`);
    const ack = once(ws, 'ack');
    const body = text.trim() ? text.slice(0, 10000) : `(blank) ${label}`;
    ws.send(JSON.stringify({
      type: 'send_message', conversation_id: null, client_id: `k-${label}`, text: body,
      attachments: attachment ? [{ id: attachment.id, name: attachment.name, mime: attachment.mime, size: attachment.size }] : [],
    }));
    await ack.catch((e) => refused.push(`${label}: ${e.message}`));
    ws.close();
  }
  return refused;
}

async function assertClean(page, context) {
  // Give anything that slipped in a chance to run (image errors, load handlers).
  await page.waitForTimeout(300);
  const trapped = await page.evaluate(() => window.__trapped);
  const violations = await page.evaluate(() => window.__violations);
  const problems = await page.evaluate(domProblems);
  assert.deepEqual(trapped, [], `${context}: a payload ran`);
  assert.deepEqual(violations, [], `${context}: something tried to break the CSP`);
  assert.deepEqual(problems, [], `${context}: dangerous DOM`);
}

test('no payload runs in the inbox: messages, page URLs, file names, agent names, replies', { timeout: 240_000 }, async (t) => {
  // The visitors.
  const driver = await openContext(browser);
  t.after(() => driver.close());
  await driver.page.goto(server.url('/api/site-config'));
  const refused = await driver.page.evaluate(visitorsSay, PAYLOADS);
  assert.deepEqual(refused, [], 'every hostile message and file was stored (as data)');

  // The agent.
  const { page, errors, close } = await openContext(browser);
  t.after(close);
  await page.addInitScript(installTrap);
  await signInToInbox(page, server);
  // The trap is live in this page (else every check below would pass for nothing).
  assert.deepEqual(await page.evaluate(() => { sitechatTrap('probe'); return window.__trapped.splice(0); }), ['probe']);
  await waitFor(async () => (await page.locator('#conversation-list li').count()) >= PAYLOADS.length, 'every conversation listed', { timeout: 20_000 });
  await assertClean(page, 'the conversation list');

  // The team (hostile names) is in the assignee menu of an open conversation; open them
  // all, in batches, checking after each.
  const items = page.locator('#conversation-list li');
  const count = await items.count();
  for (let i = 0; i < count; i += 1) {
    await items.nth(i).click();
    await page.locator('#messages li').first().waitFor();
    if (i % 20 === 19 || i === count - 1) await assertClean(page, `conversations up to ${i + 1}`);
  }
  const options = await page.locator('#assign option').allTextContents();
  const shownNames = HOSTILE_AGENTS.filter((a) => options.some((o) => o.startsWith(a.name.trim()))).length;
  assert.ok(shownNames >= 5, `hostile agent names are listed as text (${shownNames} found)`);

  // The agent types payloads as replies.
  for (const { text } of PAYLOADS.filter((_, i) => i % 4 === 0)) {
    const reply = text.trim() ? text.slice(0, 5000) : 'blank';
    await page.locator('#reply').fill(reply);
    await page.locator('#reply').press('Enter');
  }
  await assertClean(page, 'after the agent\'s hostile replies');

  // And the inbox still works.
  await page.locator('#reply').fill('All good here.');
  await page.locator('#reply').press('Enter');
  await page.locator('#messages li').filter({ hasText: 'All good here.' }).waitFor();
  assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), [], 'no console errors or uncaught exceptions');
});
