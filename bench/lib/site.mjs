// The bench's web site on 127.0.0.1: one host page per widget (and one without any, for
// the memory baseline), the widgets' built files, and the page scripts. Everything is
// served from memory by the e2e harness's static server, so the bytes the bench reports
// are exactly the bytes the browser received.
//
//   /sitechat/?messages=N   the host page with sitechat, its backend holding N messages
//   /peer/?messages=N       the same page with react-chat-widget, fed the same N messages
//   /empty/                 the same page without a widget

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startServer } from '../../e2e/harness.mjs';
import { SITECHAT, PEER } from './widgets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const BENCH = join(here, '..');
/** The production widget (bench/widget.html built by bench/run.sh). */
export const SITECHAT_DIST = join(BENCH, 'dist', 'sitechat');
/** The bundled peer (bench/peer/build.mjs). */
export const PEER_DIST = join(BENCH, 'dist', 'peer');

/** A page of a site that is not about chat: some text, a form, images would be here. */
function hostPage({ head = '', backend = '', tags = '' }) {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lumen Analytics — product analytics your whole team understands</title>
<link rel="stylesheet" href="/host.css">
${head}
<script src="/page/messages.js"></script>
${backend ? `<script src="${backend}"></script>` : ''}
</head>
<body>
<header><a href="/">Lumen</a> <nav><a href="#features">Features</a> <a href="#pricing">Pricing</a></nav></header>
<main>
<h1>Product analytics your whole team understands.</h1>
<p>Funnels, retention and journeys in plain language: no SQL, no waiting for the data team.</p>
<section id="features">
<h2>Answers in seconds</h2><p>Ask where trial users drop off and get the funnel, not a ticket.</p>
<h2>Private by design</h2><p>Hosted in the EU, no cookies needed, GDPR-ready out of the box.</p>
<h2>Works with your stack</h2><p>Segment, Snowflake, BigQuery and 40 more sources in two clicks.</p>
</section>
<section id="pricing"><h2>Simple pricing</h2><p>Free up to 10 000 events a month. Team plan from 49 euros.</p></section>
</main>
<footer>© 2026 Lumen Analytics</footer>
${tags}
</body>
</html>
`;
}

const HOST_CSS = `body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1f2430; }
header, main, footer { max-width: 960px; margin: 0 auto; padding: 16px; }
h1 { font-size: 40px; line-height: 1.15; }
`;

/** Every file of `dir`, as `[name, bytes]`. */
function filesOf(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => [e.name, readFileSync(join(dir, e.name))]);
}

/**
 * Starts the site. Returns the harness server plus `widgetFile(path)`: for a URL path of
 * a widget's file, `{ widget, part, name, bytes }` (null for the pages and the bench's
 * own scripts), and `widgetPaths()`, the URL paths of every widget file.
 */
export async function startSite() {
  const server = await startServer({ root: null });
  const files = new Map();
  for (const [widget, dir] of [[SITECHAT, SITECHAT_DIST], [PEER, PEER_DIST]]) {
    for (const [name, bytes] of filesOf(dir)) {
      const part = widget.part(name);
      if (!part) continue;
      const path = widget.base + name;
      server.setPage(path, bytes);
      files.set(path, { widget: widget.name, part, name, bytes });
    }
    server.setPage(widget.base, hostPage(widget));
  }
  server.setPage('/empty/', hostPage({}));
  server.setPage('/host.css', HOST_CSS);
  for (const name of ['messages.js', 'sitechat-backend.js', 'peer-backend.js']) {
    server.setPage(`/page/${name}`, readFileSync(join(BENCH, 'page', name)));
  }
  return { ...server, widgetFile: (path) => files.get(path) ?? null, widgetPaths: () => [...files.keys()] };
}
