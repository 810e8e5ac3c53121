// Plain-text tables in Markdown's pipe syntax: readable in a terminal and pasted as they
// are into docs/performance.md.

/** Formats `rows` (arrays of strings) under `header`, columns padded, numbers right-aligned. */
export function table(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const numeric = header.map((_, i) => i > 0);
  const line = (cells) =>
    `| ${cells.map((c, i) => (numeric[i] ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (numeric[i] ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** `12 345` (thin grouping, like the docs). */
export function bytes(n) {
  return Math.round(n).toLocaleString('en-US').replace(/,/g, ' ');
}

/** A duration in ms: one decimal below 10 ms, whole above. */
export function ms(n) {
  return n < 10 ? n.toFixed(1) : Math.round(n).toString();
}

/** Bytes as MB with one decimal. */
export function mb(n) {
  return (n / (1024 * 1024)).toFixed(1);
}

/** A ratio as `0.42×`, or `–` when there is none. */
export function times(r) {
  return r === null || !Number.isFinite(r) ? '–' : `${r < 0.1 ? r.toFixed(3) : r.toFixed(2)}×`;
}
