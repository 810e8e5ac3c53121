// The Matrix transport against a real Synapse (e2e/matrix/synapse.mjs): the built widget
// on a page configured with `transport: {matrix: …}`, the agent played through the
// client-server API as Element would (e2e/matrix/agent.mjs). Run by e2e/matrix/run.sh,
// which installs Synapse into a virtualenv first.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { DIST, inWidget, launchBrowser, openWidgetPage, settle, startServer, waitFor } from '../harness.mjs';
import { demoVariant } from '../demo-page.mjs';
import { REGISTRATION_TOKEN, SERVER_NAME, startSynapse } from './synapse.mjs';
import { agentClient, lossyProxy } from './agent.mjs';

let browser, synapse, site, ann;
const SLOW = { timeout: 40_000 };

/** Serves the demo at `path` with these Matrix settings (as a settings file). */
function matrixPage(path, matrix) {
  const settings = `window.sitechatSettings = ${JSON.stringify({ transport: { matrix } })};\n`;
  site.setPage(`${path}settings.js`, settings);
  site.setPage(path, demoVariant({ head: `<script src="${path}settings.js"></script>` }));
  return site.url(`${path}#hs-chat-open`);
}

const settingsFor = (homeserver, token = REGISTRATION_TOKEN) => ({
  homeserver,
  registration_token: token,
  agents: [ann.userId],
});

before(async () => {
  [browser, synapse] = await Promise.all([launchBrowser(), startSynapse()]);
  site = await startServer({ root: DIST });
  ann = agentClient(synapse.base, await synapse.register('ann', { displayname: 'Ann' }));
  await ann.sync();
});

after(async () => {
  await site?.close();
  await browser?.close();
  await synapse?.stop();
});

/** Network errors of requests to the homeserver while it is down, which Chromium logs. */
const networkNoise = (line) => /Failed to load resource|net::ERR_/.test(line);

function assertOnlyNetworkNoise(errors) {
  const real = errors.filter((e) => !networkNoise(e));
  assert.deepEqual(real, [], `the page reported errors:\n${real.join('\n')}`);
}

/** One message bubble (not its group, which holds its neighbours too). */
const bubble = (page, text) => inWidget(page, '.sc-window .sc-bubble').filter({ hasText: text });

/** Every visitor message has left the outbox: none sending, none failed. */
async function allDelivered(page, options) {
  await waitFor(async () => (await inWidget(page, '.sc-delivery--sending, .sc-delivery--failed').count()) === 0,
    'every message to be delivered', options);
}

async function say(page, text) {
  const composer = inWidget(page, '.sc-window textarea');
  await composer.fill(text);
  await composer.press('Enter');
}

async function visitor(t, url) {
  const opened = await openWidgetPage(browser, url);
  t.after(() => opened.close());
  await inWidget(opened.page, '.sc-window').waitFor({ state: 'visible' });
  return opened;
}

