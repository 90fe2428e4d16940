/**
 * `npm run bench:api` (issue 2 §5): prints figures, asserts nothing.
 *
 * 1. Heap of `users(c).iterAll()` over 1,000 and 10,000 users: does the peak grow with N?
 * 2. Per-request overhead of `users(c).get(id)` against a raw `fetch` of the same URL.
 *
 * The parent only orchestrates. The fake Valentina runs in one child process for the whole run
 * (it holds every user in memory), and the measurements run in other children started with
 * `--expose-gc`, so the heap figures are the client's alone. All traffic is on 127.0.0.1.
 * Children are this same script: `node --expose-gc --import tsx bench/api.ts --child <kind> …`.
 */
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { exited, forkBenchChild, nextMessage, reportAndExit } from './lib/child.js';
import {
  FakeReadySchema,
  HEAP_MODES,
  HeapModeSchema,
  HeapReportSchema,
  OverheadResultSchema,
  TargetSchema,
  type FakeReady,
  type HeapMode,
  type HeapReport,
  type HeapResult,
  type OverheadResult,
  type SideStats,
  type Target,
} from './lib/api-protocol.js';
import { hostFake } from './lib/api-fake-host.js';
import { PAGE_SIZE, WARM_PAGES, measureHeap } from './lib/api-heap.js';
import { measureOverhead } from './lib/api-overhead.js';
import { fixed, mib } from './lib/stats.js';
import { formatTable } from './lib/table.js';

const SCRIPT = fileURLToPath(import.meta.url);
const SIZES = [1_000, 10_000] as const;
const TARGET_ENV = 'BENCH_API_TARGET';
/**
 * Heap modes per child process. `stream` lets V8 schedule its own collections, so it gets a fresh
 * process; the live modes force a full gc before every sample (and take their own baseline), so
 * they can share one and spare a process start (~1 s of tsx compiling each).
 */
const CHILD_GROUPS: readonly (readonly HeapMode[])[] = [['stream'], ['stream-live', 'raw-live', 'keep-all-live']];

const MODE_LABEL: Record<HeapMode, string> = {
  stream: 'iterAll, V8 gc as usual',
  'stream-live': 'iterAll, gc() per page',
  'raw-live': 'ref: bare fetch, gc()/page',
  'keep-all-live': 'control: keep every user',
};

async function main(argv: readonly string[]): Promise<void> {
  if (argv[0] === '--child') {
    await child(argv.slice(1));
    return;
  }
  await orchestrate();
}

async function child(args: readonly string[]): Promise<void> {
  const [kind, ...rest] = args;
  if (kind === 'fake') {
    await hostFake(SIZES);
    return;
  }
  const target = TargetSchema.parse(JSON.parse(process.env[TARGET_ENV] ?? 'null'));
  if (kind === 'heap') {
    const n = z.coerce.number().int().positive().parse(rest[0]);
    const results: HeapResult[] = [];
    for (const mode of HeapModeSchema.array().parse((rest[1] ?? '').split(','))) results.push(await measureHeap(mode, n, target));
    reportAndExit({ type: 'heap', results } satisfies HeapReport);
    return;
  }
  if (kind === 'overhead') {
    reportAndExit(await measureOverhead(target));
    return;
  }
  throw new Error(`unknown child kind: ${String(kind)}`);
}

async function orchestrate(): Promise<void> {
  const started = performance.now();
  const fakeProcess = forkBenchChild(SCRIPT, ['--child', 'fake']);
  try {
    const fake = await nextMessage(fakeProcess, FakeReadySchema, 60_000);
    const heap: HeapResult[] = [];
    for (const n of SIZES) {
      for (const modes of CHILD_GROUPS) {
        const report = await runChild(['heap', String(n), modes.join(',')], targetFor(fake, n), HeapReportSchema);
        heap.push(...report.results);
      }
    }
    const overhead = await runChild(['overhead'], targetFor(fake, SIZES[0]), OverheadResultSchema);
    fakeProcess.send({ type: 'stop' });
    await exited(fakeProcess);
    print(fake, heap, overhead, performance.now() - started);
  } finally {
    if (fakeProcess.exitCode === null && fakeProcess.signalCode === null) fakeProcess.kill();
  }
}

