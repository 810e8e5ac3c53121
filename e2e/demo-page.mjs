// Host pages built from the demo in `dist/`, for tests that need the widget on a page
// of their own (a strict Content-Security-Policy, hostile page CSS, another language).
//
// Invariants: the widget itself is always the built one from `dist/`, booted by the
// built page's own tracking code (`<script src="/sitechat.js" async>`, no inline
// script); a variant page changes only what its options ask for.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DIST } from './harness.mjs';

/** The built demo page, as Trunk wrote it. */
export function builtDemoHtml() {
  return readFileSync(join(DIST, 'index.html'), 'utf8');
}

/** The tracking code the built page carries (throws if the build lost it). */
export const TRACKING_CODE = '<script src="/sitechat.js" async></script>';

/**
 * The demo page, varied:
 * - `lang`: the `<html lang>` attribute;
 * - `head`: markup appended to `<head>` (e.g. a page stylesheet link, a settings script).
 */
export function demoVariant({ lang, head = '' } = {}) {
  let html = builtDemoHtml();
  if (!html.includes(TRACKING_CODE)) throw new Error('dist/index.html: the tracking code is missing');
  if (lang) html = html.replace(/<html lang="[^"]*">/, `<html lang="${lang}">`);
  if (head) html = html.replace('</head>', `${head}\n</head>`);
  return html;
}

/**
 * Serves the demo at `/memory/` wired to the in-memory transport (the agent side is the
 * page's agent panel), with the settings as a file, as a strict CSP would want.
 */
export function serveMemoryDemo(server) {
  server.setPage('/memory/settings.js', "window.sitechatSettings = { transport: 'memory' };\n");
  server.setPage('/memory/', demoVariant({ head: '<script src="/memory/settings.js"></script>' }));
}
