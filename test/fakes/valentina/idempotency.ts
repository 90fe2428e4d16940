import { createHash } from 'node:crypto';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface Entry extends StoredResponse {
  bodyHash: string;
  expiresMs: number;
}

export type IdempotencyLookup =
  | { kind: 'miss' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'conflict' };

export const IDEMPOTENCY_TTL_MS = 3_600_000;

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * CONTRACT §1.9: keyed by API-key fingerprint + Idempotency-Key + method + path; only 2xx
 * outcomes are stored; the same key with another body (byte-wise SHA-256) is a conflict.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly nowMs: () => number) {}

  static appliesTo(method: string): boolean {
    return method === 'POST' || method === 'PUT' || method === 'PATCH';
  }

  private cacheKey(apiKey: string, key: string, method: string, path: string): string {
    return [sha256(apiKey), key, method, path].join('\u0000');
  }

  lookup(apiKey: string, key: string, method: string, path: string, body: Buffer): IdempotencyLookup {
    const id = this.cacheKey(apiKey, key, method, path);
    const entry = this.entries.get(id);
    if (!entry) return { kind: 'miss' };
    if (entry.expiresMs <= this.nowMs()) {
      this.entries.delete(id);
      return { kind: 'miss' };
    }
    if (entry.bodyHash !== sha256(body)) return { kind: 'conflict' };
    return { kind: 'replay', response: { status: entry.status, headers: { ...entry.headers }, body: entry.body } };
  }

  store(apiKey: string, key: string, method: string, path: string, body: Buffer, response: StoredResponse): void {
    if (response.status < 200 || response.status >= 300) return;
    this.entries.set(this.cacheKey(apiKey, key, method, path), {
      ...response,
      headers: { ...response.headers },
      bodyHash: sha256(body),
      expiresMs: this.nowMs() + IDEMPOTENCY_TTL_MS,
    });
  }

  get size(): number {
    return this.entries.size;
  }
}
