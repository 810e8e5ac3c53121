// The end-to-end harness: Debian's Chromium driven by playwright-core, a tiny static
// file server, and helpers to open a page, watch its errors and reach into the widget.
//
// Invariants:
// - everything stays on 127.0.0.1: the server binds there on an ephemeral port, and the
//   browser is launched with the flags below (no background networking, no updates);
// - every helper that opens something returns a way to close it, and the test closes it;
// - nothing waits on a fixed sleep: `waitFor` polls a condition against a deadline and
//   fails with a message naming what it waited for;
// - the browser is Debian's `/usr/bin/chromium`; Playwright's own browser downloads are
//   never used.

import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** The repository root (the parent of `e2e/`). */
export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The built demo site (`trunk build --release`). */
export const DIST = join(ROOT, 'dist');

/** Chromium for the tests; overridable for machines where it lives elsewhere. */
export const CHROMIUM_PATH = process.env.SITECHAT_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Exactly these flags: headless without a GPU or a sandbox (containers), and no traffic
 * of Chromium's own (updates, sync, QUIC probes) so the run only talks to 127.0.0.1.
 */
export const CHROMIUM_FLAGS = Object.freeze([
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]);

/** How long a single wait may take before the test fails (ms). */
export const WAIT_TIMEOUT = Number(process.env.SITECHAT_E2E_WAIT_MS ?? 10_000);

/** The widget's host element in the page; everything else lives in its open shadow root. */
export const HOST_SELECTOR = 'div[data-sitechat]';

const MIME = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
});

