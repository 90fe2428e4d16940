import { createCanvas, GlobalFonts, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import type { RollStatistics } from '../../src/api/index.js';
import { summarize, type StatsSummary } from '../../src/domain/statistics.js';
import { CHART_FONT } from '../../src/render/chart/fonts.js';
import {
  CHART_COLORS,
  formatPercent,
  outcomeBarCenter,
  renderStatsChart,
  STATS_CHART,
  traitRowHeight,
} from '../../src/render/chart/stats-chart.js';

type Rgba = [number, number, number, number];

interface Pixels {
  width: number;
  height: number;
  at(x: number, y: number): Rgba;
}

async function decode(png: Buffer): Promise<Pixels> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const data = ctx.getImageData(0, 0, image.width, image.height).data;
  return {
    width: image.width,
    height: image.height,
    at(x, y) {
      const i = (Math.round(y) * image.width + Math.round(x)) * 4;
      return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0, data[i + 3] ?? 0];
    },
  };
}

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function near(pixel: Rgba, hex: string, tolerance = 12): boolean {
  const [r, g, b] = rgb(hex);
  return pixel[3] === 255 && Math.abs(pixel[0] - r) <= tolerance && Math.abs(pixel[1] - g) <= tolerance && Math.abs(pixel[2] - b) <= tolerance;
}

/** Pixels of `hex` in the column at x, scanning up from just above the baseline. */
function barHeightAt(pixels: Pixels, x: number, hex: string): number {
  let height = 0;
  for (let y = STATS_CHART.outcomes.baseline - 1; y > 120; y--) {
    if (near(pixels.at(x, y), hex)) height++;
  }
  return height;
}

/** Pixels of `hex` along the row at y, right of the trait bars' start. */
function barWidthAt(pixels: Pixels, y: number, hex: string): number {
  let width = 0;
  for (let x = STATS_CHART.traits.barLeft - 2; x < pixels.width; x++) if (near(pixels.at(x, y), hex)) width++;
  return width;
}

