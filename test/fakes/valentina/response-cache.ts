import type { StoredResponse } from './idempotency.js';

interface Entry extends StoredResponse {
  apiKey: string;
  expiresMs: number;
}

/** Server response cache lifetime (CONTRACT §1.10, CONTRACT-v2 §1.10). */
export const RESPONSE_CACHE_TTL_MS = 60_000;

/**
 * The real server's GET response cache: 60 s per API key, path and sorted query (and, on v2, per
 * `On-Behalf-Of`); an audited write flushes everything cached for the writing key only.
 */
export class ResponseCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly nowMs: () => number) {}

  static key(apiKey: string, onBehalfOf: string | undefined, url: URL): string {
    const query = [...url.searchParams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify([apiKey, onBehalfOf ?? null, url.pathname, query]);
  }

  get(key: string): StoredResponse | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresMs <= this.nowMs()) {
      this.entries.delete(key);
      return undefined;
    }
    return { status: entry.status, headers: { ...entry.headers }, body: entry.body };
  }

  set(key: string, apiKey: string, response: StoredResponse): void {
    this.entries.set(key, { ...response, apiKey, expiresMs: this.nowMs() + RESPONSE_CACHE_TTL_MS });
  }

  flush(apiKey: string): void {
    for (const [key, entry] of this.entries) if (entry.apiKey === apiKey) this.entries.delete(key);
  }
}
