import type { CampaignExperience } from '../../api/index.js';
import type { AwardEntry, AwardJournalRepo, AwardKind, AwardResult, NewAwardEntry } from '../../store/types.js';
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
  lastTriedAt: number;
}

/**
 * Journal first, then the API with the same idempotency key, then the journal again.
 * A crash between the steps leaves a PENDING entry that `recover` finishes with the same key,
 * so an award is never applied twice and never forgotten. Calls for one key that overlap in
 * this process share one API call (the API has no in-flight lock of its own).
 *
 * An answer that leaves it open whether the award was applied (timeout, reset, 5xx) keeps the
 * entry PENDING; the service settles it in the background with the same key, with growing waits,
 * until Valentina answers definitely or the replay window runs out (then FAILED). One timer
 * serves every waiting award.
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
  }

  /** Who hears about awards settled in the background (set once, by the Discord runtime). */
  onLateSettlement(listener: LateSettlementListener): void {
    this.listener = listener;
  }

  /** Writes the PENDING entry; an existing key returns the existing entry (created=false). */
  begin(request: AwardRequest): Promise<{ entry: AwardEntry; created: boolean }> {
    return this.journal.insertPending({ ...request, undoOf: request.undoOf ?? null }, this.now());
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
   * again with its original key.
   */
  settleExisting(entry: AwardEntry, opts: { retryFailed?: boolean; origin?: AwardOrigin } = {}): Promise<AwardOutcome> {
    const running = this.inFlight.get(entry.key);
    if (running !== undefined) return this.asFollower(running);
    switch (entry.status) {
      case 'APPLIED':
      case 'UNDONE':
        return Promise.resolve({ status: 'applied', entry, fresh: false });
      case 'PENDING':
        if (this.waiting.has(entry.key)) return Promise.resolve({ status: 'unconfirmed', entry, fresh: false });
        return Promise.resolve({ status: 'pending', entry, fresh: false });
      case 'FAILED':
        if (opts.retryFailed === true) return this.settle(entry, opts.origin);
        return Promise.resolve({ status: 'failed', entry, fresh: false, kind: 'recorded', message: entry.error ?? 'This award failed.' });
    }
  }

  /** Calls the API for an entry this caller owns (just created, claimed for retry, or recovered). */
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
   * Start-up recovery. Entries younger than the API's replay window are finished with their own
   * key (a 2xx the API already gave is replayed, not re-applied); older ones are marked FAILED,
   * since re-sending could apply them twice. `ownsGuild` limits finishing to this process's
   * guilds, so a shard never races another shard's award in flight. An entry Valentina still does
   * not confirm is settled in the background and reported through the listener.
   */
  async recover(opts: { ownsGuild: (guildId: string) => boolean; windowMs?: number }): Promise<RecoveryReport[]> {
    const windowMs = opts.windowMs ?? this.windowMs;
    const reports: RecoveryReport[] = [];
    for (const entry of await this.journal.listPending()) {
      if (this.inFlight.has(entry.key) || this.waiting.has(entry.key)) continue;
      if (this.now() - entry.createdAt >= windowMs) {
        const failed = await this.journal.markFailed(
          entry.key,
          'The bot stopped before Valentina confirmed this award, and the one-hour window to finish it safely has passed. Check `/xp show` and award it again if it is missing.',
          this.now(),
        );
        this.log.warn({ entryId: entry.id, key: entry.key, guildId: entry.guildId }, 'pending award too old to finish; marked failed');
        reports.push({ entry: failed ?? entry, outcome: 'expired' });
        continue;
      }
      if (!opts.ownsGuild(entry.guildId)) continue;
      const outcome = await this.settle(entry);
      this.log.info({ entryId: entry.id, key: entry.key, status: outcome.status }, 'pending award recovered');
      if (outcome.status === 'applied') reports.push({ entry: outcome.entry, outcome: 'applied' });
      else if (outcome.status === 'failed') reports.push({ entry: outcome.entry, outcome: outcome.kind === 'expired' ? 'expired' : 'failed' });
    }
    return reports;
  }

  /**
   * Stops background settling: cancels the timer and waits for attempts already running. Awards
   * still waiting stay PENDING in the journal, and the next start-up recovery finishes them.
   */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    if (this.waiting.size > 0) this.log.info({ count: this.waiting.size }, 'unconfirmed awards left pending for start-up recovery');
    this.waiting.clear();
    await this.running;
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
    let experience: CampaignExperience;
    try {
      experience = await this.call(entry);
    } catch (error) {
      const kind = classifyAwardFailure(error);
      if (kind === 'unconfirmed') return this.awaitConfirmation(entry, context, error);
      const message = describeAwardFailure(error, entry.key);
      const failed = await this.journal.markFailed(entry.key, message, this.now());
      this.log.warn({ err: error, entryId: entry.id, key: entry.key }, 'award failed');
      return { status: 'failed', entry: failed ?? entry, fresh: true, message, kind, error };
    }
    const result: AwardResult = { xpCurrent: experience.xp_current, xpTotal: experience.xp_total, coolPoints: experience.cool_points };
    const applied = (await this.journal.markApplied(entry.key, result, this.now())) ?? { ...entry, status: 'APPLIED' as const, result };
    // The reverted award turns UNDONE only once its undo is really applied.
    if (applied.undoOf !== null) await this.journal.claimUndo(applied.undoOf, this.now());
    this.nudge(entry.companyId);
    return { status: 'applied', entry: applied, fresh: true };
  }

  /** Keeps an unconfirmed entry PENDING and plans its next attempt, or gives up past the window. */
  private async awaitConfirmation(entry: AwardEntry, context: SettleContext, error: unknown): Promise<AwardOutcome> {
    const now = this.now();
    const delay = this.delaysMs[Math.min(context.attempts, this.delaysMs.length - 1)] ?? 60_000;
    // The last attempt lands just inside the window; past it, a re-send could apply twice.
    const dueAt = Math.min(now + delay, entry.createdAt + this.windowMs - 1);
    if (dueAt <= now) {
      const failed = await this.journal.markFailed(entry.key, UNCONFIRMED_EXPIRED_MESSAGE, now);
      this.log.warn({ err: error, entryId: entry.id, key: entry.key, attempts: context.attempts }, 'award never confirmed within the replay window; marked failed');
      return { status: 'failed', entry: failed ?? entry, fresh: true, message: UNCONFIRMED_EXPIRED_MESSAGE, kind: 'expired', error };
    }
    if (this.disposed) {
      this.log.warn({ err: error, entryId: entry.id, key: entry.key }, 'award not confirmed while stopping; left pending for start-up recovery');
      return { status: 'unconfirmed', entry, fresh: true, error };
    }
    this.waiting.set(entry.key, { entry, origin: context.origin, attempts: context.attempts + 1, dueAt, lastTriedAt: now });
    this.log.warn({ err: error, entryId: entry.id, key: entry.key, attempts: context.attempts + 1, retryInMs: dueAt - now }, 'award not confirmed; will settle it with the same key');
    this.arm();
    return { status: 'unconfirmed', entry, fresh: true, error };
  }

  /** Another award for the company just succeeded: try its waiting awards soon. */
  private nudge(companyId: string): void {
    const now = this.now();
    let moved = false;
    for (const w of this.waiting.values()) {
      if (w.entry.companyId !== companyId) continue;
      const at = Math.max(now, w.lastTriedAt + NUDGE_GAP_MS);
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
    try {
      // A re-delivery or another path may have settled it meanwhile.
      const current = await this.journal.getByKey(w.entry.key);
      if (current === null || current.status !== 'PENDING') return;
      const outcome = await this.settleWith(current, { origin: w.origin, attempts: w.attempts });
      this.log.info({ entryId: current.id, key: current.key, status: outcome.status, attempts: w.attempts }, 'unconfirmed award settled again');
      if (!outcome.fresh) return;
      if (outcome.status === 'applied') await this.report({ outcome: 'applied', entry: outcome.entry, origin: w.origin });
      else if (outcome.status === 'failed') await this.report({ outcome: outcome.kind === 'expired' ? 'expired' : 'failed', entry: outcome.entry, origin: w.origin });
    } catch (err) {
      // The journal itself failed: the entry stays PENDING for start-up recovery.
      this.log.warn({ err, key: w.entry.key }, 'background settle failed');
    }
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
