import { randomUUID } from 'node:crypto';
import { APIConnectionError, type CampaignExperience } from '../../api/index.js';
import type { AwardEntry, AwardJournalRepo, AwardKind, AwardLease, AwardResult, NewAwardEntry } from '../../store/types.js';
import { classifyAwardFailure, describeAwardFailure, UNCONFIRMED_EXPIRED_MESSAGE } from './award-errors.js';
import { mapLimit } from './map-limit.js';

/** The slice of the Valentina client an award needs; the real client fits it. */
export interface ExperienceWriter {
  addXp(userId: string, campaignId: string, amount: number, requestingUserId: string, options?: { idempotencyKey?: string }): Promise<CampaignExperience>;
  removeXp(userId: string, campaignId: string, amount: number, requestingUserId: string, options?: { idempotencyKey?: string }): Promise<CampaignExperience>;
  addCoolPoints(userId: string, campaignId: string, amount: number, requestingUserId: string, options?: { idempotencyKey?: string }): Promise<CampaignExperience>;
}

export interface AwardApi {
  users(companyId: string): ExperienceWriter;
}

interface AwardLog {
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
}

export type AwardRequest = Omit<NewAwardEntry, 'undoOf'> & { undoOf?: number | null };

/**
 * Where an award was asked. The journal has no channel, so this stays in memory: a late
 * confirmation answers there; after a restart, recovery reports to the audit channel instead.
 */
export interface AwardOrigin {
  channelId: string;
}

/**
 * Why an award failed: `refused` (the API said no), `retryable` (rate limited: the same key may be
 * sent again), `expired` (never confirmed within the replay window), `recorded` (read back from
 * the journal, cause unknown).
 */
export type FailureKind = 'refused' | 'retryable' | 'expired' | 'recorded';

/**
 * What became of one award. `fresh` is true only for the caller whose API call produced the
 * outcome: receipts and audit posts follow `fresh`, so a double click never posts twice.
 */
export type AwardOutcome =
  | { status: 'applied'; entry: AwardEntry; fresh: boolean }
  | { status: 'failed'; entry: AwardEntry; fresh: boolean; message: string; kind: FailureKind; error?: unknown }
  /**
   * Valentina did not confirm it (timeout, reset, 5xx): the entry stays PENDING and this process
   * keeps settling it with the same key in the background, then reports through the listener.
   */
  | { status: 'unconfirmed'; entry: AwardEntry; fresh: boolean; error?: unknown }
  /** Journalled, and another call (or the start-up recovery) is finishing it. */
  | { status: 'pending'; entry: AwardEntry; fresh: false };

/** The API replays an idempotent 2xx for one hour; recovery stays clear of the edge. */
export const RECOVERY_WINDOW_MS = 55 * 60_000;

/**
 * Whether a FAILED award may be sent again with its own key: only when Valentina refused it
 * (nothing was applied) and while the API could still replay the key's answer.
 */
export function mayResend(entry: Pick<AwardEntry, 'status' | 'failure' | 'createdAt'>, now: number, windowMs = RECOVERY_WINDOW_MS): boolean {
  return entry.status === 'FAILED' && entry.failure === 'definite' && now - entry.createdAt < windowMs;
}

/**
 * How long a lease lasts unless its holder renews it; the holder renews it every third of that
 * while its API call runs. Another process takes a PENDING entry over only once its lease has run
 * out, so a crashed process's awards are finished within about this long (plus a recovery pass).
 * Never shorter than the resend gap: the crashed process's last request may still be running.
 */
export const LEASE_MS = 30_000;

/**
 * After a call that timed out or lost its connection, the request may still be running at
 * Valentina, which stores its replay only once it finishes: re-sending sooner could apply it twice.
 */
export const RESEND_GAP_MS = 15_000;

/** Waits between background attempts for an unconfirmed award; the last one repeats. */
export const SETTLE_DELAYS_MS: readonly number[] = [15_000, 60_000, 5 * 60_000, 15 * 60_000];
/** Background attempts in flight at once (as for scenes: gentle on the API's rate limit). */
export const SETTLE_CONCURRENCY = 4;
/**
 * When another award for the company succeeds, the API is answering again: waiting awards are
 * tried early, but never sooner than this after their last attempt.
 */
