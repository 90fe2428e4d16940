/**
 * `npm run bench` (issues 6 and 11): the bot against a bare discord.js bot on the same fake Discord,
 * with the fake Valentina on loopback. Prints one table (bot, bare bot, ratio, spread of the per-run
 * ratios, target) and notes.
 *
 * Both bots run the way production runs: compiled (`tsc -p tsconfig.bench.json` = the production
 * build plus the two child entries, into dist/) and started with plain node, each in its own child
 * process. The parent holds the fakes and the load generator; its event-loop delay is reported
 * next to the figures it could skew. Each run measures the bare bot and the bot side by side (their
 * order alternates from run to run), and every ratio is taken within one run.
 *
 * Options (flag or environment):
 *   --runs=N           BENCH_RUNS             runs of the side-by-side measurements (default 3; quick 1)
 *   --api-latency=MS   BENCH_API_LATENCY_MS   API latency of the fake Valentina (default 20)
 *   --slow-count=N     BENCH_SLOW_COUNT       interactions at 1/s (default 60)
 *   --fast-count=N     BENCH_FAST_COUNT       interactions at 200/s (default 2000)
 *   --step-seconds=S   BENCH_STEP_SECONDS     seconds per throughput step (default 5)
 *   --sustain-rate=R   BENCH_SUSTAIN_RATE     interactions/s of the sustained run (default 1000)
 *   --sustain-seconds=S BENCH_SUSTAIN_SECONDS seconds of the sustained run (default 30; quick 5)
 *   --memory-count=N   BENCH_MEMORY_COUNT     interactions of the memory run (default 10000)
 *   --quick                                   small counts and one run: a few minutes (figures noisier)
 *   --only=a,b         parts: costs, latency, throughput, sustain, memory (default all)
 *   --bots=a,b         bots: bare, bot (default both; one alone, for profiling)
 *   --no-build                                use dist/ as it is
 *   BENCH_CPU_PROF=<dir> profiles each bot child; BENCH_LOG_DIR=<dir> keeps each child's log.
 * Progress goes to stderr; the table and notes to stdout. Everything listens on 127.0.0.1.
 */
import { loadavg } from 'node:os';
import { buildForBench, startChild, type BenchChild, type BotKind } from './bot/children.js';
import { completeAnswers, openLoop, type CompleteResult, type LoadResult } from './bot/load.js';
import {
  coldStart,
  latencyRun,
  memoryRun,
  memoryWarm,
  sceneAward,
  throughput,
  warmCosts,
  warmUp,
  type ColdStart,
  type CommandCost,
  type SceneResult,
  type ThroughputStep,
} from './bot/measure.js';
import { createMix, hasFullMix, type Mix, type ShotKind } from './bot/mix.js';
import type { Probe } from './bot/ipc.js';
import { count, formatTable, median, mib, ms, percentile, section, spread, type Row } from './bot/report.js';
import { PLAYER_COUNT, startBenchWorld, type BenchWorld, type BigGuild } from './bot/world.js';

interface Options {
  runs: number;
  apiLatencyMs: number;
  slowCount: number;
  fastCount: number;
  fastRate: number;
  stepSeconds: number;
  rates: number[];
  sustainRate: number;
  sustainSeconds: number;
  memoryCount: number;
  memoryMembers: number;
  memoryRate: number;
  coldUsers: number;
  sceneLatencyMs: number;
  /** How long a run waits for the last answers after its last acknowledgement. */
  completeWaitMs: number;
  quick: boolean;
  only: Set<string>;
  bots: BotKind[];
  build: boolean;
}

