import type { CampaignExperience } from '../../api/index.js';
import type { AwardEntry, AwardJournalRepo, AwardKind, AwardResult, NewAwardEntry } from '../../store/types.js';
import { describeAwardFailure } from './award-errors.js';

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
 * What became of one award. `fresh` is true only for the caller whose API call produced the
 * outcome: receipts and audit posts follow `fresh`, so a double click never posts twice.
 */
export type AwardOutcome =
  | { status: 'applied'; entry: AwardEntry; fresh: boolean }
  | { status: 'failed'; entry: AwardEntry; fresh: boolean; message: string; error?: unknown }
  /** Journalled, and another call (or the start-up recovery) is finishing it. */
  | { status: 'pending'; entry: AwardEntry; fresh: false };

/** The API replays an idempotent 2xx for one hour; recovery stays clear of the edge. */
export const RECOVERY_WINDOW_MS = 55 * 60_000;

export interface RecoveryReport {
  entry: AwardEntry;
  outcome: 'applied' | 'failed' | 'expired';
}

/**
 * Journal first, then the API with the same idempotency key, then the journal again.
 * A crash between the steps leaves a PENDING entry that `recover` finishes with the same key,
 * so an award is never applied twice and never forgotten. Calls for one key that overlap in
 * this process share one API call (the API has no in-flight lock of its own).
 */
export class AwardService {
  private readonly inFlight = new Map<string, Promise<AwardOutcome>>();

  constructor(
    private readonly api: AwardApi,
    private readonly journal: AwardJournalRepo,
    private readonly now: () => number,
    private readonly log: AwardLog,
  ) {}

  /** Writes the PENDING entry; an existing key returns the existing entry (created=false). */
  begin(request: AwardRequest): Promise<{ entry: AwardEntry; created: boolean }> {
    return this.journal.insertPending({ ...request, undoOf: request.undoOf ?? null }, this.now());
  }

  /** Journals and applies one award. A FAILED entry with the same key is retried only on request. */
  async apply(request: AwardRequest, opts: { retryFailed?: boolean } = {}): Promise<AwardOutcome> {
    const running = this.inFlight.get(request.key);
    if (running !== undefined) return this.asFollower(running);
    const { entry, created } = await this.begin(request);
    return created ? this.settle(entry) : this.settleExisting(entry, opts);
  }

  /**
   * Finishes a journalled entry: calls the API unless the entry is already settled or in flight
   * here. `retryFailed` lets a FAILED entry try again with its original key.
   */
  settleExisting(entry: AwardEntry, opts: { retryFailed?: boolean } = {}): Promise<AwardOutcome> {
    const running = this.inFlight.get(entry.key);
    if (running !== undefined) return this.asFollower(running);
    switch (entry.status) {
      case 'APPLIED':
      case 'UNDONE':
        return Promise.resolve({ status: 'applied', entry, fresh: false });
      case 'PENDING':
        return Promise.resolve({ status: 'pending', entry, fresh: false });
      case 'FAILED':
        if (opts.retryFailed === true) return this.settle(entry);
        return Promise.resolve({ status: 'failed', entry, fresh: false, message: entry.error ?? 'This award failed.' });
    }
  }

  /** Calls the API for an entry this caller owns (just created, claimed for retry, or recovered). */
  settle(entry: AwardEntry): Promise<AwardOutcome> {
    const running = this.inFlight.get(entry.key);
    if (running !== undefined) return this.asFollower(running);
    const p = this.execute(entry).finally(() => this.inFlight.delete(entry.key));
    this.inFlight.set(entry.key, p);
    return p;
  }

  isInFlight(key: string): boolean {
    return this.inFlight.has(key);
  }

  /**
   * Start-up recovery. Entries younger than the API's replay window are finished with their own
   * key (a 2xx the API already gave is replayed, not re-applied); older ones are marked FAILED,
   * since re-sending could apply them twice. `ownsGuild` limits finishing to this process's
   * guilds, so a shard never races another shard's award in flight.
   */
  async recover(opts: { ownsGuild: (guildId: string) => boolean; windowMs?: number }): Promise<RecoveryReport[]> {
    const windowMs = opts.windowMs ?? RECOVERY_WINDOW_MS;
    const reports: RecoveryReport[] = [];
    for (const entry of await this.journal.listPending()) {
      if (this.inFlight.has(entry.key)) continue;
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
      if (outcome.status !== 'pending') reports.push({ entry: outcome.entry, outcome: outcome.status });
    }
    return reports;
  }

  private async asFollower(running: Promise<AwardOutcome>): Promise<AwardOutcome> {
    const outcome = await running;
    return outcome.status === 'pending' ? outcome : { ...outcome, fresh: false };
  }

  private async execute(entry: AwardEntry): Promise<AwardOutcome> {
    let experience: CampaignExperience;
    try {
      experience = await this.call(entry);
    } catch (error) {
      const message = describeAwardFailure(error, entry.key);
      const failed = await this.journal.markFailed(entry.key, message, this.now());
      this.log.warn({ err: error, entryId: entry.id, key: entry.key }, 'award failed');
      return { status: 'failed', entry: failed ?? entry, fresh: true, message, error };
    }
    const result: AwardResult = { xpCurrent: experience.xp_current, xpTotal: experience.xp_total, coolPoints: experience.cool_points };
    const applied = (await this.journal.markApplied(entry.key, result, this.now())) ?? { ...entry, status: 'APPLIED' as const, result };
    // The reverted award turns UNDONE only once its undo is really applied.
    if (applied.undoOf !== null) await this.journal.claimUndo(applied.undoOf, this.now());
    return { status: 'applied', entry: applied, fresh: true };
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
