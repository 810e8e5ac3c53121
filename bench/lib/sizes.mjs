// Byte counts: raw, gzip and brotli, each at the highest quality a server would use, so
// the figures are what a well-configured site transfers.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** `{ raw, gzip, brotli }` sizes of `bytes` (a Buffer). */
export function sizes(bytes) {
  return {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }).length,
  };
}

/** The sum of several `{ raw, gzip, brotli }`. */
export function total(list) {
  return list.reduce((t, s) => ({ raw: t.raw + s.raw, gzip: t.gzip + s.gzip, brotli: t.brotli + s.brotli }), {
    raw: 0,
    gzip: 0,
    brotli: 0,
  });
}

/**
 * The Rocket.Chat Livechat widget's first load, from its npm package's `build/`: the
 * loader a site embeds (`rocketchat-livechat.min.js`), the `index.html` it opens in an
 * iframe, and the scripts that page loads. Returns `[{ name, ...sizes }]`.
 */
export function livechatFirstLoad(buildDir) {
  const html = readFileSync(join(buildDir, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map((m) => m[1].replace(/^livechat\//, ''));
  if (scripts.length === 0) throw new Error(`${buildDir}/index.html loads no script: has the package changed?`);
  return ['rocketchat-livechat.min.js', 'index.html', ...scripts].map((name) => ({
    name,
    ...sizes(readFileSync(join(buildDir, name))),
  }));
}
