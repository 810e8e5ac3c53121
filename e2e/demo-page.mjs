// Host pages built from the demo in `dist/`, for tests that need the widget on a page
// of their own (a strict Content-Security-Policy, hostile page CSS, another language).
//
// Invariants: the widget itself is always the built one from `dist/` (its wasm-bindgen
// JS and wasm are found in the built `index.html`, never hard-coded, since Trunk hashes
// their names); a variant page changes only what its options ask for.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DIST } from './harness.mjs';

/** The built demo page, as Trunk wrote it. */
export function builtDemoHtml() {
  return readFileSync(join(DIST, 'index.html'), 'utf8');
}

/**
 * The site paths of the widget's wasm-bindgen JS and wasm, read from Trunk's boot script
 * in the built page. Throws naming what is missing if the page is not a Trunk build.
 */
export function widgetAssets(html = builtDemoHtml()) {
  const js = html.match(/import init, \* as bindings from '([^']+\.js)'/)?.[1];
  const wasm = html.match(/module_or_path: '([^']+\.wasm)'/)?.[1];
  if (!js || !wasm) throw new Error('dist/index.html: cannot find the widget JS and wasm in the boot script');
  return { js, wasm };
}

/** Trunk's inline boot script (`<script type="module">…</script>` importing the widget). */
const INLINE_BOOT = /<script type="module">[\s\S]*?<\/script>/;

/**
 * A boot module to serve as a file: what Trunk's inline script does, without being
 * inline, so it runs under `script-src 'self'`.
 */
export function bootModule(assets = widgetAssets()) {
  return `import init from '${assets.js}';\nawait init({ module_or_path: '${assets.wasm}' });\n`;
}

/**
 * The demo page, varied:
 * - `bootSrc`: replace Trunk's inline boot script by `<script type="module" src=…>`;
 * - `lang`: the `<html lang>` attribute;
 * - `head`: markup appended to `<head>` (e.g. a page stylesheet link).
 */
export function demoVariant({ bootSrc, lang, head = '' } = {}) {
  let html = builtDemoHtml();
  if (bootSrc) {
    if (!INLINE_BOOT.test(html)) throw new Error('dist/index.html: no inline boot script to replace');
    html = html.replace(INLINE_BOOT, `<script type="module" src="${bootSrc}"></script>`);
  }
  if (lang) html = html.replace(/<html lang="[^"]*">/, `<html lang="${lang}">`);
  if (head) html = html.replace('</head>', `${head}\n</head>`);
  return html;
}
