import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  parseRateLimitPolicies,
  parseRetryAfterSeconds,
  rateLimitDelaySeconds,
  rateLimitWaitSeconds,
  shouldRetry,
} from '../../src/api/retry.js';

describe('shouldRetry', () => {
  it.each([408, 429, 500, 502, 503, 504])('retries status %i', (status) => {
    expect(shouldRetry({ kind: 'status', status })).toBe(true);
  });
  it.each([400, 401, 403, 404, 409, 413, 422])('does not retry status %i', (status) => {
    expect(shouldRetry({ kind: 'status', status })).toBe(false);
  });
  it('retries network errors and timeouts of reads', () => {
    expect(shouldRetry({ kind: 'network', unsent: false })).toBe(true);
    expect(shouldRetry({ kind: 'timeout' })).toBe(true);
  });
  it('never re-sends a write that may have reached the server', () => {
    expect(shouldRetry({ kind: 'timeout' }, { write: true })).toBe(false);
    expect(shouldRetry({ kind: 'network', unsent: false }, { write: true })).toBe(false);
  });
  it('re-sends a write whose outcome is definite: refused connection, 5xx, 429', () => {
    expect(shouldRetry({ kind: 'network', unsent: true }, { write: true })).toBe(true);
    expect(shouldRetry({ kind: 'status', status: 503 }, { write: true })).toBe(true);
    expect(shouldRetry({ kind: 'status', status: 429 }, { write: true })).toBe(true);
  });
});

describe('backoffDelayMs', () => {
  it('doubles from 0.5 s and caps at 8 s', () => {
    expect([0, 1, 2, 3, 4, 5, 10].map((n) => backoffDelayMs(n, 0))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });
  it('jitters down by up to 25 %', () => {
    expect(backoffDelayMs(0, 0.5)).toBe(438);
    expect(backoffDelayMs(1, 0.999)).toBe(750);
    expect(backoffDelayMs(4, 1)).toBe(6000);
  });
  it('survives odd inputs', () => {
    expect(backoffDelayMs(-3, 0)).toBe(500);
    expect(backoffDelayMs(0, Number.NaN)).toBe(500);
    expect(backoffDelayMs(0, 7)).toBe(375);
  });
});

describe('RateLimit header', () => {
  it('parses one policy', () => {
    expect(parseRateLimitPolicies('"default";r=0;t=12')).toEqual([{ name: 'default', remaining: 0, resetSeconds: 12 }]);
  });
  it('parses several comma-joined policies, with spaces and a comma inside a quoted name', () => {
    expect(parseRateLimitPolicies('"burst";r=0;t=2, "hourly, per key";r=40;t=30')).toEqual([
      { name: 'burst', remaining: 0, resetSeconds: 2 },
      { name: 'hourly, per key', remaining: 40, resetSeconds: 30 },
    ]);
  });
  it('takes the largest t among exhausted policies', () => {
    expect(rateLimitWaitSeconds('"a";r=0;t=3, "b";r=5;t=50, "c";r=0;t=7')).toBe(7);
  });
  it('takes the largest t when none is exhausted', () => {
    expect(rateLimitWaitSeconds('"a";r=1;t=3, "b";r=5;t=9')).toBe(9);
  });
  it('accepts fractional t and ignores malformed parts', () => {
    expect(rateLimitWaitSeconds('"a";r=0;t=1.5')).toBe(1.5);
    expect(rateLimitWaitSeconds('"a";r=0;t=abc')).toBeUndefined();
    expect(rateLimitWaitSeconds('"a";r=0;t=-4, "b";r=0;t=2')).toBe(2);
    expect(rateLimitWaitSeconds('garbage')).toBeUndefined();
    expect(rateLimitWaitSeconds('')).toBeUndefined();
    expect(rateLimitWaitSeconds(null)).toBeUndefined();
    expect(rateLimitWaitSeconds(undefined)).toBeUndefined();
  });
});

describe('Retry-After header', () => {
  const now = Date.parse('2026-03-14T19:00:00Z');
  it('reads delta-seconds', () => {
    expect(parseRetryAfterSeconds('120', now)).toBe(120);
    expect(parseRetryAfterSeconds(' 1.5 ', now)).toBe(1.5);
  });
  it('reads an HTTP date relative to now, never negative', () => {
    expect(parseRetryAfterSeconds('Sat, 14 Mar 2026 19:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfterSeconds('Sat, 14 Mar 2026 18:00:00 GMT', now)).toBe(0);
  });
  it('ignores junk', () => {
    expect(parseRetryAfterSeconds('soon', now)).toBeUndefined();
    expect(parseRetryAfterSeconds('', now)).toBeUndefined();
    expect(parseRetryAfterSeconds(null, now)).toBeUndefined();
  });
});

describe('rateLimitDelaySeconds', () => {
  const now = 0;
  it('uses whichever hint is present', () => {
    expect(rateLimitDelaySeconds({ bodyRetryAfter: 1.21 }, now)).toBe(1.21);
    expect(rateLimitDelaySeconds({ rateLimitHeader: '"x";r=0;t=4' }, now)).toBe(4);
    expect(rateLimitDelaySeconds({ retryAfterHeader: '6' }, now)).toBe(6);
  });
  it('prefers the precise body value, then the RateLimit header, then Retry-After', () => {
    expect(rateLimitDelaySeconds({ bodyRetryAfter: 1.21, rateLimitHeader: '"x";r=0;t=2', retryAfterHeader: '5' }, now)).toBe(1.21);
    expect(rateLimitDelaySeconds({ rateLimitHeader: '"x";r=0;t=2', retryAfterHeader: '5' }, now)).toBe(2);
    expect(rateLimitDelaySeconds({ rateLimitHeader: 'junk', retryAfterHeader: '5' }, now)).toBe(5);
  });
  it('is undefined without hints, and ignores a negative or non-finite body value', () => {
    expect(rateLimitDelaySeconds({}, now)).toBeUndefined();
    expect(rateLimitDelaySeconds({ bodyRetryAfter: -1 }, now)).toBeUndefined();
    expect(rateLimitDelaySeconds({ bodyRetryAfter: Number.POSITIVE_INFINITY, rateLimitHeader: '"x";r=0;t=3' }, now)).toBe(3);
  });
  it('accepts zero', () => {
    expect(rateLimitDelaySeconds({ bodyRetryAfter: 0 }, now)).toBe(0);
  });
});
