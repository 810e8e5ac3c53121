// A visitor's first message, end to end in the built widget: typed in the composer,
// sent with Enter, encoded as a JSON frame, acknowledged by the in-page backend
// (`sitechatSettings.transport = "memory"`), shown as sent, and still there after a
// reload (persistence).
//
// The page is the demo with a settings script (a file, not inline, so it would also pass
// a strict CSP) that picks the in-memory transport.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { DIST, assertNoErrors, inWidget, launchBrowser, openWidgetPage, startServer } from './harness.mjs';
import { serveMemoryDemo } from './demo-page.mjs';

let browser;
let server;

before(async () => {
  browser = await launchBrowser();
  server = await startServer({ root: DIST });
  serveMemoryDemo(server);
});

after(async () => {
  await server?.close();
  await browser?.close();
});

async function openChat(t) {
  const opened = await openWidgetPage(browser, server.url('/memory/#hs-chat-open'));
  t.after(() => opened.close());
  await inWidget(opened.page, '.sc-window').waitFor({ state: 'visible' });
  return opened;
}

/** The visitor's message bubble holding `text`. */
const bubble = (page, text) => inWidget(page, '.sc-window li').filter({ hasText: text });

test('Enter sends the message: it shows, is acknowledged as sent, and the composer empties', async (t) => {
  const { page, errors } = await openChat(t);
  const composer = inWidget(page, '.sc-window textarea');
  await composer.fill('Hello, is the team plan monthly?');
  await composer.press('Enter');
  await bubble(page, 'Hello, is the team plan monthly?').waitFor({ state: 'visible' });
  // "Sent" (not "Sending…") means the backend's ack came back through the transport.
  await bubble(page, 'Hello, is the team plan monthly?').locator('.sc-delivery--sent').waitFor();
  assert.equal(await composer.inputValue(), '');
  assertNoErrors(errors, assert);
});

test('Shift+Enter adds a new line instead of sending', async (t) => {
  const { page, errors } = await openChat(t);
  const composer = inWidget(page, '.sc-window textarea');
  await composer.fill('first line');
  await composer.press('Shift+Enter');
  await composer.pressSequentially('second line');
  assert.equal(await composer.inputValue(), 'first line\nsecond line');
  assert.equal(await bubble(page, 'first line').count(), 0, 'nothing was sent');
  assertNoErrors(errors, assert);
});

test('a reload keeps the open window and the conversation', async (t) => {
  const { page, errors } = await openChat(t);
  const composer = inWidget(page, '.sc-window textarea');
  await composer.fill('Still there after a reload?');
  await composer.press('Enter');
  await bubble(page, 'Still there after a reload?').locator('.sc-delivery--sent').waitFor();
  // Same URL without the auto-open hash: the window is open because it was left open.
  await page.goto(server.url('/memory/'));
  await inWidget(page, '.sc-window').waitFor({ state: 'visible' });
  await bubble(page, 'Still there after a reload?').waitFor({ state: 'visible' });
  assertNoErrors(errors, assert);
});
