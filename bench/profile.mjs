// Where sitechat's milliseconds go: a CPU profile (DevTools protocol) of one step of the
// bench, summarised as the functions with the most self time. With `--names` the page
// gets the wasm as wasm-bindgen wrote it, before wasm-opt stripped the function names
// (slower, but every Rust function is named); without, the shipped wasm.
//
//   node bench/profile.mjs boot|click|open|append [--names] [--messages N] [--top N]
//
// boot: navigation to the launcher; click: launcher click to window open (first-time
// visitor); open: launcher click to a conversation of N messages (default 10 000) open;
// append: one more message into it. Run bench/run.sh once first (it builds what this serves).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { launchBrowser } from '../e2e/harness.mjs';
import { returningVisitor } from './lib/measure.mjs';
import { probeScript } from './lib/probe.mjs';
import { BENCH, startSite } from './lib/site.mjs';
import { SITECHAT } from './lib/widgets.mjs';

const args = process.argv.slice(2);
const step = args[0];
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i < 0 ? fallback : Number(args[i + 1]);
};
if (!['boot', 'click', 'open', 'append'].includes(step)) {
  console.error('usage: node bench/profile.mjs boot|click|open|append [--names] [--messages N] [--top N]');
  process.exit(2);
}
const messages = flag('--messages', 10_000);
const top = flag('--top', 30);

const site = await startSite();
if (args.includes('--names')) {
  // Same URL, the wasm before wasm-opt (it keeps the "name" section).
  const named = readFileSync(join(BENCH, '..', 'target', 'wasm-bindgen', 'release', 'sitechat_bg.wasm'));
  const path = site.widgetPaths().find((p) => p.endsWith('_bg.wasm'));
  site.setPage(path, named);
}
const browser = await launchBrowser();
try {
  const storage = step === 'open' || step === 'append' ? await returningVisitor(browser, site, SITECHAT) : [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (storage.length) {
    await context.addInitScript((entries) => {
      for (const [k, v] of entries) localStorage.setItem(k, v);
    }, storage);
  }
  await context.addInitScript(probeScript(SITECHAT.target));
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  const launcher = () => page.waitForFunction(() => window.__bench.marks.launcher, null, { polling: 50 });
  if (step === 'boot') {
    await cdp.send('Profiler.start');
    await page.goto(site.url(SITECHAT.base), { waitUntil: 'load' });
    await launcher();
  } else {
    await page.goto(site.url(`${SITECHAT.base}?messages=${step === 'click' ? 0 : messages}`), { waitUntil: 'load' });
    await launcher();
    await page.evaluate(() => window.__benchBackend.fed);
    await page.waitForTimeout(300);
    const click = () =>
      page.evaluate((n) => {
        const b = window.__bench;
        const marker = n ? window.benchMessages.marker(n) : null;
        return b.interact(
          () => b.find(b.target.launcher).click(),
          () => (b.visible(b.find(b.target.window)) ? (marker ? b.shows(marker) : b.find(b.target.window)) : null),
        );
      }, step === 'click' ? 0 : messages);
    if (step === 'append') await click();
    await cdp.send('Profiler.start');
    const t =
      step === 'append'
        ? await page.evaluate(() => {
            const b = window.__bench;
            let marker = null;
            return b.interact(() => (marker = window.__benchBackend.append()), () => b.shows(marker));
          })
        : await click();
    console.log(`${step}: ${t.layout.toFixed(1)} ms to layout, ${t.frame.toFixed(1)} ms to the next frame`);
  }
  const { profile } = await cdp.send('Profiler.stop');
  await context.close();

  // Self time per function: samples × their intervals, attributed to the sampled node.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const name = node.callFrame.functionName || `(anonymous ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber})`;
    self.set(name, (self.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const rows = [...self.entries()].filter(([n]) => n !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top);
  console.log(`self time by function (ms), ${total.toFixed(0)} ms profiled:`);
  for (const [name, t] of rows) console.log(`${t.toFixed(1).padStart(8)}  ${name.slice(0, 150)}`);
} finally {
  await browser.close();
  await site.close();
}