function readOptions(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  const flag = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const quick = argv.includes('--quick');
  const num = (name: string, envName: string, fallback: number, min: number, max: number): number => {
    const raw = flag(name) ?? env[envName];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} / ${envName} must be a number from ${min} to ${max}`);
    return n;
  };
  return {
    runs: num('runs', 'BENCH_RUNS', quick ? 1 : 3, 1, 20),
    apiLatencyMs: num('api-latency', 'BENCH_API_LATENCY_MS', 20, 0, 2_000),
    slowCount: num('slow-count', 'BENCH_SLOW_COUNT', quick ? 12 : 60, 1, 600),
    fastCount: num('fast-count', 'BENCH_FAST_COUNT', quick ? 600 : 2_000, 1, 20_000),
    fastRate: 200,
    stepSeconds: num('step-seconds', 'BENCH_STEP_SECONDS', quick ? 2 : 5, 1, 30),
    rates: [100, 200, 400, 800, 1600, 3200],
    sustainRate: num('sustain-rate', 'BENCH_SUSTAIN_RATE', 1_000, 1, 10_000),
    sustainSeconds: num('sustain-seconds', 'BENCH_SUSTAIN_SECONDS', quick ? 5 : 30, 1, 120),
    memoryCount: num('memory-count', 'BENCH_MEMORY_COUNT', quick ? 2_000 : 10_000, 1, 50_000),
    memoryMembers: 10_000,
    memoryRate: 400,
    coldUsers: 5_000,
    sceneLatencyMs: 50,
    completeWaitMs: quick ? 10_000 : 20_000,
    quick,
    only: choose('only', flag('only'), PARTS),
    bots: [...choose('bots', flag('bots'), BOTS)] as BotKind[],
    build: !argv.includes('--no-build'),
  };
}

const PARTS = ['costs', 'latency', 'throughput', 'sustain', 'memory'] as const;
const BOTS = ['bare', 'bot'] as const;

function choose(name: string, raw: string | undefined, all: readonly string[]): Set<string> {
  const chosen = (raw ?? all.join(',')).split(',').filter((p) => p !== '');
  const unknown = chosen.filter((p) => !all.includes(p));
  if (unknown.length > 0) throw new Error(`--${name} takes ${all.join(', ')}; got ${unknown.join(', ')}`);
  return new Set(chosen);
}

const t0 = performance.now();
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const progress = (message: string): void => {
  process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${message} (load ${load()})\n`);
};

/** What one bot showed in one run. */
interface RunFigures {
  startupMs: number[];
  slow?: LoadResult;
  slowComplete?: CompleteResult;
  fast?: LoadResult;
  fastComplete?: CompleteResult;
  /** The bot process's own event-loop delay during the 200/s run. */
  fastChildLoop?: Probe['loopDelay'];
  /** CPU time (user + system) of the bot process per interaction, from dispatch of the first to the last answer. */
  slowCpuMs?: number;
  fastCpuMs?: number;
  sustainCpuMs?: number;
  steps?: ThroughputStep[];
  sustain?: LoadResult;
  sustainComplete?: CompleteResult;
  sustainChildLoop?: Probe['loopDelay'];
  memoryReady?: Probe;
  /** At READY plus an idle spell: once V8's memory reducer has handed back the start-up young generation. */
  memorySettled?: Probe;
  memoryAfter?: Probe;
  memoryRun?: LoadResult;
  warnings: number;
  errors: number;
}

/** Idle after READY before the settled memory probe: past V8's memory-reducer delay (8 s) with margin. */
const SETTLE_MS = 15_000;

const emptyFigures = (): RunFigures => ({ startupMs: [], warnings: 0, errors: 0 });

/**
 * Every part starts from a journal with nothing pending. An overload step leaves thousands of awards
 * unsettled when its process stops; the next bot would spend its first minutes recovering them
 * (as it should after a real crash), which is another figure than the one its part measures.
 */
async function clearPendingAwards(bench: BenchWorld): Promise<number> {
  const awards = bench.world.store.awards;
  const pending = await awards.listPending();
  for (const entry of pending) await awards.markFailed(entry.key, 'bench: left pending by the previous part', Date.now(), 'definite');
  return pending.length;
}

async function withChild<T>(kind: BotKind, bench: BenchWorld, figures: RunFigures, run: (child: BenchChild) => Promise<T>): Promise<T> {
  const cleared = await clearPendingAwards(bench);
  if (cleared > 0) progress(`cleared ${cleared} awards the previous part left pending`);
  const child = await startChild(kind, bench.env);
  figures.startupMs.push(child.startupMs);
  progress(`${kind} child ${child.pid} READY ${child.startupMs.toFixed(0)} ms after process start, RSS ${mib(child.atReady.rss)}`);
  try {
    return await run(child);
  } catch (err) {
    process.stderr.write(`${kind} child output (tail):\n${child.output().slice(-3000)}\n`);
    throw err;
  } finally {
    await child.stop();
    figures.warnings += child.warnings;
    figures.errors += child.errors;
  }
}

function describeLoad(label: string, r: LoadResult, c?: CompleteResult): string {
  const kinds = [...r.perKind.entries()].map(([k, v]) => `${k} ${v.length}`).join(', ');
  const byKind = c === undefined || c.unfinished === 0 ? '' : ` (${[...c.unfinishedByKind.entries()].map(([k, n]) => `${k} ${n}`).join(', ')})`;
  const complete = c === undefined ? '' : `; complete p50 ${ms(c.p50)} p99 ${ms(c.p99)} max ${ms(c.max)}, unfinished ${c.unfinished}${byKind}`;
  return `${label}: ${r.outcomes.length} interactions in ${(r.spanMs / 1000).toFixed(1)} s (${kinds}); ack p50 ${ms(r.p50, 1)}, p99 ${ms(r.p99, 1)}, max ${ms(r.max, 1)}, misses ${r.misses}${complete}; dispatch lag max ${ms(r.maxDispatchLagMs, 1)}, parent loop delay p99 ${ms(r.parentLoopDelayP99Ms, 1)} max ${ms(r.parentLoopDelayMaxMs, 1)}`;
}

