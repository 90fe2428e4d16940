import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { RollStatistics } from '../../src/api/index.js';
import { summarize } from '../../src/domain/statistics.js';
import { ChartRenderer } from '../../src/render/chart/chart-renderer.js';
import { encodePng } from '../../src/render/chart/png.js';
import { STATS_CHART } from '../../src/render/chart/stats-chart.js';

async function pixelsOf(png: Buffer): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return { width: image.width, height: image.height, data: ctx.getImageData(0, 0, image.width, image.height).data };
}

const stats: RollStatistics = {
  criticals: 2,
  successes: 6,
  failures: 3,
  botches: 1,
  total_rolls: 12,
  average_pool: 4.5,
  average_difficulty: 6,
  top_traits: [{ name: 'Wits', usage_count: 4, trait_id: 't1' }],
  criticals_percentage: (2 / 12) * 100,
  success_percentage: 50,
  failure_percentage: 25,
  botch_percentage: (1 / 12) * 100,
};
const summary = summarize(stats, 'Pia Player', 'member', false);

describe('encodePng', () => {
  it('round-trips opaque, transparent and half-transparent pixels with straight alpha', async () => {
    const canvas = createCanvas(6, 3);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#1e2029';
    ctx.fillRect(0, 0, 2, 3);
    ctx.fillStyle = 'rgba(200, 100, 50, 0.5)';
    ctx.fillRect(2, 0, 2, 3);
    const png = encodePng(canvas.width, canvas.height, canvas.data());
    const { width, height, data } = await pixelsOf(png);
    expect([width, height]).toEqual([6, 3]);
    const at = (x: number, y: number) => [...data.subarray((y * width + x) * 4, (y * width + x) * 4 + 4)];
    expect(at(0, 1)).toEqual([0x1e, 0x20, 0x29, 255]);
    expect(at(5, 1)[3]).toBe(0);
    const [r, g, b, a] = at(3, 1) as [number, number, number, number];
    expect(Math.abs(a - 128)).toBeLessThanOrEqual(1);
    // Premultiplied input would come back about half as bright.
    expect([Math.abs(r - 200), Math.abs(g - 100), Math.abs(b - 50)].every((d) => d <= 3)).toBe(true);
  });

  it('refuses a buffer that does not match the size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow(/16 bytes/);
  });
});

describe('ChartRenderer', () => {
  it('renders the stats chart on its worker thread', async () => {
    const warnings: unknown[] = [];
    const charts = new ChartRenderer({ warn: (obj) => warnings.push(obj) });
    try {
      const [one, two] = await Promise.all([charts.render(summary), charts.render(summary)]);
      for (const png of [one, two]) {
        const { width, height } = await pixelsOf(png);
        expect([width, height]).toEqual([STATS_CHART.width, STATS_CHART.height]);
      }
      expect(warnings).toEqual([]);
    } finally {
      await charts.close();
    }
  });

  it('is busy while its bound of charts is queued, and free again once they are drawn', async () => {
    const charts = new ChartRenderer({ warn: () => undefined }, 2);
    try {
      expect(charts.busy).toBe(false);
      const first = charts.render(summary);
      expect(charts.busy).toBe(false);
      const second = charts.render(summary);
      expect(charts.busy).toBe(true);
      await Promise.all([first, second]);
      expect(charts.busy).toBe(false);
    } finally {
      await charts.close();
    }
  });

  it('still answers, on the main thread, once its worker is gone', async () => {
    const warnings: unknown[] = [];
    const charts = new ChartRenderer({ warn: (obj) => warnings.push(obj) });
    try {
      await charts.render(summary);
      const worker = (charts as unknown as { worker: Worker | undefined }).worker;
      expect(worker).toBeDefined();
      await worker?.terminate();
      const png = await charts.render(summary);
      expect((await pixelsOf(png)).width).toBe(STATS_CHART.width);
      expect(warnings).toHaveLength(1);
    } finally {
      await charts.close();
    }
  });
});