test('messages, typing and read receipts both ways; a reload keeps the conversation; the agent ends it; a new chat is a new room', async (t) => {
  const { page, errors } = await visitor(t, matrixPage('/matrix/', settingsFor(synapse.base)));
  await say(page, 'Hello from the widget');
  await bubble(page, 'Hello from the widget').locator('.sc-delivery--sent').waitFor();

  // The agent is invited into a private room and reads the message as Element would.
  const room = await ann.acceptInvite();
  const [first] = await ann.messages(room);
  assert.equal(first.content.body, 'Hello from the widget');
  assert.match(first.sender, new RegExp(`^@\\w+:${SERVER_NAME}$`), 'the visitor is a registered user');
  assert.ok(first.content['org.sitechat.client_id'], 'the client id rides in the content');

  // Typing and a reply reach the widget, with the agent's display name.
  await ann.setTyping(room, true);
  await inWidget(page, '.sc-typing').filter({ hasText: 'Ann' }).waitFor({ state: 'visible' });
  await ann.send(room, 'Hi, Ann here. How can I help?');
  await bubble(page, 'Ann here').waitFor();
  await inWidget(page, '.sc-typing').waitFor({ state: 'hidden' });

  // The agent's read receipt shows "Seen" under the visitor's message.
  await ann.receipt(room, first.event_id);
  await bubble(page, 'Hello from the widget').locator('.sc-delivery--seen').waitFor();

  // The visitor's typing and reading reach the agent.
  await inWidget(page, '.sc-window textarea').pressSequentially('Do you', { delay: 30 });
  await waitFor(async () => { await ann.sync(500); return (ann.typing.get(room) ?? []).includes(first.sender); }, 'the visitor typing, at the agent');
  const replyId = (await ann.messages(room)).find((e) => e.content.body.startsWith('Hi, Ann')).event_id;
  await waitFor(async () => { await ann.sync(500); return ann.receipts.some((r) => r.userId === first.sender && r.eventId === replyId); }, 'the visitor\'s read receipt, at the agent');

  // A reload keeps the conversation: same messages, once each, and the same room.
  await page.reload();
  await bubble(page, 'Ann here').waitFor();
  assert.equal(await bubble(page, 'Hello from the widget').count(), 1);
  assert.equal(await bubble(page, 'Ann here').count(), 1);
  await say(page, 'After the reload');
  await bubble(page, 'After the reload').locator('.sc-delivery--sent').waitFor();
  const bodies = (await ann.messages(room)).map((e) => e.content.body);
  assert.deepEqual(bodies, ['Hello from the widget', 'Hi, Ann here. How can I help?', 'After the reload']);

  // The agent ends the conversation with the state event.
  await ann.end(room);
  await inWidget(page, '.sc-ended').waitFor({ state: 'visible' });

  // "Start a new chat" opens a new room; the ended one is left alone.
  await inWidget(page, '.sc-ended__new').click();
  await say(page, 'A new question');
  await bubble(page, 'A new question').locator('.sc-delivery--sent').waitFor();
  const second = await ann.acceptInvite();
  assert.notEqual(second, room);
  assert.deepEqual((await ann.messages(second)).map((e) => e.content.body), ['A new question']);
  assert.equal((await ann.messages(room)).length, 3, 'nothing more in the ended room');
  assertOnlyNetworkNoise(errors);
});

test('a Synapse restart mid-conversation, with an answer lost, loses and duplicates nothing', async (t) => {
  const proxy = await lossyProxy(synapse.base);
  t.after(() => proxy.close());
  const { page, errors } = await visitor(t, matrixPage('/matrix-restart/', settingsFor(proxy.base)));
  await say(page, 'Before the restart');
  await bubble(page, 'Before the restart').locator('.sc-delivery--sent').waitFor();
  const room = await ann.acceptInvite();

  // Synapse stores this one, but its answer is lost, and from then on it has forgotten
  // its transaction ids (see lossyProxy): only the client id in the content can tell the
  // widget's resend from a new message.
  proxy.loseNextSendAnswer();
  await say(page, 'Answer lost');
  await waitFor(() => proxy.lost() === 1, 'the proxy to lose an answer');
  await allDelivered(page, SLOW);
  // ...and Synapse goes down while the visitor writes on.
  await synapse.stopOnly(true);
  try {
    await say(page, 'While it is down');
    await bubble(page, 'While it is down').locator('.sc-delivery--sending').waitFor();
  } finally {
    await synapse.startOnly();
  }
  await allDelivered(page, SLOW);
  await say(page, 'After the restart');
  await bubble(page, 'After the restart').locator('.sc-delivery--sent').waitFor(SLOW);
  const bodies = (await ann.messages(room)).map((e) => e.content.body);
  assert.deepEqual(bodies, ['Before the restart', 'Answer lost', 'While it is down', 'After the restart']);
  for (const text of bodies) assert.equal(await bubble(page, text).count(), 1, `"${text}" once in the widget`);
  // Each message's transaction id is its client id, which rides in its content, and the
  // homeserver stored each once: the resend after the lost answer was never sent.
  const events = await ann.messages(room);
  assert.deepEqual(proxy.sends(), events.map((e) => e.content['org.sitechat.client_id']));
  assertOnlyNetworkNoise(errors);
});

