// The built demo site (`dist/`), driven like a visitor would: the launcher bubble, the
// window opening and closing, and the `#hs-chat-open` auto-open on load and on a later
// hash change. Every test also asserts the page reported no console error and no
// uncaught exception.
//
// Only the stable class names are used (`sc-launcher`, `sc-window`, `sc-header__close`);
// the rest goes through roles and ARIA state, which the UI keeps while it grows.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import {
  DIST,
  assertNoErrors,
  inWidget,
  launchBrowser,
  openWidgetPage,
  settle,
  startServer,
  waitFor,
} from './harness.mjs';

let browser;
let server;

before(async () => {
  assert.ok(existsSync(join(DIST, 'index.html')), 'dist/index.html is missing: run e2e/run.sh (it builds the demo)');
  browser = await launchBrowser();
  server = await startServer({ root: DIST });
});

after(async () => {
  await server?.close();
  await browser?.close();
});

/** Opens the demo at `path` in a fresh context; closes it and checks for errors after the test. */
async function demo(t, path = '/') {
  const opened = await openWidgetPage(browser, server.url(path));
  t.after(() => opened.close());
  return opened;
}

const launcher = (page) => inWidget(page, 'button.sc-launcher');
const chatWindow = (page) => inWidget(page, '.sc-window');

test('the launcher bubble appears, closed, and the window is not rendered', async (t) => {
  const { page, errors } = await demo(t);
  await launcher(page).waitFor({ state: 'visible' });
  assert.equal(await launcher(page).getAttribute('aria-expanded'), 'false');
  assert.ok((await launcher(page).getAttribute('aria-label'))?.trim(), 'the launcher has an accessible name');
  await settle(page);
  assert.equal(await chatWindow(page).count(), 0, 'no window before a click');
  assertNoErrors(errors, assert);
});

test('clicking the launcher opens a dialog; the header close button closes it', async (t) => {
  const { page, errors } = await demo(t);
  await launcher(page).click();
  await chatWindow(page).waitFor({ state: 'visible' });
  assert.equal(await chatWindow(page).getAttribute('role'), 'dialog');
  assert.ok((await chatWindow(page).getAttribute('aria-label'))?.trim(), 'the dialog has an accessible name');
  assert.equal(await launcher(page).getAttribute('aria-expanded'), 'true');

  await inWidget(page, '.sc-header__close').click();
  await chatWindow(page).waitFor({ state: 'detached' });
  assert.equal(await launcher(page).getAttribute('aria-expanded'), 'false');
  assertNoErrors(errors, assert);
});

test('the launcher toggles: a second click closes the window', async (t) => {
  const { page, errors } = await demo(t);
  await launcher(page).click();
  await chatWindow(page).waitFor({ state: 'visible' });
  await launcher(page).click();
  await chatWindow(page).waitFor({ state: 'detached' });
  assert.equal(await launcher(page).getAttribute('aria-expanded'), 'false');
  assertNoErrors(errors, assert);
});

test('Escape inside the window closes it', async (t) => {
  const { page, errors } = await demo(t);
  await launcher(page).click();
  await chatWindow(page).waitFor({ state: 'visible' });
  await inWidget(page, '.sc-header__close').focus();
  await page.keyboard.press('Escape');
  await chatWindow(page).waitFor({ state: 'detached' });
  assertNoErrors(errors, assert);
});

test('loading the page with #hs-chat-open opens the window without a click', async (t) => {
  const { page, errors } = await demo(t, '/#hs-chat-open');
  await chatWindow(page).waitFor({ state: 'visible' });
  assert.equal(await chatWindow(page).getAttribute('role'), 'dialog');
  assert.equal(await launcher(page).getAttribute('aria-expanded'), 'true');
  assertNoErrors(errors, assert);
});

