// The WordPress plugin inside a real WordPress (Debian's 6.1 on PHP's built-in server and
// MariaDB, see wp-harness.mjs), talking to the real reference server (../server-harness.mjs).
//
// The tests are one story, in order, as a site owner lives it: upload the plugin's zip and
// activate it, fill in its settings page, see the chat on the site and chat with an agent,
// be refused a bad config URL, run the site under a strict CSP, deactivate, delete. Each
// test leaves the site as the next one expects; a failure early makes the later ones fail
// too, with their own message.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

import { ROOT, assertNoErrors, inWidget, launchBrowser, openContext, settle, waitFor } from '../harness.mjs';
import { inboxMessage, signInToInbox, startChatServer, widgetBubble } from '../server-harness.mjs';
import { OWNER, WORDPRESS_DIR, startWordPress } from './wp-harness.mjs';

/** Where to write the docs' screenshots of the settings page, when asked to. */
const SHOTS = process.env.SITECHAT_WP_SCREENSHOTS ?? null;

/** The chat's profile name, from the config the server serves at /api/site-config. */
const AGENT_PROFILE = 'Ann at Lumen Bikes';

let browser, chat, wp, owner, zipPath, zipDir;
/** Inline scripts of the home page before the plugin came (WordPress's and the theme's own). */
let inlineBefore;
/** What each visit tried to reach outside 127.0.0.1 (aborted). */
const offsite = [];

before(async () => {
  zipDir = mkdtempSync(join(tmpdir(), 'sitechat-wp-zip-'));
  zipPath = join(zipDir, 'sitechat.zip');
  const built = spawnSync(join(ROOT, 'integrations', 'wordpress', 'build-zip.sh'), [zipPath], { encoding: 'utf8' });
  assert.equal(built.status, 0, `build-zip.sh failed: ${built.stderr}`);

  chat = await startChatServer({ config: { profile: { name: AGENT_PROFILE }, appearance: { theme_color: '#0b7a4b' } } });
  const sc = new URL(chat.url('/'));
  const csp = [
    "default-src 'self'",
    `script-src 'self' ${sc.origin} 'wasm-unsafe-eval'`,
    // WordPress's own block styles are inline <style> elements; scripts are what is tested.
    "style-src 'self' 'unsafe-inline'",
    `connect-src 'self' ${sc.origin} ws://${sc.host}`,
    `img-src 'self' data: blob: ${sc.origin}`,
  ].join('; ');
  wp = await startWordPress({ csp });
  browser = await launchBrowser();
  owner = await openContext(browser);
  // WordPress's admin on PHP's single-machine server can be slow on a loaded machine;
  // its speed is not what is tested.
  owner.context.setDefaultTimeout(30_000);
  await guard(owner.context);
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await owner?.close();
  await browser?.close();
  await wp?.stop();
  await chat?.stop();
  if (zipDir) rmSync(zipDir, { recursive: true, force: true });
});

/** Aborts (and records) any request of the browser that is not for 127.0.0.1. */
async function guard(context) {
  await context.route(/.*/, (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:') return route.continue();
    offsite.push(url.href);
    return route.abort();
  });
}

/** A visitor: a fresh context on `path` of the WordPress site. */
async function visit(t, path) {
  const opened = await openContext(browser);
  t.after(() => opened.close());
  await guard(opened.context);
  await opened.page.goto(wp.url(path), { waitUntil: 'load', timeout: 30_000 });
  return opened;
}

/** The page's HTML as WordPress sends it (not the DOM after scripts ran). */
async function source(path) {
  const res = await fetch(wp.url(path));
  assert.equal(res.status, 200, `GET ${path}`);
  return { html: await res.text(), headers: res.headers };
}

