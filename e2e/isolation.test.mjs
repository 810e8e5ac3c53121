// The widget as a guest on someone else's page: it runs under a strict
// Content-Security-Policy, the page's CSS does not restyle it, and when closed it covers
// nothing but its launcher.
//
// The host pages are the built demo varied by `demo-page.mjs`, served from memory next
// to the real `dist/` files.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { DIST, assertNoErrors, inWidget, launchBrowser, openWidgetPage, settle, startServer } from './harness.mjs';
import { demoVariant } from './demo-page.mjs';

/**
 * What a careful site sends: nothing inline, nothing from elsewhere, and
 * `'wasm-unsafe-eval'` as the only extra, as the product brief promises.
 */
const STRICT_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** A page that styles everything it can reach, loudly. */
const HOSTILE_CSS = `
body { font: 40px/3 serif; color: rgb(0, 255, 0); letter-spacing: 6px; text-align: right; }
button, section, header, p { background: rgb(255, 0, 0) !important; border: 9px solid rgb(0, 0, 255) !important; }
* { box-sizing: content-box; }
`;

let browser;
let server;

before(async () => {
  browser = await launchBrowser();
  server = await startServer({ root: DIST });
  const csp = { 'Content-Security-Policy': STRICT_CSP };
  // The built demo page as it is: its tracking code is already a file.
  server.setPage('/csp/index.html', demoVariant(), csp);
  server.setPage('/hostile.css', HOSTILE_CSS);
  server.setPage('/hostile/index.html', demoVariant({ head: '<link rel="stylesheet" href="/hostile.css">' }));
});

after(async () => {
  await server?.close();
  await browser?.close();
});

async function open(t, path) {
  const opened = await openWidgetPage(browser, server.url(path));
  t.after(() => opened.close());
  return opened;
}

test('under a strict Content-Security-Policy the widget mounts, styles itself and opens, with no violation', async (t) => {
  const { page, errors } = await open(t, '/csp/index.html#hs-chat-open');
  const window = inWidget(page, '.sc-window');
  await window.waitFor({ state: 'visible' });
  // Styled means the adopted stylesheet was accepted: the window is positioned.
  assert.equal(await window.evaluate((el) => getComputedStyle(el).position), 'absolute');
  await inWidget(page, '.sc-header__close').click();
  await window.waitFor({ state: 'detached' });
  assertNoErrors(errors, assert);
});

test("the host page's CSS, even !important, does not restyle the widget", async (t) => {
  const { page, errors } = await open(t, '/hostile/index.html#hs-chat-open');
  // The page itself did pick the hostile sheet up, or this test proves nothing.
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).fontSize), '40px');
  const launcher = inWidget(page, 'button.sc-launcher');
  const window = inWidget(page, '.sc-window');
  await window.waitFor({ state: 'visible' });
  const launcherStyle = await launcher.evaluate((el) => {
    const s = getComputedStyle(el);
    return { background: s.backgroundColor, border: s.borderTopColor };
  });
  assert.notEqual(launcherStyle.background, 'rgb(255, 0, 0)');
  assert.notEqual(launcherStyle.border, 'rgb(0, 0, 255)');
  const windowStyle = await window.evaluate((el) => {
    const s = getComputedStyle(el);
    return { font: s.fontSize, color: s.color, spacing: s.letterSpacing, background: s.backgroundColor };
  });
  assert.notEqual(windowStyle.font, '40px', 'inherited font-size leaked in');
  assert.notEqual(windowStyle.color, 'rgb(0, 255, 0)', 'inherited colour leaked in');
  assert.notEqual(windowStyle.spacing, '6px', 'inherited letter-spacing leaked in');
  assert.notEqual(windowStyle.background, 'rgb(255, 0, 0)');
  assertNoErrors(errors, assert);
});

test('closed, the widget covers only its launcher: the page next to it still takes clicks', async (t) => {
  const { page, errors } = await open(t, '/');
  const launcher = inWidget(page, 'button.sc-launcher');
  await launcher.waitFor({ state: 'visible' });
  await settle(page);
  const box = await launcher.boundingBox();
  assert.ok(box, 'the launcher has a box');
  const hits = await page.evaluate(
    ({ x, y, w, h }) =>
      [
        [x - 30, y + h / 2], // left of the launcher
        [x + w / 2, y - 40], // above it, where the open window would be
        [x - 200, y - 300],
      ].map(([px, py]) => document.elementFromPoint(px, py)?.closest('[data-sitechat]') !== null),
    { x: box.x, y: box.y, w: box.width, h: box.height },
  );
  assert.deepEqual(hits, [false, false, false], 'points around the closed launcher hit the widget');
  // …while the launcher itself is hit.
  const onLauncher = await page.evaluate(
    ({ x, y }) => document.elementFromPoint(x, y)?.closest('[data-sitechat]') !== null,
    { x: box.x + box.width / 2, y: box.y + box.height / 2 },
  );
  assert.equal(onLauncher, true);
  assertNoErrors(errors, assert);
});
