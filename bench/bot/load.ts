/**
 * Open-loop load: interactions are dispatched on a fixed schedule whatever the bot does with
 * the previous ones, and each one's acknowledgement latency is read from the fake Discord
 * (INTERACTION_CREATE sent → first callback received, as the fake records it).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { InteractionHandle } from '../../test/fakes/discord/index.js';
import { maxOf, mean, percentile } from './report.js';

export interface Shot {
  kind: string;
  fire(): InteractionHandle;
}

export interface Outcome {
  kind: string;
  handle: InteractionHandle;
  /**
   * Acknowledgement latency, or undefined when none came in time: the fake's own record
   * (`dispatchedAt` → callback, whole milliseconds) refined with performance.now().
   */
  latencyMs: number | undefined;
  /** The fake Discord's whole-millisecond figure, for cross-checking. */
  fakeLatencyMs: number | undefined;
  /** Refused callbacks (10062 late, 40060 twice, 50035 invalid). */
  rejected: number;
}

export interface LoadResult {
  outcomes: Outcome[];
  /** Wall time from the first dispatch to the last. */
  spanMs: number;
  /** How far behind schedule the worst dispatch went (the load generator's own lag). */
  maxDispatchLagMs: number;
  latencies: number[];
  p50: number;
  p99: number;
  max: number;
  mean: number;
  /** Acknowledgements later than the deadline, refused callbacks, and interactions never acknowledged. */
  misses: number;
  perKind: Map<string, number[]>;
  /** Interactions whose performance.now() reading fell outside the fake's record ±1 ms (clamped). */
  clockDisagreements: number;
  /**
   * Event-loop delay of this process (the fakes and the load generator) while the run lasted:
   * the fake Discord timestamps a callback only when this loop gets to it, so a busy parent
   * adds to the latency it records.
   */
  parentLoopDelayP99Ms: number;
  parentLoopDelayMaxMs: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Dispatches `count` shots at `ratePerSec` (bounded by `count` and by the schedule), then waits up
 * to `settleMs` for every acknowledgement.
 */
export async function openLoop(opts: { ratePerSec: number; count: number; next: (i: number) => Shot; settleMs?: number; deadlineMs?: number }): Promise<LoadResult> {
  const interval = 1000 / opts.ratePerSec;
  const deadline = opts.deadlineMs ?? 3_000;
  const settle = opts.settleMs ?? 10_000;
  const fired: Array<{ kind: string; handle: InteractionHandle; response: Promise<{ hr: number; fake: number; raw: number } | undefined> }> = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const start = performance.now();
  let maxLag = 0;
  let i = 0;
  while (i < opts.count) {
    const now = performance.now();
    while (i < opts.count && start + i * interval <= now) {
      maxLag = Math.max(maxLag, now - (start + i * interval));
      const shot = opts.next(i);
      // fire() returns right after the fake sent INTERACTION_CREATE; the response promise settles
      // in the same task in which the fake accepts the callback.
      const handle = shot.fire();
      const sentAt = performance.now();
      fired.push({
        kind: shot.kind,
        handle,
        response: handle.response(settle + deadline).then(
          // The fake's Date.now() record is the reference (true value within ±1 ms of it); the
          // performance.now() reading refines it inside that interval, and never leaves it (a
          // pause of this process between the two readings would otherwise count as latency).
          (r) => ({ hr: Math.min(r.latencyMs + 1, Math.max(r.latencyMs - 1, performance.now() - sentAt)), fake: r.latencyMs, raw: performance.now() - sentAt }),
          () => undefined,
        ),
      });
      i += 1;
    }
    if (i < opts.count) await sleep(Math.max(0, start + i * interval - performance.now()));
  }
  const spanMs = performance.now() - start;
  const latenciesOrMissing = await Promise.all(fired.map((f) => f.response));
  loopDelay.disable();
  const outcomes: Outcome[] = fired.map((f, index) => ({
    kind: f.kind,
    handle: f.handle,
    latencyMs: latenciesOrMissing[index]?.hr,
    fakeLatencyMs: latenciesOrMissing[index]?.fake,
    rejected: f.handle.rejections().length,
  }));
  const latencies = outcomes.flatMap((o) => (o.latencyMs === undefined ? [] : [o.latencyMs]));
  const perKind = new Map<string, number[]>();
  for (const o of outcomes) {
    if (o.latencyMs === undefined) continue;
    const list = perKind.get(o.kind) ?? [];
    list.push(o.latencyMs);
    perKind.set(o.kind, list);
  }
  const misses = outcomes.filter((o) => o.latencyMs === undefined || o.latencyMs > deadline || (o.fakeLatencyMs ?? 0) > deadline || o.rejected > 0).length;
  // How often the two readings disagreed by more than the fake's resolution (then the fake's counts).
  let clockDisagreements = 0;
  for (const r of latenciesOrMissing) if (r !== undefined && Math.abs(r.raw - r.fake) > 1) clockDisagreements += 1;
  return {
    outcomes,
    spanMs,
    maxDispatchLagMs: maxLag,
    latencies,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: maxOf(latencies),
    mean: mean(latencies),
    misses,
    perKind,
    clockDisagreements,
    parentLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
    parentLoopDelayMaxMs: loopDelay.max / 1e6,
  };
}

export interface CompleteResult {
  /**
   * Injection (INTERACTION_CREATE sent) → the latest change to the answer the member saw (ms), per
   * interaction; Infinity for one still unanswered, so percentiles never skip the slowest.
   */
  latencies: number[];
  p50: number;
  p99: number;
  max: number;
  /** Interactions with no visible answer (only a defer, or nothing) when read. */
  unfinished: number;
  /** The same, by kind of the mix. */
  unfinishedByKind: Map<string, number>;
}

/**
 * Complete-answer latency of a run, read from the fake Discord's record of each interaction (whole
 * milliseconds). Read it once the bot has drained, so every last edit is in.
 */
export function completeAnswers(result: LoadResult): CompleteResult {
  const latencies: number[] = [];
  let unfinished = 0;
  const unfinishedByKind = new Map<string, number>();
  for (const o of result.outcomes) {
    const at = o.handle.answeredAt;
    if (at === undefined || Number.isNaN(o.handle.dispatchedAt)) {
      unfinished += 1;
      unfinishedByKind.set(o.kind, (unfinishedByKind.get(o.kind) ?? 0) + 1);
      latencies.push(Number.POSITIVE_INFINITY);
    } else latencies.push(at - o.handle.dispatchedAt);
  }
  return { latencies, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: maxOf(latencies), unfinished, unfinishedByKind };
}
