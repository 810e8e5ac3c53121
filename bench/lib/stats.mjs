// Summaries of repeated measurements: the median (what the bench compares and the budgets
// check) with the min and max beside it, so the spread of a noisy machine stays visible.

/** `{ median, min, max, n }` of a non-empty list of numbers. */
export function summary(values) {
  if (values.length === 0) throw new Error('summary of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

/** sitechat / peer, or null when the peer's figure is zero. */
export function ratio(ours, theirs) {
  return theirs === 0 ? null : ours / theirs;
}