test('a later hash change to #hs-chat-open opens the window', async (t) => {
  const { page, errors } = await demo(t);
  await launcher(page).waitFor({ state: 'visible' });
  await settle(page);
  assert.equal(await chatWindow(page).count(), 0);
  await page.evaluate(() => {
    location.hash = '#hs-chat-open';
  });
  await chatWindow(page).waitFor({ state: 'visible' });
  assertNoErrors(errors, assert);
});

test('an in-page link to #hs-chat-open opens the window', async (t) => {
  const { page, errors } = await demo(t);
  await launcher(page).waitFor({ state: 'visible' });
  // The demo's own "Chat with us" call to action.
  await page.locator('main a[href="#hs-chat-open"]').first().click();
  await chatWindow(page).waitFor({ state: 'visible' });
  assertNoErrors(errors, assert);
});

test('#hs-chat-openx opens nothing, on load or on a hash change', async (t) => {
  const { page, errors } = await demo(t, '/#hs-chat-openx');
  await launcher(page).waitFor({ state: 'visible' });
  await settle(page);
  assert.equal(await chatWindow(page).count(), 0, 'loaded with #hs-chat-openx');

  await page.evaluate(() => {
    location.hash = '#other';
  });
  await page.evaluate(() => {
    location.hash = '#hs-chat-openx';
  });
  // A hashchange to the real hash afterwards proves the listener was live all along,
  // so the "nothing opened" above is not just a missing listener.
  await settle(page);
  assert.equal(await chatWindow(page).count(), 0, 'hash changed to #hs-chat-openx');
  assert.equal(await launcher(page).getAttribute('aria-expanded'), 'false');
  await page.evaluate(() => {
    location.hash = '#hs-chat-open';
  });
  await chatWindow(page).waitFor({ state: 'visible' });
  assertNoErrors(errors, assert);
});

test('a window closed after an auto-open stays closed until the hash is set again', async (t) => {
  const { page, errors } = await demo(t, '/#hs-chat-open');
  await chatWindow(page).waitFor({ state: 'visible' });
  await inWidget(page, '.sc-header__close').click();
  await chatWindow(page).waitFor({ state: 'detached' });
  await settle(page);
  assert.equal(await chatWindow(page).count(), 0);
  // Re-setting the same hash fires no hashchange; a change away and back does.
  await page.evaluate(() => {
    location.hash = '#pricing';
  });
  await page.evaluate(() => {
    location.hash = '#hs-chat-open';
  });
  await chatWindow(page).waitFor({ state: 'visible' });
  assertNoErrors(errors, assert);
});

/** What has focus: `page` (the document body), `launcher`, `window` (inside it), or `other`. */
async function focusedPart(page) {
  return page.evaluate(() => {
    const host = document.querySelector('div[data-sitechat]');
    if (document.activeElement !== host) return document.activeElement === document.body ? 'page' : 'other';
    const inner = host.shadowRoot?.activeElement;
    if (inner?.matches('button.sc-launcher')) return 'launcher';
    if (inner?.closest('.sc-window')) return 'window';
    return 'other';
  });
}

test('an auto-open on page load does not take the focus from the page', async (t) => {
  const { page, errors } = await demo(t, '/#hs-chat-open');
  await chatWindow(page).waitFor({ state: 'visible' });
  await settle(page);
  assert.equal(await focusedPart(page), 'page');
  assertNoErrors(errors, assert);
});

test("a visitor's click moves focus into the window, and closing gives it back to the launcher", async (t) => {
  const { page, errors } = await demo(t);
  await launcher(page).click();
  await chatWindow(page).waitFor({ state: 'visible' });
  // Focus moves in an effect after the render: wait for it rather than race it.
  await waitFor(async () => (await focusedPart(page)) === 'window', 'focus inside the window');
  await inWidget(page, '.sc-header__close').click();
  await chatWindow(page).waitFor({ state: 'detached' });
  await waitFor(async () => (await focusedPart(page)) === 'launcher', 'focus back on the launcher');
  assertNoErrors(errors, assert);
});
