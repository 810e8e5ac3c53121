// One measurement of one widget, in a fresh browser context (own storage, own caches):
// the bench's runs are made of these. Every duration is measured inside the page by the
// probe (lib/probe.mjs); memory is read over the DevTools protocol.
//
// Invariants: each function opens its own context and closes it, whatever happens; a
// widget that never shows what is waited for fails the measurement with a message naming
// the widget and the step, never a silent zero.

import { probeScript } from './probe.mjs';

/** How long the page may stay busy after the widget is ready and still count as booting. */
export const BOOT_TAIL_MS = 500;
/** How many messages one append measurement adds (its median is the run's figure). */
export const APPENDS = 3;
/** How long any one step may take. */
const STEP_TIMEOUT_MS = 60_000;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Opens `path` of `site` for `widget` in a fresh context, with the probe and `storage` preset. */
async function open(browser, site, widget, path, storage = []) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  try {
    if (storage.length) {
      await context.addInitScript(
        ({ origin, entries }) => {
          if (location.origin !== origin) return;
          for (const [key, value] of entries) localStorage.setItem(key, value);
        },
        { origin: site.origin, entries: storage },
      );
    }
    await context.addInitScript(probeScript(widget.target));
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(site.url(path), { waitUntil: 'load' });
    return { context, page, errors };
  } catch (err) {
    await context.close();
    throw err;
  }
}

/** Runs `body` in a fresh context for `widget`, naming the widget and step on failure. */
async function inContext(browser, site, widget, path, storage, step, body) {
  const opened = await open(browser, site, widget, path, storage);
  try {
    return await body(opened);
  } catch (err) {
    const why = opened.errors.length ? `\n  page errors: ${opened.errors.join('\n  ')}` : '';
    throw new Error(`${widget.name}, ${step}: ${err.message}${why}`);
  } finally {
    await opened.context.close();
  }
}

/** Waits until the probe saw `mark` (`launcher`, `ready`); returns its time (ms since navigation start). */
async function marked(page, mark) {
  const handle = await page.waitForFunction((name) => window.__bench.marks[name], mark, { polling: 50 });
  return handle.jsonValue();
}

/** Waits until the widget's app is there (which implies its launcher). */
async function launcherShown(page) {
  await marked(page, 'launcher');
  return marked(page, 'ready');
}

/**
 * JS heap (V8's used size, after a full garbage collection) and wasm memory (the sum of
 * the buffers of every live `WebAssembly.Memory`), in bytes.
 */
export async function memory(context, page) {
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    const { result: proto } = await cdp.send('Runtime.evaluate', {
      expression: 'WebAssembly.Memory.prototype',
      objectGroup: 'bench',
    });
    const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: proto.objectId, objectGroup: 'bench' });
    const { result } = await cdp.send('Runtime.callFunctionOn', {
      objectId: objects.objectId,
      functionDeclaration: 'function () { return this.reduce((sum, m) => sum + m.buffer.byteLength, 0); }',
      returnByValue: true,
    });
    await cdp.send('Runtime.releaseObjectGroup', { objectGroup: 'bench' });
    return { jsHeap: heap.usedSize, wasm: result.value };
  } finally {
    await cdp.detach();
  }
}

/**
 * A first-time visitor's page load: time to the launcher and to the widget's app (from
 * navigation start and from DOMContentLoaded), long tasks and total blocking time until
 * {@link BOOT_TAIL_MS} after the app is there, the widget's files received before the
 * launcher showed and before the app was there, memory after boot, then the time from a
 * click on the launcher to the window open.
 */
export function boot(browser, site, widget) {
  return inContext(browser, site, widget, widget.base, [], 'boot', async ({ context, page }) => {
    const launcher = await marked(page, 'launcher');
    const ready = await marked(page, 'ready');
    const seen = await page.evaluate(async (tail) => {
      const b = window.__bench;
      const end = Math.max(b.marks.launcher, b.marks.ready) + tail;
      const wait = end - performance.now();
      if (wait > 0) await new Promise((ok) => setTimeout(ok, wait));
      const nav = performance.getEntriesByType('navigation')[0];
      return {
        dcl: nav.domContentLoadedEventStart,
        longTasks: b.longTasks.filter((t) => t.start < end),
        longTaskError: b.longTaskError ?? null,
        resources: performance
          .getEntriesByType('resource')
          .map((r) => ({ path: new URL(r.name).pathname, end: r.responseEnd })),
      };
    }, BOOT_TAIL_MS);
    if (seen.longTaskError) throw new Error(`no long-task observer: ${seen.longTaskError}`);
    const received = (until) =>
      seen.resources
        .filter((r) => r.end <= until)
        .map((r) => site.widgetFile(r.path))
        .filter(Boolean);
    const mem = await memory(context, page);
    const click = await page.evaluate(() => {
      const b = window.__bench;
      return b.interact(
        () => b.find(b.target.launcher).click(),
        () => {
          const el = b.find(b.target.window);
          return b.visible(el) ? el : null;
        },
      );
    });
    return {
      launcherFromNav: launcher,
      launcherFromDcl: launcher - seen.dcl,
      readyFromNav: ready,
      readyFromDcl: ready - seen.dcl,
      longTasks: seen.longTasks.length,
      longestTask: Math.max(0, ...seen.longTasks.map((t) => t.duration)),
      tbt: seen.longTasks.reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0),
      files: received(launcher),
      filesReady: received(ready),
      jsHeap: mem.jsHeap,
      wasm: mem.wasm,
      windowOpen: click.frame,
      windowOpenLayout: click.layout,
    };
  });
}