function targetFor(fake: FakeReady, n: number): Target {
  const companyId = fake.companies[String(n)];
  if (companyId === undefined) throw new Error(`the fake seeded no company of ${n} users`);
  return { url: fake.url, apiKey: fake.apiKey, companyId, userIds: n === SIZES[0] ? fake.userIds : [] };
}

async function runChild<T>(args: readonly string[], target: Target, schema: z.ZodType<T>): Promise<T> {
  const proc = forkBenchChild(SCRIPT, ['--child', ...args], { [TARGET_ENV]: JSON.stringify(target) });
  try {
    const result = await nextMessage(proc, schema, 60_000);
    await exited(proc);
    return result;
  } catch (error: unknown) {
    // A silent or misbehaving child of ours: stop it rather than wait on it.
    proc.kill();
    await exited(proc);
    throw error;
  }
}

function print(fake: FakeReady, heap: readonly HeapResult[], overhead: OverheadResult, totalMs: number): void {
  const out: string[] = [];
  out.push(`bench:api — node ${process.version}, ${availableParallelism()} CPU (${cpus()[0]?.model.trim() ?? 'unknown'}), all traffic on 127.0.0.1`);
  out.push(
    `fake Valentina: separate child process, validateResponses: false, latencyMs: 0; seeded ${SIZES.map((n) => n.toLocaleString('en-US')).join(' + ')} users ` +
      `in ${fixed(fake.seedMs, 0)} ms; its heap ${mib(fake.heapUsedBytes)} (not in any figure below); one page of ${PAGE_SIZE} users = ${fixed(fake.pageBytes / 1024, 1)} KiB`,
  );
  out.push('');
  out.push(`1. Heap of users(c).iterAll({ limit: ${PAGE_SIZE} }) in --expose-gc children (not the fake's process); baseline = heapUsed after a ${WARM_PAGES}-page warm-up + gc()`);
  out.push('   "V8 gc as usual" rows: a fresh child each; the forced-gc rows: one child per N, run in turn, each with its own baseline');
  const rows: string[][] = [];
  const [smallN, largeN] = SIZES;
  const perExtraUser: Partial<Record<HeapMode, number>> = {};
  for (const mode of HEAP_MODES) {
    const small = heap.find((h) => h.mode === mode && h.n === smallN);
    for (const n of SIZES) {
      const h = heap.find((r) => r.mode === mode && r.n === n);
      if (h === undefined) continue;
      const growth = h.peakBytes - h.baselineBytes;
      const smallGrowth = small === undefined ? Number.NaN : small.peakBytes - small.baselineBytes;
      const isLarge = small !== undefined && h !== small;
      if (isLarge) perExtraUser[mode] = (growth - smallGrowth) / (largeN - smallN);
      rows.push([
        MODE_LABEL[mode],
        h.n.toLocaleString('en-US'),
        h.items === h.n ? String(h.pages) : `${h.pages} (got ${h.items} users!)`,
        mib(h.baselineBytes),
        mib(growth),
        isLarge ? `${fixed(growth / smallGrowth, 2)}x` : '',
        isLarge ? signedMib(growth - smallGrowth) : '',
        // Only the forced-gc rows measure what is kept; the other peak is garbage V8 has not collected yet.
        isLarge && mode !== 'stream' ? `${fixed((growth - smallGrowth) / (largeN - smallN), 0)} B` : '',
        mib(h.retainedBytes),
        mode === 'stream' ? String(h.gcs) : '-',
        `${fixed(h.ms, 0)} ms`,
      ]);
    }
  }
  out.push(
    formatTable(
      ['mode', 'N', 'pages', 'baseline', 'peak - baseline', 'ratio 10k/1k', 'diff 10k-1k', 'per extra user', 'retained after gc', 'V8 gcs', 'time'],
      rows,
    ),
  );
  out.push('   peak = max(heapUsed sampled at every page, heapUsed V8 saw just before each of its own collections [v8.GCProfiler]).');
  const stream1k = heap.find((h) => h.mode === 'stream' && h.n === smallN);
  const stream10k = heap.find((h) => h.mode === 'stream' && h.n === largeN);
  if (stream1k !== undefined && stream10k !== undefined) {
    out.push(
      `   "V8 gc as usual" peak is mostly garbage awaiting collection: at N=${smallN.toLocaleString('en-US')} V8 ran ${stream1k.gcs} collections, so it is ` +
        `what ${stream1k.pages} pages allocate (${mib((stream1k.peakBytes - stream1k.baselineBytes) / stream1k.pages)} per ${fixed(fake.pageBytes / 1024, 1)} KiB page);\n` +
        `   at N=${largeN.toLocaleString('en-US')} ${stream10k.gcs} scavenges cap it by the young generation (new space ${mib(stream10k.newSpaceBytes)}), whatever N is.`,
    );
  }
  out.push('   "gc() per page" forces a full collection before each sample: what the iteration really keeps alive.');
  out.push('   "ref: bare fetch" reads the same pages with fetch + res.json() and no client: the part of the live figure that is Node\'s fetch.');
  out.push(
    `   per extra user: iterAll ${fixed(perExtraUser['stream-live'] ?? Number.NaN, 0)} B (bare fetch ${fixed(perExtraUser['raw-live'] ?? Number.NaN, 0)} B) ` +
      `vs ${fixed(perExtraUser['keep-all-live'] ?? Number.NaN, 0)} B when every user is kept;\n` +
      '   live figures under ~0.5 MiB move by a few hundred KiB between runs (JIT code, undici state), bare fetch alike, so their ratio is noise.',
  );
  out.push('');

  out.push('2. users(c).get(id) vs raw fetch(same URL, X-API-KEY) + res.json(); global fetch for all; warm-up, then batches in alternating order');
  const orows: string[][] = [];
  for (const v of overhead.variants) {
    const label = `${v.concurrency} in flight`;
    orows.push(sideRow(label, 'client', v.client));
    orows.push(sideRow('', 'raw fetch', v.raw));
    orows.push(sideRow('', 'raw + timeout signal', v.rawSignal));
    orows.push([
      '',
      'client / raw',
      '',
      `${fixed(v.client.meanUs / v.raw.meanUs, 2)}x`,
      `${fixed(v.client.p50Us / v.raw.p50Us, 2)}x`,
      `${fixed(v.client.p99Us / v.raw.p99Us, 2)}x`,
      `${fixed(v.client.wallUsPerReq / v.raw.wallUsPerReq, 2)}x`,
      `${fixed(v.client.cpuUsPerReq / v.raw.cpuUsPerReq, 2)}x`,
    ]);
    orows.push([
      '',
      'client - raw (µs)',
      '',
      signed(v.client.meanUs - v.raw.meanUs),
      signed(v.client.p50Us - v.raw.p50Us),
      signed(v.client.p99Us - v.raw.p99Us),
      signed(v.client.wallUsPerReq - v.raw.wallUsPerReq),
      signed(v.client.cpuUsPerReq - v.raw.cpuUsPerReq),
    ]);
  }
  out.push(formatTable(['', 'side', 'requests', 'mean µs', 'p50 µs', 'p99 µs', 'wall µs/req', 'CPU µs/req'], orows));
  out.push(
    '   "raw + timeout signal" = raw fetch with AbortSignal.timeout(10 000), as the client makes per attempt.\n' +
    `   ${overhead.variants.map((v) => `${v.concurrency} in flight: ${v.rounds} rounds x ${v.batch} per side`).join('; ')}. ` +
      'Latency per request; wall = batch time / requests; CPU = user+sys of the measuring process only (the fake runs elsewhere).',
  );
  out.push(`   client-side pieces of one get, in process: ${Object.entries(overhead.pieces).map(([k, us]) => `${k} ${fixed(us, 1)} µs`).join('; ')}`);
  out.push('');
  out.push(`total ${fixed(totalMs / 1000, 1)} s`);
  console.log(out.join('\n'));
}

function sideRow(label: string, side: string, s: SideStats): string[] {
  return [label, side, String(s.requests), fixed(s.meanUs, 0), fixed(s.p50Us, 0), fixed(s.p99Us, 0), fixed(s.wallUsPerReq, 0), fixed(s.cpuUsPerReq, 0)];
}

function signedMib(bytes: number): string {
  return `${bytes >= 0 ? '+' : '-'}${mib(Math.abs(bytes))}`;
}

function signed(us: number): string {
  return `${us >= 0 ? '+' : ''}${fixed(us, 0)}`;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  // A child's open IPC channel would otherwise keep it alive until the parent's timeout.
  process.exit(1);
});
