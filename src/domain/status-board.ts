import type { ApiLiveness } from './api-liveness.js';

/** What the last award recovery run did (see commands/xp/recovery.ts). */
export interface RecoverySummary {
  at: number;
  applied: number;
  failed: number;
  expired: number;
}

/**
 * Process facts /setup status reports that nothing else keeps: the bot's version, when it
 * started, the last award recovery, and recent Valentina latency. Created once in main.ts.
 */
export class StatusBoard {
  #lastRecovery: RecoverySummary | undefined;
  #lastRecoveryWork: RecoverySummary | undefined;
  readonly version: string;
  readonly startedAt: number;
  readonly apiLiveness: ApiLiveness;
  readonly #now: () => number;

  constructor(opts: { version: string; startedAt: number; apiLiveness: ApiLiveness; now: () => number }) {
    this.version = opts.version;
    this.startedAt = opts.startedAt;
    this.apiLiveness = opts.apiLiveness;
    this.#now = opts.now;
  }

  /** One call per recovery run, empty runs included (recovery runs every minute or so). */
  recordRecovery(reports: ReadonlyArray<{ outcome: string }>): void {
    const count = (outcome: string) => reports.filter((r) => r.outcome === outcome).length;
    this.#lastRecovery = { at: this.#now(), applied: count('applied'), failed: count('failed'), expired: count('expired') };
    if (reports.length > 0) this.#lastRecoveryWork = this.#lastRecovery;
  }

  get lastRecovery(): RecoverySummary | undefined {
    return this.#lastRecovery;
  }

  /** The last run that finished anything: an empty run every minute must not hide it. */
  get lastRecoveryWork(): RecoverySummary | undefined {
    return this.#lastRecoveryWork;
  }
}