/** Every `<script>` tag of `html`: its attributes and whether it has inline code. */
function scriptTags(html) {
  return [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].map(([, attrs, body]) => ({
    attrs,
    src: /\ssrc=(['"])(.*?)\1/i.exec(attrs)?.[2]?.replace(/&#038;|&amp;/g, '&') ?? null,
    body: body.trim(),
  }));
}
const inlineScripts = (html) => scriptTags(html).filter((s) => s.src === null && s.body !== '').map((s) => s.body);
const sitechatTags = (html) => scriptTags(html).filter((s) => s.src && /sitechat/.test(s.src));

async function signIn(page) {
  await page.goto(wp.url('/wp-login.php'));
  await page.locator('#user_login').fill(OWNER.user);
  await page.locator('#user_pass').fill(OWNER.password);
  await page.locator('#wp-submit').click();
  await page.locator('#wpadminbar').waitFor();
}

async function settingsPage(page) {
  await page.goto(wp.url('/wp-admin/options-general.php?page=sitechat'));
  await page.locator('#sitechat_widget_url').waitFor();
}

/** Fills the settings form and saves it; returns the notices shown after the save. */
async function saveSettings(page, values, { noValidate = false } = {}) {
  await settingsPage(page);
  for (const [key, value] of Object.entries(values)) await page.locator(`#sitechat_${key}`).fill(value);
  if (noValidate) await page.locator('form[action="options.php"]').evaluate((f) => { f.noValidate = true; });
  await Promise.all([page.waitForURL(/options-general\.php\?page=sitechat/), page.locator('#submit').click()]);
  await page.locator('#sitechat_widget_url').waitFor();
  return page.locator('.notice, .updated, .error').allInnerTexts();
}

const saved = () => JSON.parse(phpUnserializeToJson(wp.option('sitechat_options')));

/** The option is stored PHP-serialized; this reads the three string fields of ours. */
function phpUnserializeToJson(serialized) {
  if (serialized === '') return 'null';
  const out = {};
  for (const [, key, value] of serialized.matchAll(/s:\d+:"([a-z_]+)";s:\d+:"(.*?)";/g)) out[key] = value;
  return JSON.stringify(out);
}

const shot = async (page, name) => {
  if (!SHOTS) return;
  await page.setViewportSize({ width: 1100, height: 640 });
  await page.screenshot({ path: join(SHOTS, name) });
  await page.setViewportSize({ width: 1280, height: 800 });
};

const widgetUrl = () => chat.url('/sitechat.js');
const configUrl = () => chat.url('/api/site-config');
const socketUrl = () => chat.url('/ws/visitor').replace(/^http/, 'ws');

test('the plugin\'s metadata agree: header, readme.txt, version constant; tested up to the WordPress that runs here', () => {
  const dir = join(ROOT, 'integrations', 'wordpress');
  const plugin = readFileSync(join(dir, 'sitechat.php'), 'utf8');
  const readme = readFileSync(join(dir, 'readme.txt'), 'utf8');
  const header = (name) => new RegExp(`^ \\* ${name}: *(.+)$`, 'm').exec(plugin)?.[1]?.trim();
  const field = (name) => new RegExp(`^${name}: *(.+)$`, 'm').exec(readme)?.[1]?.trim();
  assert.match(readme, /^=== sitechat ===$/m);
  for (const section of ['Description', 'Installation', 'Frequently Asked Questions', 'Changelog']) {
    assert.match(readme, new RegExp(`^== ${section} ==$`, 'm'), `readme.txt has == ${section} ==`);
  }
  const version = header('Version');
  assert.match(version, /^\d+\.\d+\.\d+$/);
  assert.equal(field('Stable tag'), version, 'Stable tag is the plugin version');
  assert.match(plugin, new RegExp(`const SITECHAT_VERSION = '${version.replace(/\./g, '\\.')}';`));
  assert.match(readme, new RegExp(`^= ${version.replace(/\./g, '\\.')} =$`, 'm'), 'the changelog has this version');
  for (const name of ['Requires at least', 'Requires PHP', 'License']) {
    assert.ok(field(name), `readme.txt says ${name}`);
    assert.equal(field(name), header(name), `${name}: the same in readme.txt and the plugin header`);
  }
  // The WordPress this tier runs is the one the readme may claim to be tested with.
  const wpVersion = /\$wp_version = '([^']+)'/.exec(readFileSync(join(WORDPRESS_DIR, 'wp-includes', 'version.php'), 'utf8'))[1];
  const minor = (v) => v.split('.').slice(0, 2).map(Number);
  const [tMaj, tMin] = minor(field('Tested up to'));
  const [wMaj, wMin] = minor(wpVersion);
  assert.ok(tMaj < wMaj || (tMaj === wMaj && tMin <= wMin), `Tested up to ${field('Tested up to')} is not past the WordPress tested here (${wpVersion})`);
  const [rMaj, rMin] = minor(field('Requires at least'));
  assert.ok(rMaj < wMaj || (rMaj === wMaj && rMin <= wMin), `Requires at least ${field('Requires at least')} admits the WordPress tested here (${wpVersion})`);
  const short = readme.split('\n== Description ==')[0].trim().split('\n').pop();
  assert.ok(short.length > 0 && short.length <= 150, `the short description is at most 150 characters (${short.length})`);
  assert.ok(existsSync(join(dir, 'uninstall.php')), 'uninstall.php is there');
});

