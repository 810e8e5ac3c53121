// The embedding tests, run on one host-page variant (plain, hostile CSS, strict CSP) by
// `embed-plain.test.mjs`, `embed-hostile.test.mjs` and `embed-csp.test.mjs`: the tracking
// code alone, the queue of early calls, every method and event of the JS API, the HubSpot
// aliases, loadImmediately, inline rendering, #hs-chat-open, and the consent-friendly
// start. Every test ends by checking that the page saw no error and no CSP violation.
//
// The backend is the in-memory one (`transport: "memory"`); the agent's side is played
// with the demo agent panel the build mounts in `#demo-agent-panel`.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { DIST, HOST_SELECTOR, assertNoErrors, inWidget, launchBrowser, openContext, settle, startServer, waitFor } from './harness.mjs';
import { hostPage, serveShared } from './embed-page.mjs';

/** Settings script: memory transport, `extra` merged in, every event recorded. */
function settingsScript({ settings = {}, onReady = '' } = {}) {
  return `window.sitechatSettings = Object.assign({ transport: 'memory' }, ${JSON.stringify(settings)});
window.sitechatOnReady = [function () { window.__record(window.SiteChat); ${onReady} }];
`;
}

/** What the page's listeners heard so far. */
const events = (page) => page.evaluate(() => window.__events);
const named = async (page, name) => (await events(page)).filter((e) => e.name === name);
const status = (page) => page.evaluate(() => window.SiteChat.widget.status());

async function waitEvent(page, name, count = 1) {
  return waitFor(async () => {
    const heard = await named(page, name);
    return heard.length >= count ? heard : null;
  }, `${count} "${name}" event(s)`);
}

/** Clicks a button of the demo agent panel (by script: the hostile page hides the panel). */
async function agent(page, label) {
  const clicked = await page.evaluate((text) => {
    const button = [...document.querySelectorAll('#demo-agent-panel button')].find((b) => b.textContent === text);
    if (!button) return false;
    button.click();
    return true;
  }, label);
  assert.ok(clicked, `the agent panel has a "${label}" button`);
}

/** The widget's keys in localStorage. */
const storedKeys = (page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('sitechat:')));

