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
