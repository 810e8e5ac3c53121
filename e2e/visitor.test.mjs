// The visitor's experience in a real browser, beyond what in-page tests can reach: the
// keyboard alone, two real tabs, the user's motion preference, a phone-sized screen with
// its on-screen keyboard, and the demo page's agent panel.
//
// The page is the built demo with the in-memory transport (as in conversation.test.mjs).
// Two tabs need a backend they share: that test is in server.test.mjs.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { DIST, HOST_SELECTOR, assertNoErrors, inWidget, launchBrowser, openContext, openWidgetPage, startServer, waitFor } from './harness.mjs';
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

/** The element focused inside the widget's shadow root, described as `tag.class`. */
async function focusedInWidget(page) {
  return page.evaluate((host) => {
    const el = document.querySelector(host)?.shadowRoot?.activeElement;
    return el ? `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}` : null;
  }, HOST_SELECTOR);
}

test('keyboard only: Tab reaches the launcher, Enter opens, typing + Enter sends, Escape closes and focus returns', async (t) => {
  const opened = await openWidgetPage(browser, server.url('/memory/'));
  t.after(() => opened.close());
  const { page, errors } = opened;
  // Tab through the page until the launcher has the focus (the widget comes last).
  await waitFor(async () => {
    await page.keyboard.press('Tab');
    return (await focusedInWidget(page))?.startsWith('button.sc-launcher');
  }, 'Tab to reach the launcher', { interval: 0 });
  await page.keyboard.press('Enter');
  await inWidget(page, '.sc-window').waitFor({ state: 'visible' });
  await waitFor(async () => (await focusedInWidget(page))?.startsWith('textarea'), 'the composer to take the focus');
  await page.keyboard.type('Typed without a mouse');
  await page.keyboard.press('Enter');
  await inWidget(page, '.sc-window li').filter({ hasText: 'Typed without a mouse' }).locator('.sc-delivery--sent').waitFor();
  await page.keyboard.press('Escape');
  await inWidget(page, '.sc-window').waitFor({ state: 'detached' });
  assert.match(await focusedInWidget(page), /^button\.sc-launcher/, 'focus is back on the launcher');
  // Shift+Tab moves away from the widget like any other control.
  await page.keyboard.press('Shift+Tab');
  assert.equal(await focusedInWidget(page), null, 'focus left the widget');
  assertNoErrors(errors, assert);
});

