// The product end to end: the built widget in one browser context, the agent inbox in
// another, the real `sitechat-server` with a real SQLite file and an SMTP sink between
// them (see e2e/server-harness.mjs). Each test starts its own server.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { assertNoErrors, inWidget, launchBrowser, openContext, openWidgetPage, waitFor } from './harness.mjs';
import { inboxMessage, signInToInbox, startChatServer, widgetBubble } from './server-harness.mjs';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

/** A server for one test, stopped after it. */
async function serverFor(t, options) {
  const server = await startChatServer(options);
  t.after(() => server.stop());
  return server;
}

async function visitor(t, server, path = '/#hs-chat-open') {
  const opened = await openWidgetPage(browser, server.url(path));
  t.after(() => opened.close());
  await inWidget(opened.page, '.sc-window').waitFor({ state: 'visible' });
  return opened;
}

async function agent(t, server) {
  const opened = await openContext(browser);
  t.after(() => opened.close());
  await signInToInbox(opened.page, server);
  return opened;
}

async function say(page, text) {
  const composer = inWidget(page, '.sc-window textarea');
  await composer.fill(text);
  await composer.press('Enter');
  await widgetBubble(page, text).locator('.sc-delivery--sent').waitFor();
}

async function reply(inbox, text) {
  await inbox.locator('#reply').fill(text);
  await inbox.locator('#reply').press('Enter');
  await inboxMessage(inbox, text).waitFor();
}

/** Opens the newest conversation in the inbox list. */
async function openFirstConversation(inbox, preview) {
  const item = inbox.locator('#conversation-list li').filter({ hasText: preview });
  await item.first().click();
  await inboxMessage(inbox, preview).waitFor();
}

