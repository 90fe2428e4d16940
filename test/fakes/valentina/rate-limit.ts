/** One token bucket policy (CONTRACT §1.8): `capacity` tokens, refilled at `refillPerSecond`. */
export interface RateLimitPolicy {
  /** Policy name in the headers; default `"default"`. */
  name?: string;
  capacity: number;
  refillPerSecond: number;
}

/** `false` turns limiting off (the default); several policies all have to admit a request. */
export type RateLimitConfig = false | RateLimitPolicy | RateLimitPolicy[];

export type RateLimitDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; headers: Record<string, string>; retryAfter: number };

interface Bucket {
  tokens: number;
  updatedMs: number;
}

function roundUp2(seconds: number): number {
  // The epsilon keeps binary noise (1.21 * 100 = 121.00000000000001) from adding a cent.
  return Math.max(0, Math.ceil(seconds * 100 - 1e-9) / 100);
}

/** Token buckets per API key, with the `RateLimit-Policy` / `RateLimit` headers of this era. */
export class RateLimiter {
  private policies: Array<Required<RateLimitPolicy>> = [];
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly nowMs: () => number, config: RateLimitConfig = false) {
    this.configure(config);
  }

  get enabled(): boolean {
    return this.policies.length > 0;
  }

  /** Replaces the policies and empties every bucket's history (all start full). */
  configure(config: RateLimitConfig): void {
    const list = config === false ? [] : Array.isArray(config) ? config : [config];
    for (const p of list) {
      if (!(p.capacity > 0) || !(p.refillPerSecond > 0)) throw new Error('rate limit capacity and refillPerSecond must be > 0');
    }
    this.policies = list.map((p) => ({ name: p.name ?? 'default', capacity: p.capacity, refillPerSecond: p.refillPerSecond }));
    this.buckets.clear();
  }

  /** Takes one token from every policy's bucket for `key`, or refuses without taking any. */
  take(key: string): RateLimitDecision {
    const now = this.nowMs();
    const state = this.policies.map((policy) => {
      const id = `${policy.name}\u0000${key}`;
      let bucket = this.buckets.get(id);
      if (!bucket) {
        bucket = { tokens: policy.capacity, updatedMs: now };
        this.buckets.set(id, bucket);
      }
      const elapsed = Math.max(0, now - bucket.updatedMs) / 1000;
      bucket.tokens = Math.min(policy.capacity, bucket.tokens + elapsed * policy.refillPerSecond);
      bucket.updatedMs = now;
      return { policy, bucket };
    });
    const refusing = state.filter((s) => s.bucket.tokens < 1);
    if (refusing.length > 0) {
      const retryAfter = Math.max(...refusing.map((s) => (1 - s.bucket.tokens) / s.policy.refillPerSecond));
      return { allowed: false, headers: this.headers(refusing), retryAfter: roundUp2(retryAfter) };
    }
    for (const s of state) s.bucket.tokens -= 1;
    return { allowed: true, headers: this.headers(state) };
  }

  private headers(entries: Array<{ policy: Required<RateLimitPolicy>; bucket: Bucket }>): Record<string, string> {
    const policy = entries
      .map(({ policy: p }) => `"${p.name}";q=${p.capacity};w=${Math.ceil(p.capacity / p.refillPerSecond)}`)
      .join(', ');
    const limit = entries
      .map(({ policy: p, bucket }) => {
        const remaining = Math.floor(bucket.tokens + 1e-9);
        const wait = bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / p.refillPerSecond);
        return `"${p.name}";r=${remaining};t=${wait}`;
      })
      .join(', ');
    return { 'RateLimit-Policy': policy, RateLimit: limit };
  }
}
