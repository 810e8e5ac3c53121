// The launcher the loader draws before the app is there (loader/sitechat.js,
// `drawLauncher`; src/embed/early_launcher.rs): it shows while the app is still
// downloading, looks exactly like the app's, hands over to it without a frame with no
// launcher or two, keeps a click and the keyboard focus, and is never drawn where the app
// might not show a launcher at all.
//
// Each test holds the app's wasm download (a Playwright route) so the page is caught in
// the state before the app, then lets it through.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { DIST, assertNoErrors, launchBrowser, openContext, settle, startServer, waitFor } from './harness.mjs';
import { hostPage, serveShared } from './embed-page.mjs';

const EARLY = 'div[data-sitechat][data-early]';
const APP = 'div[data-sitechat]:not([data-early])';

let browser;
let server;

before(async () => {
  browser = await launchBrowser();
  server = await startServer({ root: DIST });
  serveShared(server);
  server.setPage('/early/config.json', '{}');
});

after(async () => {
  await server?.close();
  await browser?.close();
});

/** Settings script: memory transport plus `settings`, every API event recorded. */
function settingsScript(settings = {}, extra = '') {
  return `window.sitechatSettings = Object.assign({ transport: 'memory' }, ${JSON.stringify(settings)});
window.sitechatOnReady = [function () { window.__record(window.SiteChat); }];
${extra}`;
}

/**
 * Opens a host page whose wasm download waits for `release()`. `fail: true` answers the
 * wasm request with a 404 instead.
 */
async function openHeld({ variant = 'plain', settings = {}, extra = '', fail = false, options = {} } = {}) {
  const opened = await openContext(browser, options);
  let release;
  const held = new Promise((ok) => (release = ok));
  await opened.page.route(/_bg\.wasm$/, async (route) => {
    await held;
    if (fail) await route.fulfill({ status: 404, body: 'gone' });
    else await route.continue();
  });
  const path = hostPage(server, { variant, settings: settingsScript(settings, extra) });
  await opened.page.goto(server.url(path), { waitUntil: 'domcontentloaded' });
  // The loader is an async script: on a busy machine it may run after DOMContentLoaded.
  // Wait until it has (it defines the API first), then for its frame.
  await waitFor(() => opened.page.evaluate(() => typeof window.SiteChat === 'object'), 'the loader');
  await settle(opened.page);
  return { ...opened, release };
}

/** What the page shows of one launcher host: its box, colours and label. */
function launcherLook(page, hostSelector) {
  return page.evaluate((selector) => {
    const host = document.querySelector(selector);
    const button = host?.shadowRoot?.querySelector('button.sc-launcher');
    if (!button) return null;
    const style = getComputedStyle(button);
    const box = button.getBoundingClientRect();
    return {
      box: [box.x, box.y, box.width, box.height].map(Math.round),
      background: style.backgroundColor,
      color: style.color,
      radius: style.borderRadius,
      shadow: style.boxShadow,
      cursor: style.cursor,
      label: button.getAttribute('aria-label'),
      expanded: button.getAttribute('aria-expanded'),
      part: button.getAttribute('part'),
      icon: button.querySelector('svg')?.getBoundingClientRect().width,
    };
  }, hostSelector);
}

const count = (page, selector) => page.locator(selector).count();
const appLauncherShown = (page) => page.locator(`${APP} button.sc-launcher`).isVisible();

for (const variant of ['plain', 'hostile', 'csp']) {
  test(`${variant} page: the launcher shows before the app, and the app takes its place`, async () => {
    const { page, errors, close, release } = await openHeld({ variant });
    try {
      assert.ok(await page.locator(`${EARLY} button.sc-launcher`).isVisible(), 'the loader drew a launcher');
      assert.equal(await count(page, APP), 0, 'the app is not there yet');
      assert.equal((await page.evaluate(() => window.SiteChat.widget.status())).loaded, false);
      const early = await launcherLook(page, EARLY);
      assert.deepEqual(early.box, [1280 - 20 - 60, 800 - 20 - 60, 60, 60], 'bottom right, 60 px, 20 px from the edges');
      release();
      await waitFor(() => appLauncherShown(page), "the app's launcher");
      await waitFor(async () => (await count(page, EARLY)) === 0, "the loader's launcher to go");
      assert.equal(await count(page, 'div[data-sitechat]'), 1, 'one widget host on the page');
      assertNoErrors(errors, assert);
    } finally {
      await close();
    }
  });
}

