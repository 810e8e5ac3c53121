// The performance benchmark: sitechat against react-chat-widget, in one run, in Debian's
// headless Chromium on 127.0.0.1. Started by bench/run.sh (which builds what it measures);
// see docs/performance.md for what each figure means and how it is taken.
//
//   node bench/bench.mjs [--runs N] [--json FILE]
//
// Prints the machine, the bytes each widget transfers before its launcher is visible and
// before its app is there, the
// timing and memory table (median [min–max] of N runs, ratio sitechat / peer), the
// Rocket.Chat Livechat size anchor and the budgets; exits 1 when a budget is missed,
// 2 on a usage error, 3 when a measurement failed.

import { cpus, loadavg, totalmem } from 'node:os';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { launchBrowser } from '../e2e/harness.mjs';
import { checkBudgets } from './lib/budgets.mjs';
import { boot, longConversation, memory, memoryWith, returningVisitor, BOOT_TAIL_MS, APPENDS } from './lib/measure.mjs';
import { BENCH, startSite } from './lib/site.mjs';
import { livechatFirstLoad, sizes as sizesOf, total } from './lib/sizes.mjs';
import { ratio, summary } from './lib/stats.mjs';
import { bytes, mb, ms, table, times } from './lib/table.mjs';
import { PARTS, PEER, SITECHAT } from './lib/widgets.mjs';

/** Messages in the conversation whose memory is measured, and in the long one. */
const MEMORY_MESSAGES = 1000;
const LONG_MESSAGES = 10_000;

function usage(message) {
  console.error(`bench: ${message}\nusage: node bench/bench.mjs [--runs N] [--json FILE]`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { runs: 5, json: join(BENCH, 'results', 'latest.json') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--runs') {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) usage(`--runs takes a whole number ≥ 1, got ${argv[i]}`);
      options.runs = n;
    } else if (arg === '--json') {
      if (!argv[i + 1]) usage('--json takes a file name');
      options.json = argv[++i];
    } else {
      usage(`unknown argument ${arg}`);
    }
  }
  return options;
}

const say = (text) => console.error(`\x1b[1m[bench]\x1b[0m ${text}`);

/** The widget's files received before its launcher was visible, by part, with sizes. */
function partSizes(files) {
  const byPart = {};
  for (const part of PARTS) {
    const list = files.filter((f) => f.part === part);
    byPart[part] = { names: list.map((f) => f.name), ...total(list.map((f) => sizesOf(f.bytes))) };
  }
  byPart.total = total(PARTS.map((p) => byPart[p]));
  return byPart;
}

