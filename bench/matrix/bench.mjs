// The Matrix benchmark (issue 19): message throughput and delivery latency visitor →
// agent through sitechat-server and through Synapse, on this machine, with the same
// client load (bench/matrix/drivers.mjs), in one run; printed side by side with the
// ratio. A measurement, not a test: it fails only when a backend loses messages.
//
//   node bench/matrix/bench.mjs [--visitors 20] [--messages 40] [--interval-ms 250]
//
// Needs SITECHAT_SYNAPSE_PYTHON (bench/matrix/run.sh sets it) and a sitechat-server
// binary (SITECHAT_SERVER_BIN; run.sh builds the release one).

import { cpus, loadavg } from 'node:os';

import { launchBrowser, openContext, startServer } from '../../e2e/harness.mjs';
import { AGENT, startChatServer } from '../../e2e/server-harness.mjs';
import { REGISTRATION_TOKEN, startSynapse } from '../../e2e/matrix/synapse.mjs';
import { sitechatDriver, synapseDriver } from './drivers.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const load = { visitors: arg('visitors', 20), perVisitor: arg('messages', 40), intervalMs: arg('interval-ms', 250) };

function stats({ t0, sent, got }) {
  const at = new Map(sent);
  const latencies = got.map(([text, t]) => t - at.get(text)).sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] ?? NaN;
  const last = Math.max(...got.map(([, t]) => t));
  return {
    delivered: got.length,
    expected: sent.length,
    throughput: got.length / ((last - t0) / 1000),
    p50: q(0.5),
    p99: q(0.99),
    max: latencies[latencies.length - 1] ?? NaN,
  };
}

const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

async function main() {
  const started = Date.now();
  const before = loadavg().map((l) => l.toFixed(2)).join(' ');
  const browser = await launchBrowser();
  const results = {};
  let server, synapse, site;
  try {
    server = await startChatServer();
    const agent = await openContext(browser);
    const login = await agent.context.request.post(server.url('/api/agent/login'), { data: { email: AGENT.email, password: AGENT.password } });
    if (login.status() !== 200) throw new Error(`the agent could not sign in: ${login.status()}`);
    await agent.page.goto(server.url('/api/site-config'));
    results['sitechat-server'] = stats(await agent.page.evaluate(sitechatDriver, load));
    await agent.close();
    await server.stop();
    server = null;

    synapse = await startSynapse();
    const ann = await synapse.register('ann', { displayname: 'Ann' });
    site = await startServer({ root: null });
    site.setPage('/', '<!doctype html><title>bench</title>');
    const page = await openContext(browser);
    await page.page.goto(site.url('/'));
    results.Synapse = stats(await page.page.evaluate(synapseDriver, {
      ...load, base: synapse.base, agentToken: ann.token, registrationToken: REGISTRATION_TOKEN,
    }));
    await page.close();
  } finally {
    await site?.close().catch(() => {});
    await server?.stop().catch(() => {});
    await synapse?.stop().catch(() => {});
    await browser.close().catch(() => {});
  }

  const offered = (load.visitors * 1000) / load.intervalMs;
  console.log('\n### Matrix benchmark: visitor → agent, same client load\n');
  console.log(`- ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; load average at start ${before}, at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  console.log(`- load: ${load.visitors} visitors × ${load.perVisitor} messages, one per visitor every ${load.intervalMs} ms (offered ${fmt(offered, 0)} msg/s), after a warm-up that opens each conversation`);
  console.log(`- ${Math.round((Date.now() - started) / 1000)} s\n`);
  const s = results['sitechat-server'];
  const m = results.Synapse;
  const rows = [
    ['delivered', `${s.delivered} / ${s.expected}`, `${m.delivered} / ${m.expected}`, '–'],
    ['throughput (msg/s)', fmt(s.throughput), fmt(m.throughput), `${fmt(m.throughput / s.throughput, 2)}×`],
    ['latency p50 (ms)', fmt(s.p50), fmt(m.p50), `${fmt(m.p50 / s.p50, 2)}×`],
    ['latency p99 (ms)', fmt(s.p99), fmt(m.p99), `${fmt(m.p99 / s.p99, 2)}×`],
    ['latency max (ms)', fmt(s.max), fmt(m.max), `${fmt(m.max / s.max, 2)}×`],
  ];
  console.log('| figure | sitechat-server | Synapse | ratio (Synapse / sitechat) |');
  console.log('|:--|--:|--:|--:|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  if (s.delivered < s.expected || m.delivered < m.expected) {
    console.error('\na backend did not deliver every message within 60 s of the last one sent');
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 3;
});