test('a site owner uploads the plugin zip under Plugins → Add New and activates it', async () => {
  const { page } = owner;
  inlineBefore = inlineScripts((await source('/')).html);
  await signIn(page);
  await page.goto(wp.url('/wp-admin/plugin-install.php?tab=upload'));
  await page.locator('#pluginzip').setInputFiles(zipPath);
  await Promise.all([page.waitForURL(/update\.php\?action=upload-plugin/), page.locator('#install-plugin-submit').click()]);
  await page.getByText('Plugin installed successfully.').waitFor();
  assert.ok(existsSync(join(wp.pluginDir, 'sitechat.php')), 'WordPress unpacked the zip into wp-content/plugins/sitechat/');
  await page.getByRole('link', { name: 'Activate Plugin' }).click();
  await page.waitForURL(/plugins\.php/);
  const row = page.locator('tr[data-slug="sitechat"]');
  assert.match(await row.getAttribute('class'), /\bactive\b/, 'the plugin is active');
  assert.match(await row.innerText(), /Version 0\.2\.0/);
  // Nothing is added to the site while the widget URL is empty.
  assert.deepEqual(sitechatTags((await source('/')).html), [], 'no sitechat tag before the widget URL is set');
  assertNoErrors(owner.errors, assert);
});

test('the settings page (reached from the Plugins screen) saves the widget, config and socket URLs', async () => {
  const { page } = owner;
  await page.goto(wp.url('/wp-admin/plugins.php'));
  await page.locator('tr[data-slug="sitechat"]').getByRole('link', { name: 'Settings' }).click();
  await page.waitForURL(/options-general\.php\?page=sitechat/);
  const nonce = await page.locator('form[action="options.php"] input[name="_wpnonce"]').count();
  assert.equal(nonce, 1, 'the form carries a nonce');
  const notices = await saveSettings(page, { widget_url: widgetUrl(), config_url: configUrl(), transport_url: socketUrl() });
  assert.ok(notices.some((n) => /Settings saved\./.test(n)), `saved, with no warning: ${JSON.stringify(notices)}`);
  assert.equal(await page.locator('#sitechat_widget_url').inputValue(), widgetUrl());
  assert.equal(await page.locator('#sitechat_config_url').inputValue(), configUrl());
  assert.equal(await page.locator('#sitechat_transport_url').inputValue(), socketUrl());
  assert.deepEqual(saved(), { widget_url: widgetUrl(), config_url: configUrl(), transport_url: socketUrl() }, 'stored as entered');
  await shot(page, 'wordpress-settings.png');
  assertNoErrors(owner.errors, assert);
});