export function embeddingSuite(variant) {
  let browser;
  let server;

  before(async () => {
    browser = await launchBrowser();
    server = await startServer({ root: DIST });
    serveShared(server);
  });

  after(async () => {
    await server?.close();
    await browser?.close();
  });

  /**
   * Opens a fresh host page. Returns `{ page, errors, requests, expectErrors }`; at the end
   * of the test the page must have reported no error (beyond those `expectErrors`
   * matched) and no CSP violation.
   */
  async function open(t, { settings = settingsScript(), hash = '', waitForHost = true } = {}) {
    const opened = await openContext(browser);
    const requests = [];
    const sockets = [];
    opened.page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    opened.page.on('websocket', (socket) => sockets.push(socket.url()));
    const path = hostPage(server, { variant, settings });
    t.after(async () => {
      try {
        const violations = await opened.page.evaluate(() => window.__violations);
        assert.deepEqual(violations, [], `CSP violations:\n${violations.join('\n')}`);
        assertNoErrors(opened.errors, assert);
      } finally {
        await opened.close();
      }
    });
    const response = await opened.page.goto(server.url(path + hash), { waitUntil: 'load' });
    // The variant is really in force, or the test proves nothing about it.
    if (variant === 'csp') assert.match(response.headers()['content-security-policy'] ?? '', /script-src 'self' 'wasm-unsafe-eval'/);
    if (variant === 'hostile') {
      assert.equal(await opened.page.evaluate(() => getComputedStyle(document.querySelector('#text')).fontSize), '30px');
    }
    if (waitForHost) await opened.page.locator(HOST_SELECTOR).waitFor({ state: 'attached' });
    /** Removes the errors matching each pattern (each must match one), so the rest must be empty. */
    const expectErrors = async (...patterns) => {
      await waitFor(() => patterns.every((p) => opened.errors.some((e) => p.test(e))), `errors ${patterns.join(', ')}`);
      for (const p of patterns) opened.errors.splice(opened.errors.findIndex((e) => p.test(e)), 1);
    };
    return { ...opened, requests, sockets, expectErrors };
  }

  test(`[${variant}] the tracking code alone brings a styled launcher and reports widgetLoaded`, async (t) => {
    const { page } = await open(t);
    // Measured once the app is there: the loader's launcher hands over to the app's, and
    // a box taken during the hand-over belongs to a node that is gone.
    const loaded = waitEvent(page, 'widgetLoaded');
    const launcher = inWidget(page, 'button.sc-launcher');
    await launcher.waitFor({ state: 'visible' });
    assert.equal((await loaded).length, 1);
    const box = await launcher.boundingBox();
    assert.ok(box && Math.round(box.width) === 60 && Math.round(box.height) === 60, `a 60px launcher, got ${JSON.stringify(box)}`);
    const viewport = page.viewportSize();
    assert.ok(box.x + box.width > viewport.width - 40 && box.y + box.height > viewport.height - 40, 'in the bottom-right corner');
    assert.deepEqual(await status(page), { loaded: true, pending: false, open: false, availability: 'available', unreadCount: 0 });
    assert.equal(await page.evaluate(() => window.HubSpotConversations === window.SiteChat), true);
  });

  test(`[${variant}] calls made before the app is ready are queued and replayed in order`, async (t) => {
    const settings = settingsScript({
      onReady: `window.__early = window.SiteChat.widget.status();
        window.SiteChat.widget.open(); window.SiteChat.widget.close(); window.SiteChat.widget.open();`,
    });
    const { page } = await open(t, { settings });
    // While the app was loading the loader answered status() itself.
    assert.deepEqual(await page.evaluate(() => window.__early), {
      loaded: false,
      pending: true,
      open: false,
      availability: 'hidden',
      unreadCount: 0,
    });
    await inWidget(page, '.sc-window').waitFor({ state: 'visible' });
    // open, close, open: replayed in that order, so it ends open after one close.
    assert.equal((await waitEvent(page, 'widgetClosed')).length, 1);
    assert.equal((await status(page)).open, true);
    const order = (await events(page)).map((e) => e.name);
    assert.ok(order.indexOf('widgetLoaded') < order.indexOf('widgetClosed'), `widgetLoaded first: ${order}`);
  });

  test(`[${variant}] the page's CSS does not reach into the widget, and the widget's CSS does not reach out`, async (t) => {
    const settings = settingsScript({ settings: { loadImmediately: false } });
    const { page } = await open(t, { settings, waitForHost: false });
    const hostStyles = () =>
      page.evaluate(() =>
        ['#title', '#text', '#host-button', 'body'].map((selector) => {
          const s = getComputedStyle(document.querySelector(selector));
          return [selector, s.font, s.color, s.boxSizing, s.display, s.background, s.margin, s.padding].join(' | ');
        }),
      );
    const before = await hostStyles();
    await page.evaluate(() => window.SiteChat.widget.load({ widgetOpen: true }));
    const chatWindow = inWidget(page, '.sc-window');
    await chatWindow.waitFor({ state: 'visible' });
    assert.deepEqual(await hostStyles(), before, 'the host page looks the same with the widget');
    const inside = await chatWindow.evaluate((el) => {
      const s = getComputedStyle(el);
      const input = getComputedStyle(el.querySelector('.sc-composer__input'));
      return { font: s.fontSize, family: s.fontFamily, sizing: s.boxSizing, display: s.display, inputFont: input.fontSize };
    });
    assert.equal(inside.font, '15px');
    assert.doesNotMatch(inside.family, /^serif$/);
    assert.equal(inside.sizing, 'border-box');
    assert.equal(inside.display, 'flex');
    assert.equal(inside.inputFont, '16px', 'the composer keeps its 16px (no zoom on phones)');
    const launcher = await inWidget(page, 'button.sc-launcher').evaluate((el) => {
      const s = getComputedStyle(el);
      return { width: s.width, radius: s.borderRadius, cursor: s.cursor };
    });
    assert.deepEqual(launcher, { width: '60px', radius: '50%', cursor: 'pointer' });
  });

  test(`[${variant}] open, close and status follow the widget; widgetClosed fires on closing only`, async (t) => {
    const { page } = await open(t);
    await waitEvent(page, 'widgetLoaded');
    await page.evaluate(() => window.SiteChat.widget.open());
    await inWidget(page, '.sc-window').waitFor({ state: 'visible' });
    assert.equal((await status(page)).open, true);
    await page.evaluate(() => window.SiteChat.widget.open());
    await page.evaluate(() => window.SiteChat.widget.close());
    await inWidget(page, '.sc-window').waitFor({ state: 'detached' });
    await page.evaluate(() => window.SiteChat.widget.close());
    await settle(page);
    assert.equal((await named(page, 'widgetClosed')).length, 1);
    assert.equal((await status(page)).open, false);
    // Closing is not the visitor interacting.
    assert.equal((await named(page, 'userInteractedWithWidget')).length, 0);
  });

  test(`[${variant}] remove() takes every node and listener away; load() brings the widget back`, async (t) => {
    const settings = settingsScript({
      settings: { loadImmediately: false },
      onReady: 'window.__before = window.__liveListeners(); window.SiteChat.widget.load();',
    });
    const { page } = await open(t, { settings });
    await waitEvent(page, 'widgetLoaded');
    await inWidget(page, 'button.sc-launcher').waitFor({ state: 'visible' });
    const before = await page.evaluate(() => window.__before);
    assert.ok((await page.evaluate(() => window.__liveListeners())).length > before.length, 'the widget listens to the page');

    await page.evaluate(() => window.SiteChat.widget.remove());
    assert.equal(await page.locator(HOST_SELECTOR).count(), 0, 'no host element is left');
    assert.deepEqual(await page.evaluate(() => window.__liveListeners()), before, 'no listener is left');
    assert.deepEqual(await status(page), { loaded: false, pending: false, open: false, availability: 'hidden', unreadCount: 0 });
    // Removed means deaf: the open hash does nothing now.
    await page.evaluate(() => { location.hash = 'hs-chat-open'; });
    await settle(page);
    assert.equal(await page.locator(HOST_SELECTOR).count(), 0);

    await page.evaluate(() => { location.hash = ''; window.SiteChat.widget.load({ widgetOpen: true }); });
    await inWidget(page, '.sc-window').waitFor({ state: 'visible' });
    assert.equal(await page.locator(HOST_SELECTOR).count(), 1);
    assert.equal((await waitEvent(page, 'widgetLoaded', 2)).length, 2, 'the same listeners hear the second load');
  });

  test(`[${variant}] off() and the function on() returns both stop a listener`, async (t) => {
    const settings = settingsScript({
      onReady: `window.__heard = [];
        window.__a = function () { window.__heard.push('a'); };
        window.__b = function () { window.__heard.push('b'); };
        window.SiteChat.on('widgetClosed', window.__a);
        window.__unsubscribeB = window.SiteChat.on('widgetClosed', window.__b);`,
    });
    const { page } = await open(t, { settings });
    await waitEvent(page, 'widgetLoaded');
    const cycle = () => page.evaluate(() => { window.SiteChat.widget.open(); window.SiteChat.widget.close(); });
    await cycle();
    await waitFor(async () => (await page.evaluate(() => window.__heard)).length === 2, 'both listeners');
    await page.evaluate(() => { window.SiteChat.off('widgetClosed', window.__a); window.__unsubscribeB(); });
    await cycle();
    await waitEvent(page, 'widgetClosed', 2);
    assert.deepEqual(await page.evaluate(() => window.__heard), ['a', 'b']);
  });

  test(`[${variant}] loadImmediately:false loads nothing until widget.load(); a second load() does nothing`, async (t) => {
    const settings = settingsScript({ settings: { loadImmediately: false } });
    const { page, requests } = await open(t, { settings, waitForHost: false });
    await settle(page);
    assert.equal(await page.locator(HOST_SELECTOR).count(), 0);
    assert.deepEqual(requests.filter((p) => /^\/sitechat-[0-9a-f]+(_bg\.wasm|\.js)$/.test(p)), [], 'the app was not fetched');
    assert.deepEqual(await status(page), { loaded: false, pending: false, open: false, availability: 'hidden', unreadCount: 0 });
    assert.deepEqual(await storedKeys(page), []);

    await page.evaluate(() => { window.SiteChat.widget.load({ widgetOpen: true }); window.SiteChat.widget.load(); });
    await inWidget(page, '.sc-window').waitFor({ state: 'visible' });
    await page.evaluate(() => window.SiteChat.widget.load());
    await settle(page);
    assert.equal(await page.locator(HOST_SELECTOR).count(), 1);
    assert.equal((await named(page, 'widgetLoaded')).length, 1);
    assert.equal((await status(page)).open, true);
  });

  test(`[${variant}] inlineEmbedSelector renders the chat inside that element, open, without a launcher`, async (t) => {
    const settings = settingsScript({ settings: { inlineEmbedSelector: '#inline-slot' } });
    const { page } = await open(t, { settings });
    const chatWindow = inWidget(page, '.sc-window');
    await chatWindow.waitFor({ state: 'visible' });
    assert.equal(await page.locator(`#inline-slot > ${HOST_SELECTOR}`).count(), 1, 'the host is inside the slot');
    assert.equal(await inWidget(page, 'button.sc-launcher').count(), 0);
    assert.equal(await inWidget(page, '.sc-header__close').count(), 0);
    const slot = await page.locator('#inline-slot').boundingBox();
    const box = await chatWindow.boundingBox();
    assert.ok(
      box.x >= slot.x - 1 && box.y >= slot.y - 1 && box.x + box.width <= slot.x + slot.width + 1 && box.height > 300,
      `the window fills the slot: slot ${JSON.stringify(slot)}, window ${JSON.stringify(box)}`,
    );
    assert.equal((await status(page)).open, true);
    await inWidget(page, '.sc-composer__input').fill('Hello from inline');
    await inWidget(page, '.sc-composer__input').press('Enter');
    await waitEvent(page, 'conversationStarted');
  });

  test(`[${variant}] #hs-chat-open opens the chat through the loader, at load and on hashchange`, async (t) => {
    const { page } = await open(t, { hash: '#hs-chat-open' });
    const chatWindow = inWidget(page, '.sc-window');
    await chatWindow.waitFor({ state: 'visible' });
    await page.evaluate(() => window.SiteChat.widget.close());
    await chatWindow.waitFor({ state: 'detached' });
    await page.evaluate(() => { location.hash = 'pricing'; });
    await settle(page);
    assert.equal(await chatWindow.count(), 0);
    await page.evaluate(() => { location.hash = 'hs-chat-open'; });
    await chatWindow.waitFor({ state: 'visible' });
  });

  test(`[${variant}] a conversation reports its events with their payloads`, async (t) => {
    const { page } = await open(t);
    await waitEvent(page, 'widgetLoaded');
    await inWidget(page, 'button.sc-launcher').click();
    const input = inWidget(page, '.sc-composer__input');
    await input.fill('Do you ship to Belgium?');
    await input.press('Enter');
    const [started] = await waitEvent(page, 'conversationStarted');
    const conversationId = started.payload.conversation.conversationId;
    assert.match(conversationId, /\S/);

    await agent(page, 'Send as agent');
    const [received] = await waitEvent(page, 'messageReceived');
    assert.equal(received.payload.message.author.kind, 'agent');
    assert.equal(received.payload.message.text, "Hi! I'm Camille. How can I help you today?");
    // Read at once (the window is open): no unread change yet.
    assert.equal((await named(page, 'unreadConversationCountChanged')).length, 0);

    await inWidget(page, '.sc-header__close').click();
    await waitEvent(page, 'widgetClosed');
    await agent(page, 'Send as agent');
    const [unread] = await waitEvent(page, 'unreadConversationCountChanged');
    assert.deepEqual(unread.payload, { unreadCount: 1 });
    assert.equal((await status(page)).unreadCount, 1);
    await inWidget(page, 'button.sc-launcher').click();
    const unreadEvents = await waitEvent(page, 'unreadConversationCountChanged', 2);
    assert.deepEqual(unreadEvents[1].payload, { unreadCount: 0 });

    await agent(page, 'Bot with quick replies');
    await inWidget(page, '.sc-quick-reply').filter({ hasText: 'Pricing' }).click();
    const [quick] = await waitEvent(page, 'quickReplyButtonClick');
    assert.deepEqual(quick.payload, { value: 'pricing' });

    await agent(page, 'Close chat');
    const [closed] = await waitEvent(page, 'conversationClosed');
    assert.equal(closed.payload.conversation.conversationId, conversationId);
    assert.equal(closed.payload.reason, 'agent');
    await inWidget(page, '.sc-transcript__input').fill('visitor@example.com');
    await inWidget(page, '.sc-transcript__input').press('Enter');
    const [email] = await waitEvent(page, 'emailCaptured');
    assert.deepEqual(email.payload, { email: 'visitor@example.com' });

    assert.equal((await named(page, 'userInteractedWithWidget')).length, 1, 'first interaction only');
    assert.equal((await named(page, 'conversationStarted')).length, 1);
  });

  test(`[${variant}] availabilityChanged follows the team; nothing is stored before the visitor interacts`, async (t) => {
    const config = {
      availability: { mode: 'team_status', when_away: { behavior: 'away_message', message: 'Back soon' } },
    };
    const { page } = await open(t, { settings: settingsScript({ settings: { config } }) });
    await waitEvent(page, 'widgetLoaded');
    await waitFor(async () => (await status(page)).availability === 'available', 'the team to be available');
    await agent(page, 'Go away');
    const changes = await waitFor(async () => {
      const heard = await named(page, 'availabilityChanged');
      return heard.some((e) => e.payload.availability === 'away') ? heard : null;
    }, 'availabilityChanged to away');
    assert.deepEqual(changes.at(-1).payload, { availability: 'away' });
    assert.equal((await status(page)).availability, 'away');
    // The presence connection stored nothing: the visitor has not touched the widget.
    assert.deepEqual(await storedKeys(page), []);
    await inWidget(page, 'button.sc-launcher').click();
    await waitFor(async () => (await storedKeys(page)).length > 0, 'storage after the first interaction');
  });

  test(`[${variant}] a first-time visitor leaves nothing in storage until they use the widget`, async (t) => {
    // The default transport (WebSocket): any connection attempt would show as a socket.
    const settings = `window.sitechatSettings = {};
window.sitechatOnReady = [function () { window.__record(window.SiteChat); }];
`;
    const { page, sockets } = await open(t, { settings, hash: '#hs-chat-open' });
    await inWidget(page, '.sc-window').waitFor({ state: 'visible' });
    await settle(page);
    // Opened by the link, not by the visitor: still nothing stored, no connection.
    assert.deepEqual(await storedKeys(page), []);
    assert.deepEqual(sockets, []);
    await inWidget(page, '.sc-header__close').click();
    await waitFor(async () => (await storedKeys(page)).includes('sitechat:v1:chat'), 'the chat saved after a click');
    assert.deepEqual(sockets, [], 'a click stores the state but sends nothing');
  });

  test(`[${variant}] clear() forgets the visitor; resetWidget mounts a fresh widget`, async (t) => {
    const { page } = await open(t);
    await waitEvent(page, 'widgetLoaded');
    await inWidget(page, 'button.sc-launcher').click();
    await inWidget(page, '.sc-composer__input').fill('Remember me?');
    await inWidget(page, '.sc-composer__input').press('Enter');
    await waitEvent(page, 'conversationStarted');
    await waitFor(async () => (await storedKeys(page)).includes('sitechat:v1:session'), 'the session token saved');
    await page.evaluate(() => window.SiteChat.clear());
    assert.deepEqual(await storedKeys(page), []);
    assert.equal(await inWidget(page, '.sc-bubble').count(), 1, 'without resetWidget the page keeps showing the chat');

    await page.evaluate(() => window.SiteChat.clear({ resetWidget: true }));
    await waitEvent(page, 'widgetLoaded', 2);
    await inWidget(page, 'button.sc-launcher').click();
    await inWidget(page, '.sc-window').waitFor({ state: 'visible' });
    assert.equal(await inWidget(page, '.sc-bubble').count(), 0, 'the fresh widget has no conversation');
    assert.deepEqual(await storedKeys(page).then((k) => k.filter((key) => key !== 'sitechat:v1:chat')), []);
  });

  test(`[${variant}] refresh({openToNewThread}) remounts the widget open on a new conversation`, async (t) => {
    const { page } = await open(t);
    await waitEvent(page, 'widgetLoaded');
    await inWidget(page, 'button.sc-launcher').click();
    await inWidget(page, '.sc-composer__input').fill('First thread');
    await inWidget(page, '.sc-composer__input').press('Enter');
    await waitEvent(page, 'conversationStarted');
    await agent(page, 'Close chat');
    await waitEvent(page, 'conversationClosed');
    await inWidget(page, '.sc-ended').waitFor({ state: 'visible' });
    await page.evaluate(() => window.SiteChat.widget.close());
    await page.evaluate(() => window.SiteChat.widget.refresh({ openToNewThread: true }));
    await waitEvent(page, 'widgetLoaded', 2);
    await inWidget(page, '.sc-composer__input').waitFor({ state: 'visible' });
    assert.equal(await inWidget(page, '.sc-ended').count(), 0, 'a new thread, not the ended one');
    await inWidget(page, '.sc-composer__input').fill('Second thread');
    await inWidget(page, '.sc-composer__input').press('Enter');
    const started = await waitEvent(page, 'conversationStarted', 2);
    assert.notEqual(started[1].payload.conversation.conversationId, started[0].payload.conversation.conversationId);
  });

  test(`[${variant}] calls with wrong arguments log one clear error each and change nothing`, async (t) => {
    const { page, expectErrors } = await open(t);
    await waitEvent(page, 'widgetLoaded');
    await page.evaluate(() => {
      const api = window.SiteChat;
      api.widget.load({ widgetopen: true });
      api.widget.open('now');
      api.widget.refresh({ openToNewThread: 'yes' });
      api.clear(true);
      api.on('widgetLoded', () => {});
      api.on('widgetClosed', 'not a function');
    });
    await expectErrors(
      /widget\.load\(options\): unknown option "widgetopen"/,
      /widget\.open\(\): takes no arguments, got 1/,
      /widget\.refresh\(options\): option openToNewThread must be true or false, got "yes"/,
      /clear\(options\): expected an options object like \{resetWidget: true\}, got true/,
      /on\(event, listener\): unknown event "widgetLoded"/,
      /on\(event, listener\): expected a function as the listener for "widgetClosed", got "not a function"/,
    );
    await settle(page);
    assert.deepEqual(await status(page), { loaded: true, pending: false, open: false, availability: 'available', unreadCount: 0 });
    assert.equal((await named(page, 'widgetLoaded')).length, 1);
  });

  test(`[${variant}] config may be a URL: fetched and applied; a broken one is an error naming the URL`, async (t) => {
    server.setPage('/configs/good.json', JSON.stringify({ profile: { name: 'Grace from Config' }, appearance: { theme_color: '#0a7d33' } }));
    server.setPage('/configs/bad.json', JSON.stringify({ appearance: { position: 'middle' } }));
    const { page } = await open(t, { settings: settingsScript({ settings: { config: '/configs/good.json' } }), hash: '#hs-chat-open' });
    await inWidget(page, '.sc-window').waitFor({ state: 'visible' });
    assert.equal(await inWidget(page, '.sc-header__name').innerText(), 'Grace from Config');
    const header = await inWidget(page, '.sc-header').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(header, 'rgb(10, 125, 51)', 'the theme colour from the fetched config');

    const broken = await open(t, { settings: settingsScript({ settings: { config: '/configs/bad.json' } }), waitForHost: false });
    await broken.expectErrors(/configs\/bad\.json[\s\S]*appearance\.position/);
    assert.equal(await broken.page.locator(HOST_SELECTOR).count(), 0, 'no widget from a broken config');
    const missing = await open(t, { settings: settingsScript({ settings: { config: '/configs/none.json' } }), waitForHost: false });
    await missing.expectErrors(/404/, /could not fetch the config from \/configs\/none\.json/);
    assert.equal(await missing.page.evaluate(() => document.querySelector('#title').textContent), 'A host page', 'the page is intact');
  });

  test(`[${variant}] ::part() lets the page restyle launcher, window, header, message and composer on purpose`, async (t) => {
    server.setPage('/parts.css', `div[data-sitechat]::part(launcher) { width: 44px !important; height: 44px !important; }
div[data-sitechat]::part(window) { border-radius: 3px !important; }
div[data-sitechat]::part(header) { background: rgb(1, 2, 3) !important; }
div[data-sitechat]::part(message) { font-size: 21px !important; }
div[data-sitechat]::part(composer) { background: rgb(4, 5, 6) !important; }
`);
    const settings = settingsScript() + `(function () { var l = document.createElement('link'); l.rel = 'stylesheet'; l.href = '/parts.css'; document.head.appendChild(l); })();\n`;
    const { page } = await open(t, { settings });
    const launcher = inWidget(page, 'button.sc-launcher');
    await launcher.waitFor({ state: 'visible' });
    await waitFor(async () => Math.round((await launcher.boundingBox())?.width ?? 0) === 44, 'the launcher to take the page\'s size');
    await launcher.click();
    const style = (selector, property) => inWidget(page, selector).first().evaluate((el, p) => getComputedStyle(el)[p], property);
    assert.equal(await style('.sc-window', 'borderTopLeftRadius'), '3px');
    assert.equal(await style('.sc-header', 'backgroundColor'), 'rgb(1, 2, 3)');
    assert.equal(await style('.sc-composer', 'backgroundColor'), 'rgb(4, 5, 6)');
    await inWidget(page, '.sc-window textarea').fill('Styled by the page');
    await inWidget(page, '.sc-window textarea').press('Enter');
    await inWidget(page, '.sc-bubble--visitor').waitFor();
    assert.equal(await style('.sc-bubble--visitor', 'fontSize'), '21px');
  });

  test(`[${variant}] the HubSpot names (settings, ready queue, API) behave like the sitechat ones`, async (t) => {
    const settings = `window.hsConversationsSettings = { loadImmediately: false, transport: 'memory' };
window.hsConversationsOnReady = [function () {
  window.__record(window.HubSpotConversations);
  window.HubSpotConversations.widget.load({ widgetOpen: true });
}];
`;
    const { page } = await open(t, { settings });
    await inWidget(page, '.sc-window').waitFor({ state: 'visible' });
    await waitEvent(page, 'widgetLoaded');
    assert.equal(await page.evaluate(() => window.HubSpotConversations === window.SiteChat), true);
    // A callback pushed after the API is ready runs at once.
    assert.equal(await page.evaluate(() => { let ran = false; window.hsConversationsOnReady.push(() => { ran = true; }); return ran; }), true);
    await page.evaluate(() => window.HubSpotConversations.widget.close());
    await waitEvent(page, 'widgetClosed');
  });
}