function highestClean(steps: readonly ThroughputStep[] | undefined): ThroughputStep | undefined {
  let best: ThroughputStep | undefined;
  for (const s of steps ?? []) if (s.clean) best = s;
  return best;
}

/** A latency run, then the wait for its last answers (edits may queue behind the REST limiter). */
async function runWithAnswers(child: BenchChild, mix: Mix, opts: { ratePerSec: number; count: number; waitMs: number }): Promise<{ result: LoadResult; complete: CompleteResult; childLoop: Probe['loopDelay']; cpuMsPer: number }> {
  const before = await child.probe({ resetLoopDelay: true });
  const result = await latencyRun(mix, opts);
  const childLoop = (await child.probe()).loopDelay;
  await child.drain(opts.waitMs);
  const after = await child.probe();
  return { result, complete: completeAnswers(result), childLoop, cpuMsPer: (after.cpuMs - before.cpuMs) / result.outcomes.length };
}

async function measureRun(run: number, opts: Options, bench: BenchWorld, mix: Mix, full: boolean, big: BigGuild | undefined, figures: Record<BotKind, RunFigures>): Promise<void> {
  // Alternating order, so neither bot always meets the machine warmer or busier.
  const order = (run % 2 === 1 ? ['bare', 'bot'] : ['bot', 'bare']).filter((k): k is BotKind => opts.bots.includes(k as BotKind));
  for (const kind of order) {
    const f = figures[kind];
    const tag = `run ${run} ${kind}`;
    if (opts.only.has('latency')) {
      await withChild(kind, bench, f, async (child) => {
        await warmUp(bench, child, mix);
        const slow = await runWithAnswers(child, mix, { ratePerSec: 1, count: opts.slowCount, waitMs: opts.completeWaitMs });
        f.slow = slow.result;
        f.slowComplete = slow.complete;
        f.slowCpuMs = slow.cpuMsPer;
        progress(describeLoad(`${tag} 1/s`, slow.result, slow.complete));
        const fast = await runWithAnswers(child, mix, { ratePerSec: opts.fastRate, count: opts.fastCount, waitMs: opts.completeWaitMs });
        f.fast = fast.result;
        f.fastComplete = fast.complete;
        f.fastChildLoop = fast.childLoop;
        f.fastCpuMs = fast.cpuMsPer;
        progress(`${tag} CPU per interaction: ${slow.cpuMsPer.toFixed(2)} ms at 1/s, ${fast.cpuMsPer.toFixed(2)} ms at ${opts.fastRate}/s`);
        progress(`${describeLoad(`${tag} ${opts.fastRate}/s`, fast.result, fast.complete)}; child loop delay p99 ${ms(fast.childLoop.p99, 1)} max ${ms(fast.childLoop.max, 1)}`);
      });
    }
    if (opts.only.has('throughput')) {
      // A fresh process: what the latency runs left queued must not weigh on the steps.
      await withChild(kind, bench, f, async (child) => {
        await warmUp(bench, child, mix);
        f.steps = await throughput(child, mix, {
          rates: opts.rates,
          seconds: opts.stepSeconds,
          onStep: (s) => progress(`${describeLoad(`${tag} step ${s.rate}/s`, s.result, s.complete)}, ${s.unfinished} in flight 5 s later`),
        });
      });
    }
    if (opts.only.has('sustain')) {
      await withChild(kind, bench, f, async (child) => {
        await warmUp(bench, child, mix);
        const before = await child.probe({ resetLoopDelay: true });
        const result = await openLoop({ ratePerSec: opts.sustainRate, count: Math.round(opts.sustainRate * opts.sustainSeconds), next: (i) => mix.shot(i) });
        f.sustainChildLoop = (await child.probe()).loopDelay;
        await child.drain(opts.completeWaitMs);
        f.sustainCpuMs = ((await child.probe()).cpuMs - before.cpuMs) / result.outcomes.length;
        f.sustain = result;
        f.sustainComplete = completeAnswers(result);
        // /stats answers sent without their chart (the bot sheds charts when its chart queue is full).
        const statsAnswers = result.outcomes.filter((o) => o.kind === 'stats' && o.handle.original() !== undefined);
        const chartless = statsAnswers.filter((o) => (o.handle.original()?.attachments.length ?? 0) === 0).length;
        progress(`${describeLoad(`${tag} sustained ${opts.sustainRate}/s`, result, f.sustainComplete)}; child loop delay p99 ${ms(f.sustainChildLoop.p99, 1)} max ${ms(f.sustainChildLoop.max, 1)}; stats answered without a chart ${chartless} of ${statsAnswers.length}`);
      });
    }
    if (opts.only.has('memory') && big !== undefined) {
      await withChild(kind, bench, f, async (child) => {
        f.memoryReady = child.atReady;
        // Both bots idle after READY until V8's memory reducer (about 8 s after the last major GC)
        // has shrunk the young generation the start-up burst grew: what `docker stats` shows later.
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        f.memorySettled = await child.probe({ gc: true });
        await memoryWarm(bench, child, big, full);
        f.memoryRun = await memoryRun(bench, big, { count: opts.memoryCount, ratePerSec: opts.memoryRate, full });
        await child.drain(15_000);
        // A moment idle first: V8 hands unused heap pages back only after a busy spell ends.
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        f.memoryAfter = await child.probe({ gc: true });
        const p = (x: Probe): string =>
          `RSS ${mib(x.rss)} heap ${mib(x.heapUsed)}/${mib(x.heapTotal)} [${Object.entries(x.spaces).filter(([, v]) => v > 1024 * 1024).map(([k, v]) => `${k.replace('_space', '')} ${mib(v)}`).join(', ')}] ext ${mib(x.external)}`;
        progress(
          `${tag} memory: READY ${p(child.atReady)}; settled ${p(f.memorySettled)}; after ${f.memoryRun.outcomes.length}: ${p(f.memoryAfter)}; ` +
            `cached users ${f.memoryAfter.cachedUsers}, members ${f.memoryAfter.cachedMembers}; misses ${f.memoryRun.misses}`,
        );
      });
    }
  }
}