export const NUDGE_GAP_MS = 2_000;

/** A background settle that reached a definite end. */
export interface LateSettlement {
  outcome: 'applied' | 'failed' | 'expired';
  entry: AwardEntry;
  origin: AwardOrigin | null;
}

export type LateSettlementListener = (settlement: LateSettlement) => Promise<void>;

/** Runs a task later. The real one uses one unref'd timer; tests pass a manual one. */
export interface AwardScheduler {
  /** Runs `task` once after `delayMs`; the returned function cancels it. */
  schedule(delayMs: number, task: () => Promise<void>): () => void;
}

export const timerScheduler: AwardScheduler = {
  schedule(delayMs, task) {
    const timer = setTimeout(() => void task(), delayMs);
    // A waiting award must not keep the process alive: start-up recovery finishes it instead.
    timer.unref();
    return () => clearTimeout(timer);
  },
};

export interface AwardServiceOptions {
  scheduler?: AwardScheduler;
  delaysMs?: readonly number[];
  windowMs?: number;
  /** This process's name in the journal's leases; unique per process (a random id by default). */
  owner?: string;
  leaseMs?: number;
  /** Least wait before re-sending an award whose last call may still be running (RESEND_GAP_MS). */
  resendGapMs?: number;
}

export interface RecoveryReport {
  entry: AwardEntry;
  outcome: 'applied' | 'failed' | 'expired';
}

interface SettleContext {
  origin: AwardOrigin | null;
  /** Background attempts already made for this entry in this process. */
  attempts: number;
}

interface Waiting extends SettleContext {
  entry: AwardEntry;
  dueAt: number;
  /** Earliest moment a nudge may bring the next attempt forward to. */
  earliestAt: number;
  /**
   * Set when Valentina applied the award but the journal could not record it: only the journal
   * write is retried, and nobody is told twice.
   */
  applied?: AwardResult;
}

/**
 * Journal first, then the API with the same idempotency key, then the journal again.
 * A crash between the steps leaves a PENDING entry that `recover` finishes with the same key,
 * so an award is never applied twice and never forgotten. Calls for one key that overlap in
 * this process share one API call (the API has no in-flight lock of its own).
 *
 * Across processes (shards, a rolling restart), a PENDING entry carries a lease in the journal:
 * the process that holds it is the only one that calls the API for it, and recovery in another
 * process takes over only a lease that has run out.
 *
 * An answer that leaves it open whether the award was applied (timeout, reset, 5xx) keeps the
 * entry PENDING; the service settles it in the background with the same key, with growing waits
 * (never sooner than RESEND_GAP_MS after a call that may still be running), until Valentina
 * answers definitely or the replay window runs out (then FAILED, marked ambiguous: never re-sent).
 * One timer serves every waiting award.
 */
export class AwardService {
  private readonly inFlight = new Map<string, Promise<AwardOutcome>>();
  private readonly waiting = new Map<string, Waiting>();
  private readonly scheduler: AwardScheduler;
  private readonly delaysMs: readonly number[];
  private readonly windowMs: number;
  private cancelTimer: (() => void) | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private running: Promise<void> | null = null;
  private disposed = false;
  private listener: LateSettlementListener | null = null;
  private readonly owner: string;
  private readonly leaseMs: number;
  private readonly resendGapMs: number;

  constructor(
    private readonly api: AwardApi,
    private readonly journal: AwardJournalRepo,
    private readonly now: () => number,
    private readonly log: AwardLog,
    options: AwardServiceOptions = {},
  ) {
    this.scheduler = options.scheduler ?? timerScheduler;
    this.delaysMs = options.delaysMs ?? SETTLE_DELAYS_MS;
    this.windowMs = options.windowMs ?? RECOVERY_WINDOW_MS;
    this.owner = options.owner ?? randomUUID();
    this.resendGapMs = options.resendGapMs ?? RESEND_GAP_MS;
    this.leaseMs = Math.max(options.leaseMs ?? LEASE_MS, this.resendGapMs + 1_000);
  }

  private lease(now: number, until = now + this.leaseMs): AwardLease {
    return { owner: this.owner, until };
  }

