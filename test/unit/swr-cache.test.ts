import { describe, expect, it } from 'vitest';
import { SwrCache } from '../../src/domain/swr-cache.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  let reject: (err: unknown) => void = () => undefined;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets settled promise callbacks (the cache's store and cleanup) run. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup() {
  const clock = { t: 1_000 };
  const refreshErrors: unknown[] = [];
  const cache = new SwrCache<string>({
    ttlMs: 60,
    staleMs: 600,
    maxEntries: 10,
    now: () => clock.t,
    onRefreshError: (err) => refreshErrors.push(err),
  });
  const pending: Deferred<string>[] = [];
  let calls = 0;
  const load = (): Promise<string> => {
    calls += 1;
    const d = deferred<string>();
    pending.push(d);
    return d.promise;
  };
  /** Answers the oldest load still pending. */
  const answer = async (value: string): Promise<void> => {
    const d = pending.shift();
    if (d === undefined) throw new Error('no load pending');
    d.resolve(value);
    await flush();
  };
  const fail = async (err: Error): Promise<void> => {
    const d = pending.shift();
    if (d === undefined) throw new Error('no load pending');
    d.reject(err);
    await flush();
  };
  return { clock, cache, load, answer, fail, refreshErrors, calls: () => calls, pending };
}

describe('SwrCache', () => {
  it('serves a fresh entry without loading', async () => {
    const s = setup();
    const first = s.cache.get('k', s.load);
    await s.answer('v1');
    await expect(first).resolves.toBe('v1');
    s.clock.t += 59;
    await expect(s.cache.get('k', s.load)).resolves.toBe('v1');
    expect(s.calls()).toBe(1);
  });

  it('after the TTL serves the stale value at once and refreshes once in the background', async () => {
    const s = setup();
    const first = s.cache.get('k', s.load);
    await s.answer('v1');
    await first;
    s.clock.t += 61;
    await expect(s.cache.get('k', s.load)).resolves.toBe('v1');
    await expect(s.cache.get('k', s.load)).resolves.toBe('v1');
    await expect(s.cache.get('k', s.load)).resolves.toBe('v1');
    expect(s.calls()).toBe(2);
    await s.answer('v2');
    await expect(s.cache.get('k', s.load)).resolves.toBe('v2');
    expect(s.calls()).toBe(2);
  });

  it('coalesces concurrent callers of a missing key into one load', async () => {
    const s = setup();
    const all = Promise.all([s.cache.get('k', s.load), s.cache.get('k', s.load), s.cache.get('k', s.load)]);
    expect(s.calls()).toBe(1);
    await s.answer('v1');
    await expect(all).resolves.toEqual(['v1', 'v1', 'v1']);
  });

  it('after an invalidation the next read waits for a fresh load, even within the stale bound', async () => {
    const s = setup();
    const first = s.cache.get('k', s.load);
    await s.answer('v1');
    await first;
    s.clock.t += 61;
    s.cache.delete('k');
    let settled = false;
    const next = s.cache.get('k', s.load).then((v) => {
      settled = true;
      return v;
    });
    await flush();
    expect(settled).toBe(false);
    await s.answer('v2');
    await expect(next).resolves.toBe('v2');
    expect(s.calls()).toBe(2);
  });

  it('does not store a load that was in flight when the key was invalidated', async () => {
    const s = setup();
    const first = s.cache.get('k', s.load);
    await s.answer('v1');
    await first;
    s.clock.t += 61;
    await expect(s.cache.get('k', s.load)).resolves.toBe('v1'); // starts a background refresh
    s.cache.delete('k');
    const next = s.cache.get('k', s.load); // must not join the refresh started before the write
    expect(s.calls()).toBe(3);
    await s.answer('before the write');
    await s.answer('after the write');
    await expect(next).resolves.toBe('after the write');
    await expect(s.cache.get('k', s.load)).resolves.toBe('after the write');
  });

  it('keeps serving the stale value when a background refresh fails, and reports the error', async () => {
    const s = setup();
    const first = s.cache.get('k', s.load);
    await s.answer('v1');
    await first;
    s.clock.t += 61;
    await expect(s.cache.get('k', s.load)).resolves.toBe('v1');
    await s.fail(new Error('api down'));
    expect(s.refreshErrors).toHaveLength(1);
    await expect(s.cache.get('k', s.load)).resolves.toBe('v1'); // another refresh is tried
    expect(s.calls()).toBe(3);
    await s.answer('v2');
    await expect(s.cache.get('k', s.load)).resolves.toBe('v2');
  });

  it('beyond the stale bound waits for the load, and its failure reaches the caller', async () => {
    const s = setup();
    const first = s.cache.get('k', s.load);
    await s.answer('v1');
    await first;
    s.clock.t += 600;
    const late = s.cache.get('k', s.load).catch((err: unknown) => err);
    expect(s.calls()).toBe(2);
    await s.fail(new Error('api down'));
    expect(await late).toEqual(new Error('api down'));
    expect(s.refreshErrors).toHaveLength(0);
    const again = s.cache.get('k', s.load);
    await s.answer('v2');
    await expect(again).resolves.toBe('v2');
  });

  it('turns a load that throws synchronously into a rejection', async () => {
    const s = setup();
    const boom = (): Promise<string> => {
      throw new Error('sync');
    };
    await expect(s.cache.get('k', boom)).rejects.toThrow('sync');
    const next = s.cache.get('k', s.load);
    await s.answer('v1');
    await expect(next).resolves.toBe('v1');
  });

  it('drops entries past the stale bound by age, even keys never read again', async () => {
    const { clock, cache } = setup();
    for (const key of ['a', 'b', 'c']) await cache.get(key, async () => key);
    expect(cache.size).toBe(3);
    clock.t += 601;
    await cache.get('d', async () => 'd');
    expect(cache.size).toBe(1);
  });

  it('evicts the least recently used key at the entry cap instead of emptying everything', async () => {
    const { cache } = setup();
    for (let i = 0; i < 10; i += 1) await cache.get(`k${i}`, async () => `v${i}`);
    await cache.get('k0', async () => 'reloaded');
    await cache.get('k10', async () => 'v10');
    expect(cache.size).toBe(10);
    let loads = 0;
    expect(await cache.get('k0', async () => `again${(loads += 1)}`)).toBe('v0');
    expect(await cache.get('k1', async () => `again${(loads += 1)}`)).toBe('again1');
  });

  it('bounds the approximate bytes held', async () => {
    const clock = { t: 0 };
    const cache = new SwrCache<string>({ ttlMs: 60, staleMs: 600, maxEntries: 1_000, maxBytes: 10_000, now: () => clock.t });
    for (let i = 0; i < 20; i += 1) await cache.get(`k${i}`, async () => 'x'.repeat(1_000));
    expect(cache.size).toBeLessThan(6);
    expect(cache.size).toBeGreaterThan(2);
  });
});