async function main(): Promise<void> {
  const opts = readOptions(process.argv.slice(2), process.env);
  const loadAtStart = load();
  if (opts.build) {
    progress('compiling the production build and the bench children (tsc -p tsconfig.bench.json)');
    buildForBench();
  }
  progress(`starting: ${opts.runs} run(s), API latency ${opts.apiLatencyMs} ms${opts.quick ? ' (quick mode)' : ''}`);
  const bench = await startBenchWorld({ apiLatencyMs: opts.apiLatencyMs, coldUsers: opts.coldUsers });
  const full = hasFullMix(bench);
  const mix = createMix(bench, full);
  progress(`world ready: mix = ${mix.name}`);

  const runs: Array<Record<BotKind, RunFigures>> = [];
  let cold: ColdStart | undefined;
  let costs = new Map<ShotKind, CommandCost>();
  let scene: SceneResult | undefined;
  const costFigures = emptyFigures();

  try {
    // --- The bot alone: cold start, warm costs, scene (no bare counterpart).
    if (opts.only.has('costs') && opts.bots.includes('bot')) {
      await withChild('bot', bench, costFigures, async (child) => {
        cold = await coldStart(bench, child, full);
        progress(`cold start (${opts.coldUsers} users): ${cold.calls} API calls (${cold.userListPages} user-list pages) in ${ms(cold.wallMs)}`);
        await warmUp(bench, child, mix);
        costs = await warmCosts(bench, child, mix);
        for (const [kind, cost] of costs) progress(`warm ${kind}: ${cost.calls} API calls [${cost.routes.join(', ')}] in ${ms(cost.wallMs)}`);
        if (full) {
          scene = await sceneAward(bench, child, { latencyMs: opts.sceneLatencyMs, restoreLatencyMs: opts.apiLatencyMs });
          progress(`scene of ${PLAYER_COUNT}: ${ms(scene.wallMs)}, ${scene.awards} awards, peak ${scene.peakConcurrency} in flight, ${scene.tooManyRequests} × 429`);
        }
      });
    }
    for (let run = 1; run <= opts.runs; run++) {
      // Each run in a world of its own: what one run's overload steps leave behind (fake Discord's
      // messages, fake Valentina's rolls and journal rows) must not weigh on the next run's latency.
      const world = run === 1 ? bench : await startBenchWorld({ apiLatencyMs: opts.apiLatencyMs, coldUsers: opts.coldUsers });
      try {
        let big: BigGuild | undefined;
        if (opts.only.has('memory')) {
          big = await world.addBigGuild(opts.memoryMembers);
          progress(`run ${run}: big guild of ${big.memberIds.length} members, all in GUILD_CREATE`);
        }
        const figures: Record<BotKind, RunFigures> = { bare: emptyFigures(), bot: emptyFigures() };
        await measureRun(run, opts, world, createMix(world, full), full, big, figures);
        runs.push(figures);
      } finally {
        if (world !== bench) await world.stop();
      }
    }
  } finally {
    await bench.stop();
  }

  process.stdout.write(`${report(opts, mix, runs, { cold, costs, scene, costFigures, loadAtStart, full })}\n`);
}