test('every page then ends with the settings file and the async tracking code, and no inline script of the plugin', async () => {
  for (const path of ['/', '/?p=1']) {
    const { html } = await source(path);
    const tags = sitechatTags(html);
    assert.equal(tags.length, 2, `two sitechat tags on ${path}: ${JSON.stringify(tags)}`);
    const [settings, loader] = tags;
    assert.match(settings.src, /^http:\/\/127\.0\.0\.1:\d+\/\?sitechat-settings=1&ver=[0-9a-f]{8}$/, 'the settings file first, from the site itself');
    assert.equal(loader.src, widgetUrl(), 'then the loader, from the chat server');
    assert.match(loader.attrs, /\basync\b/, 'the tracking code is async (WordPress 6.1 has no script strategies: the plugin adds it)');
    assert.doesNotMatch(settings.attrs, /\basync\b|\bdefer\b/, 'the settings run before the loader');
    assert.ok(html.lastIndexOf(loader.src) > html.lastIndexOf('<footer'), 'in the footer, before </body>');
    assert.deepEqual(inlineScripts(html), inlineBefore, `the plugin adds no inline script on ${path}`);
  }
  const file = await fetch(sitechatTags((await source('/')).html)[0].src);
  assert.match(file.headers.get('content-type'), /^text\/javascript/);
  assert.equal(
    await file.text(),
    `window.sitechatSettings = Object.assign(window.sitechatSettings || {}, ${JSON.stringify({ config: configUrl(), transport: socketUrl() })});\n`,
  );
});

test('a WordPress page shows the launcher; #hs-chat-open opens the chat, which talks to the reference server', async (t) => {
  const home = await visit(t, '/');
  await inWidget(home.page, '.sc-launcher').waitFor({ state: 'visible' });
  await settle(home.page);
  assert.equal(await inWidget(home.page, '.sc-window').isVisible(), false, 'closed without the hash');
  assertNoErrors(home.errors, assert);

  const { page, errors } = await visit(t, '/?p=1#hs-chat-open');
  await inWidget(page, '.sc-window').waitFor({ state: 'visible' });
  assert.match(await inWidget(page, '.sc-window').innerText(), new RegExp(AGENT_PROFILE), 'the config came from the config URL');
  const composer = inWidget(page, '.sc-window textarea');
  await composer.fill('Hello from the WordPress shop, is the blue bike in stock?');
  await composer.press('Enter');
  await widgetBubble(page, 'is the blue bike in stock?').locator('.sc-delivery--sent').waitFor();

  const agent = await openContext(browser);
  t.after(() => agent.close());
  await signInToInbox(agent.page, chat);
  await agent.page.locator('#conversation-list li').filter({ hasText: 'blue bike' }).first().click();
  await inboxMessage(agent.page, 'is the blue bike in stock?').waitFor();
  // (WordPress redirects /?p=1 to the post's permalink.)
  const pageUrl = await agent.page.locator('#conv-page').innerText();
  assert.ok(pageUrl.startsWith(`${wp.origin}/`) && pageUrl.includes('hello-world'), `the inbox shows the WordPress page: ${pageUrl}`);
  await agent.page.locator('#reply').fill('Yes, two left in size M.');
  await agent.page.locator('#reply').press('Enter');
  await inWidget(page, '.sc-window li').filter({ hasText: 'two left in size M' }).waitFor();

  // A file from the WordPress page: uploaded cross-origin to the chat server.
  await inWidget(page, 'input[type=file]').setInputFiles({ name: 'frame-size.txt', mimeType: 'text/plain', buffer: Buffer.from('58 cm\n') });
  await inWidget(page, '.sc-pending__name').filter({ hasText: 'frame-size.txt' }).waitFor();
  await waitFor(async () => (await inWidget(page, '.sc-pending__size').innerText()).match(/B/), 'the upload to finish');
  await composer.fill('My frame size, attached');
  await composer.press('Enter');
  await widgetBubble(page, 'My frame size').locator('.sc-delivery--sent').waitFor();
  await inboxMessage(agent.page, 'My frame size').locator('a', { hasText: 'frame-size.txt' }).waitFor();
  if (SHOTS) await page.screenshot({ path: join(SHOTS, 'wordpress-chat.png') });
  assertNoErrors(errors, assert);
});

