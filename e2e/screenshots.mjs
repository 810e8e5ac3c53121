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