test('every frame from the first launcher to the app shows exactly one launcher', async () => {
  const recorder = `
    window.__frames = [];
    (function frame() {
      const shown = [...document.querySelectorAll('div[data-sitechat]')].filter((host) => {
        const b = host.shadowRoot && host.shadowRoot.querySelector('button.sc-launcher');
        if (!b) return false;
        const r = b.getBoundingClientRect();
        return r.width >= 1 && r.height >= 1 && getComputedStyle(b).visibility !== 'hidden';
      });
      if (shown.length || window.__frames.length) {
        window.__frames.push(shown.map((h) => (h.hasAttribute('data-early') ? 'early' : 'app')).join('+') || 'none');
      }
      requestAnimationFrame(frame);
    })();`;
  const { page, errors, close, release } = await openHeld({ extra: recorder });
  try {
    release();
    await waitFor(async () => (await page.evaluate(() => window.__frames.filter((f) => f === 'app').length)) >= 10, 'ten frames of the app');
    const frames = await page.evaluate(() => window.__frames);
    assert.equal(frames[0], 'early', 'the first launcher on screen is the loader’s');
    const bad = frames.filter((f) => f !== 'early' && f !== 'app');
    assert.deepEqual(bad, [], `frames with no launcher or two: ${frames.join(', ')}`);
    const switches = frames.filter((f, i) => i > 0 && f !== frames[i - 1]);
    assert.deepEqual(switches, ['app'], 'one hand-over, from the loader’s launcher to the app’s');
    assertNoErrors(errors, assert);
  } finally {
    await close();
  }
});

test('it looks and reads exactly like the app’s launcher: colours, corner, label', async () => {
  const cases = [
    { appearance: {} },
    { appearance: { theme_color: '#FFD700' } },
    { appearance: { theme_color: '#777777', position: 'left' } },
    { appearance: { theme_color: '#abc' } },
    { appearance: { theme_color: '#000000', position: 'left' } },
    { appearance: { theme_color: '#ffffff' } },
    { appearance: { theme_color: '#0b5fff', locale: 'fr' } },
  ];
  for (const config of cases) {
    const { page, errors, close, release } = await openHeld({ settings: { config } });
    try {
      const early = await launcherLook(page, EARLY);
      assert.ok(early, `the loader drew a launcher for ${JSON.stringify(config)}`);
      release();
      await waitFor(() => appLauncherShown(page), "the app's launcher");
      await page.mouse.move(0, 0);
      await settle(page);
      const app = await launcherLook(page, APP);
      assert.deepEqual(early, app, `the same launcher for ${JSON.stringify(config)}`);
      assertNoErrors(errors, assert);
    } finally {
      await close();
    }
  }
});

test('a French page gets a French label before the app too', async () => {
  const { page, close, release } = await openHeld({ settings: { locale: 'fr-CA' } });
  try {
    assert.equal((await launcherLook(page, EARLY)).label, 'Ouvrir le chat');
    release();
    await waitFor(() => appLauncherShown(page), "the app's launcher");
    assert.equal((await launcherLook(page, APP)).label, 'Ouvrir le chat');
  } finally {
    await close();
  }
});

test('a click before the app is kept: the window opens on the composer once the app is there', async () => {
  const { page, errors, close, release } = await openHeld();
  try {
    await page.locator(`${EARLY} button.sc-launcher`).click();
    assert.equal(await page.locator(`${EARLY} button.sc-launcher`).getAttribute('aria-busy'), 'true', 'the launcher says it is busy');
    await page.locator(`${EARLY} button.sc-launcher`).click();
    release();
    await waitFor(() => page.locator(`${APP} .sc-window`).isVisible(), 'the chat window');
    const focused = await page.evaluate((selector) => {
      const host = document.querySelector(selector);
      return document.activeElement === host && host.shadowRoot.activeElement?.tagName;
    }, APP);
    assert.equal(focused, 'TEXTAREA', 'the composer has the focus');
    const status = await page.evaluate(() => window.SiteChat.widget.status());
    assert.equal(status.open, true, 'a second click while loading did not close it again');
    const heard = await page.evaluate(() => window.__events.map((e) => e.name));
    assert.ok(heard.includes('userInteractedWithWidget'), `the click counts as the visitor's interaction: ${heard}`);
    assert.ok(!heard.includes('widgetClosed'), 'the window never closed');
    assertNoErrors(errors, assert);
  } finally {
    await close();
  }
});

test('a keyboard visitor on the loader’s launcher is on the app’s launcher afterwards', async () => {
  const { page, errors, close, release } = await openHeld();
  try {
    await page.locator('#host-button').focus();
    await page.keyboard.press('Tab');
    const onEarly = await page.evaluate((selector) => document.activeElement === document.querySelector(selector), EARLY);
    assert.ok(onEarly, 'Tab reaches the loader’s launcher');
    release();
    await waitFor(() => appLauncherShown(page), "the app's launcher");
    await waitFor(async () => (await count(page, EARLY)) === 0, "the loader's launcher to go");
    const focused = await page.evaluate((selector) => {
      const host = document.querySelector(selector);
      return document.activeElement === host && host.shadowRoot.activeElement?.className;
    }, APP);
    assert.match(String(focused), /sc-launcher/, 'the focus moved to the app’s launcher');
    await page.keyboard.press('Enter');
    await waitFor(() => page.locator(`${APP} .sc-window`).isVisible(), 'the window, opened with Enter');
    assertNoErrors(errors, assert);
  } finally {
    await close();
  }
});

const HOURS = { time_zone: 'UTC', hours: [{ days: 'every_day', from: '00:00', to: '24:00' }] };