/** The files a widget fetched before its launcher, as a stable key (they must not vary). */
const fileKey = (files) => files.map((f) => f.name).sort().join(' ');

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const livechatDir = join(BENCH, '.cache', 'livechat', 'package', 'build');
  if (!existsSync(livechatDir)) usage(`${livechatDir} is missing: run bench/run.sh, which fetches it`);

  const site = await startSite();
  const browser = await launchBrowser();
  const version = browser.version();
  const started = Date.now();
  const load = loadavg();
  const runs = { [SITECHAT.name]: [], [PEER.name]: [] };
  const baseline = [];
  let files = null;
  let filesReady = null;
  try {
    say(`a returning visitor's first visit (sitechat stores the conversation id)`);
    const storage = await returningVisitor(browser, site, SITECHAT);
    for (let run = 1; run <= options.runs; run++) {
      // Alternate who goes first, so a slow moment of the machine hits both alike.
      const order = run % 2 ? [SITECHAT, PEER] : [PEER, SITECHAT];
      const results = {};
      for (const widget of order) results[widget.name] = { ...(await boot(browser, site, widget)) };
      for (const widget of order) {
        const mem = await memoryWith(browser, site, widget, MEMORY_MESSAGES, widget === SITECHAT ? storage : []);
        results[widget.name].jsHeap1000 = mem.jsHeap;
        results[widget.name].wasm1000 = mem.wasm;
      }
      for (const widget of order) {
        Object.assign(results[widget.name], await longConversation(browser, site, widget, LONG_MESSAGES, widget === SITECHAT ? storage : []));
      }
      {
        // The host page without any widget: what the page itself holds.
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(site.url('/empty/'), { waitUntil: 'load' });
        baseline.push(await memory(context, page));
        await context.close();
      }
      for (const widget of order) {
        const r = results[widget.name];
        for (const [seen, key, when] of [[(files ??= {}), 'files', 'its launcher'], [(filesReady ??= {}), 'filesReady', 'its app was there']]) {
          if (seen[widget.name] && fileKey(seen[widget.name]) !== fileKey(r[key])) {
            throw new Error(`${widget.name} fetched other files before ${when} in run ${run}: ${fileKey(r[key])}`);
          }
          seen[widget.name] ??= r[key];
          delete r[key];
        }
        runs[widget.name].push(r);
      }
      const s = results[SITECHAT.name];
      const p = results[PEER.name];
      say(
        `run ${run}/${options.runs}: launcher ${ms(s.launcherFromNav)} vs ${ms(p.launcherFromNav)} ms, ` +
          `open ${LONG_MESSAGES} ${ms(s.open)} vs ${ms(p.open)} ms, append ${ms(s.append)} vs ${ms(p.append)} ms`,
      );
    }
  } finally {
    await browser.close();
    await site.close();
  }

  const sizes = { sitechat: partSizes(files[SITECHAT.name]), peer: partSizes(files[PEER.name]) };
  const sizesReady = { sitechat: partSizes(filesReady[SITECHAT.name]), peer: partSizes(filesReady[PEER.name]) };
  const summarise = (name) => {
    const list = runs[name];
    const pick = (f) => summary(list.map(f));
    return {
      launcherFromNav: pick((r) => r.launcherFromNav),
      launcherFromDcl: pick((r) => r.launcherFromDcl),
      readyFromNav: pick((r) => r.readyFromNav),
      readyFromDcl: pick((r) => r.readyFromDcl),
      windowOpen: pick((r) => r.windowOpen),
      longTasks: pick((r) => r.longTasks),
      tbt: pick((r) => r.tbt),
      longestTask: pick((r) => r.longestTask),
      jsHeap: pick((r) => r.jsHeap),
      wasm: pick((r) => r.wasm),
      memory: pick((r) => r.jsHeap + r.wasm),
      jsHeap1000: pick((r) => r.jsHeap1000),
      wasm1000: pick((r) => r.wasm1000),
      memory1000: pick((r) => r.jsHeap1000 + r.wasm1000),
      open: pick((r) => r.open),
      openLayout: pick((r) => r.openLayout),
      append: pick((r) => r.append),
    };
  };
  const s = summarise(SITECHAT.name);
  const p = summarise(PEER.name);
  const livechat = livechatFirstLoad(livechatDir);

  // ----- the report -----
  const out = [];
  out.push(`## Machine\n`);
  out.push(`- ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
  out.push(`- Chromium ${version} (headless), Node ${process.version}`);
  out.push(`- load average at start ${load.map((l) => l.toFixed(2)).join(' ')}, at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  out.push(`- ${options.runs} runs, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);

  const sizeRow = (label, a, b) => [
    label,
    bytes(a.raw), bytes(a.gzip), bytes(a.brotli),
    bytes(b.raw), bytes(b.gzip), bytes(b.brotli),
    times(ratio(a.brotli, b.brotli)),
  ];
  const sizeTable = (title, both) => {
    out.push(`## ${title}\n`);
    out.push(
      table(
        ['file', 'sitechat raw', 'gzip', 'brotli', 'peer raw', 'gzip', 'brotli', 'ratio (brotli)'],
        [...PARTS.map((part) => sizeRow(part, both.sitechat[part], both.peer[part])), sizeRow('**total**', both.sitechat.total, both.peer.total)],
      ),
    );
    const names = (w) => PARTS.map((part) => `${part} = ${w[part].names.join(', ') || 'none'}`).join('; ');
    out.push(`\nsitechat: ${names(both.sitechat)}.\npeer: ${names(both.peer)}.\n`);
  };
  sizeTable('Bytes transferred before the launcher is visible', sizes);
  sizeTable("Bytes transferred before the widget's app is there", sizesReady);

  out.push(`## Time and memory (median [min–max] of ${options.runs} runs)\n`);
  const fmt = (x, f) => `${f(x.median)} [${f(x.min)}–${f(x.max)}]`;
  const count = (n) => String(n);
  const row = (label, key, f) => [label, fmt(s[key], f), fmt(p[key], f), times(ratio(s[key].median, p[key].median))];
  out.push(
    table(
      ['figure', 'sitechat', 'react-chat-widget', 'ratio'],
      [
        row('launcher visible, from navigation start (ms)', 'launcherFromNav', ms),
        row('launcher visible, after DOMContentLoaded (ms)', 'launcherFromDcl', ms),
        row("widget's app there, from navigation start (ms)", 'readyFromNav', ms),
        row("widget's app there, after DOMContentLoaded (ms)", 'readyFromDcl', ms),
        row('window open after a click, next frame (ms)', 'windowOpen', ms),
        row(`long tasks during boot (count)`, 'longTasks', count),
        row(`total blocking time during boot (ms)`, 'tbt', ms),
        row(`longest task during boot (ms)`, 'longestTask', ms),
        row('JS heap after boot (MB)', 'jsHeap', mb),
        row('wasm memory after boot (MB)', 'wasm', mb),
        row('JS heap + wasm after boot (MB)', 'memory', mb),
        row(`JS heap, ${bytes(MEMORY_MESSAGES)} messages open (MB)`, 'jsHeap1000', mb),
        row(`wasm memory, ${bytes(MEMORY_MESSAGES)} messages open (MB)`, 'wasm1000', mb),
        row(`JS heap + wasm, ${bytes(MEMORY_MESSAGES)} messages open (MB)`, 'memory1000', mb),
        row(`open a ${bytes(LONG_MESSAGES)}-message conversation, next frame (ms)`, 'open', ms),
        row(`open it, until laid out (ms)`, 'openLayout', ms),
        row(`append one message to it, until laid out (ms)`, 'append', ms),
      ],
    ),
  );
  const base = summary(baseline.map((m) => m.jsHeap));
  out.push(
    `\nThe host page alone (no widget) holds ${mb(base.median)} MB of JS heap. Boot = navigation start until ` +
      `${BOOT_TAIL_MS} ms after the widget's app is there; append = the median of ${APPENDS} in each run.\n`,
  );

  out.push(`## Size anchor: Rocket.Chat Livechat (@rocket.chat/livechat, first load)\n`);
  const lt = total(livechat);
  out.push(
    table(
      ['file', 'raw', 'gzip', 'brotli'],
      [...livechat.map((f) => [f.name, bytes(f.raw), bytes(f.gzip), bytes(f.brotli)]), ['**total**', bytes(lt.raw), bytes(lt.gzip), bytes(lt.brotli)]],
    ),
  );
  out.push(
    `\nsitechat / Livechat (brotli): before the launcher ${times(ratio(sizes.sitechat.total.brotli, lt.brotli))}; ` +
      `the whole widget app ${times(ratio(sizesReady.sitechat.total.brotli, lt.brotli))}\n`,
  );

  out.push(`## Budgets\n`);
  const budgets = checkBudgets({ sizes, s, p });
  out.push(table(['budget', 'measured', 'met'], budgets.map((b) => [b.budget, b.measured, b.ok ? 'yes' : '**no**'])));
  const missed = budgets.filter((b) => !b.ok);
  out.push('');
  out.push(missed.length ? `${missed.length} of ${budgets.length} budgets missed.` : `All ${budgets.length} budgets met.`);
  console.log(out.join('\n'));

  mkdirSync(dirname(options.json), { recursive: true });
  writeFileSync(
    options.json,
    JSON.stringify({ date: new Date().toISOString(), chromium: version, runs, baseline, sizes, sizesReady, livechat, summary: { sitechat: s, peer: p }, budgets }, null, 1),
  );
  say(`raw figures in ${options.json}`);
  return missed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bench: ${err.stack ?? err}`);
    process.exit(3);
  },
);
