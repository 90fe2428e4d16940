/** The bench's measurements, each against a running bot child and the shared fakes. */
import type { InteractionHandle } from '../../test/fakes/discord/index.js';
import type { RecordedRequest } from '../../test/fakes/valentina/index.js';
import type { BenchChild } from './children.js';
import { completeAnswers, openLoop, type CompleteResult, type LoadResult, type Shot } from './load.js';
import type { Mix, ShotKind } from './mix.js';
import type { BenchWorld, BigGuild } from './world.js';

const LOADING = 1 << 7;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A command is done once its reply exists and is no longer "thinking…" (or it answered autocomplete/modal). */
export function isFinished(h: InteractionHandle): boolean {
  const response = h.responded;
  if (response === undefined) return false;
  if (response.type === 8 || response.type === 9) return true;
  if (h.followups().length > 0) return true;
  const original = h.original();
  return original !== undefined && ((original.flags ?? 0) & LOADING) === 0;
}

/** Waits until the bot has nothing in flight and the fake Valentina has been quiet for `quietMs`. */
async function settle(bench: BenchWorld, child: BenchChild, quietMs = 250, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  await child.drain(timeoutMs);
  let seen = bench.world.valentina.requests.length;
  let quietSince = performance.now();
  while (performance.now() < deadline) {
    await sleep(50);
    const now = bench.world.valentina.requests.length;
    if (now !== seen) {
      seen = now;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= quietMs && (await child.probe()).inFlight === 0) return;
  }
}

/** `GET /api/v1/companies/{id}/users/{id}/quickrolls` → `GET …/users/:id/quickrolls`. */
function routeOf(r: RecordedRequest): string {
  const path = r.path.replace(/^\/api\/v1/, '').replace(/\/[0-9a-f]{24}/g, '/:id');
  return `${r.method} ${path}`;
}

export interface CommandCost {
  calls: number;
  routes: string[];
  wallMs: number;
}

/** API calls (at the fake) and wall time of one command, from dispatch to finished and settled. */
export async function costOf(bench: BenchWorld, child: BenchChild, shot: Shot): Promise<CommandCost> {
  await settle(bench, child);
  const before = bench.world.valentina.requests.length;
  const started = performance.now();
  const h = shot.fire();
  await h.response(15_000);
  await h.waitFor(isFinished, 60_000);
  const wallMs = performance.now() - started;
  await settle(bench, child);
  const requests = bench.world.valentina.requests.slice(before);
  return { calls: requests.length, routes: requests.map(routeOf), wallMs };
}

/** Every kind of the mix by every invoker, twice, so caches are warm. */
export async function warmUp(bench: BenchWorld, child: BenchChild, mix: Mix): Promise<void> {
  const handles: InteractionHandle[] = [];
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < bench.players.length; i++) {
      for (const kind of mix.kinds) handles.push(mix.of(kind, i).fire());
      // Paced: the warm-up must not itself be a load test.
      await sleep(20);
    }
    await Promise.all(handles.map((h) => h.waitFor(isFinished, 60_000).catch(() => undefined)));
  }
  await settle(bench, child, 250, 60_000);
}

export async function warmCosts(bench: BenchWorld, child: BenchChild, mix: Mix): Promise<Map<ShotKind, CommandCost>> {
  const out = new Map<ShotKind, CommandCost>();
  for (const kind of mix.kinds) out.set(kind, await costOf(bench, child, mix.of(kind, 3)));
  return out;
}

export interface ColdStart extends CommandCost {
  userListPages: number;
}

/** The first command in the cold company after start: an award by its storyteller to a player. */
export async function coldStart(bench: BenchWorld, child: BenchChild, full: boolean): Promise<ColdStart> {
  const { cold, world } = bench;
  const where = { guildId: cold.guildId, channelId: cold.channelId, user: cold.storyteller.discordId };
  const shot: Shot = full
    ? { kind: 'award', fire: () => world.discord.slash('xp', { ...where, subcommand: 'award', options: { member: cold.player.discordId, amount: 1 } }) }
    : { kind: 'whoami', fire: () => world.discord.slash('whoami', where) };
  const cost = await costOf(bench, child, shot);
  return { ...cost, userListPages: cost.routes.filter((r) => r === 'GET /companies/:id/users').length };
}

export interface SceneResult {
  wallMs: number;
  awards: number;
  peakConcurrency: number;
  tooManyRequests: number;
  calls: number;
  receiptPosted: boolean;
}

type Component = { type?: number; custom_id?: string; components?: Component[] };

function customIds(h: InteractionHandle): string[] {
  const out: string[] = [];
  const walk = (components: readonly Component[] | undefined): void => {
    for (const c of components ?? []) {
      if (typeof c.custom_id === 'string') out.push(c.custom_id);
      walk(c.components);
    }
  };
  walk(h.original()?.components as Component[] | undefined);
  return out;
}

/**
 * `/xp scene` → pick the 25 players → Confirm. Wall time runs from the Confirm press to the public
 * receipt; concurrency is the most requests the fake had in flight at once in that window.
 */
