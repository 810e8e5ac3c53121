// Bundles the peer (peer/entry.jsx: react-chat-widget 3.1.4 with React 17) for the browser
// with esbuild: minified, production React, one JS file and one CSS file in
// bench/dist/peer/. Their sizes are what the bench compares sitechat's against.
//
//   node bench/peer/build.mjs

import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** Where the bench serves the peer from. */
export const PEER_DIST = join(here, '..', 'dist', 'peer');

await build({
  entryPoints: { peer: join(here, 'entry.jsx') },
  outdir: PEER_DIST,
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2019',
  jsx: 'transform',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.png': 'dataurl', '.svg': 'dataurl', '.gif': 'dataurl' },
  legalComments: 'none',
  logLevel: 'warning',
});
console.error(`[bench] peer bundled in ${PEER_DIST}`);
