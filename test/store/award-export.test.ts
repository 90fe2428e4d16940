import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/types.js';
import { storeKinds, type StoreHandle } from './harness.js';
import { newAward } from './helpers.js';

const T0 = 1_700_000_000_000;

describe.each(storeKinds())('$name store: export pages, status counts, ping', (kind) => {
  describe.skipIf(kind.skip !== false)(kind.skip === false ? 'award journal' : kind.skip, () => {
    let handle: StoreHandle;
    let store: Store;

    beforeEach(async () => {
      handle = await kind.create();
      store = handle.store;
    });
    afterEach(async () => {
      await handle.cleanup();
    });

    it('pages one guild company in id order, filtered by member and campaign, never another guild or company', async () => {
      let n = 0;
      const add = (o: Parameters<typeof newAward>[0]) => store.awards.insertPending(newAward({ key: `k${++n}`, ...o }), T0 + n);
      for (let i = 0; i < 7; i++) await add({ targetUserId: i % 2 === 0 ? 'player-a' : 'player-b', campaignId: i < 5 ? 'c1' : 'c2' });
      await add({ guildId: 'guild-2' });
      await add({ companyId: 'company-2' });

      const scope = { guildId: 'guild-1', companyId: 'company-1' };
      const first = await store.awards.exportPage({ ...scope, afterId: 0, limit: 3 });
      const second = await store.awards.exportPage({ ...scope, afterId: first.at(-1)?.id ?? 0, limit: 3 });
      const third = await store.awards.exportPage({ ...scope, afterId: second.at(-1)?.id ?? 0, limit: 3 });
      const all = [...first, ...second, ...third];
      expect(all.map((e) => e.key)).toEqual(['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7']);
      expect(third).toHaveLength(1);
      expect(await store.awards.exportPage({ ...scope, afterId: third.at(-1)?.id ?? 0, limit: 3 })).toEqual([]);

      const a = await store.awards.exportPage({ ...scope, targetUserId: 'player-a', afterId: 0, limit: 100 });
      expect(a.map((e) => e.key)).toEqual(['k1', 'k3', 'k5', 'k7']);
      const c2 = await store.awards.exportPage({ ...scope, campaignId: 'c2', targetUserId: 'player-b', afterId: 0, limit: 100 });
      expect(c2.map((e) => e.key)).toEqual(['k6']);
    });

    it('counts entries per status across guilds', async () => {
      await store.awards.insertPending(newAward({ key: 'a' }), T0);
      await store.awards.insertPending(newAward({ key: 'b', guildId: 'guild-2' }), T0);
      await store.awards.insertPending(newAward({ key: 'c' }), T0);
      await store.awards.markApplied('a', { xpCurrent: 1, xpTotal: 1, coolPoints: 0 }, T0);
      await store.awards.markFailed('c', 'refused', T0);
      expect(await store.awards.countByStatus()).toEqual({ PENDING: 1, APPLIED: 1, FAILED: 1, UNDONE: 0 });
    });

    it('answers a ping while open and fails it once closed', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
      await expect(store.ping()).rejects.toThrow();
    });
  });
});