  /** Who hears about awards settled in the background (set once, by the Discord runtime). */
  onLateSettlement(listener: LateSettlementListener): void {
    this.listener = listener;
  }

  /**
   * Writes the PENDING entry under this process's lease; an existing key returns the existing
   * entry (created=false).
   */
  begin(request: AwardRequest): Promise<{ entry: AwardEntry; created: boolean }> {
    const now = this.now();
    return this.journal.insertPending({ ...request, undoOf: request.undoOf ?? null }, now, this.lease(now));
  }

  /** Journals and applies one award. A FAILED entry with the same key is retried only on request. */
  async apply(request: AwardRequest, opts: { retryFailed?: boolean; origin?: AwardOrigin } = {}): Promise<AwardOutcome> {
    const running = this.inFlight.get(request.key);
    if (running !== undefined) return this.asFollower(running);
    const { entry, created } = await this.begin(request);
    return created ? this.settle(entry, opts.origin) : this.settleExisting(entry, opts);
  }

  /**
   * Finishes a journalled entry: calls the API unless the entry is already settled, in flight
   * here, or waiting here for its next background attempt. `retryFailed` lets a FAILED entry try
   * again with its original key, only when its failure was definite (Valentina refused it) and
   * only by the one caller that reopens it in the journal.
   */
  async settleExisting(entry: AwardEntry, opts: { retryFailed?: boolean; origin?: AwardOrigin } = {}): Promise<AwardOutcome> {
    const running = this.inFlight.get(entry.key);
    if (running !== undefined) return this.asFollower(running);
    switch (entry.status) {
      case 'APPLIED':
      case 'UNDONE':
        return { status: 'applied', entry, fresh: false };
      case 'PENDING':
        if (this.waiting.has(entry.key)) return { status: 'unconfirmed', entry, fresh: false };
        return { status: 'pending', entry, fresh: false };
      case 'FAILED': {
        if (opts.retryFailed !== true || entry.failure !== 'definite') return recordedFailure(entry);
        const now = this.now();
        const reopened = await this.journal.reopenFailed(entry.key, this.lease(now), now);
        if (reopened !== null) return this.settle(reopened, opts.origin);
        // Another click or process reopened it first, or it was never safe to send again.
        const current = (await this.journal.getByKey(entry.key)) ?? entry;
        return current.status === 'FAILED' ? recordedFailure(current) : this.settleExisting(current);
      }
    }
  }

  /** Calls the API for an entry whose lease this process holds (just created, reopened, or recovered). */
  settle(entry: AwardEntry, origin?: AwardOrigin | null): Promise<AwardOutcome> {
    return this.settleWith(entry, { origin: origin ?? null, attempts: 0 });
  }

  isInFlight(key: string): boolean {
    return this.inFlight.has(key);
  }

  /** True while an unconfirmed award waits here for its next background attempt. */
  isWaiting(key: string): boolean {
    return this.waiting.has(key);
  }

  /**
   * Recovery, at start-up and then periodically: takes over PENDING entries whose lease ran out
   * (their process stopped or crashed, or gave them up while stopping). Entries younger than the
   * API's replay window are finished with their own key (a 2xx the API already gave is replayed,
   * not re-applied); older ones are marked FAILED (ambiguous), since re-sending could apply them
   * twice. `ownsGuild` limits finishing to this process's guilds. An entry another process still
   * holds is left alone, so a rolling restart never sends one award from two processes. An entry
   * Valentina still does not confirm is settled in the background and reported through the listener.
   */
  async recover(opts: { ownsGuild: (guildId: string) => boolean; windowMs?: number }): Promise<RecoveryReport[]> {
    const windowMs = opts.windowMs ?? this.windowMs;
    const reports: RecoveryReport[] = [];
    for (const candidate of await this.journal.listUnleased(this.now())) {
      if (this.disposed) break;
      if (this.inFlight.has(candidate.key) || this.waiting.has(candidate.key)) continue;
      const expired = this.now() - candidate.createdAt >= windowMs;
      if (!expired && !opts.ownsGuild(candidate.guildId)) continue;
      const now = this.now();
      const entry = await this.journal.acquireLease(candidate.key, this.lease(now), now);
      if (entry === null) continue;
      if (expired) {
        const failed = await this.journal.markFailed(
          entry.key,
          'The bot stopped before Valentina confirmed this award, and the one-hour window to finish it safely has passed. Check `/xp show` and award it again if it is missing.',
          this.now(),
          'ambiguous',
        );
        this.log.warn({ entryId: entry.id, key: entry.key, guildId: entry.guildId }, 'pending award too old to finish; marked failed');
        reports.push({ entry: failed ?? entry, outcome: 'expired' });
        continue;
      }
      const outcome = await this.settle(entry);
      this.log.info({ entryId: entry.id, key: entry.key, status: outcome.status }, 'pending award recovered');
      if (outcome.status === 'applied') reports.push({ entry: outcome.entry, outcome: 'applied' });
      else if (outcome.status === 'failed') reports.push({ entry: outcome.entry, outcome: outcome.kind === 'expired' ? 'expired' : 'failed' });
    }
    return reports;
  }

