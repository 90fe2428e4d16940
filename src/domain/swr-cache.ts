import { BoundedCache, approximateBytes } from './bounded-cache.js';

export interface SwrCacheOptions {
  /** Within this age an entry is fresh and served as is. */
  ttlMs: number;
  /** Past the TTL but within this age an entry is served at once while one background load refreshes it. */
  staleMs: number;
  /** At most this many keys; the least recently used go first. */
  maxEntries: number;
  /** At most about this many bytes of cached values (approximate); the least recently used go first. */
  maxBytes?: number;
  now: () => number;
  /** A failed background refresh; the stale value keeps being served until `staleMs`. */
  onRefreshError?: (err: unknown, key: string) => void;
}

/** Fresh for a minute; an autocomplete gets a list up to ten minutes old at once while a background load refreshes it. */
export const LIST_TTL_MS = 60_000;
export const LIST_STALE_MS = 10 * 60_000;

/** Options for the API-list caches, one per list kind, logging failed background refreshes. */
export function listCacheOptions(
  now: () => number,
  maxEntries: number,
  log?: { warn(obj: Record<string, unknown>, msg?: string): void },
  maxBytes = DEFAULT_MAX_BYTES,
): (list: string) => SwrCacheOptions {
  return (list) => ({
    ttlMs: LIST_TTL_MS,
    staleMs: LIST_STALE_MS,
    maxEntries,
    maxBytes,
    now,
    onRefreshError: (err, key) => log?.warn({ err, key, list }, 'background refresh failed; serving the cached list'),
  });
}

/** Default byte budget of one cache (approximate). */
export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

interface Entry<T> {
  value: T;
  loadedAt: number;
}

/**
 * A keyed stale-while-revalidate cache. Autocomplete must answer fast, so an expired entry is
 * answered from memory while a single background load replaces it; only a missing, invalidated
 * or too old entry makes the caller wait. Concurrent loads of one key share one request.
 */
export class SwrCache<T> {
  /** Entries live until `staleMs`: past it they are useless, so the bounded cache drops them by age. */
  private readonly entries: BoundedCache<Entry<T>>;
  private readonly loading = new Map<string, Promise<T>>();

  constructor(private readonly opts: SwrCacheOptions) {
    this.entries = new BoundedCache<Entry<T>>({
      maxEntries: opts.maxEntries,
      maxBytes: opts.maxBytes ?? DEFAULT_MAX_BYTES,
      ttlMs: Math.max(opts.ttlMs, opts.staleMs),
      now: opts.now,
      sizeOf: (entry) => approximateBytes(entry.value),
    });
  }

  /** Entries held now (expired ones are dropped as they are met or swept). */
  get size(): number {
    return this.entries.size;
  }

  get(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      const age = this.opts.now() - hit.loadedAt;
      if (age < this.opts.ttlMs) return Promise.resolve(hit.value);
      if (age < this.opts.staleMs) {
        // Handled here, so a failing refresh is never an unhandled rejection.
        this.start(key, load).catch((err: unknown) => this.opts.onRefreshError?.(err, key));
        return Promise.resolve(hit.value);
      }
    }
    return this.start(key, load);
  }

  /** The next read of the key waits for a fresh load; a load already in flight is not stored. */
  delete(key: string): void {
    this.entries.delete(key);
    this.loading.delete(key);
  }

  private start(key: string, load: () => Promise<T>): Promise<T> {
    const running = this.loading.get(key);
    if (running !== undefined) return running;
    let loaded: Promise<T>;
    try {
      loaded = load();
    } catch (err) {
      loaded = Promise.reject(err);
    }
    const p: Promise<T> = loaded
      .then((value) => {
        // A load that was invalidated while in flight must not store its possibly outdated answer.
        if (this.loading.get(key) === p) this.entries.set(key, { value, loadedAt: this.opts.now() });
        return value;
      })
      .finally(() => {
        if (this.loading.get(key) === p) this.loading.delete(key);
      });
    this.loading.set(key, p);
    return p;
  }
}