test('visitor sends, the agent sees it with the page URL and replies, the visitor sees the reply', async (t) => {
  const server = await serverFor(t);
  const { page, errors } = await visitor(t, server, '/?from=pricing#hs-chat-open');
  await say(page, 'Hi! Does the team plan include SSO?');

  const { page: inbox, errors: inboxErrors } = await agent(t, server);
  await openFirstConversation(inbox, 'Does the team plan include SSO?');
  assert.match(await inbox.locator('#conv-page').innerText(), /from=pricing/, 'the inbox shows the page the chat started on');

  await reply(inbox, 'Yes, SSO is included. Details: https://lumen.example/sso');
  await inWidget(page, '.sc-window li').filter({ hasText: 'SSO is included' }).waitFor();
  const link = inWidget(page, '.sc-window li a[href="https://lumen.example/sso"]');
  assert.equal(await link.count(), 1, 'the agent\'s link is a live link in the widget');

  // Typing, both ways.
  await inWidget(page, '.sc-window textarea').pressSequentially('One more', { delay: 20 });
  await inbox.locator('#typing').waitFor({ state: 'visible' });
  await inbox.locator('#reply').pressSequentially('Sure', { delay: 20 });
  await inWidget(page, '.sc-typing').waitFor({ state: 'visible' });

  // An attachment from the visitor travels through the upload endpoint to the agent.
  await inWidget(page, 'input[type=file]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('plan notes\n') });
  await inWidget(page, '.sc-pending__name').filter({ hasText: 'notes.txt' }).waitFor();
  await waitFor(async () => (await inWidget(page, '.sc-pending__size').innerText()).match(/B/), 'the upload to finish');
  await inWidget(page, '.sc-window textarea').fill('One more: here are my notes');
  await inWidget(page, '.sc-window textarea').press('Enter');
  await widgetBubble(page, 'here are my notes').locator('.sc-delivery--sent').waitFor();
  await inboxMessage(inbox, 'here are my notes').locator('a', { hasText: 'notes.txt' }).waitFor();
  const fileUrl = await widgetBubble(page, 'here are my notes').locator('a.sc-attachment').getAttribute('href');
  assert.match(fileUrl, /\/api\/attachments\/[^?]+\?token=/, 'the widget links its own file with its session token');
  const fetched = await page.evaluate(async (url) => (await fetch(url)).text(), fileUrl);
  assert.equal(fetched, 'plan notes\n', 'the visitor can open the file it sent');

  assertNoErrors(errors, assert);
  // The inbox asks /api/agent/me before signing in; Chromium logs that 401 itself.
  assertNoErrors(inboxErrors.filter((e) => !/401 \(Unauthorized\).*\/api\/agent\/me/.test(e)), assert);
});

test('team_status: the widget flips live when the only agent goes available, then away', async (t) => {
  const server = await serverFor(t, {
    config: { availability: { mode: 'team_status', when_away: { behavior: 'away_message', message: 'Nobody here right now, leave a message.' } } },
  });
  const { page, errors } = await visitor(t, server);
  const presence = inWidget(page, '.sc-presence');
  await waitFor(async () => (await presence.getAttribute('class')).includes('sc-presence--away'), 'the widget to show away');
  assert.match(await inWidget(page, '.sc-header__status').innerText(), /Nobody here right now/);

  const { page: inbox } = await agent(t, server);
  await inbox.locator('#status-toggle').click();
  await waitFor(async () => (await presence.getAttribute('class')).includes('sc-presence--online'), 'the widget to show available');
  await inbox.locator('#status-toggle').click();
  await waitFor(async () => (await presence.getAttribute('class')).includes('sc-presence--away'), 'the widget to show away again');

  // With "hide", a visitor without a conversation loses the launcher while the team is away.
  const hidden = await startChatServer({ config: { availability: { mode: 'team_status', when_away: { behavior: 'hide' } } } });
  t.after(() => hidden.stop());
  const other = await openWidgetPage(browser, hidden.url('/'));
  t.after(() => other.close());
  const { page: inbox2 } = await agent(t, hidden);
  await inbox2.locator('#status-toggle').click();
  await inWidget(other.page, 'button.sc-launcher').waitFor({ state: 'visible' });
  await inbox2.locator('#status-toggle').click();
  await inWidget(other.page, 'button.sc-launcher').waitFor({ state: 'detached' });
  assertNoErrors(errors, assert);
  assertNoErrors(other.errors, assert);
});

test('the agent closes the chat: the visitor sees the end, starts a new chat, and the transcript mail holds every message', async (t) => {
  const server = await serverFor(t);
  const { page, errors } = await visitor(t, server);
  await say(page, 'Can I get an invoice for March?');
  const { page: inbox } = await agent(t, server);
  await openFirstConversation(inbox, 'invoice for March');
  await reply(inbox, 'Of course, it is on its way.');
  await inWidget(page, '.sc-window li').filter({ hasText: 'on its way' }).waitFor();

  await inbox.locator('#transcript-email').fill('visitor@example.com');
  await inbox.locator('#transcript-form button[type=submit]').click();
  const mail = await waitFor(() => server.mails().find((m) => m.includes('visitor@example.com')), 'the transcript mail at the SMTP sink', { timeout: 20_000 });
  const body = mail.replace(/=\r?\n/g, '');
  assert.match(body, /invoice for March/, 'the mail holds the visitor\'s message');
  assert.match(body, /on its way/, 'the mail holds the agent\'s reply');
  assert.match(body, new RegExp(server.url('/').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'the mail names the page the chat started on');

  await inbox.locator('#close-conv').click();
  await inWidget(page, '.sc-ended').waitFor({ state: 'visible' });
  await inWidget(page, '.sc-ended__new').click();
  await say(page, 'A new question about seats');
  await inbox.locator('#conversation-list li').filter({ hasText: 'new question about seats' }).waitFor();
  assert.equal(await inbox.locator('#conversation-list li').count(), 2, 'the new chat is a second conversation');
  assertNoErrors(errors, assert);
});

test('the server restarts mid-conversation: nothing is lost, nothing is duplicated, both sides go on', async (t) => {
  const server = await serverFor(t);
  const { page, errors } = await visitor(t, server);
  await say(page, 'message 1 before the restart');
  const { page: inbox } = await agent(t, server);
  await openFirstConversation(inbox, 'message 1 before');

  await server.restart({ hard: true });
  // Typed while the server was down or coming back: kept in the outbox, sent on reconnect.
  const composer = inWidget(page, '.sc-window textarea');
  for (const n of [2, 3]) {
    await composer.fill(`message ${n} across the restart`);
    await composer.press('Enter');
  }
  for (const n of [2, 3]) await widgetBubble(page, `message ${n} across`).locator('.sc-delivery--sent').waitFor({ timeout: 20_000 });
  await inboxMessage(inbox, 'message 3 across').waitFor({ timeout: 20_000 });
  await reply(inbox, 'agent after the restart');
  await inWidget(page, '.sc-window li').filter({ hasText: 'agent after the restart' }).waitFor();

  const visitorTexts = await inWidget(page, '.sc-window li .sc-bubble').allInnerTexts();
  const inboxTexts = await inbox.locator('#messages li').allInnerTexts();
  for (const text of ['message 1 before', 'message 2 across', 'message 3 across', 'agent after the restart']) {
    assert.equal(visitorTexts.filter((x) => x.includes(text)).length, 1, `the widget shows "${text}" once`);
    assert.equal(inboxTexts.filter((x) => x.includes(text)).length, 1, `the inbox shows "${text}" once`);
  }
  // Reloading the visitor's page reads the same history back from the server.
  await page.reload();
  await inWidget(page, '.sc-window').waitFor({ state: 'visible' });
  await inWidget(page, '.sc-window li').filter({ hasText: 'agent after the restart' }).waitFor();
  assert.equal(await widgetBubble(page, 'message 2 across').count(), 1);
  // Connection errors while the server was down are expected in the console; nothing else.
  assertNoErrors(errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)), assert);
});