  /**
   * Stops background settling: cancels the timer and waits for attempts already running. Awards
   * still waiting stay PENDING in the journal with their lease given up, so another process's
   * recovery (or this bot's next start) finishes them, not before their next attempt was due.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    const left = [...this.waiting.values()];
    this.waiting.clear();
    await this.running;
    await Promise.all(this.inFlight.values());
    if (left.length > 0) this.log.info({ count: left.length }, 'unconfirmed awards left pending for recovery');
    for (const w of left) {
      try {
        await this.journal.releaseLease(w.entry.key, this.owner, Math.max(w.dueAt, w.earliestAt));
      } catch (err) {
        this.log.warn({ err, key: w.entry.key }, 'award lease not released; it runs out on its own');
      }
    }
  }

  private settleWith(entry: AwardEntry, context: SettleContext): Promise<AwardOutcome> {
    const running = this.inFlight.get(entry.key);
    if (running !== undefined) return this.asFollower(running);
    const p = this.execute(entry, context).finally(() => this.inFlight.delete(entry.key));
    this.inFlight.set(entry.key, p);
    return p;
  }

  private async asFollower(running: Promise<AwardOutcome>): Promise<AwardOutcome> {
    const outcome = await running;
    return outcome.status === 'pending' ? outcome : { ...outcome, fresh: false };
  }

  private async execute(entry: AwardEntry, context: SettleContext): Promise<AwardOutcome> {
    const startedAt = this.now();
    let experience: CampaignExperience;
    const heartbeat = this.renewWhileCalling(entry.key);
    try {
      experience = await this.call(entry);
    } catch (error) {
      await heartbeat.stop();
      const kind = classifyAwardFailure(error);
      if (kind === 'unconfirmed') return this.awaitConfirmation(entry, context, error, startedAt);
      const message = describeAwardFailure(error, entry.key);
      const failed = await this.journal.markFailed(entry.key, message, this.now(), 'definite');
      this.log.warn({ err: error, entryId: entry.id, key: entry.key }, 'award failed');
      return { status: 'failed', entry: failed ?? entry, fresh: true, message, kind, error };
    }
    await heartbeat.stop();
    const result: AwardResult = { xpCurrent: experience.xp_current, xpTotal: experience.xp_total, coolPoints: experience.cool_points };
    let applied: AwardEntry;
    try {
      applied = await this.recordApplied(entry, result);
    } catch (err) {
      // Valentina applied it: the member is told so, and only the journal write is retried (the
      // lease keeps other processes off it; should this one stop, a replay of the same key heals it).
      this.log.warn({ err, entryId: entry.id, key: entry.key }, 'award applied but not journalled; retrying the journal write');
      this.wait(entry, { ...context, attempts: 0 }, this.now() + (this.delaysMs[0] ?? 60_000), this.now(), result);
      applied = { ...entry, status: 'APPLIED', result, error: null, failure: null };
    }
    this.nudge(entry.companyId);
    return { status: 'applied', entry: applied, fresh: true };
  }

  /** Keeps this process's lease alive while a call runs, so a live process is never taken over. */
  private renewWhileCalling(key: string): { stop(): Promise<void> } {
    let renewing: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      const now = this.now();
      renewing = this.journal.acquireLease(key, this.lease(now), now).catch((err: unknown) => this.log.warn({ err, key }, 'award lease not renewed'));
    }, Math.max(1_000, Math.floor(this.leaseMs / 3)));
    timer.unref();
    return {
      async stop() {
        clearInterval(timer);
        await renewing;
      },
    };
  }

  private async recordApplied(entry: AwardEntry, result: AwardResult): Promise<AwardEntry> {
    const applied = (await this.journal.markApplied(entry.key, result, this.now())) ?? { ...entry, status: 'APPLIED' as const, result };
    // The reverted award turns UNDONE only once its undo is really applied.
    if (applied.undoOf !== null) await this.journal.claimUndo(applied.undoOf, this.now());
    return applied;
  }

  /** Keeps an unconfirmed entry PENDING and plans its next attempt, or gives up past the window. */
  private async awaitConfirmation(entry: AwardEntry, context: SettleContext, error: unknown, startedAt: number): Promise<AwardOutcome> {
    const now = this.now();
    const delay = this.delaysMs[Math.min(context.attempts, this.delaysMs.length - 1)] ?? 60_000;
    // A call that timed out or lost its connection may still be running at Valentina.
    const mayStillRun = error instanceof APIConnectionError && !error.unsent;
    const earliestAt = Math.max(now, mayStillRun ? startedAt + this.resendGapMs : now + NUDGE_GAP_MS);
    // The last attempt lands just inside the window; past it, a re-send could apply twice.
    const dueAt = Math.min(Math.max(now + delay, earliestAt), entry.createdAt + this.windowMs - 1);
    if (dueAt <= now || dueAt < earliestAt) {
      const failed = await this.journal.markFailed(entry.key, UNCONFIRMED_EXPIRED_MESSAGE, now, 'ambiguous');
      this.log.warn({ err: error, entryId: entry.id, key: entry.key, attempts: context.attempts }, 'award never confirmed within the replay window; marked failed');
      return { status: 'failed', entry: failed ?? entry, fresh: true, message: UNCONFIRMED_EXPIRED_MESSAGE, kind: 'expired', error };
    }
    if (this.disposed) {
      this.log.warn({ err: error, entryId: entry.id, key: entry.key }, 'award not confirmed while stopping; left pending for recovery');
      await this.journal.releaseLease(entry.key, this.owner, dueAt).catch(() => undefined);
      return { status: 'unconfirmed', entry, fresh: true, error };
    }
    // The lease covers the wait and the next attempt, so no other process re-sends it meanwhile.
    await this.journal.acquireLease(entry.key, this.lease(now, dueAt + this.leaseMs), now).catch((err: unknown) => {
      this.log.warn({ err, key: entry.key }, 'award lease not extended');
    });
    this.wait(entry, { ...context, attempts: context.attempts + 1 }, dueAt, earliestAt);
    this.log.warn({ err: error, entryId: entry.id, key: entry.key, attempts: context.attempts + 1, retryInMs: dueAt - now }, 'award not confirmed; will settle it with the same key');
    return { status: 'unconfirmed', entry, fresh: true, error };
  }

  private wait(entry: AwardEntry, context: SettleContext, dueAt: number, earliestAt: number, applied?: AwardResult): void {
    if (this.disposed) return;
    this.waiting.set(entry.key, { entry, origin: context.origin, attempts: context.attempts, dueAt, earliestAt, ...(applied === undefined ? {} : { applied }) });
    this.arm();
  }

  /** Another award for the company just succeeded: try its waiting awards soon. */
  private nudge(companyId: string): void {
    const now = this.now();
    let moved = false;
    for (const w of this.waiting.values()) {
      if (w.entry.companyId !== companyId || w.applied !== undefined) continue;
      const at = Math.max(now, w.earliestAt);
      if (at < w.dueAt) {
        w.dueAt = at;
        moved = true;
      }
    }
    if (moved) this.arm();
  }

  /** Keeps the one timer set for the earliest waiting award. */
  private arm(): void {
    // While a run is going, it re-arms when done.
    if (this.disposed || this.running !== null) return;
    let next = Number.POSITIVE_INFINITY;
    for (const w of this.waiting.values()) next = Math.min(next, w.dueAt);
    if (next === Number.POSITIVE_INFINITY || (this.cancelTimer !== null && this.timerAt <= next)) return;
    this.cancelTimer?.();
    this.timerAt = next;
    this.cancelTimer = this.scheduler.schedule(Math.max(0, next - this.now()), () => this.fire());
  }

  private async fire(): Promise<void> {
    this.cancelTimer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (this.disposed || this.running !== null) return;
    const run = this.runDue();
    this.running = run;
    try {
      await run;
    } finally {
      this.running = null;
      this.arm();
    }
  }

  private async runDue(): Promise<void> {
    const now = this.now();
    const due = [...this.waiting.values()].filter((w) => w.dueAt <= now);
    for (const w of due) this.waiting.delete(w.entry.key);
    await mapLimit(due, SETTLE_CONCURRENCY, (w) => this.retryWaiting(w));
  }

  private async retryWaiting(w: Waiting): Promise<void> {
    if (w.applied !== undefined) return this.retryJournal(w, w.applied);
    try {
      // A re-delivery or another path may have settled it meanwhile.
      const current = await this.journal.getByKey(w.entry.key);
      if (current === null || current.status !== 'PENDING') return;
      const now = this.now();
      const leased = await this.journal.acquireLease(current.key, this.lease(now), now);
      if (leased === null) {
        this.log.info({ key: current.key }, 'unconfirmed award taken over by another process');
        return;
      }
      const outcome = await this.settleWith(leased, { origin: w.origin, attempts: w.attempts });
      this.log.info({ entryId: current.id, key: current.key, status: outcome.status, attempts: w.attempts }, 'unconfirmed award settled again');
      if (!outcome.fresh) return;
      if (outcome.status === 'applied') await this.report({ outcome: 'applied', entry: outcome.entry, origin: w.origin });
      else if (outcome.status === 'failed') await this.report({ outcome: outcome.kind === 'expired' ? 'expired' : 'failed', entry: outcome.entry, origin: w.origin });
    } catch (err) {
      // The journal itself failed: try again later; the lease runs out on its own if this process stops.
      this.log.warn({ err, key: w.entry.key }, 'background settle failed');
      this.requeue(w);
    }
  }

  /** Valentina applied the award earlier; only the journal still has to say so. */
  private async retryJournal(w: Waiting, result: AwardResult): Promise<void> {
    try {
      await this.recordApplied(w.entry, result);
      this.log.info({ key: w.entry.key }, 'applied award journalled');
    } catch (err) {
      this.log.warn({ err, key: w.entry.key }, 'applied award still not journalled');
      this.requeue(w);
    }
  }

  private requeue(w: Waiting): void {
    const now = this.now();
    const delay = this.delaysMs[Math.min(w.attempts, this.delaysMs.length - 1)] ?? 60_000;
    const dueAt = w.applied === undefined ? Math.min(now + delay, w.entry.createdAt + this.windowMs - 1) : now + delay;
    // Past the window only recovery may decide (it marks the entry FAILED, ambiguous).
    if (dueAt > now) this.wait(w.entry, { origin: w.origin, attempts: w.attempts + 1 }, dueAt, now, w.applied);
  }

  private async report(settlement: LateSettlement): Promise<void> {
    try {
      await this.listener?.(settlement);
    } catch (err) {
      this.log.warn({ err, key: settlement.entry.key }, 'late settlement could not be reported');
    }
  }

  private call(entry: AwardEntry): Promise<CampaignExperience> {
    const users = this.api.users(entry.companyId);
    const args = [entry.targetUserId, entry.campaignId, entry.amount, entry.actorUserId, { idempotencyKey: entry.key }] as const;
    const calls: Record<AwardKind, () => Promise<CampaignExperience>> = {
      XP_ADD: () => users.addXp(...args),
      XP_REMOVE: () => users.removeXp(...args),
      CP_ADD: () => users.addCoolPoints(...args),
    };
    return calls[entry.kind]();
  }
}

function recordedFailure(entry: AwardEntry): AwardOutcome {
  return { status: 'failed', entry, fresh: false, kind: 'recorded', message: entry.error ?? 'This award failed.' };
}