test('files both ways through the media API; the widget shows the agent\'s image from a blob: URL', async (t) => {
  const { page, errors } = await visitor(t, matrixPage('/matrix-files/', settingsFor(synapse.base)));
  await say(page, 'Hello, a file follows');
  await bubble(page, 'a file follows').locator('.sc-delivery--sent').waitFor();
  const room = await ann.acceptInvite();

  await inWidget(page, 'input[type=file]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('plan notes\n') });
  await inWidget(page, '.sc-pending__name').filter({ hasText: 'notes.txt' }).waitFor();
  await waitFor(async () => (await inWidget(page, '.sc-pending__size').innerText()).match(/B/), 'the upload to finish');
  await say(page, 'here are my notes');
  await bubble(page, 'here are my notes').locator('.sc-delivery--sent').waitFor();
  const file = (await ann.messages(room)).find((e) => e.content.msgtype === 'm.file');
  assert.ok(file, 'the agent gets an m.file event');
  assert.equal(file.content.filename, 'notes.txt');
  assert.equal(file.content.body, 'here are my notes', 'the text is the caption');
  assert.equal(String(await ann.download(file.content.url)), 'plan notes\n', 'the agent can download it');

  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
  const mxc = await ann.upload(png, 'plan.png', 'image/png');
  await ann.sendImage(room, mxc, 'plan.png', png.length);
  const image = inWidget(page, '.sc-bubble--agent img');
  await image.waitFor();
  await waitFor(() => image.evaluate((img) => img.complete && img.naturalWidth === 1), 'the image to load in the widget');
  assert.match(await image.getAttribute('src'), /^blob:http:\/\/127\.0\.0\.1:/, 'shown from a blob: URL of the page');
  assertOnlyNetworkNoise(errors);
});

test('a wrong registration token is a clear console error; the page and the widget stay', async (t) => {
  const { page, errors } = await visitor(t, matrixPage('/matrix-wrong/', settingsFor(synapse.base, 'not-the-token')));
  await say(page, 'Is anyone there?');
  await waitFor(() => errors.find((e) => /registration token/.test(e)), 'the console error about the token');
  const line = errors.find((e) => /registration token/.test(e));
  assert.match(line, /sitechat: the Matrix homeserver http:\/\/127\.0\.0\.1:\d+ does not let visitors register/);
  assert.match(line, /M_UNAUTHORIZED/);
  assert.ok(!errors.some((e) => e.startsWith('uncaught')), errors.join('\n'));
  assert.equal(errors.filter((e) => /registration token/.test(e)).length, 1, 'said once, not at every retry');
  // The page is intact and the widget still holds the message, waiting.
  assert.equal(await page.locator('h1').count(), 1);
  await inWidget(page, '.sc-window').waitFor({ state: 'visible' });
  await bubble(page, 'Is anyone there?').locator('.sc-delivery--sending').waitFor();
});

test('a wrong Matrix setting is named in the console; the widget does not mount and the page is intact', async (t) => {
  const url = matrixPage('/matrix-bad/', { homeserver: 'matrix.example.org', agents: ['ann'] });
  const { openContext } = await import('../harness.mjs');
  const { page, errors, close } = await openContext(browser);
  t.after(close);
  await page.goto(url, { waitUntil: 'load' });
  await waitFor(() => errors.length > 0, 'a console error');
  const text = errors.join('\n');
  for (const field of ['matrix.homeserver', 'matrix.registration_token', 'matrix.agents[0]']) {
    assert.ok(text.includes(`sitechatSettings.transport.${field}`), `names ${field}:\n${text}`);
  }
  assert.ok(!text.includes('uncaught'), text);
  assert.equal(await page.locator('h1').count(), 1);
  await settle(page);
  assert.equal(await page.locator('div[data-sitechat]:not([data-early])').count(), 0, 'no widget');
});