/** Waits for the launcher and for the backend to have handed over every message, then lets the page settle. */
async function fed(page) {
  await launcherShown(page);
  await page.evaluate(async () => {
    await window.__benchBackend.fed;
    // The widget handles the last frame on a later task; then one frame renders it.
    for (let i = 0; i < 3; i++) {
      await new Promise((ok) => setTimeout(ok, 0));
      await new Promise((ok) => requestAnimationFrame(() => ok()));
    }
  });
}

/** Clicks the launcher and waits for the window with message `n` (the newest) on screen. */
function openConversation(page, n) {
  return page.evaluate((count) => {
    const b = window.__bench;
    const marker = window.benchMessages.marker(count);
    return b.interact(
      () => b.find(b.target.launcher).click(),
      () => (b.visible(b.find(b.target.window)) ? b.shows(marker) : null),
    );
  }, n);
}

/**
 * A returning visitor whose conversation holds `n` messages (`storage`: what sitechat
 * keeps in localStorage for them; the peer keeps nothing): memory once the conversation
 * is loaded and open.
 */
export function memoryWith(browser, site, widget, n, storage) {
  return inContext(browser, site, widget, `${widget.base}?messages=${n}`, storage, `${n} messages`, async ({ context, page }) => {
    await fed(page);
    await openConversation(page, n);
    return memory(context, page);
  });
}

/**
 * A returning visitor whose conversation holds `n` messages: the time from a click on
 * the launcher to the window open on the newest message, then the time to show one more
 * message from the agent (the median of {@link APPENDS}).
 */
export function longConversation(browser, site, widget, n, storage) {
  return inContext(browser, site, widget, `${widget.base}?messages=${n}`, storage, `${n} messages`, async ({ page }) => {
    await fed(page);
    const opened = await openConversation(page, n);
    const appends = [];
    for (let i = 0; i < APPENDS; i++) {
      const t = await page.evaluate(() => {
        const b = window.__bench;
        let marker = null;
        return b.interact(
          () => {
            marker = window.__benchBackend.append();
          },
          () => b.shows(marker),
        );
      });
      appends.push(t.layout);
    }
    return { open: opened.frame, openLayout: opened.layout, append: median(appends) };
  });
}

/**
 * What sitechat stores for a returning visitor: a first visit in which the visitor opens
 * the chat, sends message 1 of the bench conversation, sees it acknowledged and closes
 * the window. Returns the `sitechat:` localStorage entries.
 */
export function returningVisitor(browser, site, widget) {
  return inContext(browser, site, widget, widget.base, [], 'first visit', async ({ page }) => {
    await launcherShown(page);
    const launcher = page.locator('div[data-sitechat] button.sc-launcher');
    await launcher.click();
    const text = await page.evaluate(() => window.benchMessages.message(1).text);
    await page.locator('div[data-sitechat] textarea.sc-composer__input').fill(text);
    await page.keyboard.press('Enter');
    await page.locator('div[data-sitechat] .sc-delivery--sent').waitFor();
    await launcher.click();
    const stored = () =>
      page.evaluate(() => {
        const entries = Object.keys(localStorage)
          .filter((k) => k.startsWith('sitechat:'))
          .map((k) => [k, localStorage.getItem(k)]);
        const chat = entries.find(([k]) => k.endsWith(':chat'));
        const state = chat ? JSON.parse(chat[1]) : null;
        return state && state.conversation_id === 'c_bench' && state.window_open === false ? entries : null;
      });
    for (let i = 0; i < 100; i++) {
      const entries = await stored();
      if (entries) return entries;
      await page.waitForTimeout(20);
    }
    throw new Error('the conversation was not stored as closed with conversation c_bench');
  });
}
