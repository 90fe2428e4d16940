import { GCProfiler } from 'node:v8';
import { z } from 'zod';
import { ValentinaClient } from '../../src/api/index.js';
import type { HeapMode, HeapResult, Target } from './api-protocol.js';

/** Page size of the iteration (the API's maximum). */
export const PAGE_SIZE = 100;
/** Pages read before the baseline (the 1,000-user company is read twice over). */
export const WARM_PAGES = 20;

/**
 * Iterates `n` users with `iterAll` in a fresh process and reports heapUsed relative to a
 * baseline taken after warm-up and a full gc. Modes:
 * - `stream`: V8 collects on its own. Peak = max of a sample at every page and of the heap size V8
 *   saw right before each of its collections (GCProfiler), i.e. the true high-water mark, garbage
 *   included — so it is bounded by how much garbage V8 lets pile up, not by what the client keeps.
 * - `stream-live`: gc() before every page sample, so the peak is what the client really retains.
 * - `raw-live`: the same pages through bare `fetch` + `res.json()`, no client, gc() per page: the
 *   share of the live figure that belongs to Node's fetch (undici) rather than to the client.
 * - `keep-all-live`: the consumer keeps every user (what `listAll` does); the control that shows
 *   the probe does see growth with N.
 */
export async function measureHeap(mode: HeapMode, n: number, target: Target): Promise<HeapResult> {
  const gc = globalThis.gc;
  if (gc === undefined) throw new Error('the heap child needs --expose-gc');
  const client = new ValentinaClient({ baseUrl: target.url, apiKey: target.apiKey });
  const users = client.users(target.companyId);
  const source = (): AsyncIterable<unknown> => (mode === 'raw-live' ? rawPages(target, PAGE_SIZE) : users.iterAll({ limit: PAGE_SIZE }));

  // Warm-up until V8 has tiered up the hot paths (undici, JSON, zod, this loop): optimised code
  // and feedback live in the heap too (~1 MiB of code and old space after 2 pages, ~0 after 20),
  // and must be in the baseline, not charged to the iteration.
  let checksum = 0;
  let warm = 0;
  while (warm < WARM_PAGES * PAGE_SIZE) {
    for await (const item of source()) {
      checksum += weigh(item);
      if (++warm >= WARM_PAGES * PAGE_SIZE) break;
    }
  }
  sampleHeap();

  gc();
  gc();
  const baselineBytes = sampleHeap();
  const live = mode !== 'stream';
  const kept: unknown[] = [];
  let peakBytes = baselineBytes;
  let samples = 0;
  const sample = (): void => {
    if (live) gc();
    const used = sampleHeap();
    samples++;
    if (used > peakBytes) peakBytes = used;
  };

  const profiler = new GCProfiler();
  profiler.start();
  const started = performance.now();
  let items = 0;
  for await (const item of source()) {
    // First item of a page: the page's text, JSON and parsed users are all still reachable.
    if (items % PAGE_SIZE === 0) sample();
    items++;
    checksum += weigh(item);
    if (mode === 'keep-all-live') kept.push(item);
  }
  sample();
  const ms = performance.now() - started;
  const profile = profiler.stop();

  // Forced collections (live modes) show up in the profile too; only V8's own count as peaks.
  let gcs = 0;
  let newSpaceBytes = 0;
  if (!live) {
    for (const entry of profile.statistics) {
      gcs++;
      const before = entry.beforeGC.heapStatistics.usedHeapSize;
      if (before > peakBytes) peakBytes = before;
      for (const space of entry.beforeGC.heapSpaceStatistics) {
        if (space.spaceName === 'new_space') newSpaceBytes = Math.max(newSpaceBytes, space.spaceSize);
      }
    }
  }

  gc();
  gc();
  const retainedBytes = sampleHeap() - baselineBytes;
  if (checksum < 0 || kept.length > items) throw new Error('unreachable: keeps the loop observable');
  return {
    mode,
    n,
    items,
    pages: Math.ceil(items / PAGE_SIZE),
    samples,
    gcs,
    newSpaceBytes,
    baselineBytes,
    peakBytes,
    retainedBytes,
    ms,
  };
}

const RawPageSchema = z.looseObject({ items: z.array(z.unknown()), total: z.number() });

/** `iteratePages` without the client: bare fetch, `res.json()`, the same stop rules. */
async function* rawPages(target: Target, limit: number): AsyncGenerator<unknown, void, undefined> {
  const headers = { 'X-API-KEY': target.apiKey };
  const base = `${target.url}/api/v1/companies/${encodeURIComponent(target.companyId)}/users`;
  for (let offset = 0; ; offset += limit) {
    const res = await fetch(`${base}?limit=${limit}&offset=${offset}`, { headers });
    if (res.status !== 200) throw new Error(`raw page GET answered ${res.status}`);
    const page = RawPageSchema.parse(await res.json());
    yield* page.items;
    if (page.items.length === 0 || offset + page.items.length >= page.total) return;
  }
}

/** Touches an item so the loop has an observable result. */
function weigh(item: unknown): number {
  return typeof item === 'object' && item !== null ? 1 : 0;
}

function sampleHeap(): number {
  return process.memoryUsage().heapUsed;
}