test('two tabs of the same visitor show one conversation, whichever tab writes', async (t) => {
  const server = await serverFor(t);
  const { context, page, errors, close } = await openContext(browser);
  t.after(close);
  await page.goto(server.url('/#hs-chat-open'));
  const second = await context.newPage();
  await second.goto(server.url('/'));
  await say(page, 'Written in the first tab');
  // The second tab follows without a reload (storage event, then the server's echo). Its
  // window is its own: it loaded before the visitor did anything (so nothing was stored
  // yet, see docs/embedding.md on consent), and adopting the first tab's conversation
  // does not open it.
  await inWidget(second, 'button.sc-launcher').click();
  await widgetBubble(second, 'Written in the first tab').waitFor();
  await say(second, 'And this from the second');
  await widgetBubble(page, 'And this from the second').waitFor();
  const { page: inbox } = await agent(t, server);
  await openFirstConversation(inbox, 'And this from the second');
  assert.equal(await inbox.locator('#conversation-list li').count(), 1, 'one visitor, one conversation');
  await inboxMessage(inbox, 'Written in the first tab').waitFor();
  await reply(inbox, 'Seen in both tabs');
  await widgetBubble(page, 'Seen in both tabs').waitFor();
  await widgetBubble(second, 'Seen in both tabs').waitFor();
  for (const tab of [page, second]) {
    const texts = await inWidget(tab, '.sc-window .sc-bubble').allInnerTexts();
    for (const text of ['Written in the first tab', 'And this from the second', 'Seen in both tabs']) {
      assert.equal(texts.filter((x) => x.includes(text)).length, 1, `"${text}" once in each tab`);
    }
  }
  assertNoErrors(errors, assert);
});

test('the inbox: newest first with unread marks, live; assign to another agent; a reply with a file reaches the visitor', async (t) => {
  const server = await serverFor(t);
  const { page: inbox, errors: inboxErrors } = await agent(t, server);
  const first = await visitor(t, server, '/?visitor=one#hs-chat-open');
  await say(first.page, 'Question from the first visitor');
  const second = await visitor(t, server, '/?visitor=two#hs-chat-open');
  await say(second.page, 'Question from the second visitor');

  // The list updates live, newest activity first, both unread.
  const items = inbox.locator('#conversation-list li');
  await waitFor(async () => (await items.count()) === 2, 'two conversations in the list');
  assert.match(await items.nth(0).innerText(), /second visitor/);
  assert.match(await items.nth(1).innerText(), /first visitor/);
  assert.equal(await inbox.locator('#conversation-list li.unread').count(), 2, 'both are unread');

  // Opening one reads it; the other stays unread.
  await items.filter({ hasText: 'first visitor' }).click();
  await inboxMessage(inbox, 'Question from the first visitor').waitFor();
  await waitFor(async () => (await inbox.locator('#conversation-list li.unread').count()) === 1, 'the opened one to be read');
  assert.match(await inbox.locator('#conversation-list li.unread').innerText(), /second visitor/);

  // Assign to Bob: the list says so.
  await inbox.locator('#assign').selectOption({ label: 'Bob' });
  await items.filter({ hasText: 'first visitor' }).filter({ hasText: 'Assigned to Bob' }).waitFor();

  // A new message moves a conversation to the top.
  await say(first.page, 'A follow-up from the first visitor');
  await waitFor(async () => /follow-up/.test(await items.nth(0).innerText()), 'the active conversation to move to the top');

  // The agent attaches an image; the visitor sees it, loaded through its own token.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
  await inbox.locator('#file').setInputFiles({ name: 'plan.png', mimeType: 'image/png', buffer: png });
  await inbox.locator('#pending-files').filter({ hasText: 'plan.png' }).waitFor();
  await reply(inbox, 'Here is the plan');
  const image = inWidget(first.page, '.sc-bubble--agent img');
  await image.waitFor();
  await waitFor(() => image.evaluate((img) => img.complete && img.naturalWidth === 1), 'the image to load in the widget');
  assert.match(await image.getAttribute('src'), /\/api\/attachments\/.+\?token=/);
  // The other visitor cannot load it, even with the URL.
  const src = new URL(await image.getAttribute('src'));
  src.searchParams.delete('token');
  const status = await second.page.evaluate(async (url) => (await fetch(url)).status, src.href);
  assert.ok(status === 401 || status === 403 || status === 404, `another visitor is refused the file (HTTP ${status})`);

  assertNoErrors(first.errors, assert);
  assertNoErrors(inboxErrors.filter((e) => !/401 \(Unauthorized\).*\/api\/agent\/me/.test(e)), assert);
});
