import { describe, expect, it } from 'vitest';
import { importOnFirstCall } from '../../src/shared/import-on-first-call.js';

describe('importOnFirstCall', () => {
  it('imports nothing until called, then once for every call', async () => {
    const seen: number[] = [];
    let imports = 0;
    const listener = importOnFirstCall(async () => {
      imports += 1;
      return async (n: number) => {
        seen.push(n);
      };
    });
    expect(imports).toBe(0);
    await Promise.all([listener(1), listener(2)]);
    await listener(3);
    expect(imports).toBe(1);
    expect(seen.sort()).toEqual([1, 2, 3]);
  });

  it('rejects the call whose import failed and imports again on the next call', async () => {
    let imports = 0;
    const seen: string[] = [];
    const listener = importOnFirstCall(async () => {
      imports += 1;
      if (imports === 1) throw new Error('import failed');
      return async (s: string) => {
        seen.push(s);
      };
    });
    await expect(listener('a')).rejects.toThrow('import failed');
    await listener('b');
    expect(imports).toBe(2);
    expect(seen).toEqual(['b']);
  });
});
