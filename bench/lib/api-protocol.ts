import { z } from 'zod';

/** Messages between `bench/api.ts` and its children; parsed on arrival like any boundary. */

/** Where a measuring child finds the fake, passed in the BENCH_API_TARGET environment variable. */
export const TargetSchema = z.object({
  url: z.url(),
  apiKey: z.string().min(1),
  companyId: z.string(),
  /** Users of `companyId` to GET in the overhead run. */
  userIds: z.array(z.string()),
});
export type Target = z.infer<typeof TargetSchema>;

export const FakeReadySchema = z.object({
  type: z.literal('ready'),
  url: z.url(),
  apiKey: z.string(),
  /** Company id per seeded user count, keyed by the count in decimal. */
  companies: z.record(z.string(), z.string()),
  userIds: z.array(z.string()),
  seedMs: z.number(),
  /** Heap of the fake process after seeding (after gc). */
  heapUsedBytes: z.number(),
  /** Bytes of one users page of 100 as the fake serialises it. */
  pageBytes: z.number(),
});
export type FakeReady = z.infer<typeof FakeReadySchema>;

export const HEAP_MODES = ['stream', 'stream-live', 'raw-live', 'keep-all-live'] as const;
export const HeapModeSchema = z.enum(HEAP_MODES);
export type HeapMode = z.infer<typeof HeapModeSchema>;

export const HeapResultSchema = z.object({
  mode: HeapModeSchema,
  n: z.number(),
  items: z.number(),
  pages: z.number(),
  samples: z.number(),
  /** Collections V8 ran on its own during the iteration (stream mode). */
  gcs: z.number(),
  /** Largest young-generation (new space) size seen before those collections; 0 if none ran. */
  newSpaceBytes: z.number(),
  baselineBytes: z.number(),
  peakBytes: z.number(),
  /** Heap after the iteration and a full gc, minus the baseline. */
  retainedBytes: z.number(),
  ms: z.number(),
});
export type HeapResult = z.infer<typeof HeapResultSchema>;

export const HeapReportSchema = z.object({ type: z.literal('heap'), results: z.array(HeapResultSchema) });
export type HeapReport = z.infer<typeof HeapReportSchema>;

export const SideStatsSchema = z.object({
  requests: z.number(),
  meanUs: z.number(),
  p50Us: z.number(),
  p99Us: z.number(),
  /** Wall time of the batches divided by their requests (throughput's inverse). */
  wallUsPerReq: z.number(),
  /** User + system CPU of the measuring process per request. */
  cpuUsPerReq: z.number(),
});
export type SideStats = z.infer<typeof SideStatsSchema>;

export const SIDES = ['client', 'raw', 'rawSignal'] as const;
export type Side = (typeof SIDES)[number];

export const OverheadVariantSchema = z.object({
  concurrency: z.number(),
  rounds: z.number(),
  batch: z.number(),
  client: SideStatsSchema,
  raw: SideStatsSchema,
  /** Raw fetch plus the `AbortSignal.timeout()` the client makes per attempt. */
  rawSignal: SideStatsSchema,
});
export type OverheadVariant = z.infer<typeof OverheadVariantSchema>;

export const OverheadResultSchema = z.object({
  type: z.literal('overhead'),
  variants: z.array(OverheadVariantSchema),
  /** Client-side microbenchmarks of pieces of one `get`, µs each. */
  pieces: z.record(z.string(), z.number()),
});
export type OverheadResult = z.infer<typeof OverheadResultSchema>;

export const StopSchema = z.object({ type: z.literal('stop') });
