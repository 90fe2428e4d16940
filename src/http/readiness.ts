export interface ShardState {
  id: number;
  ready: boolean;
}

/** What /readyz asks about; the composition root wires each part to the real thing. */
export interface ReadinessParts {
  /** Every gateway shard this process runs (none before login). */
  shards(): readonly ShardState[];
  /** A trivial store query. */
  pingStore(): Promise<void>;
  /** Whether Valentina answered successfully within `ms` (from the client's observer). */
  valentinaAnsweredWithin(ms: number): boolean;
  /** One cheap health call; resolves when Valentina says it is healthy. */
  probeValentina(): Promise<void>;
}

export interface CheckResult {
  ok: boolean;
  detail: string;
}

export interface ReadinessReport {
  ready: boolean;
  down: string[];
  checks: Record<'gateway' | 'store' | 'valentina', CheckResult>;
}

export interface ReadinessOptions {
  /** Valentina counts as up when it answered within this (default one minute). */
  freshMs?: number;
  /** Bound of the store ping and of the health call /readyz may make (default 2 s). */
  timeoutMs?: number;
}

/**
 * /readyz: ready while every shard of this process is READY, the store answers and Valentina
 * answered within the last minute. Only when traffic has been quiet for that minute does it
 * make one health call itself, shared by concurrent probes and bounded by a short timeout.
 */
export class Readiness {
  readonly #parts: ReadinessParts;
  readonly #freshMs: number;
  readonly #timeoutMs: number;
  #probe: Promise<void> | undefined;

  constructor(parts: ReadinessParts, options: ReadinessOptions = {}) {
    this.#parts = parts;
    this.#freshMs = options.freshMs ?? 60_000;
    this.#timeoutMs = options.timeoutMs ?? 2_000;
  }

  async check(): Promise<ReadinessReport> {
    const [gateway, store, valentina] = await Promise.all([this.#gateway(), this.#store(), this.#valentina()]);
    const checks = { gateway, store, valentina };
    const down = Object.entries(checks)
      .filter(([, c]) => !c.ok)
      .map(([name]) => name);
    return { ready: down.length === 0, down, checks };
  }

  #gateway(): CheckResult {
    const shards = this.#parts.shards();
    const waiting = shards.filter((s) => !s.ready).map((s) => s.id);
    if (shards.length === 0) return { ok: false, detail: 'not connected to the gateway yet' };
    if (waiting.length > 0) return { ok: false, detail: `shard ${waiting.join(', ')} not READY (${shards.length - waiting.length} of ${shards.length} ready)` };
    return { ok: true, detail: `${shards.length} of ${shards.length} shards READY` };
  }

  async #store(): Promise<CheckResult> {
    try {
      await bounded(this.#parts.pingStore(), this.#timeoutMs);
      return { ok: true, detail: 'answers' };
    } catch (err) {
      return { ok: false, detail: err instanceof TimeoutError ? `no answer within ${this.#timeoutMs} ms` : 'query failed' };
    }
  }

  async #valentina(): Promise<CheckResult> {
    if (this.#parts.valentinaAnsweredWithin(this.#freshMs)) return { ok: true, detail: 'answered within the last minute' };
    this.#probe ??= this.#parts.probeValentina().finally(() => {
      this.#probe = undefined;
    });
    try {
      await bounded(this.#probe, this.#timeoutMs);
      return { ok: true, detail: 'health call answered' };
    } catch (err) {
      return { ok: false, detail: err instanceof TimeoutError ? `no answer within ${this.#timeoutMs} ms` : 'health call failed' };
    }
  }
}

class TimeoutError extends Error {}

async function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError()), ms);
  });
  // A probe that loses the race must not become an unhandled rejection.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
