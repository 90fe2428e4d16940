import { describe, expect, it } from 'vitest';
import { BoundedCache, approximateBytes } from '../../src/domain/bounded-cache.js';

function cache(over: Partial<ConstructorParameters<typeof BoundedCache<string>>[0]> = {}) {
  const clock = { t: 1_000 };
  const c = new BoundedCache<string>({ maxEntries: 100, maxBytes: 1_000_000, ttlMs: 1_000, now: () => clock.t, ...over });
  return { c, clock };
}

describe('BoundedCache', () => {
  it('answers within the TTL and forgets an expired entry when it is met', () => {
    const { c, clock } = cache();
    c.set('a', 'one');
    clock.t += 999;
    expect(c.get('a')).toBe('one');
    clock.t += 1;
    expect(c.get('a')).toBeUndefined();
    expect(c.size).toBe(0);
    expect(c.bytes).toBe(0);
  });

  it('honours a per-entry TTL', () => {
    const { c, clock } = cache();
    c.set('short', 'x', 10);
    c.set('long', 'y', 5_000);
    clock.t += 11;
    expect(c.get('short')).toBeUndefined();
    clock.t += 3_000;
    expect(c.get('long')).toBe('y');
  });

  it('sweeps expired entries it never meets again, on a later read or write', () => {
    const { c, clock } = cache({ sweepEveryMs: 500 });
    for (let i = 0; i < 50; i += 1) c.set(`k${i}`, 'v', 100);
    c.set('keep', 'v', 10_000);
    expect(c.size).toBe(51);
    clock.t += 600;
    // Touching one other key is enough: the amortised sweep drops the 50 expired ones.
    expect(c.get('keep')).toBe('v');
    expect(c.size).toBe(1);
  });

  it('evicts the least recently used entry at the entry cap', () => {
    const { c } = cache({ maxEntries: 3 });
    c.set('a', '1');
    c.set('b', '2');
    c.set('c', '3');
    expect(c.get('a')).toBe('1'); // a is now the most recent
    c.set('d', '4');
    expect(c.get('b')).toBeUndefined();
    expect([c.get('a'), c.get('c'), c.get('d')]).toEqual(['1', '3', '4']);
    expect(c.size).toBe(3);
  });

  it('evicts least recently used entries until the bytes fit, and refuses a value bigger than the budget', () => {
    const big = 'x'.repeat(1_000); // about 2 KB each
    const { c } = cache({ maxBytes: 7_000 });
    c.set('a', big);
    c.set('b', big);
    c.set('c', big);
    expect(c.size).toBe(3);
    c.get('a');
    c.set('d', big);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(big);
    expect(c.bytes).toBeLessThanOrEqual(7_000);
    c.set('huge', 'y'.repeat(10_000));
    expect(c.get('huge')).toBeUndefined();
    expect(c.get('a')).toBe(big);
  });

  it('replacing a key keeps the byte count exact; deleteWhere removes by predicate', () => {
    const { c } = cache();
    c.set('a', 'xxxx');
    const one = c.bytes;
    c.set('a', 'xxxx');
    expect(c.bytes).toBe(one);
    c.set('co1:a', 'x');
    c.set('co1:b', 'x');
    c.set('co2:a', 'x');
    c.deleteWhere((k) => k.startsWith('co1:'));
    expect([c.has('co1:a'), c.has('co1:b'), c.has('co2:a')]).toEqual([false, false, true]);
    c.delete('co2:a');
    c.delete('a');
    expect(c.bytes).toBe(0);
  });

  it('sizes values roughly by their content', () => {
    expect(approximateBytes('abcd')).toBeLessThan(approximateBytes('abcd'.repeat(100)));
    expect(approximateBytes({ a: [1, 2, 3], b: 'text' })).toBeGreaterThan(approximateBytes({}));
    expect(approximateBytes(new Map([['k', 'v'.repeat(100)]]))).toBeGreaterThan(200);
    // A long list is sampled, and still scales with its length.
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `id${i}`, name: 'x'.repeat(20) }));
    const small = approximateBytes(rows(1_000));
    const large = approximateBytes(rows(10_000));
    expect(large / small).toBeGreaterThan(9);
    expect(large / small).toBeLessThan(11);
  });
});
