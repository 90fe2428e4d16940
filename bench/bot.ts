/**
 * `npm run bench` (issue 6 §1): the bot against a bare discord.js bot on the same fake Discord,
 * with the fake Valentina on loopback. Prints one table (bot, bare bot, ratio, target) and notes.
 *
 * Each measured bot runs in its own child process; the parent holds the fakes and the load
 * generator. Options (flag or environment):
 *   --api-latency=MS   BENCH_API_LATENCY_MS   API latency of the fake Valentina (default 20)
 *   --slow-count=N     BENCH_SLOW_COUNT       interactions at 1/s (default 100)
 *   --fast-count=N     BENCH_FAST_COUNT       interactions at 200/s (default 2000)
 *   --step-seconds=S   BENCH_STEP_SECONDS     seconds per throughput step (default 5)
 *   --memory-count=N   BENCH_MEMORY_COUNT     interactions of the memory run (default 10000)
 *   --quick                                   small counts, to try the bench out (figures not comparable)
 *   --only=a,b         parts to run: bare, bot, throughput, memory (default all; for profiling)
 *   BENCH_CPU_PROF=<dir> profiles each bot child; BENCH_LOG_DIR=<dir> keeps each child's log.
 * Progress goes to stderr; the table and notes to stdout. Everything listens on 127.0.0.1.
 */
import { loadavg } from 'node:os';
import { startChild, type BenchChild, type BotKind } from './bot/children.js';
import type { LoadResult } from './bot/load.js';
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
import { createMix, hasFullMix, type ShotKind } from './bot/mix.js';
import type { Probe } from './bot/ipc.js';
import { count, formatTable, mib, ms, percentile, ratio, section, type Row } from './bot/report.js';
import { PLAYER_COUNT, startBenchWorld, type BenchWorld } from './bot/world.js';

interface Options {
  apiLatencyMs: number;
  slowCount: number;
  fastCount: number;
  fastRate: number;
  stepSeconds: number;
  rates: number[];
  memoryCount: number;
  memoryMembers: number;
  memoryRate: number;
  coldUsers: number;
  sceneLatencyMs: number;
  quick: boolean;
  only: Set<string>;
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
    apiLatencyMs: num('api-latency', 'BENCH_API_LATENCY_MS', 20, 0, 2_000),
    slowCount: num('slow-count', 'BENCH_SLOW_COUNT', quick ? 8 : 100, 1, 600),
    fastCount: num('fast-count', 'BENCH_FAST_COUNT', quick ? 400 : 2_000, 1, 20_000),
    fastRate: 200,
    stepSeconds: num('step-seconds', 'BENCH_STEP_SECONDS', quick ? 2 : 5, 1, 30),
    rates: [100, 200, 400, 800, 1600, 3200],
    memoryCount: num('memory-count', 'BENCH_MEMORY_COUNT', quick ? 2_000 : 10_000, 1, 50_000),
    memoryMembers: 10_000,
    memoryRate: 400,
    coldUsers: 5_000,
    sceneLatencyMs: 50,
    quick,
    only: parts(flag('only')),
  };
}

const PARTS = ['bare', 'bot', 'throughput', 'memory'] as const;

function parts(raw: string | undefined): Set<string> {
  const chosen = (raw ?? PARTS.join(',')).split(',').filter((p) => p !== '');
  const unknown = chosen.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`--only takes ${PARTS.join(', ')}; got ${unknown.join(', ')}`);
  return new Set(chosen);
}

