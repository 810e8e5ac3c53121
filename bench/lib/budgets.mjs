// The budgets of issue 6: goals the bench checks on every run and turns into its exit
// status. Each is checked on the median of the runs (sizes are the same in every run).
// KB = 1024 bytes, as in loader/build.mjs.

/**
 * Checks `figures` (see bench.mjs: `sizes`, and the summaries `s` of sitechat and `p` of
 * the peer) and returns `[{ budget, measured, ok }]`.
 */
export function checkBudgets({ sizes, s, p }) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const ms = (n) => `${n.toFixed(1)} ms`;
  const list = [
    {
      budget: 'loader ≤ 2 KB brotli',
      measured: kb(sizes.sitechat.loader.brotli),
      ok: sizes.sitechat.loader.brotli <= 2 * 1024,
    },
    {
      budget: 'everything before the launcher ≤ 100 KB brotli',
      measured: kb(sizes.sitechat.total.brotli),
      ok: sizes.sitechat.total.brotli <= 100 * 1024,
    },
    {
      budget: 'launcher visible ≤ 100 ms after DOMContentLoaded',
      measured: ms(s.launcherFromDcl.median),
      ok: s.launcherFromDcl.median <= 100,
    },
    {
      budget: 'zero long tasks during boot',
      measured: `${s.longTasks.median} (max ${s.longTasks.max})`,
      ok: s.longTasks.median === 0,
    },
    {
      budget: '10 000-message conversation opens in < 100 ms',
      measured: ms(s.open.median),
      ok: s.open.median < 100,
    },
    {
      budget: 'append to it in < 5 ms',
      measured: ms(s.append.median),
      ok: s.append.median < 5,
    },
    {
      budget: '≥ 2× better than the peer on bytes (brotli)',
      measured: `${(sizes.peer.total.brotli / sizes.sitechat.total.brotli).toFixed(2)}×`,
      ok: sizes.sitechat.total.brotli * 2 <= sizes.peer.total.brotli,
    },
    {
      budget: '≥ 2× better than the peer on time to launcher',
      measured: `${(p.launcherFromNav.median / s.launcherFromNav.median).toFixed(2)}×`,
      ok: s.launcherFromNav.median * 2 <= p.launcherFromNav.median,
    },
  ];
  return list;
}
