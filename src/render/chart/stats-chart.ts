import type { SKRSContext2D } from '@napi-rs/canvas';
import type { OutcomeKey, StatsSummary } from '../../domain/statistics.js';
import { CHART_FONT, ensureChartFonts } from './fonts.js';
import { encodePng } from './png.js';

/**
 * The statistics chart: an opaque dark card with rounded corners (the corners themselves are
 * transparent), so it reads the same on Discord's dark and light themes. Left: one bar per
 * outcome. Right: how often each top trait was rolled.
 */
export const STATS_CHART = {
  width: 1000,
  height: 560,
  radius: 28,
  margin: 40,
  /** Outcome panel: bars stand on `baseline`; the tallest reaches `baseline - maxBar`. */
  outcomes: { left: 40, right: 500, baseline: 470, maxBar: 230, barWidth: 72 },
  /** Trait panel: names from `left`, bars from `barLeft`, rows from `top`. */
  traits: { left: 540, nameWidth: 190, barLeft: 740, maxBar: 170, top: 180, bottom: 530, maxRow: 46, barHeight: 18 },
} as const;

export const CHART_COLORS = {
  card: '#1e2029',
  border: '#3a3e4b',
  grid: '#2c2f3a',
  text: '#f2f3f5',
  muted: '#b5bac1',
  trait: '#7b86f7',
  outcome: {
    critical: '#f1c40f',
    success: '#2ecc71',
    failure: '#95a5a6',
    // Lighter than the embed colour so the bar keeps a 3:1 contrast on the dark card.
    botch: '#b57edc',
  } satisfies Record<OutcomeKey, string>,
} as const;

export const STATS_CHART_FILENAME = 'roll-stats.png';

/** The centre x of the outcome bar at `index` (0 critical … 3 botch); tests sample pixels there. */
export function outcomeBarCenter(index: number): number {
  const { left, right } = STATS_CHART.outcomes;
  const slot = (right - left) / 4;
  return left + slot * index + slot / 2;
}

/** Height in pixels of an outcome bar: proportional to its count, the largest count reaching maxBar. */
export function outcomeBarHeight(count: number, maxCount: number): number {
  if (count <= 0 || maxCount <= 0) return 0;
  return Math.max(2, Math.round((count / maxCount) * STATS_CHART.outcomes.maxBar));
}

export function traitRowHeight(rows: number): number {
  const { top, bottom, maxRow } = STATS_CHART.traits;
  return rows <= 0 ? maxRow : Math.min(maxRow, Math.floor((bottom - top) / rows));
}

export function traitBarWidth(count: number, maxCount: number): number {
  if (count <= 0 || maxCount <= 0) return 0;
  return Math.max(2, Math.round((count / maxCount) * STATS_CHART.traits.maxBar));
}

export function formatPercent(percent: number): string {
  const rounded = Math.round(percent * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}

function formatAverage(value: number | null): string {
  return value === null ? '–' : (Math.round(value * 10) / 10).toString();
}

function roundedRect(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, r: number): void {
  const radius = Math.min(r, w / 2, h / 2);
  ctx.beginPath();
  ctx.moveTo(x + radius, y);
  ctx.arcTo(x + w, y, x + w, y + h, radius);
  ctx.arcTo(x + w, y + h, x, y + h, radius);
  ctx.arcTo(x, y + h, x, y, radius);
  ctx.arcTo(x, y, x + w, y, radius);
  ctx.closePath();
}

/** A bar standing on its base: square bottom, rounded top. */
function topRoundedRect(ctx: SKRSContext2D, x: number, y: number, w: number, h: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x, y + h);
  ctx.lineTo(x, y + r);
  ctx.arcTo(x, y, x + r, y, r);
  ctx.lineTo(x + w - r, y);
  ctx.arcTo(x + w, y, x + w, y + r, r);
  ctx.lineTo(x + w, y + h);
  ctx.closePath();
}

/** Cuts text to `maxWidth` pixels, ending in an ellipsis when it had to cut. */
function fit(ctx: SKRSContext2D, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  let cut = text;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > maxWidth) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

function font(size: number, bold = false): string {
  return `${bold ? 'bold ' : ''}${size}px ${CHART_FONT}`;
}

function drawCard(ctx: SKRSContext2D): void {
  const { width, height, radius } = STATS_CHART;
  roundedRect(ctx, 1, 1, width - 2, height - 2, radius);
  ctx.fillStyle = CHART_COLORS.card;
  ctx.fill();
  ctx.lineWidth = 2;
  ctx.strokeStyle = CHART_COLORS.border;
  ctx.stroke();
}

function drawHeader(ctx: SKRSContext2D, summary: StatsSummary): void {
  const { margin, width } = STATS_CHART;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'alphabetic';
  ctx.fillStyle = CHART_COLORS.text;
  ctx.font = font(32, true);
  const prefix = summary.kind === 'campaign' ? 'Campaign rolls' : 'Roll statistics';
  ctx.fillText(fit(ctx, `${prefix} · ${summary.subject}`, width - 2 * margin), margin, 68);
  ctx.fillStyle = CHART_COLORS.muted;
  ctx.font = font(21);
  const rolls = `${summary.totalRolls} roll${summary.totalRolls === 1 ? '' : 's'}`;
  ctx.fillText(
    fit(ctx, `${rolls} · average pool ${formatAverage(summary.averagePool)} · average difficulty ${formatAverage(summary.averageDifficulty)}`, width - 2 * margin),
    margin,
    104,
  );
}