function luminance(hex: string): number {
  const [r, g, b] = rgb(hex).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

function stats(overrides: Partial<RollStatistics> = {}): RollStatistics {
  return {
    criticals: 5,
    successes: 20,
    failures: 10,
    botches: 0,
    total_rolls: 35,
    average_pool: 5.2,
    average_difficulty: 6.4,
    top_traits: [
      { name: 'Strength', usage_count: 12, trait_id: 't1' },
      { name: 'Brawl', usage_count: 6, trait_id: 't2' },
      { name: 'Dexterity', usage_count: 3, trait_id: 't3' },
    ],
    criticals_percentage: (5 / 35) * 100,
    success_percentage: (20 / 35) * 100,
    failure_percentage: (10 / 35) * 100,
    botch_percentage: 0,
    ...overrides,
  };
}

const summary = (s: RollStatistics, hide = false): StatsSummary => summarize(s, 'Pia Player', 'member', hide);

describe('renderStatsChart', () => {
  it('draws a PNG of the declared size on an opaque card with transparent rounded corners', async () => {
    const png = await renderStatsChart(summary(stats()));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    const pixels = await decode(png);
    expect([pixels.width, pixels.height]).toEqual([STATS_CHART.width, STATS_CHART.height]);
    // Outside the rounded corners: fully transparent, so the corners do not show as a square.
    for (const [x, y] of [[0, 0], [pixels.width - 1, 0], [0, pixels.height - 1], [pixels.width - 1, pixels.height - 1]] as const) {
      expect(pixels.at(x, y)[3]).toBe(0);
    }
    // Inside: the opaque card colour, whatever the Discord theme behind it.
    for (const [x, y] of [[20, 300], [980, 300], [500, 550], [500, 130]] as const) {
      expect(near(pixels.at(x, y), CHART_COLORS.card, 2)).toBe(true);
    }
  });

  it('draws outcome bars whose heights are proportional to the counts', async () => {
    const pixels = await decode(await renderStatsChart(summary(stats())));
    const keys = ['critical', 'success', 'failure', 'botch'] as const;
    const heights = keys.map((key, i) => barHeightAt(pixels, outcomeBarCenter(i), CHART_COLORS.outcome[key]));
    const [critical, success, failure, botch] = heights as [number, number, number, number];
    // The largest count reaches the full bar height; the rest scale with it.
    expect(Math.abs(success - STATS_CHART.outcomes.maxBar)).toBeLessThanOrEqual(2);
    expect(Math.abs(failure - success / 2)).toBeLessThanOrEqual(2);
    expect(Math.abs(critical - success / 4)).toBeLessThanOrEqual(2);
    expect(botch).toBe(0);
  });

  it('draws one trait bar per top trait, as long as its usage relative to the first', async () => {
    const s = summary(stats());
    const pixels = await decode(await renderStatsChart(s));
    const row = traitRowHeight(s.topTraits.length);
    const widths = s.topTraits.map((_, i) => barWidthAt(pixels, STATS_CHART.traits.top + row * i + row / 2, CHART_COLORS.trait));
    const [first, second, third] = widths as [number, number, number];
    expect(Math.abs(first - STATS_CHART.traits.maxBar)).toBeLessThanOrEqual(2);
    expect(Math.abs(second - first / 2)).toBeLessThanOrEqual(2);
    expect(Math.abs(third - first / 4)).toBeLessThanOrEqual(2);
  });

  it('leaves the trait panel without bars when a storyteller\'s traits are hidden', async () => {
    const s = summary(stats(), true);
    expect(s.topTraits).toEqual([]);
    const pixels = await decode(await renderStatsChart(s));
    for (let y = STATS_CHART.traits.top; y < STATS_CHART.traits.bottom; y += 4) {
      expect(barWidthAt(pixels, y, CHART_COLORS.trait)).toBe(0);
    }
  });

  it('draws a calm empty state, with no bars, for a member without rolls', async () => {
    const empty = summary(
      stats({ criticals: 0, successes: 0, failures: 0, botches: 0, total_rolls: 0, top_traits: [], average_pool: null, average_difficulty: null,
        criticals_percentage: 0, success_percentage: 0, failure_percentage: 0, botch_percentage: 0 }),
    );
    expect(empty.empty).toBe(true);
    const pixels = await decode(await renderStatsChart(empty));
    expect([pixels.width, pixels.height]).toEqual([STATS_CHART.width, STATS_CHART.height]);
    let coloured = 0;
    let text = 0;
    for (let y = 120; y < pixels.height - 10; y += 2) {
      for (let x = 20; x < pixels.width - 20; x += 2) {
        const p = pixels.at(x, y);
        // Saturated bar colours only: the grey of failures also occurs in anti-aliased text.
        if ([CHART_COLORS.outcome.critical, CHART_COLORS.outcome.success, CHART_COLORS.outcome.botch, CHART_COLORS.trait].some((hex) => near(p, hex, 6))) coloured++;
        if (p[0] > 200 && p[1] > 200 && p[2] > 200) text++;
      }
    }
    expect(coloured).toBe(0);
    (['critical', 'success', 'failure', 'botch'] as const).forEach((key, i) => {
      expect(barHeightAt(pixels, outcomeBarCenter(i), CHART_COLORS.outcome[key])).toBe(0);
    });
    // The "No rolls yet" message is there (light text on the card).
    expect(text).toBeGreaterThan(50);
  });

  it('renders text with the bundled font, registered under its own family', async () => {
    await renderStatsChart(summary(stats()));
    expect(GlobalFonts.has(CHART_FONT)).toBe(true);
  });

  it('keeps text and bars legible on the card (WCAG contrast)', () => {
    expect(contrast(CHART_COLORS.text, CHART_COLORS.card)).toBeGreaterThanOrEqual(7);
    expect(contrast(CHART_COLORS.muted, CHART_COLORS.card)).toBeGreaterThanOrEqual(4.5);
    for (const hex of [...Object.values(CHART_COLORS.outcome), CHART_COLORS.trait]) {
      expect(contrast(hex, CHART_COLORS.card)).toBeGreaterThanOrEqual(3);
    }
  });

  it('formats percentages with at most one decimal', () => {
    expect(formatPercent(50)).toBe('50%');
    expect(formatPercent((1 / 3) * 100)).toBe('33.3%');
    expect(formatPercent(12.46)).toBe('12.5%');
  });
});