test('no launcher before the app where the app might show none', async () => {
  const cases = {
    'team_status (hides when the team is away)': { config: { availability: { mode: 'team_status' } } },
    'team_status hiding explicitly': { config: { availability: { mode: 'team_status', when_away: { behavior: 'hide' } } } },
    'business hours hiding outside them': {
      config: { availability: { mode: 'business_hours', ...HOURS, outside_hours: { behavior: 'hide' } } },
    },
    'business hours hiding when the team is away': {
      config: { availability: { mode: 'business_hours', ...HOURS, when_team_away: { behavior: 'hide' } } },
    },
    'a config behind a URL': { config: '/early/config.json' },
    'a config that is not JSON': { config: '{ nope' },
    'a theme colour the app refuses': { config: { appearance: { theme_color: 'blue' } } },
    'an unknown availability mode': { config: { availability: { mode: 'sometimes' } } },
    'inline rendering': { inlineEmbedSelector: '#inline-slot' },
    'loadImmediately: false': { loadImmediately: false },
  };
  for (const [name, settings] of Object.entries(cases)) {
    const { page, close, release } = await openHeld({ settings });
    try {
      assert.equal(await count(page, EARLY), 0, `${name}: no launcher before the app`);
      release();
    } finally {
      await close();
    }
  }
});

test('where availability cannot hide the widget, the launcher shows before the app', async () => {
  const cases = {
    'a bot (it overrides availability)': { config: { bot: { enabled: true }, availability: { mode: 'team_status' } } },
    'business hours with an away message': {
      config: {
        availability: { mode: 'business_hours', ...HOURS, outside_hours: { behavior: 'away_message', message: 'Back soon' } },
      },
    },
    'team_status with an away message': {
      config: { availability: { mode: 'team_status', when_away: { behavior: 'away_message', message: 'Back soon' } } },
    },
    'the config element': {
      extra: `const element = document.createElement('script');
element.type = 'application/json';
element.id = 'sitechat-config';
element.textContent = '{"appearance": {"theme_color": "#ffd700", "position": "left"}}';
document.head.appendChild(element);`,
      look: { background: 'rgb(255, 215, 0)', x: 20 },
    },
  };
  for (const [name, { config, extra, look }] of Object.entries(cases)) {
    const settings = config ? { config } : {};
    const { page, errors, close, release } = await openHeld({ settings, extra });
    try {
      assert.equal(await count(page, EARLY), 1, `${name}: a launcher before the app`);
      if (look) {
        const early = await launcherLook(page, EARLY);
        assert.deepEqual({ background: early.background, x: early.box[0] }, look, `${name}: the config is read`);
      }
      release();
      await waitFor(() => appLauncherShown(page), `${name}: the app's launcher`);
      assertNoErrors(errors, assert);
    } finally {
      await close();
    }
  }
});

test('widget.load() after consent draws it then', async () => {
  const { page, close, release } = await openHeld({ settings: { loadImmediately: false } });
  try {
    assert.equal(await count(page, EARLY), 0);
    await page.evaluate(() => window.SiteChat.widget.load());
    await waitFor(async () => (await count(page, EARLY)) === 1, "the loader's launcher after widget.load()");
    release();
    await waitFor(() => appLauncherShown(page), "the app's launcher");
    assert.equal(await count(page, EARLY), 0);
  } finally {
    await close();
  }
});

test('a config the app refuses: the loader’s launcher goes away with the error', async () => {
  const { page, errors, close, release } = await openHeld({ settings: { config: { appearance: { position: 'rigth' } } } });
  try {
    assert.equal(await count(page, EARLY), 1, 'the loader cannot know every rule, so it drew one');
    release();
    await waitFor(async () => (await count(page, EARLY)) === 0, "the loader's launcher to go");
    await settle(page);
    assert.equal(await count(page, 'div[data-sitechat]'), 0, 'no widget at all');
    assert.ok(errors.some((e) => e.includes('appearance.position')), `the console names the field: ${errors}`);
  } finally {
    await close();
  }
});

test('an app that cannot be downloaded takes the loader’s launcher with it', async () => {
  const { page, errors, close, release } = await openHeld({ fail: true });
  try {
    assert.equal(await count(page, EARLY), 1);
    release();
    await waitFor(async () => (await count(page, EARLY)) === 0, "the loader's launcher to go");
    assert.ok(errors.some((e) => e.includes('sitechat: could not load the widget')), `one console error says why: ${errors}`);
  } finally {
    await close();
  }
});

test('widget.remove() before the app takes the launcher off at once, and the app shows nothing', async () => {
  const { page, errors, close, release } = await openHeld();
  try {
    await page.evaluate(() => window.SiteChat.widget.remove());
    assert.equal(await count(page, EARLY), 0, 'gone at once');
    release();
    await waitFor(() => page.evaluate(() => window.SiteChat.widget.status().loaded === false && !window.SiteChat.widget.status().pending), 'the app to settle');
    await settle(page);
    assert.equal(await count(page, 'div[data-sitechat]'), 0);
    assertNoErrors(errors, assert);
  } finally {
    await close();
  }
});
