// The real reference backend for end-to-end tests: `sitechat-server` on a fresh SQLite
// file, with its own SMTP sink, serving the built widget on a demo page that talks to it
// over the WebSocket transport.
//
// Invariants: everything listens on 127.0.0.1; every process and temporary directory a
// test starts is gone after `stop()`; a restart keeps the database, the port and the mail
// directory, so a page that was connected reconnects to the same backend with the same
// data; the binary is the one `cargo build -p sitechat-server` left in `target/debug`
// (e2e/run.sh builds it), or `SITECHAT_SERVER_BIN`.

import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { DIST, ROOT, freePort, inWidget, waitFor } from './harness.mjs';
import { builtDemoHtml } from './demo-page.mjs';

export const SERVER_BIN = process.env.SITECHAT_SERVER_BIN ?? join(ROOT, 'target', 'debug', 'sitechat-server');

export const AGENT = Object.freeze({ email: 'ann@example.com', name: 'Ann', password: 'correct horse battery' });
/** A second agent, for assignment. */
export const OTHER_AGENT = Object.freeze({ email: 'bob@example.com', name: 'Bob', password: 'battery staple horse' });


/** Runs the server binary to completion (for `agent add`); rejects with its stderr. */
function runOnce(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(SERVER_BIN, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sitechat-server ${args[0]} exited with ${code}: ${stderr}`))));
  });
}

/** A long-running child whose output is kept for failure messages. */
function startChild(args) {
  const child = spawn(SERVER_BIN, args, { env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  child.stdout.on('data', (d) => output.push(String(d)));
  child.stderr.on('data', (d) => output.push(String(d)));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return { child, output, exited };
}

async function stopChild(proc, signal = 'SIGTERM') {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill(signal);
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 5000);
  await proc.exited;
  clearTimeout(timer);
}

/**
 * Starts the backend.
 *
 * - `config`: the widget's site config, given to the page as `sitechatSettings.config`
 *   and to the server as `--site-config` (inactivity, transcript auto-send);
 * - `inactivityCheckSecs`: how often the server looks for idle chats.
 *
 * Returns `{ url(path), restart({ hard }), stop(), mails(), output() }`.
 */
export async function startChatServer({ config = {}, inactivityCheckSecs = 1 } = {}) {
  if (!existsSync(SERVER_BIN)) throw new Error(`${SERVER_BIN} is missing: run \`cargo build -p sitechat-server\``);
  const dir = mkdtempSync(join(tmpdir(), 'sitechat-e2e-'));
  const db = join(dir, 'chat.sqlite');
  const mailDir = join(dir, 'mail');
  const site = join(dir, 'site');
  cpSync(DIST, site, { recursive: true });
  // The demo page as built, talking to this server: the settings file (not inline, as a
  // strict CSP would want) overrides the demo's in-page transport and config.
  writeFileSync(join(site, 'settings.js'), `window.sitechatSettings = ${JSON.stringify({ transport: '/ws/visitor', config })};\n`);
  writeFileSync(join(site, 'index.html'), builtDemoHtml().replace('</head>', '<script src="/settings.js"></script>\n</head>'));
  writeFileSync(join(dir, 'site.json'), JSON.stringify(config));

  for (const a of [AGENT, OTHER_AGENT]) {
    await runOnce(['agent', 'add', '--db', db, '--email', a.email, '--name', a.name], { SITECHAT_AGENT_PASSWORD: a.password });
  }

  const smtpPort = await freePort();
  const sink = startChild(['smtp-sink', '--addr', `127.0.0.1:${smtpPort}`, '--dir', mailDir]);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const serveArgs = [
    'serve', '--db', db, '--addr', `127.0.0.1:${port}`, '--static-dir', site, '--site-config', join(dir, 'site.json'),
    '--smtp-host', '127.0.0.1', '--smtp-port', String(smtpPort), '--smtp-from', 'chat@example.com',
    '--public-url', base, '--inactivity-check-secs', String(inactivityCheckSecs),
  ];
  let server = null;
  const all = [];

  async function up() {
    server = startChild(serveArgs);
    all.push(server);
    await waitFor(async () => {
      if (server.child.exitCode !== null) throw new Error(`the server exited: ${server.output.join('')}`);
      const res = await fetch(`${base}/api/site-config`).catch(() => null);
      return res?.ok;
    }, 'the server to answer', { timeout: 15_000, interval: 50 });
  }
  await up();

  return {
    url: (path = '/') => `${base}${path}`,
    /** Stops the server (SIGKILL with `hard`, else SIGTERM) and starts it again on the same data. */
    async restart({ hard = false } = {}) {
      await stopChild(server, hard ? 'SIGKILL' : 'SIGTERM');
      await up();
    },
    /** The mails the sink received so far, as raw text, oldest first. */
    mails() {
      if (!existsSync(mailDir)) return [];
      return readdirSync(mailDir).filter((f) => f.endsWith('.eml')).sort().map((f) => readFileSync(join(mailDir, f), 'utf8'));
    },
    output: () => all.flatMap((p) => p.output).concat(sink.output).join(''),
    async stop() {
      await stopChild(server);
      await stopChild(sink);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Signs in to the agent inbox in `page` and waits for its live connection.
 */
export async function signInToInbox(page, server) {
  await page.goto(server.url('/inbox'));
  await page.locator('#login-email').fill(AGENT.email);
  await page.locator('#login-password').fill(AGENT.password);
  await page.locator('#login-form button[type=submit]').click();
  await page.locator('#app').waitFor({ state: 'visible' });
  await waitFor(async () => !/connecting/i.test(await page.locator('#connection').innerText()), 'the inbox to connect');
}

/** The visitor's message bubble holding `text`, in the widget on `page`. */
export const widgetBubble = (page, text) => inWidget(page, '.sc-window li').filter({ hasText: text });

/** The message holding `text` in the inbox's open conversation. */
export const inboxMessage = (page, text) => page.locator('#messages li').filter({ hasText: text });
