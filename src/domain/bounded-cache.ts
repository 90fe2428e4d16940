export interface BoundedCacheOptions<V> {
  /** At most this many entries; the least recently used go first. */
  maxEntries: number;
  /** At most about this many bytes of values (see `sizeOf`); the least recently used go first. */
  maxBytes: number;
  /** Default age after which an entry is gone (a `set` may give its own). */
  ttlMs: number;
  now: () => number;
  /** Approximate size of a value in bytes; `approximateBytes` by default. */
  sizeOf?: (value: V) => number;
  /** How often (at most) a read or write also sweeps every expired entry; the TTL by default. */
  sweepEveryMs?: number;
}

interface Slot<V> {
  value: V;
  expiresAt: number;
  bytes: number;
}

/** Arrays longer than this are sized from this many evenly spaced items. */
const ARRAY_SAMPLE = 64;

/** Per-entry bookkeeping (the key, the map slot) counted on top of the value. */
const ENTRY_OVERHEAD_BYTES = 64;

/**
 * A rough size of a JSON-like value as V8 holds it: two bytes a string character, eight a
 * number, and a small overhead per object member; long arrays are sampled. Good enough to bound
 * a cache (it errs high), not to bill it.
 */
export function approximateBytes(value: unknown, depth = 0): number {
  if (value === null || value === undefined) return 8;
  switch (typeof value) {
    case 'string':
      return 16 + value.length * 2;
    case 'number':
    case 'boolean':
    case 'bigint':
      return 8;
    case 'object': {
      if (depth > 8) return 64;
      if (Array.isArray(value)) {
        // A long list (a company's users) is sized from an even sample, so sizing stays cheap.
        if (value.length <= ARRAY_SAMPLE) return value.reduce<number>((sum, item) => sum + 8 + approximateBytes(item, depth + 1), 32);
        const step = value.length / ARRAY_SAMPLE;
        let sampled = 0;
        for (let i = 0; i < ARRAY_SAMPLE; i += 1) sampled += 8 + approximateBytes(value[Math.floor(i * step)], depth + 1);
        return 32 + Math.ceil((sampled / ARRAY_SAMPLE) * value.length);
      }
      if (value instanceof Map) {
        let sum = 64;
        for (const [k, v] of value) sum += approximateBytes(k, depth + 1) + approximateBytes(v, depth + 1) + 16;
        return sum;
      }
      let sum = 32;
      for (const [k, v] of Object.entries(value)) sum += 16 + k.length * 2 + approximateBytes(v, depth + 1);
      return sum;
    }
    default:
      return 16;
  }
}

/**
 * One small in-memory cache for per-member data: entries expire by age (an expired entry is
 * removed when it is met, and a cheap sweep at most every `sweepEveryMs` removes the others),
 * and the cache is bounded by entries and by approximate bytes, evicting the least recently
 * used first. No timers: the sweep rides on reads and writes, so an idle cache costs nothing.
 */
export class BoundedCache<V> {
  /** Map order is the recency order: a hit moves its key to the end. */
  private readonly slots = new Map<string, Slot<V>>();
  private totalBytes = 0;
  private nextSweepAt: number;

  constructor(private readonly opts: BoundedCacheOptions<V>) {
    this.nextSweepAt = opts.now() + this.sweepEvery();
  }

  get size(): number {
    return this.slots.size;
  }

  /** The approximate bytes held (values plus per-entry overhead). */
  get bytes(): number {
    return this.totalBytes;
  }

  get(key: string): V | undefined {
    const now = this.opts.now();
    this.maybeSweep(now);
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    if (slot.expiresAt <= now) {
      this.remove(key, slot);
      return undefined;
    }
    this.slots.delete(key);
    this.slots.set(key, slot);
    return slot.value;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: V, ttlMs = this.opts.ttlMs): void {
    const now = this.opts.now();
    this.maybeSweep(now);
    const old = this.slots.get(key);
    if (old !== undefined) this.remove(key, old);
    const bytes = ENTRY_OVERHEAD_BYTES + key.length * 2 + (this.opts.sizeOf ?? approximateBytes)(value);
    // A value bigger than the whole budget is not kept at all (it would evict everything else).
    if (bytes > this.opts.maxBytes || ttlMs <= 0) return;
    this.slots.set(key, { value, expiresAt: now + ttlMs, bytes });
    this.totalBytes += bytes;
    for (const [k, slot] of this.slots) {
      if (this.slots.size <= this.opts.maxEntries && this.totalBytes <= this.opts.maxBytes) break;
      this.remove(k, slot);
    }
  }

  delete(key: string): void {
    const slot = this.slots.get(key);
    if (slot !== undefined) this.remove(key, slot);
  }

  /** Removes every entry the predicate picks (a company's keys, a user's links). */
  deleteWhere(pick: (key: string, value: V) => boolean): void {
    for (const [key, slot] of this.slots) if (pick(key, slot.value)) this.remove(key, slot);
  }

  clear(): void {
    this.slots.clear();
    this.totalBytes = 0;
  }

  /** Removes every expired entry; returns how many. */
  sweep(): number {
    const now = this.opts.now();
    this.nextSweepAt = now + this.sweepEvery();
    let removed = 0;
    for (const [key, slot] of this.slots) {
      if (slot.expiresAt <= now) {
        this.remove(key, slot);
        removed += 1;
      }
    }
    return removed;
  }

  private sweepEvery(): number {
    return Math.max(1, this.opts.sweepEveryMs ?? this.opts.ttlMs);
  }

  private maybeSweep(now: number): void {
    if (now >= this.nextSweepAt) this.sweep();
  }

  private remove(key: string, slot: Slot<V>): void {
    this.slots.delete(key);
    this.totalBytes -= slot.bytes;
  }
}