test('the settings page refuses a bad config URL with a clear message and keeps the previous one', async () => {
  const { page } = owner;
  const before = saved();

  // The browser's own check first: the field is a URL field.
  await settingsPage(page);
  await page.locator('#sitechat_config_url').fill('chat.example.com/config');
  await page.locator('#submit').click();
  assert.equal(await page.locator('#sitechat_config_url').evaluate((i) => i.validity.valid), false, 'the browser flags it');
  assert.deepEqual(saved(), before, 'and nothing was posted');

  // Posted anyway (a browser without form validation): the plugin's own check.
  let notices = await saveSettings(page, { config_url: 'chat.example.com/config' }, { noValidate: true });
  assert.ok(
    notices.some((n) => n.includes('Config URL: "chat.example.com/config" is not a full address starting with http:// or https://. The previous value is kept.')),
    `the plugin's message: ${JSON.stringify(notices)}`,
  );
  assert.ok(!notices.some((n) => /Settings saved/.test(n)), 'not "saved"');
  assert.equal(await page.locator('#sitechat_config_url').inputValue(), before.config_url, 'the form shows the kept value');
  assert.deepEqual(saved(), before);

  // A real address that answers with a web page, not a JSON config (the site's home page).
  notices = await saveSettings(page, { config_url: wp.url('/') });
  assert.ok(
    notices.some((n) => n.includes(`Config URL: ${wp.url('/')} is not usable: it answered with text/html`) && n.includes('not a JSON object') && n.includes('The previous value is kept.')),
    `the plugin's message: ${JSON.stringify(notices)}`,
  );
  await shot(page, 'wordpress-settings-error.png');
  assert.deepEqual(saved(), before);

  // A JSON config on another origin that does not let this site read it (the inbox's API
  // answers JSON without Access-Control-Allow-Origin).
  notices = await saveSettings(page, { config_url: chat.url('/api/agent/me') });
  assert.ok(notices.some((n) => n.includes('is not usable')), `refused: ${JSON.stringify(notices)}`);
  assert.deepEqual(saved(), before);

  // What was entered is quoted in the message as text, never as markup.
  const hostile = 'javascript:void(0)//<img src=x id=hostile-entry>sitechat.js';
  notices = await saveSettings(page, { widget_url: hostile }, { noValidate: true });
  assert.ok(notices.some((n) => n.includes(`Widget URL: "${hostile}" is not a full address`)), JSON.stringify(notices));
  assert.equal(await page.locator('#hostile-entry').count(), 0, 'the entry is escaped in the notice');
  assert.deepEqual(saved(), before);

  // A widget URL that is not sitechat.js.
  notices = await saveSettings(page, { widget_url: chat.url('/inbox') });
  assert.ok(notices.some((n) => n.includes(`Widget URL: "${chat.url('/inbox')}" is not the address of sitechat.js`)), JSON.stringify(notices));
  assert.deepEqual(saved(), before);
  assert.equal(sitechatTags((await source('/')).html)[1]?.src, widgetUrl(), 'the site still loads the widget from the kept URL');
  assertNoErrors(owner.errors, assert);
});

test('the settings form is nonce-protected: a post without a valid nonce changes nothing', async () => {
  const before = saved();
  const forged = await owner.context.request.post(wp.url('/wp-admin/options.php'), {
    form: {
      option_page: 'sitechat', action: 'update', _wpnonce: 'forged0000', _wp_http_referer: '/wp-admin/options-general.php?page=sitechat',
      'sitechat_options[widget_url]': 'https://evil.example/sitechat.js',
    },
    maxRedirects: 0,
  });
  assert.notEqual(forged.status(), 302, 'no redirect back to the settings as after a save');
  assert.match(await forged.text(), /link you followed has expired/i, 'WordPress refuses the forged post');
  assert.deepEqual(saved(), before);
});