test('prefers-reduced-motion: nothing in the widget animates', async (t) => {
  const opened = await openWidgetPage(browser, server.url('/memory/#hs-chat-open'), { reducedMotion: 'reduce' });
  t.after(() => opened.close());
  const { page, errors } = opened;
  await inWidget(page, '.sc-window').waitFor({ state: 'visible' });
  const moving = await page.evaluate((host) => {
    const root = document.querySelector(host).shadowRoot;
    return [...root.querySelectorAll('*')]
      .map((el) => ({ el, s: getComputedStyle(el) }))
      .filter(({ s }) => (s.animationName !== 'none' && parseFloat(s.animationDuration) > 0) || parseFloat(s.transitionDuration) > 0)
      .map(({ el }) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`);
  }, HOST_SELECTOR);
  assert.deepEqual(moving, [], 'no animation or transition under reduced motion');

  // Without the preference the widget does animate (so the check above can fail).
  const normal = await openWidgetPage(browser, server.url('/memory/#hs-chat-open'), { reducedMotion: 'no-preference' });
  t.after(() => normal.close());
  await inWidget(normal.page, '.sc-window').waitFor({ state: 'visible' });
  const animated = await normal.page.evaluate((host) => {
    const root = document.querySelector(host).shadowRoot;
    return [...root.querySelectorAll('*')].some((el) => parseFloat(getComputedStyle(el).transitionDuration) > 0 || getComputedStyle(el).animationName !== 'none');
  }, HOST_SELECTOR);
  assert.ok(animated, 'some element animates by default');
  assertNoErrors(errors, assert);
});

test('on a 375 px phone the window is full screen and the composer stays above the on-screen keyboard', async (t) => {
  const opened = await openWidgetPage(browser, server.url('/memory/#hs-chat-open'), {
    viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  t.after(() => opened.close());
  const { page, errors } = opened;
  const win = inWidget(page, '.sc-window');
  await win.waitFor({ state: 'visible' });
  const box = await win.boundingBox();
  assert.ok(Math.abs(box.x) < 1 && Math.abs(box.y) < 1, `the window starts at the top left corner: ${JSON.stringify(box)}`);
  assert.ok(Math.abs(box.width - 375) < 1 && Math.abs(box.height - 740) < 1, `the window fills the screen: ${JSON.stringify(box)}`);
  const fontSize = await inWidget(page, '.sc-window textarea').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(fontSize >= 16, `the composer's text is at least 16px (no zoom on focus): ${fontSize}`);

  // An on-screen keyboard shrinks the visual viewport; the window follows it.
  await page.setViewportSize({ width: 375, height: 420 });
  await waitFor(async () => {
    const composer = await inWidget(page, '.sc-composer').boundingBox();
    const height = await page.evaluate(() => window.visualViewport.height);
    return composer && composer.y + composer.height <= height + 1;
  }, 'the composer to stay inside the visible area');
  assertNoErrors(errors, assert);
});

test('the demo page\'s agent panel plays the agent: a message, typing, quick replies, the end', async (t) => {
  const opened = await openWidgetPage(browser, server.url('/#hs-chat-open'));
  t.after(() => opened.close());
  const { page, errors } = opened;
  await inWidget(page, '.sc-window').waitFor({ state: 'visible' });
  // The agent answers a conversation: the visitor starts it.
  await inWidget(page, '.sc-window textarea').fill('Hi, a question');
  await inWidget(page, '.sc-window textarea').press('Enter');
  await inWidget(page, '.sc-delivery--sent').waitFor();
  const panel = page.locator('.agent-panel');
  await panel.locator('input').fill('Hello from the panel');
  await panel.getByRole('button', { name: 'Send as agent' }).click();
  await inWidget(page, '.sc-bubble--agent').filter({ hasText: 'Hello from the panel' }).waitFor();
  await panel.getByRole('button', { name: 'Start typing' }).click();
  await inWidget(page, '.sc-typing').waitFor({ state: 'visible' });
  await panel.getByRole('button', { name: 'Stop typing' }).click();
  await inWidget(page, '.sc-typing').waitFor({ state: 'detached' });
  await panel.getByRole('button', { name: 'Bot with quick replies' }).click();
  await inWidget(page, '.sc-window button').filter({ hasText: 'Pricing' }).first().click();
  await inWidget(page, '.sc-bubble--visitor').filter({ hasText: 'Pricing' }).waitFor();
  await panel.getByRole('button', { name: 'Close chat' }).click();
  await inWidget(page, '.sc-ended').waitFor({ state: 'visible' });
  assertNoErrors(errors, assert);
});

test('the composer grows with what is typed, up to a cap, and shrinks back after sending', async (t) => {
  const opened = await openWidgetPage(browser, server.url('/memory/#hs-chat-open'));
  t.after(() => opened.close());
  const { page, errors } = opened;
  const composer = inWidget(page, '.sc-window textarea');
  await composer.waitFor();
  const height = () => composer.evaluate((el) => el.getBoundingClientRect().height);
  const empty = await height();
  await composer.fill('one\ntwo\nthree');
  await waitFor(async () => (await height()) > empty + 10, 'the box to grow for three lines');
  const three = await height();
  await composer.fill(Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n'));
  await waitFor(async () => (await height()) > three, 'the box to grow further');
  const capped = await height();
  const windowHeight = await inWidget(page, '.sc-window').evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(capped < windowHeight / 2, `forty lines stay capped (${capped}px in a ${windowHeight}px window) and scroll inside the box`);
  assert.ok(await composer.evaluate((el) => el.scrollHeight > el.clientHeight), 'the rest scrolls inside the box');
  await composer.press('Enter');
  await inWidget(page, '.sc-bubble--visitor').filter({ hasText: 'line 39' }).waitFor();
  await waitFor(async () => Math.abs((await height()) - empty) < 2, 'the box to shrink back to one line');
  assertNoErrors(errors, assert);
});
