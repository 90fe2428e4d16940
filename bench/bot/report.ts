/** Numbers and the one table `npm run bench` prints. */

/** Nearest-rank percentile (p in 0–100) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

export function maxOf(values: readonly number[]): number {
  let max = Number.NaN;
  for (const v of values) if (Number.isNaN(max) || v > max) max = v;
  return max;
}

export const mib = (bytes: number): string => (Number.isFinite(bytes) ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : 'n/a');
export const ms = (value: number, digits = 0): string => (value === Number.POSITIVE_INFINITY ? 'unanswered' : Number.isFinite(value) ? `${value.toFixed(digits)} ms` : 'n/a');
export const count = (value: number): string => (Number.isFinite(value) ? String(Math.round(value)) : 'n/a');

/** `ours / bare`, printed as `1.23×`; '—' when either side is missing or the baseline is 0. */
export function ratio(ours: number, bare: number): string {
  if (!Number.isFinite(ours) || !Number.isFinite(bare) || bare === 0) return '—';
  return `${(ours / bare).toFixed(2)}×`;
}

/** Median of the values, Infinity included (NaN, a figure not measured, left out; NaN for none). */
export function median(values: readonly number[]): number {
  const finite = values.filter((v) => !Number.isNaN(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** `min–max of n` of per-run ratios, or '' when there is one run or none. */
export function spread(ratios: readonly number[]): string {
  const finite = ratios.filter((v) => Number.isFinite(v));
  if (finite.length < 2) return finite.length === 1 ? '1 run' : '';
  return `${Math.min(...finite).toFixed(2)}–${Math.max(...finite).toFixed(2)}× (${finite.length} runs)`;
}

export interface Row {
  figure: string;
  ours: string;
  bare: string;
  ratio: string;
  /** Per-run ratios' range and count. */
  spread: string;
  target: string;
  /** 'yes', 'NO', or '' when the figure has no target. */
  met: string;
}

export const section = (title: string): Row => ({ figure: title, ours: '', bare: '', ratio: '', spread: '', target: '', met: '' });

/** A fixed-width table; numeric-looking cells are right-aligned. */
export function formatTable(rows: readonly Row[]): string {
  const header: Row = { figure: 'figure', ours: 'bot', bare: 'bare discord.js', ratio: 'ratio', spread: 'spread of ratios', target: 'target', met: 'met' };
  const keys: Array<keyof Row> = ['figure', 'ours', 'bare', 'ratio', 'spread', 'target', 'met'];
  const all = [header, ...rows];
  const widths = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  const numeric = /^[-+]?[\d.,]+(\s?[%×a-zA-Z/]*)?$/;
  const line = (r: Row): string =>
    keys
      .map((k, i) => {
        const width = widths[i] ?? 0;
        const cell = r[k];
        return k !== 'figure' && numeric.test(cell) ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}
