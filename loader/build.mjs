// Writes the loader `sitechat.js` into a Trunk build (the post-build hook in Trunk.toml).
//
// It finds the app that Trunk just built in the staging directory (the wasm-bindgen
// module `sitechat-<hash>.js` and its `sitechat-<hash>_bg.wasm`; the loader itself is
// the one `sitechat.js` without a hash), fills their
// names into loader/sitechat.js, minifies it (esbuild), and checks the budget: the
// loader must stay under 2 KB brotli. The hashed names let a site cache the
// app for good while the loader (a fixed URL) stays short-lived.
//
//   node loader/build.mjs [directory]    default: $TRUNK_STAGING_DIR, else dist/
//
// Exits non-zero, naming what is wrong, if the app files are missing or ambiguous or the
// budget is exceeded.

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants } from 'node:zlib';

import { transformSync } from 'esbuild';

/** The loader's size budget, brotli-compressed, in bytes. */
export const BUDGET_BYTES = 2048;

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The loader source with the app names filled in, minified. The target is ES2020, the
 * first edition with `import()`, which the loader needs anyway.
 */
export function buildLoader(source, { js, wasm }) {
  const text = source.replace('{{app_js}}', `./${js}`).replace('{{app_wasm}}', `./${wasm}`);
  if (text.includes('{{')) throw new Error('loader/sitechat.js: a placeholder was left unfilled');
  const { code } = transformSync(text, { minify: true, target: 'es2020', legalComments: 'none' });
  return `/*! sitechat */\n${code}`;
}

/** The brotli size of `text`, at the maximum quality a server would use. */
export function brotliSize(text) {
  return brotliCompressSync(Buffer.from(text), {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY },
  }).length;
}

/** The app's JS and wasm file names in `dir`; throws unless there is exactly one of each. */
export function findApp(dir) {
  const files = readdirSync(dir);
  const js = files.filter((f) => /^sitechat-[0-9a-f]+\.js$/.test(f));
  const wasm = files.filter((f) => /^sitechat-[0-9a-f]+_bg\.wasm$/.test(f));
  if (js.length !== 1 || wasm.length !== 1) {
    throw new Error(`${dir}: expected one sitechat-<hash>.js and one sitechat-<hash>_bg.wasm, found ${[...js, ...wasm].join(', ') || 'none'}`);
  }
  return { js: js[0], wasm: wasm[0] };
}

function main() {
  const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR ?? join(here, '..', 'dist');
  const loader = buildLoader(readFileSync(join(here, 'sitechat.js'), 'utf8'), findApp(dir));
  const size = brotliSize(loader);
  if (size > BUDGET_BYTES) {
    throw new Error(`the loader is ${size} bytes brotli, over its budget of ${BUDGET_BYTES}`);
  }
  writeFileSync(join(dir, 'sitechat.js'), loader);
  console.error(`[loader] sitechat.js: ${Buffer.byteLength(loader)} bytes, ${size} bytes brotli (budget ${BUDGET_BYTES})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main();
  } catch (err) {
    console.error(`[loader] ${err.message}`);
    process.exit(1);
  }
}