test('under a strict Content-Security-Policy the page has no inline script, nothing is blocked and the chat works', async (t) => {
  const recordViolations = (context) => context.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });

  // The check can fail: with one inline script on the page, the violation is seen.
  const probe = await openContext(browser);
  t.after(() => probe.close());
  await guard(probe.context);
  await recordViolations(probe.context);
  await probe.page.goto(wp.url('/?strict-csp=1&inline-probe=1'));
  await waitFor(() => probe.page.evaluate(() => window.__violations.length > 0), 'the inline probe to be reported');
  assert.equal(await probe.page.evaluate(() => window.sitechatTestInlineProbe), undefined, 'and blocked');

  const { html, headers } = await source('/?strict-csp=1');
  assert.match(headers.get('content-security-policy') ?? '', /script-src 'self' http:\/\/127\.0\.0\.1:\d+ 'wasm-unsafe-eval'/);
  assert.deepEqual(inlineScripts(html), [], 'no inline script at all on the page (the theme\'s were taken out by the site)');
  assert.equal(sitechatTags(html).length, 2, 'the plugin\'s two tags are there');

  const opened = await openContext(browser);
  t.after(() => opened.close());
  await guard(opened.context);
  await recordViolations(opened.context);
  const { page, errors } = opened;
  await page.goto(wp.url('/?strict-csp=1#hs-chat-open'));
  await inWidget(page, '.sc-window').waitFor({ state: 'visible' });
  const composer = inWidget(page, '.sc-window textarea');
  await composer.fill('Sent from a page with a strict CSP');
  await composer.press('Enter');
  await widgetBubble(page, 'strict CSP').locator('.sc-delivery--sent').waitFor();
  await settle(page);
  assert.deepEqual(await page.evaluate(() => window.__violations), [], 'no CSP violation');
  assertNoErrors(errors, assert);
});

test('deactivating the plugin removes the tags from every page, and keeps its settings', async (t) => {
  const { page } = owner;
  await page.goto(wp.url('/wp-admin/plugins.php'));
  await page.locator('tr[data-slug="sitechat"] .deactivate a').click();
  await page.getByText('Plugin deactivated.').waitFor();
  assert.match(await page.locator('tr[data-slug="sitechat"]').getAttribute('class'), /\binactive\b/);

  for (const path of ['/', '/?p=1']) {
    const { html } = await source(path);
    assert.deepEqual(sitechatTags(html), [], `no sitechat tag on ${path}`);
    assert.doesNotMatch(html, /sitechat/i, `nothing of sitechat at all on ${path}`);
  }
  const visitor = await visit(t, '/#hs-chat-open');
  await settle(visitor.page);
  assert.equal(await visitor.page.locator('div[data-sitechat]').count(), 0, 'no widget on the page');
  assertNoErrors(visitor.errors, assert);
  assert.deepEqual(saved(), { widget_url: widgetUrl(), config_url: configUrl(), transport_url: socketUrl() }, 'settings kept while deactivated');
});

test('deleting the plugin runs uninstall.php: its option is gone', async () => {
  const { page } = owner;
  await page.goto(wp.url('/wp-admin/plugins.php'));
  page.once('dialog', (dialog) => dialog.accept());
  await page.locator('tr[data-slug="sitechat"] .delete a').click();
  await page.getByText('sitechat was successfully deleted.').waitFor();
  await waitFor(() => !existsSync(wp.pluginDir), 'the plugin folder to be removed');
  assert.equal(wp.option('sitechat_options'), '', 'no sitechat_options row left');
  assertNoErrors(owner.errors, assert);
});

test('the plugin caused no PHP notice, warning or error, and nothing left 127.0.0.1', () => {
  const fromPlugin = wp.debugLog().split('\n').filter((line) => /plugins\/sitechat\//.test(line));
  assert.deepEqual(fromPlugin, [], 'PHP reported nothing from the plugin');
  assert.deepEqual(offsite, [], 'the browser asked for nothing off 127.0.0.1');
});