interface Extras {
  cold: ColdStart | undefined;
  costs: Map<ShotKind, CommandCost>;
  scene: SceneResult | undefined;
  costFigures: RunFigures;
  loadAtStart: string;
  full: boolean;
}

/** The table: each figure's median over runs for each bot, the median and range of the per-run ratios. */
function report(opts: Options, mix: Mix, runs: ReadonlyArray<Record<BotKind, RunFigures>>, extras: Extras): string {
  const rows: Row[] = [];
  const figureRow = (label: string, pick: (f: RunFigures) => number | undefined, fmt: (v: number) => string, target?: { max: number; text: string }): void => {
    const ours = runs.map((r) => pick(r.bot) ?? Number.NaN);
    const bare = runs.map((r) => pick(r.bare) ?? Number.NaN);
    const ratios = runs.map((_, i) => {
      const o = ours[i] ?? Number.NaN;
      const b = bare[i] ?? Number.NaN;
      // One side unanswered: no ratio (the table shows which).
      return Number.isFinite(o) && Number.isFinite(b) && b > 0 ? o / b : Number.NaN;
    });
    const r = median(ratios);
    rows.push({
      figure: `  ${label}`,
      ours: fmt(median(ours)),
      bare: fmt(median(bare)),
      ratio: Number.isFinite(r) ? `${r.toFixed(2)}×` : '—',
      spread: spread(ratios),
      target: target?.text ?? '',
      met: target === undefined || !Number.isFinite(r) ? '' : r <= target.max ? 'yes' : 'NO',
    });
  };
  const plain = (label: string, pick: (f: RunFigures) => number | undefined, fmt: (v: number) => string, target?: { ok: (v: number) => boolean; text: string }): void => {
    const ours = median(runs.map((r) => pick(r.bot) ?? Number.NaN));
    const bare = median(runs.map((r) => pick(r.bare) ?? Number.NaN));
    rows.push({ figure: `  ${label}`, ours: fmt(ours), bare: fmt(bare), ratio: '', spread: '', target: target?.text ?? '', met: target === undefined || !Number.isFinite(ours) ? '' : target.ok(ours) ? 'yes' : 'NO' });
  };
  const ms1 = (v: number): string => ms(v, 1);
  const ack = { p50: { max: 1.5, text: '≤ 1.5× bare' }, p99: { max: 1.5, text: '≤ 1.5× bare' }, max: { max: 2, text: '≤ 2× bare' } };

  const latencySection = (label: string, load: (f: RunFigures) => LoadResult | undefined, complete: (f: RunFigures) => CompleteResult | undefined, completeP99?: { max: number; text: string }): void => {
    rows.push(section(`${label}: acknowledgement`));
    for (const key of ['p50', 'p99', 'max'] as const) figureRow(key, (f) => load(f)?.[key], ms1, ack[key]);
    plain('missed 3 s / refused', (f) => load(f)?.misses, count, { ok: (v) => v === 0, text: '0' });
    rows.push(section(`${label}: complete answer (injection → final edit or follow-up)`));
    figureRow('p50', (f) => complete(f)?.p50, ms);
    figureRow('p99', (f) => complete(f)?.p99, ms, completeP99);
    figureRow('max', (f) => complete(f)?.max, ms);
    plain(`unanswered ${opts.completeWaitMs / 1000} s after the last ack`, (f) => complete(f)?.unfinished, count, { ok: (v) => v === 0, text: '0' });
  };
  if (opts.only.has('latency')) {
    latencySection(`1/s (${opts.slowCount})`, (f) => f.slow, (f) => f.slowComplete);
    latencySection(`${opts.fastRate}/s (${opts.fastCount})`, (f) => f.fast, (f) => f.fastComplete, { max: 2, text: '≤ 2× bare' });
    rows.push(section('CPU time of the bot process per interaction (user + system; robust to a shared machine)'));
    figureRow('at 1/s', (f) => f.slowCpuMs, (v) => ms(v, 2));
    figureRow(`at ${opts.fastRate}/s`, (f) => f.fastCpuMs, (v) => ms(v, 2));
    rows.push(section(`Event-loop delay during the ${opts.fastRate}/s run`));
    plain('load generator + fakes, p99', (f) => f.fast?.parentLoopDelayP99Ms, ms1);
    plain('load generator + fakes, max', (f) => f.fast?.parentLoopDelayMaxMs, ms1);
    plain('bot process, p99', (f) => f.fastChildLoop?.p99, ms1);
    plain('bot process, max', (f) => f.fastChildLoop?.max, ms1);
  }

  if (opts.only.has('throughput')) {
    rows.push(section(`Throughput at ${opts.apiLatencyMs} ms API latency (steps of ${opts.stepSeconds} s, ${opts.rates.join('/')} per s)`));
    figureRow('highest clean rate, interactions/s', (f) => highestClean(f.steps)?.rate, count);
    // Complete answers at the bot's highest clean rate, against the bare bot's step at that rate.
    const at = (f: RunFigures, ofBot: RunFigures): ThroughputStep | undefined => f.steps?.find((s) => s.rate === highestClean(ofBot.steps)?.rate);
    const stepRow = (label: string, pick: (s: ThroughputStep) => number, fmt: (v: number) => string, target?: { max: number; text: string }): void => {
      const ours = runs.map((r) => { const s = at(r.bot, r.bot); return s === undefined ? Number.NaN : pick(s); });
      const bare = runs.map((r) => { const s = at(r.bare, r.bot); return s === undefined ? Number.NaN : pick(s); });
      const ratios = ours.map((o, i) => { const b = bare[i] ?? Number.NaN; return Number.isFinite(o) && Number.isFinite(b) && b > 0 ? o / b : Number.NaN; });
      const r = median(ratios);
      rows.push({ figure: `  ${label}`, ours: fmt(median(ours)), bare: fmt(median(bare)), ratio: Number.isFinite(r) ? `${r.toFixed(2)}×` : '—', spread: spread(ratios), target: target?.text ?? '', met: target === undefined || !Number.isFinite(r) ? '' : r <= target.max ? 'yes' : 'NO' });
    };
    stepRow('at the bot\'s highest clean rate: ack p99', (s) => s.result.p99, ms1);
    stepRow('  complete answer p50', (s) => s.complete.p50, ms);
    stepRow('  complete answer p99', (s) => s.complete.p99, ms);
    stepRow('  complete answer max', (s) => s.complete.max, ms);
    stepRow('  unanswered 5 s after the step', (s) => s.complete.unfinished, count);
    stepRow('  load generator + fakes loop delay p99', (s) => s.result.parentLoopDelayP99Ms, ms1);
  }

  if (opts.only.has('sustain')) {
    rows.push(section(`Sustained ${opts.sustainRate}/s for ${opts.sustainSeconds} s (${Math.round(opts.sustainRate * opts.sustainSeconds)} interactions)`));
    plain('acknowledged late / refused / never', (f) => f.sustain?.misses, count, { ok: (v) => v === 0, text: '0' });
    plain(`unanswered ${opts.completeWaitMs / 1000} s after the last ack`, (f) => f.sustainComplete?.unfinished, count, { ok: (v) => v === 0, text: '0' });
    plain('achieved dispatch rate, /s', (f) => (f.sustain === undefined ? undefined : f.sustain.outcomes.length / (f.sustain.spanMs / 1000)), count);
    figureRow('ack p99', (f) => f.sustain?.p99, ms1);
    figureRow('complete answer p99', (f) => f.sustainComplete?.p99, ms);
    figureRow('CPU per interaction', (f) => f.sustainCpuMs, (v) => ms(v, 2));
    plain('load generator + fakes loop delay p99', (f) => f.sustain?.parentLoopDelayP99Ms, ms1);
    plain('bot process loop delay p99', (f) => f.sustainChildLoop?.p99, ms1);
  }

  if (opts.only.has('memory')) {
    rows.push(section(`Memory, guild of ${opts.memoryMembers} members (RSS after gc)`));
    figureRow('after READY (at once)', (f) => f.memoryReady?.rss, mib, { max: 1, text: '≤ 1.0× bare' });
    figureRow(`after READY, idle ${SETTLE_MS / 1000} s`, (f) => f.memorySettled?.rss, mib, { max: 1, text: '≤ 1.0× bare' });
    figureRow('young generation resident at READY (at once)', (f) => f.memoryReady?.spacesPhysical['new_space'], mib);
    figureRow('heap used at READY', (f) => f.memoryReady?.heapUsed, mib);
    figureRow(`after ${opts.memoryCount} interactions`, (f) => f.memoryAfter?.rss, mib, { max: 1, text: '≤ 1.0× bare' });
    figureRow('growth', (f) => (f.memoryAfter === undefined || f.memoryReady === undefined ? undefined : f.memoryAfter.rss - f.memoryReady.rss), mib);
    figureRow('heap used after', (f) => f.memoryAfter?.heapUsed, mib);
  }

  rows.push(section('Start-up, process start → READY (compiled, plain node; every child of the run)'));
  figureRow('median', (f) => median(f.startupMs), ms, { max: 1.5, text: '≤ 1.5× bare' });

  const { cold, costs, scene } = extras;
  if (costs.size > 0) {
    rows.push(section('API calls per command, warm caches (bot only)'));
    const targets: Partial<Record<ShotKind, number>> = { award: 1, roll: 1, autocomplete: 0, 'link-autocomplete': 0 };
    for (const [kind, cost] of costs) {
      const target = targets[kind];
      rows.push({ figure: `  ${kind}`, ours: count(cost.calls), bare: '—', ratio: '—', spread: '', target: target === undefined ? '' : String(target), met: target === undefined ? '' : cost.calls <= target ? 'yes' : 'NO' });
    }
  }
  if (cold !== undefined) {
    rows.push(section(`Cold start, company of ${opts.coldUsers} users (first ${extras.full ? 'award' : 'whoami'})`));
    rows.push({ figure: '  API calls (user-list pages)', ours: `${cold.calls} (${cold.userListPages})`, bare: '—', ratio: '—', spread: '', target: '', met: '' });
    rows.push({ figure: '  wall time', ours: ms(cold.wallMs), bare: '—', ratio: '—', spread: '', target: '', met: '' });
  }
  if (scene !== undefined) {
    rows.push(section(`Scene award, ${PLAYER_COUNT} members at ${opts.sceneLatencyMs} ms API latency`));
    rows.push({ figure: '  wall time (Confirm → receipt)', ours: ms(scene.wallMs), bare: '—', ratio: '—', spread: '', target: '', met: scene.receiptPosted ? '' : 'NO' });
    rows.push({ figure: '  awards applied', ours: count(scene.awards), bare: '—', ratio: '—', spread: '', target: String(PLAYER_COUNT), met: scene.awards === PLAYER_COUNT ? 'yes' : 'NO' });
    rows.push({ figure: '  peak requests in flight', ours: count(scene.peakConcurrency), bare: '—', ratio: '—', spread: '', target: '', met: '' });
    rows.push({ figure: '  429s (burst 30 @ 0.5/s)', ours: count(scene.tooManyRequests), bare: '—', ratio: '—', spread: '', target: '0', met: scene.tooManyRequests === 0 ? 'yes' : 'NO' });
  }

  const out: string[] = [];
  out.push('npm run bench — bot vs bare discord.js bot, both compiled and run with plain node, fake Discord + fake Valentina on 127.0.0.1');
  out.push(`${runs.length} run(s), side by side; API latency ${opts.apiLatencyMs} ms (scene: ${opts.sceneLatencyMs} ms); mix: ${mix.name}`);
  out.push(`load average at start ${extras.loadAtStart}, at end ${load()} (2-core machine shared with other engineers' runs)`);
  if (opts.quick) out.push('QUICK MODE: small counts, one run unless --runs says otherwise');
  out.push('');
  out.push(formatTable(rows));
  out.push('');
  out.push('Notes:');
  out.push('- bot and bare are medians over runs; ratio is the median of the per-run ratios, spread their range. Acknowledgement: INTERACTION_CREATE sent → first callback accepted by the fake Discord (its whole-ms record refined with performance.now()). Complete answer: INTERACTION_CREATE sent → the latest reply, edit or follow-up the member saw, from the fake\'s whole-ms record, read once the bot drained.');
  out.push('- Both bots defer a command, make one Valentina call at the fake\'s latency, then edit; both answer autocomplete at once. The bare bot\'s edits go through stock @discordjs/rest, whose 50/s global limit queues them above ~50 commands/s. An interaction still unanswered when read counts as infinitely late ("unanswered"), so percentiles never skip the slowest.');
  const last = runs[runs.length - 1];
  if (last !== undefined) {
    for (const [label, o, b] of [['1/s', last.bot.slow, last.bare.slow], [`${opts.fastRate}/s`, last.bot.fast, last.bare.fast]] as const) {
      if (o === undefined && b === undefined) continue;
      out.push(`- Last run at ${label}, ack per kind (bot | bare): ${perKindText(o, b)}.`);
    }
    out.push(`- Last run's throughput steps: ${stepsText(last.bot.steps)} (bot); ${stepsText(last.bare.steps)} (bare). A step is clean when every acknowledgement came within 3 s and none was refused.`);
    out.push(`- Memory run: ${opts.memoryCount} autocompletes from ${opts.memoryMembers} distinct members at ${opts.memoryRate}/s. Cached after (last run): bot users ${last.bot.memoryAfter?.cachedUsers ?? 'n/a'}, members ${last.bot.memoryAfter?.cachedMembers ?? 'n/a'}; bare users ${last.bare.memoryAfter?.cachedUsers ?? 'n/a'}, members ${last.bare.memoryAfter?.cachedMembers ?? 'n/a'}.`);
  }
  out.push(`- Warm API calls by route: ${[...costs.entries()].map(([k, c]) => `${k} [${c.routes.join(', ') || 'none'}]`).join('; ') || 'not measured'}.`);
  if (cold !== undefined) {
    const overBurst = cold.calls - 30;
    out.push(`- Cold start routes: ${summarizeRoutes(cold.routes)}. The rate limiter was off here; under the sample policy (burst 30 @ 0.5/s)` + (overBurst > 0 ? ` the ${cold.calls} calls would wait ≥ ${overBurst * 2} s for tokens.` : ' they fit in the burst.'));
  }
  out.push(...missedTargets(rows, runs));
  const warnings = runs.reduce((n, r) => n + r.bot.warnings, extras.costFigures.warnings);
  const errors = runs.reduce((n, r) => n + r.bot.errors, extras.costFigures.errors);
  out.push(`- Bot log lines: ${warnings} warnings, ${errors} errors across its runs.`);
  out.push(`- Total bench time ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
  return out.join('\n');
}

/**
 * Each missed target by name with its figure, and what the same run's probes say stands in its way:
 * for memory, how much of the RSS difference is the young generation's resident pages and how much
 * heap in use; for acknowledgements, the bot's own event-loop delay and CPU per interaction.
 */
function missedTargets(rows: readonly Row[], runs: ReadonlyArray<Record<BotKind, RunFigures>>): string[] {
  const out: string[] = [];
  let heading = '';
  const diff = (pick: (f: RunFigures) => number | undefined): number => median(runs.map((r) => (pick(r.bot) ?? Number.NaN) - (pick(r.bare) ?? Number.NaN)));
  const signed = (v: number): string => `${v >= 0 ? '+' : '−'}${mib(Math.abs(v))}`;
  for (const row of rows) {
    if (!row.figure.startsWith('  ')) {
      heading = row.figure;
      continue;
    }
    if (row.met !== 'NO') continue;
    let why = '';
    if (heading.startsWith('Memory')) {
      const at = row.figure.includes('after READY (at once)') ? (f: RunFigures) => f.memoryReady : row.figure.includes('idle') ? (f: RunFigures) => f.memorySettled : (f: RunFigures) => f.memoryAfter;
      const rss = diff((f) => at(f)?.rss);
      const young = diff((f) => at(f)?.spacesPhysical['new_space']);
      const heap = diff((f) => at(f)?.heapUsed);
      why = `: RSS ${signed(rss)} over bare, of which the young generation's resident pages ${signed(young)} and heap in use ${signed(heap)}; the rest is committed-but-free heap and native memory`;
    } else if (heading.includes('acknowledgement')) {
      why = `: bot event-loop delay at 200/s p99 ${ms(median(runs.map((r) => r.bot.fastChildLoop?.p99 ?? Number.NaN)), 1)} (bare ${ms(median(runs.map((r) => r.bare.fastChildLoop?.p99 ?? Number.NaN)), 1)}), CPU per interaction ${(median(runs.map((r) => (r.bot.fastCpuMs ?? Number.NaN) / (r.bare.fastCpuMs ?? Number.NaN)))).toFixed(2)}× bare`;
    }
    out.push(`- MISSED: ${heading.trim()}, ${row.figure.trim()}: ${row.ours} vs ${row.bare} bare = ${row.ratio} (${row.spread}); target ${row.target}${why}.`);
  }
  return out;
}

function stepsText(steps: readonly ThroughputStep[] | undefined): string {
  return (
    (steps ?? [])
      .map((s) => `${s.rate}/s ack p99 ${ms(s.result.p99, 1)}, complete p99 ${ms(s.complete.p99)}${s.clean ? '' : ` (${s.result.misses} missed)`}, ${s.complete.unfinished} unanswered 5 s later`)
      .join('; ') || 'none'
  );
}

function perKindText(o: LoadResult | undefined, b: LoadResult | undefined): string {
  const kinds = new Set([...(o?.perKind.keys() ?? []), ...(b?.perKind.keys() ?? [])]);
  const fig = (r: LoadResult | undefined, k: string): string => {
    const v = r?.perKind.get(k) ?? [];
    return `p50 ${ms(percentile(v, 50), 1)} p99 ${ms(percentile(v, 99), 1)}`;
  };
  return [...kinds].map((k) => `${k} ${fig(o, k)} | ${fig(b, k)}`).join('; ');
}

function summarizeRoutes(routes: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const r of routes) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts.entries()].map(([r, n]) => (n > 1 ? `${r} ×${n}` : r)).join(', ');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
