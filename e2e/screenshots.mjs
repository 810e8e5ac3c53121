// Screenshots of the built demo with the chat open, for the README and for reviewing the
// UI: desktop 1280×800 and phone 375×740 (2× pixels), in English and in French.
//
//   node e2e/screenshots.mjs [output directory]     (default: docs/screenshots)
//
// Invariants: each shot comes from a fresh browser context (no stored state); the chat
// is opened the way a marketer's link opens it (`#hs-chat-open`), so nothing is focused
// and no hover state shows; animations are finished before the shot; a shot whose page
// reported an error, or a French shot whose dialog label equals the English one, fails the script instead
// of producing a misleading picture.

import { copyFile, mkdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';

import { DIST, ROOT, inWidget, launchBrowser, openWidgetPage, startServer } from './harness.mjs';
import { demoVariant } from './demo-page.mjs';

const out = resolve(process.argv[2] ?? join(ROOT, 'docs', 'screenshots'));

const DEVICES = {
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
  mobile: { viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
};

// A French visitor: the browser speaks French. The demo page declares `<html lang="en">`,
// and the widget prefers the page's language to the browser's, so the French shot is of
// the same page declared French (what a French site would serve).
const LANGUAGES = {
  en: { locale: 'en-US', path: '/' },
  fr: { locale: 'fr-FR', path: '/fr/' },
};

// What the shots show: a short, believable exchange, played through the demo page's own
// agent panel (the in-memory backend), so the picture is of the real widget at work.
const SCRIPT = {
  en: {
    visitor: 'Hi! Does Lumen connect to BigQuery?',
    agent: 'Yes! BigQuery is one of our 40+ sources, set up in two clicks: https://lumen.example/docs/bigquery',
    followUp: 'Great, and is there a free trial?',
  },
  fr: {
    visitor: 'Bonjour ! Lumen se connecte-t-il à BigQuery ?',
    agent: 'Oui ! BigQuery fait partie de nos 40 sources, en deux clics : https://lumen.example/docs/bigquery',
    followUp: 'Parfait, et y a-t-il un essai gratuit ?',
  },
};

async function playConversation(page, language) {
  const lines = SCRIPT[language];
  const composer = inWidget(page, '.sc-window textarea');
  const send = async (text) => {
    await composer.fill(text);
    await composer.press('Enter');
    await inWidget(page, '.sc-bubble--visitor').filter({ hasText: text }).locator('..').waitFor();
  };
  // On a phone the full-screen window covers the panel: its controls are pressed
  // directly rather than with a pointer.
  const panel = page.locator('.agent-panel');
  await send(lines.visitor);
  await inWidget(page, '.sc-delivery--sent').waitFor();
  await panel.locator('input').fill(lines.agent);
  await panel.getByRole('button', { name: 'Send as agent' }).dispatchEvent('click');
  await inWidget(page, '.sc-bubble--agent').filter({ hasText: 'BigQuery' }).waitFor();
  await send(lines.followUp);
  await inWidget(page, '.sc-delivery--sent').waitFor();
  await panel.getByRole('button', { name: 'Start typing' }).dispatchEvent('click');
  await inWidget(page, '.sc-typing').waitFor();
  // Filling the panel scrolled the page; the shot is of the page's top.
  await page.evaluate(() => window.scrollTo(0, 0));
  // Composer focus would show a caret and focus ring: take it away.
  await page.evaluate(() => document.activeElement?.blur());
  await page.evaluate((host) => document.querySelector(host)?.shadowRoot?.activeElement?.blur(), 'div[data-sitechat]');
}

async function shoot(browser, server, device, language, englishLabel) {
  const { locale, path } = LANGUAGES[language];
  const opened = await openWidgetPage(browser, server.url(`${path}#hs-chat-open`), {
    ...DEVICES[device],
    locale,
    colorScheme: 'light',
    reducedMotion: 'reduce',
  });
  try {
    const { page, errors } = opened;
    const window = inWidget(page, '.sc-window');
    await window.waitFor({ state: 'visible' });
    await playConversation(page, language);
    await page.evaluate(() => document.fonts.ready);
    const label = (await window.getAttribute('aria-label')) ?? '';
    if (language !== 'en' && label === englishLabel) {
      throw new Error(`${device}-${language}: the window is still in English (aria-label ${JSON.stringify(label)})`);
    }
    const file = join(out, `${device}-${language}.png`);
    await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
    if (errors.length) throw new Error(`${device}-${language}: the page reported errors:\n${errors.join('\n')}`);
    return { file, label };
  } finally {
    await opened.close();
  }
}

const browser = await launchBrowser();
const server = await startServer({ root: DIST });
let failed = false;
try {
  server.setPage('/fr/', demoVariant({ lang: 'fr' }));
  await mkdir(out, { recursive: true });
  for (const device of Object.keys(DEVICES)) {
    let englishLabel;
    for (const language of Object.keys(LANGUAGES)) {
      try {
        const { file, label } = await shoot(browser, server, device, language, englishLabel);
        if (language === 'en') englishLabel = label;
        console.log(`${relative(ROOT, file)}  (${label})`);
      } catch (err) {
        failed = true;
        console.error(String(err.message ?? err));
      }
    }
  }
  if (!failed) {
    await copyFile(join(out, 'desktop-en.png'), join(out, 'demo-open.png'));
    console.log(`${relative(ROOT, join(out, 'demo-open.png'))}  (= desktop-en.png)`);
  }
} finally {
  await server.close();
  await browser.close();
}
process.exit(failed ? 1 : 0);