function drawSectionTitle(ctx: SKRSContext2D, text: string, x: number): void {
  ctx.textAlign = 'left';
  ctx.fillStyle = CHART_COLORS.muted;
  ctx.font = font(20, true);
  ctx.fillText(text.toUpperCase(), x, 154);
}

function drawOutcomes(ctx: SKRSContext2D, summary: StatsSummary): void {
  const { left, right, baseline, maxBar, barWidth } = STATS_CHART.outcomes;
  drawSectionTitle(ctx, 'Outcomes', left);
  // Light guide lines at quarters of the tallest bar.
  ctx.strokeStyle = CHART_COLORS.grid;
  ctx.lineWidth = 1;
  for (let q = 1; q <= 4; q++) {
    const y = Math.round(baseline - (maxBar * q) / 4) + 0.5;
    ctx.beginPath();
    ctx.moveTo(left, y);
    ctx.lineTo(right, y);
    ctx.stroke();
  }
  const maxCount = Math.max(0, ...summary.outcomes.map((o) => o.count));
  summary.outcomes.forEach((outcome, index) => {
    const cx = outcomeBarCenter(index);
    const h = outcomeBarHeight(outcome.count, maxCount);
    if (h > 0) {
      ctx.fillStyle = CHART_COLORS.outcome[outcome.key];
      topRoundedRect(ctx, cx - barWidth / 2, baseline - h, barWidth, h, Math.min(8, h / 2));
      ctx.fill();
    }
    ctx.textAlign = 'center';
    ctx.fillStyle = CHART_COLORS.text;
    ctx.font = font(22, true);
    ctx.fillText(String(outcome.count), cx, baseline - h - 10);
    ctx.font = font(18);
    ctx.fillText(outcome.label, cx, baseline + 28);
    ctx.fillStyle = CHART_COLORS.muted;
    ctx.font = font(17);
    ctx.fillText(formatPercent(outcome.percent), cx, baseline + 52);
  });
  ctx.strokeStyle = CHART_COLORS.border;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(left, baseline + 1);
  ctx.lineTo(right, baseline + 1);
  ctx.stroke();
}

function drawTraits(ctx: SKRSContext2D, summary: StatsSummary): void {
  const { left, nameWidth, barLeft, top, barHeight } = STATS_CHART.traits;
  drawSectionTitle(ctx, 'Top traits', left);
  ctx.textBaseline = 'middle';
  if (summary.topTraits.length === 0) {
    ctx.textAlign = 'left';
    ctx.fillStyle = CHART_COLORS.muted;
    ctx.font = font(19);
    const note = summary.topTraitsHidden ? 'Hidden: a storyteller\'s traits' : 'No trait rolls yet';
    ctx.fillText(note, left, top + 20);
    ctx.textBaseline = 'alphabetic';
    return;
  }
  const row = traitRowHeight(summary.topTraits.length);
  const maxCount = Math.max(0, ...summary.topTraits.map((t) => t.usage_count));
  const size = Math.min(20, Math.max(14, row - 20));
  summary.topTraits.forEach((trait, index) => {
    const cy = top + row * index + row / 2;
    ctx.textAlign = 'left';
    ctx.fillStyle = CHART_COLORS.text;
    ctx.font = font(size);
    ctx.fillText(fit(ctx, trait.name, nameWidth), left, cy);
    const w = traitBarWidth(trait.usage_count, maxCount);
    const h = Math.min(barHeight, row - 8);
    ctx.fillStyle = CHART_COLORS.trait;
    roundedRect(ctx, barLeft, cy - h / 2, w, h, Math.min(5, h / 2, w / 2));
    ctx.fill();
    ctx.fillStyle = CHART_COLORS.muted;
    ctx.font = font(size, true);
    ctx.fillText(String(trait.usage_count), barLeft + w + 10, cy);
  });
  ctx.textBaseline = 'alphabetic';
}

function drawEmpty(ctx: SKRSContext2D): void {
  const { width, height } = STATS_CHART;
  ctx.textAlign = 'center';
  ctx.fillStyle = CHART_COLORS.text;
  ctx.font = font(30, true);
  ctx.fillText('No rolls yet', width / 2, height / 2 + 10);
  ctx.fillStyle = CHART_COLORS.muted;
  ctx.font = font(21);
  ctx.fillText('Roll a quickroll and the chart fills in.', width / 2, height / 2 + 50);
}

/** Draws the chart and encodes it as PNG (the bot calls it on its chart worker: see ChartRenderer). */
export async function renderStatsChart(summary: StatsSummary): Promise<Buffer> {
  // Loaded on the first chart: the canvas library is ~26 MiB of RSS a bot may never need.
  const { createCanvas, GlobalFonts } = await import('@napi-rs/canvas');
  ensureChartFonts(GlobalFonts);
  const canvas = createCanvas(STATS_CHART.width, STATS_CHART.height);
  const ctx = canvas.getContext('2d');
  drawCard(ctx);
  drawHeader(ctx, summary);
  if (summary.empty) {
    drawEmpty(ctx);
  } else {
    drawOutcomes(ctx, summary);
    drawTraits(ctx, summary);
  }
  return encodePng(canvas.width, canvas.height, canvas.data());
}
