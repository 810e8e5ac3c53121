// A TCP proxy on 127.0.0.1 that injects network faults between the widget and the
// server: it cuts every connection, delays bytes, or stalls them, on command.
//
// Invariants: bytes are never reordered, duplicated or altered — only late, or lost
// together with their connection (a cut closes both sides, as a dead network would
// look after a reset); every connection is counted, WebSocket upgrades to
// /ws/visitor separately, so the caller can report reconnects.

import { createServer, connect } from 'node:net';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a proxy to `127.0.0.1:targetPort` on an ephemeral port.
 * Returns `{ url(path), cutAll(), setDelay(ms), stall(ms), stats(), close() }`.
 */
export async function startFaultProxy(targetPort) {
  const pairs = new Set();
  let delayMs = 0;
  let stalledUntil = 0;
  const counts = { connections: 0, visitorSockets: 0, cuts: 0, cutConnections: 0, stalls: 0, delays: 0 };

  /** Forwards `from` to `to` in order, each chunk held for the current delay or stall. */
  function pipe(from, to, onFirstChunk) {
    let chain = Promise.resolve();
    let first = true;
    from.on('data', (chunk) => {
      if (first) {
        first = false;
        onFirstChunk?.(chunk);
      }
      const readyAt = Date.now() + delayMs;
      chain = chain.then(async () => {
        const wait = Math.max(readyAt, stalledUntil) - Date.now();
        if (wait > 0) await sleep(wait);
        if (!to.destroyed) to.write(chunk);
      });
    });
  }

  const server = createServer((client) => {
    counts.connections += 1;
    const upstream = connect(targetPort, '127.0.0.1');
    const pair = { client, upstream };
    pairs.add(pair);
    const end = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    pipe(client, upstream, (chunk) => {
      if (/^GET \/ws\/visitor[ ?]/.test(chunk.toString('latin1', 0, 64))) counts.visitorSockets += 1;
    });
    pipe(upstream, client);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();

  return {
    url: (path = '/') => `http://127.0.0.1:${port}${path}`,
    /** Resets every open connection (both sides see it end at once). */
    cutAll() {
      counts.cuts += 1;
      for (const { client, upstream } of [...pairs]) {
        counts.cutConnections += 1;
        client.resetAndDestroy?.() ?? client.destroy();
        upstream.destroy();
      }
      pairs.clear();
    },
    /** Every byte from now on arrives `ms` later (0 to stop). */
    setDelay(ms) {
      if (ms > 0) counts.delays += 1;
      delayMs = ms;
    },
    /** Nothing passes for `ms`, then everything held goes through in order. */
    stall(ms) {
      counts.stalls += 1;
      stalledUntil = Math.max(stalledUntil, Date.now() + ms);
    },
    stats: () => ({ ...counts, open: pairs.size }),
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
