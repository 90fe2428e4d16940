import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { storeKinds, type StoreHandle } from './harness.js';

const T0 = 1_700_000_000_000;

describe.each(storeKinds())('$name store: category campaigns', (kind) => {
  describe.skipIf(kind.skip !== false)(kind.skip === false ? 'bindings' : kind.skip, () => {
    let handle: StoreHandle;
    let store: Store;
    let clock = T0;

    beforeEach(async () => {
      clock = T0;
      handle = kind.name === 'sqlite'
        ? await createStore(':memory:', { now: () => clock }).then((s) => ({ store: s, databaseUrl: ':memory:', cleanup: () => s.close() }))
        : await kind.create({ now: () => clock });
      store = handle.store;
    });
    afterEach(async () => {
      await handle.cleanup();
    });

    it('lists nothing for a guild without bindings', async () => {
      expect(await store.categoryCampaigns.list('g1')).toEqual([]);
    });

    it('binds, replaces and removes a category, per guild', async () => {
      const first = await store.categoryCampaigns.put({ guildId: 'g1', categoryId: 'c1', companyId: 'co1', campaignId: 'camp1' });
      expect(first).toEqual({ guildId: 'g1', categoryId: 'c1', companyId: 'co1', campaignId: 'camp1', updatedAt: T0 });
      await store.categoryCampaigns.put({ guildId: 'g1', categoryId: 'c2', companyId: 'co1', campaignId: 'camp2' });
      await store.categoryCampaigns.put({ guildId: 'g2', categoryId: 'c1', companyId: 'co9', campaignId: 'camp9' });
      clock = T0 + 5;
      const replaced = await store.categoryCampaigns.put({ guildId: 'g1', categoryId: 'c1', companyId: 'co2', campaignId: 'camp3' });
      expect(replaced).toMatchObject({ companyId: 'co2', campaignId: 'camp3', updatedAt: T0 + 5 });
      expect((await store.categoryCampaigns.list('g1')).map((b) => [b.categoryId, b.campaignId])).toEqual([
        ['c1', 'camp3'],
        ['c2', 'camp2'],
      ]);
      expect(await store.categoryCampaigns.delete('g1', 'c1')).toBe(true);
      expect(await store.categoryCampaigns.delete('g1', 'c1')).toBe(false);
      expect((await store.categoryCampaigns.list('g1')).map((b) => b.categoryId)).toEqual(['c2']);
      expect((await store.categoryCampaigns.list('g2')).map((b) => b.campaignId)).toEqual(['camp9']);
    });

    it('keeps one row when two processes bind the same category at once', async () => {
      const shared = await kind.create();
      const other = await createStore(shared.databaseUrl);
      try {
        await Promise.all([
          shared.store.categoryCampaigns.put({ guildId: 'g', categoryId: 'c', companyId: 'co', campaignId: 'a' }),
          other.categoryCampaigns.put({ guildId: 'g', categoryId: 'c', companyId: 'co', campaignId: 'b' }),
        ]);
        const rows = await other.categoryCampaigns.list('g');
        expect(rows).toHaveLength(1);
        expect(['a', 'b']).toContain(rows[0]?.campaignId);
      } finally {
        await other.close();
        await shared.cleanup();
      }
    });
  });
});