export async function sceneAward(bench: BenchWorld, child: BenchChild, opts: { latencyMs: number; restoreLatencyMs: number }): Promise<SceneResult> {
  const { world, players } = bench;
  const { valentina, discord } = world;
  const storyteller = world.members.storyteller.discordId;
  const where = { guildId: world.guildId, channelId: world.channelId, user: storyteller };
  valentina.setLatency(opts.latencyMs);
  // CONTRACT §1.8's sample deployment: burst 30 @ 0.5/s and hourly 1000 @ 0.27/s, buckets full.
  valentina.setRateLimit([
    { name: 'burst', capacity: 30, refillPerSecond: 0.5 },
    { name: 'hourly', capacity: 1000, refillPerSecond: 0.27 },
  ]);
  try {
    const start = discord.slash('xp', { ...where, subcommand: 'scene', options: { amount: 1, reason: 'Bench scene' } });
    await start.waitFor(isFinished, 15_000);
    const pick = customIds(start).find((id) => id.startsWith('xp:scene-pick:'));
    if (pick === undefined) throw new Error(`scene picker not shown: ${JSON.stringify(start.original())}`);
    const select = discord.select(pick, players.map((p) => p.discordId), { ...where, kind: 'user', message: start.original()?.id ?? '' });
    await select.response(15_000);
    await start.waitFor((h) => customIds(h).some((id) => id.startsWith('xp:scene-ok:')), 15_000);
    const confirm = customIds(start).find((id) => id.startsWith('xp:scene-ok:'));
    if (confirm === undefined) throw new Error('scene preview has no Confirm');
    await settle(bench, child);

    const before = valentina.requests.length;
    let peak = 0;
    const poll = setInterval(() => {
      let inFlight = 0;
      for (let i = before; i < valentina.requests.length; i++) if (valentina.requests[i]?.status === 0) inFlight += 1;
      peak = Math.max(peak, inFlight);
    }, 1);
    const started = performance.now();
    const press = discord.button(confirm, { ...where, message: start.original()?.id ?? '' });
    let receiptPosted = true;
    await press.waitFor((h) => h.followups().some((m) => (m.embeds ?? []).length > 0), 60_000).catch(() => {
      receiptPosted = false;
    });
    const wallMs = performance.now() - started;
    clearInterval(poll);
    await settle(bench, child);
    const requests = valentina.requests.slice(before);
    return {
      wallMs,
      awards: requests.filter((r) => r.method === 'POST' && r.path.endsWith('/xp/add')).length,
      peakConcurrency: peak,
      tooManyRequests: requests.filter((r) => r.status === 429).length,
      calls: requests.length,
      receiptPosted,
    };
  } finally {
    valentina.setRateLimit(false);
    valentina.setLatency(opts.restoreLatencyMs);
  }
}

export async function latencyRun(mix: Mix, opts: { ratePerSec: number; count: number }): Promise<LoadResult> {
  return openLoop({ ratePerSec: opts.ratePerSec, count: opts.count, next: (i) => mix.shot(i) });
}

export interface ThroughputStep {
  rate: number;
  result: LoadResult;
  clean: boolean;
  /** Interactions still running 5 s after the step's last acknowledgement (edits behind the REST limiter). */
  unfinished: number;
  /** Complete answers, read after those 5 s. */
  complete: CompleteResult;
}

/** Steps the rate up, `seconds` per step, stopping after the first step with a missed acknowledgement. */
export async function throughput(child: BenchChild, mix: Mix, opts: { rates: readonly number[]; seconds: number; onStep?: (s: ThroughputStep) => void }): Promise<ThroughputStep[]> {
  const steps: ThroughputStep[] = [];
  for (const rate of opts.rates) {
    const result = await openLoop({ ratePerSec: rate, count: Math.round(rate * opts.seconds), next: (i) => mix.shot(i) });
    // Acknowledgements are in; what is still running (edits behind the REST limiter) may finish first.
    const unfinished = await child.drain(5_000);
    const step = { rate, result, clean: result.misses === 0, unfinished, complete: completeAnswers(result) };
    steps.push(step);
    opts.onStep?.(step);
    if (!step.clean) break;
  }
  return steps;
}

function memoryShot(bench: BenchWorld, big: BigGuild, i: number, full: boolean): Shot {
  const { discord } = bench.world;
  const where = { guildId: big.guildId, channelId: big.channelId };
  const user = big.memberIds[i % big.memberIds.length] ?? '';
  if (!full) return { kind: 'link-autocomplete', fire: () => discord.autocomplete('link', { ...where, user, options: { member: { user }, user: 'a' }, focused: 'user' }) };
  return i % 2 === 0
    ? { kind: 'autocomplete', fire: () => discord.autocomplete('quickroll', { ...where, subcommand: 'roll', user, options: { name: 'a' }, focused: 'name' }) }
    : { kind: 'autocomplete', fire: () => discord.autocomplete('xp', { ...where, subcommand: 'show', user, options: { campaign: 'M' }, focused: 'campaign' }) };
}

/** One member of the big guild goes first, and the company's user walk it starts is waited for. */
export async function memoryWarm(bench: BenchWorld, child: BenchChild, big: BigGuild, full: boolean): Promise<void> {
  await memoryShot(bench, big, big.memberIds.length - 1, full).fire().response(30_000).catch(() => undefined);
  await settle(bench, child, 500, 60_000);
}

/** Autocompletes from distinct members of the big guild, so every cache sees every one of them. */
export async function memoryRun(bench: BenchWorld, big: BigGuild, opts: { count: number; ratePerSec: number; full: boolean }): Promise<LoadResult> {
  return openLoop({ ratePerSec: opts.ratePerSec, count: opts.count, next: (i) => memoryShot(bench, big, i, opts.full) });
}