const t0 = performance.now();
const load = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const progress = (message: string): void => {
  process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${message} (load ${load()})\n`);
};

interface BotFigures {
  slow?: LoadResult;
  fast?: LoadResult;
  steps?: ThroughputStep[];
  memoryReady?: Probe;
  /** After the first interaction in the big guild (and the company walk it starts). */
  memoryWarm?: Probe;
  memoryAfter?: Probe;
  memoryRun?: LoadResult;
  startupMs?: number;
  warnings: number;
  errors: number;
}

async function withChild<T>(kind: BotKind, bench: BenchWorld, run: (child: BenchChild) => Promise<T>, figures: BotFigures): Promise<T> {
  const child = await startChild(kind, bench.env);
  progress(`${kind} child ${child.pid} ready in ${child.startupMs.toFixed(0)} ms, RSS ${mib(child.atReady.rss)}`);
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

function describeLoad(label: string, r: LoadResult): string {
  const kinds = [...r.perKind.entries()].map(([k, v]) => `${k} ${v.length}`).join(', ');
  return `${label}: ${r.outcomes.length} interactions in ${(r.spanMs / 1000).toFixed(1)} s (${kinds}); p50 ${ms(r.p50, 1)}, p99 ${ms(r.p99, 1)}, max ${ms(r.max, 1)}, misses ${r.misses}, dispatch lag max ${ms(r.maxDispatchLagMs, 1)}, parent loop delay p99 ${ms(r.parentLoopDelayP99Ms, 1)} max ${ms(r.parentLoopDelayMaxMs, 1)}`;
}

function highestClean(steps: readonly ThroughputStep[] | undefined): number {
  let best = Number.NaN;
  for (const s of steps ?? []) if (s.clean) best = s.rate;
  return best;
}

async function main(): Promise<void> {
  const opts = readOptions(process.argv.slice(2), process.env);
  const loadAtStart = load();
  progress(`starting: API latency ${opts.apiLatencyMs} ms${opts.quick ? ' (quick mode: figures not comparable)' : ''}`);
  const bench = await startBenchWorld({ apiLatencyMs: opts.apiLatencyMs, coldUsers: opts.coldUsers });
  const full = hasFullMix(bench);
  const mix = createMix(bench, full);
  progress(`world ready: mix = ${mix.name}`);

  const bare: BotFigures = { warnings: 0, errors: 0 };
  const ours: BotFigures = { warnings: 0, errors: 0 };
  let cold: ColdStart | undefined;
  let costs = new Map<ShotKind, CommandCost>();
  let scene: SceneResult | undefined;
  const notes: string[] = [];

  try {
    // --- Bare discord.js bot: latency at 1/s and 200/s, then throughput.
    if (opts.only.has('bare')) await withChild('bare', bench, async (child) => {
      bare.startupMs = child.startupMs;
      // The same warm-up as the bot gets: JIT and connections, so neither side is measured cold.
      await warmUp(bench, child, mix);
      bare.slow = await latencyRun(mix, { ratePerSec: 1, count: opts.slowCount });
      progress(describeLoad('bare 1/s', bare.slow));
      bare.fast = await latencyRun(mix, { ratePerSec: opts.fastRate, count: opts.fastCount });
      progress(describeLoad(`bare ${opts.fastRate}/s`, bare.fast));
      bare.steps = await throughput(child, mix, {
        rates: opts.rates,
        seconds: opts.stepSeconds,
        onStep: (s) => progress(describeLoad(`bare throughput ${s.rate}/s`, s.result)),
      });
    }, bare);

    // --- The bot: cold start, warm costs, scene, latency at 1/s and 200/s.
    if (opts.only.has('bot')) await withChild('bot', bench, async (child) => {
      ours.startupMs = child.startupMs;
      cold = await coldStart(bench, child, full);
      progress(`cold start (${opts.coldUsers} users): ${cold.calls} API calls (${cold.userListPages} user-list pages) in ${ms(cold.wallMs)}`);
      await warmUp(bench, child, mix);
      costs = await warmCosts(bench, child, mix);
      for (const [kind, cost] of costs) progress(`warm ${kind}: ${cost.calls} API calls [${cost.routes.join(', ')}] in ${ms(cost.wallMs)}`);
      if (full) {
        scene = await sceneAward(bench, child, { latencyMs: opts.sceneLatencyMs, restoreLatencyMs: opts.apiLatencyMs });
        progress(`scene of ${PLAYER_COUNT}: ${ms(scene.wallMs)}, ${scene.awards} awards, peak ${scene.peakConcurrency} in flight, ${scene.tooManyRequests} × 429`);
      }
      ours.slow = await latencyRun(mix, { ratePerSec: 1, count: opts.slowCount });
      progress(describeLoad('bot 1/s', ours.slow));
      ours.fast = await latencyRun(mix, { ratePerSec: opts.fastRate, count: opts.fastCount });
      progress(describeLoad(`bot ${opts.fastRate}/s`, ours.fast));
      const left = await child.drain(2_000);
      if (left > 0) notes.push(`After the ${opts.fastRate}/s run the bot still had ${left} interactions finishing (edits queue behind @discordjs/rest's 50/s global limit); a fresh bot process runs the throughput steps.`);
    }, ours);

    // --- The bot again, fresh and warm, for throughput.
    if (opts.only.has('throughput')) await withChild('bot', bench, async (child) => {
      await warmUp(bench, child, mix);
      ours.steps = await throughput(child, mix, {
        rates: opts.rates,
        seconds: opts.stepSeconds,
        onStep: (s) => progress(describeLoad(`bot throughput ${s.rate}/s`, s.result)),
      });
    }, ours);

    // --- Memory in a guild of 10,000 members, each bot in a fresh process.
    if (opts.only.has('memory')) {
      const big = await bench.addBigGuild(opts.memoryMembers);
      progress(`big guild: ${big.memberIds.length} members, all in GUILD_CREATE`);
      for (const [kind, figures] of [['bare', bare], ['bot', ours]] as const) {
        await withChild(kind, bench, async (child) => {
          figures.memoryReady = child.atReady;
          await memoryWarm(bench, child, big, full);
          figures.memoryWarm = await child.probe({ gc: true });
          figures.memoryRun = await memoryRun(bench, big, { count: opts.memoryCount, ratePerSec: opts.memoryRate, full });
          await child.drain(15_000);
          // A moment idle first: V8 hands unused heap pages back only after a busy spell ends.
          await new Promise((resolve) => setTimeout(resolve, 3_000));
          figures.memoryAfter = await child.probe({ gc: true });
          const p = (x: Probe): string => `RSS ${mib(x.rss)} heap ${mib(x.heapUsed)}/${mib(x.heapTotal)} ext ${mib(x.external)}`;
          progress(
            `${kind} memory: READY ${p(child.atReady)}; first ${p(figures.memoryWarm)}; after ${figures.memoryRun.outcomes.length}: ${p(figures.memoryAfter)}; ` +
              `cached users ${figures.memoryAfter.cachedUsers}, members ${figures.memoryAfter.cachedMembers}; misses ${figures.memoryRun.misses}`,
          );
        }, figures);
      }
    }
  } finally {
    await bench.stop();
  }

  // --- The table.
  const rows: Row[] = [];
  const latencyRows = (label: string, o: LoadResult | undefined, b: LoadResult | undefined): void => {
    const within = (x: number, y: number): string => (Number.isFinite(x) && Number.isFinite(y) && y > 0 ? (x <= 1.5 * y ? 'yes' : 'NO') : '');
    rows.push(section(label));
    for (const key of ['p50', 'p99', 'max'] as const) {
      const x = o?.[key] ?? Number.NaN;
      const y = b?.[key] ?? Number.NaN;
      const targeted = key !== 'max';
      rows.push({ figure: `  ${key}`, ours: ms(x, 1), bare: ms(y, 1), ratio: ratio(x, y), target: targeted ? '≤ 1.5× bare' : '', met: targeted ? within(x, y) : '' });
    }
    rows.push({ figure: '  missed 3 s / refused', ours: count(o?.misses ?? Number.NaN), bare: count(b?.misses ?? Number.NaN), ratio: '', target: '0', met: (o?.misses ?? 1) === 0 ? 'yes' : 'NO' });
  };
  latencyRows(`Ack latency at 1/s (${ours.slow?.outcomes.length ?? 0} interactions)`, ours.slow, bare.slow);
  latencyRows(`Ack latency at ${opts.fastRate}/s (${ours.fast?.outcomes.length ?? 0} interactions)`, ours.fast, bare.fast);

  rows.push(section('API calls per command, warm caches'));
  const targets: Partial<Record<ShotKind, number>> = { award: 1, roll: 1, autocomplete: 0, 'link-autocomplete': 0 };
  for (const [kind, cost] of costs) {
    const target = targets[kind];
    rows.push({
      figure: `  ${kind}`,
      ours: count(cost.calls),
      bare: '—',
      ratio: '—',
      target: target === undefined ? '' : String(target),
      met: target === undefined ? '' : cost.calls <= target ? 'yes' : 'NO',
    });
  }
  rows.push(section(`Cold start, company of ${opts.coldUsers} users (first ${full ? 'award' : 'whoami'})`));
  rows.push({ figure: '  API calls (user-list pages)', ours: cold === undefined ? 'n/a' : `${cold.calls} (${cold.userListPages})`, bare: '—', ratio: '—', target: '', met: '' });
  rows.push({ figure: '  wall time', ours: ms(cold?.wallMs ?? Number.NaN), bare: '—', ratio: '—', target: '', met: '' });

  if (scene !== undefined) {
    rows.push(section(`Scene award, ${PLAYER_COUNT} members at ${opts.sceneLatencyMs} ms API latency`));
    rows.push({ figure: '  wall time (Confirm → receipt)', ours: ms(scene.wallMs), bare: '—', ratio: '—', target: '', met: scene.receiptPosted ? '' : 'NO' });
    rows.push({ figure: '  awards applied', ours: count(scene.awards), bare: '—', ratio: '—', target: String(PLAYER_COUNT), met: scene.awards === PLAYER_COUNT ? 'yes' : 'NO' });
    rows.push({ figure: '  peak requests in flight', ours: count(scene.peakConcurrency), bare: '—', ratio: '—', target: '', met: '' });
    rows.push({ figure: '  429s (burst 30 @ 0.5/s)', ours: count(scene.tooManyRequests), bare: '—', ratio: '—', target: '0', met: scene.tooManyRequests === 0 ? 'yes' : 'NO' });
  }

  rows.push(section(`Memory, guild of ${opts.memoryMembers} members (RSS after gc)`));
  const rssRow = (label: string, o: number | undefined, b: number | undefined): Row => ({
    figure: `  ${label}`,
    ours: mib(o ?? Number.NaN),
    bare: mib(b ?? Number.NaN),
    ratio: ratio(o ?? Number.NaN, b ?? Number.NaN),
    target: '',
    met: '',
  });
  rows.push(rssRow('after READY', ours.memoryReady?.rss, bare.memoryReady?.rss));
  rows.push(rssRow(`after ${opts.memoryCount} interactions`, ours.memoryAfter?.rss, bare.memoryAfter?.rss));
  rows.push(rssRow('growth', diff(ours.memoryAfter?.rss, ours.memoryReady?.rss), diff(bare.memoryAfter?.rss, bare.memoryReady?.rss)));
  rows.push(rssRow('heap used after', ours.memoryAfter?.heapUsed, bare.memoryAfter?.heapUsed));

  rows.push(section(`Throughput at ${opts.apiLatencyMs} ms API latency (steps of ${opts.stepSeconds} s)`));
  const ot = highestClean(ours.steps);
  const bt = highestClean(bare.steps);
  const topRate = opts.rates[opts.rates.length - 1] ?? Number.NaN;
  // Clean at the top step: the real limit is higher than this bench asks for.
  const atLeast = (rate: number): string => (rate === topRate ? `≥ ${count(rate)}` : count(rate));
  rows.push({ figure: '  highest clean rate, interactions/s', ours: atLeast(ot), bare: atLeast(bt), ratio: ratio(ot, bt), target: '', met: '' });

  const out: string[] = [];
  out.push(`npm run bench — bot vs bare discord.js bot, fake Discord + fake Valentina on 127.0.0.1`);
  out.push(`API latency ${opts.apiLatencyMs} ms (scene: ${opts.sceneLatencyMs} ms); mix: ${mix.name}`);
  out.push(`load average at start ${loadAtStart}, at end ${load()} (2-core machine shared with other test runs)`);
  if (opts.quick) out.push('QUICK MODE: small counts, figures not comparable');
  out.push('');
  out.push(formatTable(rows));
  out.push('');
  out.push('Notes:');
  out.push(`- Latency: INTERACTION_CREATE sent → first callback accepted by the fake Discord, the fake's whole-ms record refined with performance.now() (kept within its ±1 ms). Open loop: dispatched on schedule regardless of answers. Mix in turn, so each kind is a quarter.`);
  out.push('- The bot acknowledges with a defer (type 5) and edits later; the bare bot replies at once (type 4). Edits and channel posts go through @discordjs/rest\'s 50/s global limit; callbacks do not.');
  for (const [label, o, b] of [['1/s', ours.slow, bare.slow], [`${opts.fastRate}/s`, ours.fast, bare.fast]] as const) {
    out.push(`- At ${label}, per kind (bot | bare): ${perKindText(o, b)}. Load generator's event-loop delay p99 ${ms(o?.parentLoopDelayP99Ms ?? Number.NaN, 1)} during the bot's run, ${ms(b?.parentLoopDelayP99Ms ?? Number.NaN, 1)} during the bare bot's; ${(o?.clockDisagreements ?? 0) + (b?.clockDisagreements ?? 0)} readings clamped to the fake's record.`);
  }
  out.push(`- Throughput steps: ${stepsText(ours.steps)} (bot); ${stepsText(bare.steps)} (bare). A step is clean when every acknowledgement came within 3 s and none was refused.`);
  out.push(`- Memory run: ${opts.memoryCount} autocompletes (${full ? 'quickroll roll#name and xp show#campaign' : 'link#user'}) from ${opts.memoryMembers} distinct members at ${opts.memoryRate}/s. Cached after: bot users ${ours.memoryAfter?.cachedUsers ?? 'n/a'}, members ${ours.memoryAfter?.cachedMembers ?? 'n/a'}; bare users ${bare.memoryAfter?.cachedUsers ?? 'n/a'}, members ${bare.memoryAfter?.cachedMembers ?? 'n/a'}. RSS includes the tsx loader both bots run under (as npm start does).`);
  out.push(`- Warm API calls by route: ${[...costs.entries()].map(([k, c]) => `${k} [${c.routes.join(', ') || 'none'}]`).join('; ')}.`);
  if (cold !== undefined) {
    const overBurst = cold.calls - 30;
    out.push(
      `- Cold start routes: ${summarizeRoutes(cold.routes)}. The rate limiter was off here; under the sample policy (burst 30 @ 0.5/s)` +
        (overBurst > 0 ? ` the ${cold.calls} calls would wait ≥ ${overBurst * 2} s for tokens.` : ' they fit in the burst.'),
    );
  }
  out.push(`- Bot log lines: ${ours.warnings} warnings, ${ours.errors} errors across its runs; startup to READY ${ms(ours.startupMs ?? Number.NaN)} (bare ${ms(bare.startupMs ?? Number.NaN)}).`);
  for (const note of notes) out.push(`- ${note}`);
  out.push(`- Total bench time ${((performance.now() - t0) / 1000).toFixed(0)} s.`);
  process.stdout.write(`${out.join('\n')}\n`);
}

function diff(a: number | undefined, b: number | undefined): number {
  return a === undefined || b === undefined ? Number.NaN : a - b;
}

function stepsText(steps: readonly ThroughputStep[] | undefined): string {
  return (
    (steps ?? [])
      .map((s) => `${s.rate}/s p50 ${ms(s.result.p50, 1)} p99 ${ms(s.result.p99, 1)}${s.clean ? '' : ` (${s.result.misses} missed)`}, ${s.unfinished} unfinished 5 s later`)
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