/** The Content-Type for a file name; unknown extensions are opaque bytes. */
export function mimeType(path) {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/** Launches Debian Chromium headless with {@link CHROMIUM_FLAGS}. Close it with `browser.close()`. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    // Playwright's headless defaults (hidden scrollbars, muted audio) are kept; our
    // flags come after its own, so `--headless=new` is the mode Chromium runs in.
    headless: true,
    args: [...CHROMIUM_FLAGS],
    timeout: 30_000,
  });
}

/**
 * Serves `root` (a directory, or null for in-memory pages only) on 127.0.0.1 at an
 * ephemeral port.
 *
 * - `headers`: extra response headers on every response (e.g. a strict
 *   `Content-Security-Policy`);
 * - `server.setPage(path, html, headers?)`: serves an in-memory page at `path`, with its
 *   own extra headers, taking precedence over files on disk.
 *
 * Paths never escape `root`; `/` and directories serve their `index.html`. Requests other
 * than GET/HEAD get 405; WebSocket upgrades are refused (the socket is closed), the same
 * as a plain static host would do.
 */
export async function startServer({ root = DIST, headers = {} } = {}) {
  const pages = new Map();
  const base = root === null ? null : resolve(root);

  async function fileFor(pathname) {
    if (base === null) return null;
    const candidate = normalize(join(base, pathname));
    if (candidate !== base && !candidate.startsWith(base + sep)) return null;
    try {
      const info = await stat(candidate);
      const file = info.isDirectory() ? join(candidate, 'index.html') : candidate;
      return { file, body: await readFile(file) };
    } catch {
      return null;
    }
  }

  const server = createServer(async (req, res) => {
    const send = (status, type, body, extra = {}) => {
      res.writeHead(status, {
        'Content-Type': type,
        'Content-Length': Buffer.byteLength(body),
        'Cache-Control': 'no-store',
        ...headers,
        ...extra,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        send(405, 'text/plain; charset=utf-8', 'method not allowed\n');
        return;
      }
      let pathname;
      try {
        pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      } catch {
        send(400, 'text/plain; charset=utf-8', 'bad path\n');
        return;
      }
      const page = pages.get(pathname);
      if (page) {
        send(200, mimeType(pathname.endsWith('/') ? 'index.html' : pathname), page.body, page.headers);
        return;
      }
      const found = await fileFor(pathname);
      if (!found) {
        send(404, 'text/plain; charset=utf-8', `not found: ${pathname}\n`);
        return;
      }
      send(200, mimeType(found.file), found.body);
    } catch (err) {
      if (!res.headersSent) send(500, 'text/plain; charset=utf-8', `server error: ${err}\n`);
      else res.destroy();
    }
  });
  server.on('upgrade', (_req, socket) => socket.destroy());
  // Keep-alive sockets would hold `close()` open until they time out.
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', ok);
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    /** The absolute URL of `path` on this server. */
    url: (path = '/') => new URL(path, origin).href,
    /** Serves `html` at `path` (an in-memory page), with optional extra headers. */
    setPage(path, html, pageHeaders = {}) {
      pages.set(path, { body: Buffer.from(html), headers: pageHeaders });
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((ok) => server.close(() => ok()));
    },
  };
}

/**
 * A fresh browser context (own storage, so no state leaks between tests) with one page,
 * whose console errors and uncaught exceptions are collected in `errors`.
 *
 * Options go to `browser.newContext` (viewport, deviceScaleFactor, locale, …).
 * Returns `{ context, page, errors, close }`.
 */
export async function openContext(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  context.setDefaultTimeout(WAIT_TIMEOUT);
  const page = await context.newPage();
  const errors = watchErrors(page);
  return { context, page, errors, close: () => context.close() };
}

/**
 * Collects what a test must not see: `console.error` lines (which include the browser's
 * own reports such as failed requests and CSP violations, except the browser's automatic
 * `/favicon.ico` request) and uncaught exceptions.
 * Returns a live array of strings.
 */
export function watchErrors(page) {
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const where = message.location();
      // Chromium asks every origin for /favicon.ico on its own; the demo has none, and
      // that 404 is the browser's, not the page's or the widget's.
      if (where?.url && new URL(where.url).pathname === '/favicon.ico') return;
      const at = where?.url ? ` (${where.url}:${where.lineNumber})` : '';
      errors.push(`console.error: ${message.text()}${at}`);
    }
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.stack ?? error.message ?? error}`));
  page.on('crash', () => errors.push('the page crashed'));
  return errors;
}

/**
 * Opens `url` in a fresh context and waits until the widget's host element is attached.
 * On failure the context is closed and the error carries the page's own errors.
 */
export async function openWidgetPage(browser, url, options = {}) {
  const opened = await openContext(browser, options);
  try {
    await opened.page.goto(url, { waitUntil: 'load' });
    await opened.page.locator(HOST_SELECTOR).waitFor({ state: 'attached' });
  } catch (err) {
    // The page's own errors usually say why the widget never mounted (a bad config, a
    // blocked script): put them in the failure instead of a bare timeout.
    const why = opened.errors.length ? `\npage errors:\n${opened.errors.join('\n')}` : '';
    await opened.close();
    throw new Error(`the widget did not mount on ${url}: ${err.message}${why}`);
  }
  return opened;
}

/**
 * A locator inside the widget's shadow root. Playwright's CSS locators pierce open
 * shadow roots, so `inWidget(page, 'button.sc-launcher')` finds the launcher.
 */
export function inWidget(page, selector) {
  return page.locator(HOST_SELECTOR).locator(selector);
}

/**
 * Polls `condition` (sync or async; truthy means done) until it holds or `timeout` ms
 * pass, then fails naming `what`. Returns the truthy value.
 */
export async function waitFor(condition, what, { timeout = WAIT_TIMEOUT, interval = 25 } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const cause = last ? ` (last error: ${last.message ?? last})` : '';
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${cause}`);
    }
    await new Promise((ok) => setTimeout(ok, interval));
  }
}

/**
 * Lets the page settle: two animation frames plus a macrotask, so a render that a
 * listener scheduled has happened. Used before asserting that something did *not*
 * happen.
 */
export async function settle(page) {
  await page.evaluate(
    () => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(ok, 0)))),
  );
}

/** Fails the test with every collected error, one per line, if there are any. */
export function assertNoErrors(errors, assert) {
  assert.deepEqual(errors, [], `the page reported errors:\n${errors.join('\n')}`);
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createTcpServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
