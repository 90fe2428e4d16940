import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations.js';
import { UNSETTLED_OUTCOME, type MemberLink, type Store } from '../../src/store/types.js';
import { storeKinds, type StoreHandle, type StoreKind } from './harness.js';
import { captureLogger, newAward } from './helpers.js';

const T0 = 1_700_000_000_000;

interface Kind extends StoreKind {
  /** The store most tests use: SQLite in memory, PostgreSQL in a fresh schema. */
  fresh(now: () => number): Promise<StoreHandle>;
}

const kinds: Kind[] = storeKinds().map((k) => ({
  ...k,
  fresh: (now) =>
    k.name === 'sqlite'
      ? createStore(':memory:', { now }).then((store) => ({ store, databaseUrl: ':memory:', cleanup: () => store.close() }))
      : k.create({ now }),
}));

describe.each(kinds)('$name store', (kind) => {
  describe.skipIf(kind.skip !== false)(kind.skip === false ? 'repositories' : kind.skip, () => {
    let handle: StoreHandle;
    let store: Store;
    let clock = T0;

    beforeEach(async () => {
      clock = T0;
      handle = await kind.fresh(() => clock);
      store = handle.store;
    });
    afterEach(async () => {
      await handle.cleanup();
    });

    /** A second Store instance on the same database, as another shard process would have. */
    async function withTwoInstances(fn: (a: Store, b: Store) => Promise<void>): Promise<void> {
      const shared = await kind.create();
      const other = await createStore(shared.databaseUrl);
      try {
        await fn(shared.store, other);
      } finally {
        await other.close();
        await shared.cleanup();
      }
    }

    it('reports its kind', () => {
      expect(store.kind).toBe(kind.name);
    });

    describe('guild settings', () => {
      it('returns null for an unknown guild', async () => {
        expect(await store.guildSettings.get('nope')).toBeNull();
      });

      it('creates the row with defaults on the first upsert', async () => {
        const created = await store.guildSettings.upsert('g1', {});
        expect(created).toEqual({
          guildId: 'g1',
          companyId: null,
          defaultCampaignId: null,
          approvalsChannelId: null,
          auditChannelId: null,
          xpPolicy: 'STORYTELLER_ONLY',
          maxAwardAmount: 100,
          updatedAt: T0,
        });
        expect(await store.guildSettings.get('g1')).toEqual(created);
      });

      it('applies a patch over the existing values only', async () => {
        await store.guildSettings.upsert('g1', { companyId: 'c1', approvalsChannelId: 'ch-a' });
        clock = T0 + 5;
        const updated = await store.guildSettings.upsert('g1', {
          defaultCampaignId: 'camp',
          xpPolicy: 'FOLLOW_COMPANY',
          maxAwardAmount: 250,
          approvalsChannelId: null,
        });
        expect(updated).toEqual({
          guildId: 'g1',
          companyId: 'c1',
          defaultCampaignId: 'camp',
          approvalsChannelId: null,
          auditChannelId: null,
          xpPolicy: 'FOLLOW_COMPANY',
          maxAwardAmount: 250,
          updatedAt: T0 + 5,
        });
        await store.guildSettings.upsert('g1', { auditChannelId: 'ch-audit' });
        expect(await store.guildSettings.get('g1')).toMatchObject({ companyId: 'c1', auditChannelId: 'ch-audit', maxAwardAmount: 250 });
        expect(await store.guildSettings.get('g2')).toBeNull();
      });

      it('keeps both patches of concurrent first upserts', async () => {
        await Promise.all([
          store.guildSettings.upsert('g1', { companyId: 'c1' }),
          store.guildSettings.upsert('g1', { auditChannelId: 'audit' }),
          store.guildSettings.upsert('g1', { maxAwardAmount: 7 }),
        ]);
        expect(await store.guildSettings.get('g1')).toMatchObject({ companyId: 'c1', auditChannelId: 'audit', maxAwardAmount: 7 });
      });

      it('rejects a maximum award that is not a positive integer', async () => {
        await expect(store.guildSettings.upsert('g1', { maxAwardAmount: 0 })).rejects.toThrow(/positive integer/);
        await expect(store.guildSettings.upsert('g1', { maxAwardAmount: 1.5 })).rejects.toThrow(/positive integer/);
        expect(await store.guildSettings.get('g1')).toBeNull();
      });
    });

    describe('member links', () => {
      const link = (over: Partial<MemberLink> = {}): MemberLink => ({
        companyId: 'c1',
        discordUserId: 'd1',
        userId: 'u1',
        role: 'PLAYER',
        resolvedAt: T0,
        ...over,
      });

      it('stores, reads by member and by user, and updates', async () => {
        expect(await store.memberLinks.get('c1', 'd1')).toBeNull();
        expect(await store.memberLinks.getByUser('c1', 'u1')).toBeNull();
        await store.memberLinks.upsert(link());
        expect(await store.memberLinks.get('c1', 'd1')).toEqual(link());
        expect(await store.memberLinks.getByUser('c1', 'u1')).toEqual(link());
        await store.memberLinks.upsert(link({ role: 'STORYTELLER', resolvedAt: T0 + 1 }));
        expect(await store.memberLinks.get('c1', 'd1')).toEqual(link({ role: 'STORYTELLER', resolvedAt: T0 + 1 }));
        expect(await store.memberLinks.get('c2', 'd1')).toBeNull();
      });

      it('drops the stale link when a user is linked to another member', async () => {
        await store.memberLinks.upsert(link());
        await store.memberLinks.upsert(link({ discordUserId: 'd2', resolvedAt: T0 + 1 }));
        expect(await store.memberLinks.get('c1', 'd1')).toBeNull();
        expect(await store.memberLinks.getByUser('c1', 'u1')).toEqual(link({ discordUserId: 'd2', resolvedAt: T0 + 1 }));
      });

      it('relinks a member to another user', async () => {
        await store.memberLinks.upsert(link());
        await store.memberLinks.upsert(link({ userId: 'u2' }));
        expect(await store.memberLinks.getByUser('c1', 'u1')).toBeNull();
        expect(await store.memberLinks.get('c1', 'd1')).toEqual(link({ userId: 'u2' }));
      });

      it('replaces every link of one company and no other', async () => {
        await store.memberLinks.upsert(link());
        await store.memberLinks.upsert(link({ discordUserId: 'd2', userId: 'u2' }));
        await store.memberLinks.upsert(link({ companyId: 'c2' }));
        await store.memberLinks.replaceAll('c1', [
          link({ discordUserId: 'd3', userId: 'u3', role: 'ADMIN' }),
          link({ discordUserId: 'd2', userId: 'u2', role: 'STORYTELLER' }),
        ]);
        expect(await store.memberLinks.get('c1', 'd1')).toBeNull();
        expect(await store.memberLinks.get('c1', 'd2')).toMatchObject({ role: 'STORYTELLER' });
        expect(await store.memberLinks.get('c1', 'd3')).toMatchObject({ userId: 'u3', role: 'ADMIN' });
        expect(await store.memberLinks.get('c2', 'd1')).toEqual(link({ companyId: 'c2' }));
        await store.memberLinks.replaceAll('c1', []);
        expect(await store.memberLinks.get('c1', 'd2')).toBeNull();
        expect(await store.memberLinks.get('c2', 'd1')).not.toBeNull();
      });

      it('replaceAll is all or nothing', async () => {
        await store.memberLinks.upsert(link());
        // A row the database refuses (NOT NULL) halfway through the batch.
        const bad = { ...link({ discordUserId: 'd9' }), role: null } as unknown as MemberLink;
        await expect(store.memberLinks.replaceAll('c1', [link({ discordUserId: 'd5', userId: 'u5' }), bad])).rejects.toThrow();
        expect(await store.memberLinks.get('c1', 'd1')).toEqual(link());
        expect(await store.memberLinks.get('c1', 'd5')).toBeNull();
        await expect(store.memberLinks.replaceAll('c1', [link({ companyId: 'c2' })])).rejects.toThrow(/company c2/);
        expect(await store.memberLinks.get('c1', 'd1')).toEqual(link());
      });

      it('deletes by member, by user and by company', async () => {
        await store.memberLinks.replaceAll('c1', [
          link(),
          link({ discordUserId: 'd2', userId: 'u2' }),
          link({ discordUserId: 'd3', userId: 'u3' }),
        ]);
        await store.memberLinks.upsert(link({ companyId: 'c2' }));
        await store.memberLinks.delete('c1', 'd1');
        expect(await store.memberLinks.get('c1', 'd1')).toBeNull();
        await store.memberLinks.deleteByUser('c1', 'u2');
        expect(await store.memberLinks.get('c1', 'd2')).toBeNull();
        expect(await store.memberLinks.get('c1', 'd3')).not.toBeNull();
        await store.memberLinks.deleteCompany('c1');
        expect(await store.memberLinks.get('c1', 'd3')).toBeNull();
        expect(await store.memberLinks.get('c2', 'd1')).not.toBeNull();
      });
    });

    describe('award journal', () => {
      const result = { xpCurrent: 12, xpTotal: 40, coolPoints: 2 };

      it('writes a PENDING entry and returns the existing one for a duplicate key', async () => {
        const first = await store.awards.insertPending(newAward(), T0);
        expect(first.created).toBe(true);
        expect(first.entry).toEqual({
          ...newAward(),
          id: expect.any(Number),
          status: 'PENDING',
          result: null,
          error: null,
          failure: null,
          createdAt: T0,
          updatedAt: T0,
        });
        const again = await store.awards.insertPending(newAward({ amount: 99, reason: 'other' }), T0 + 1);
        expect(again).toEqual({ entry: first.entry, created: false });
        expect(await store.awards.get(first.entry.id)).toEqual(first.entry);
        expect(await store.awards.getByKey('key-1')).toEqual(first.entry);
        expect(await store.awards.get(first.entry.id + 1000)).toBeNull();
        expect(await store.awards.getByKey('nope')).toBeNull();
      });

      it('creates exactly one entry for 20 concurrent inserts of one key', async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 20 }, (_, i) => store.awards.insertPending(newAward({ key: 'double-click' }), T0 + i)),
        );
        expect(outcomes.filter((o) => o.created)).toHaveLength(1);
        expect(new Set(outcomes.map((o) => o.entry.id)).size).toBe(1);
        expect(await store.awards.listPending()).toHaveLength(1);
      });

      it('creates exactly one entry for concurrent inserts from two store instances', async () => {
        await withTwoInstances(async (a, b) => {
          const outcomes = await Promise.all(
            Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).awards.insertPending(newAward({ key: 'shard' }), T0 + i)),
          );
          expect(outcomes.filter((o) => o.created)).toHaveLength(1);
          expect(new Set(outcomes.map((o) => o.entry.id)).size).toBe(1);
        });
      });

      it('stores the undo reference', async () => {
        const { entry } = await store.awards.insertPending(newAward(), T0);
        const { entry: undo } = await store.awards.insertPending(
          newAward({ key: 'undo-1', kind: 'XP_REMOVE', undoOf: entry.id, targetDiscordId: null, reason: null, batchId: 'b' }),
          T0,
        );
        expect(undo).toMatchObject({ undoOf: entry.id, kind: 'XP_REMOVE', targetDiscordId: null, reason: null, batchId: 'b' });
      });

      it('marks applied with the new totals, and failed with the error', async () => {
        await store.awards.insertPending(newAward(), T0);
        await store.awards.insertPending(newAward({ key: 'key-2' }), T0);
        const applied = await store.awards.markApplied('key-1', result, T0 + 10);
        expect(applied).toMatchObject({ key: 'key-1', status: 'APPLIED', result, error: null, createdAt: T0, updatedAt: T0 + 10 });
        const failed = await store.awards.markFailed('key-2', 'API down', T0 + 20);
        expect(failed).toMatchObject({ key: 'key-2', status: 'FAILED', result: null, error: 'API down', updatedAt: T0 + 20 });
        expect(await store.awards.markApplied('nope', result, T0)).toBeNull();
        expect(await store.awards.markFailed('nope', 'x', T0)).toBeNull();
      });

      it('lets a failed entry turn applied, but never fails or re-applies an applied one', async () => {
        await store.awards.insertPending(newAward(), T0);
        await store.awards.markFailed('key-1', 'timeout', T0 + 1);
        expect(await store.awards.markApplied('key-1', result, T0 + 2)).toMatchObject({ status: 'APPLIED', error: null, result });
        const kept = await store.awards.markFailed('key-1', 'late failure', T0 + 3);
        expect(kept).toMatchObject({ status: 'APPLIED', error: null, updatedAt: T0 + 2 });
        const other = { xpCurrent: 0, xpTotal: 0, coolPoints: 0 };
        expect(await store.awards.markApplied('key-1', other, T0 + 4)).toMatchObject({ result, updatedAt: T0 + 2 });
      });

      it('leases a PENDING entry to one process at a time, and hands over only an expired lease', async () => {
        await store.awards.insertPending(newAward(), T0, { owner: 'a', until: T0 + 100 });
        expect(await store.awards.listUnleased(T0 + 99)).toEqual([]);
        // Another process is refused while the lease runs; the owner renews it.
        expect(await store.awards.acquireLease('key-1', { owner: 'b', until: T0 + 500 }, T0 + 50)).toBeNull();
        expect(await store.awards.acquireLease('key-1', { owner: 'a', until: T0 + 300 }, T0 + 60)).toMatchObject({ key: 'key-1' });
        expect(await store.awards.acquireLease('key-1', { owner: 'b', until: T0 + 500 }, T0 + 200)).toBeNull();
        // Given up at shutdown: nobody owns it, and nobody may take it before it was due.
        await store.awards.releaseLease('key-1', 'a', T0 + 250);
        expect(await store.awards.acquireLease('key-1', { owner: 'b', until: T0 + 500 }, T0 + 249)).toBeNull();
        expect((await store.awards.listUnleased(T0 + 250)).map((e) => e.key)).toEqual(['key-1']);
        expect(await store.awards.acquireLease('key-1', { owner: 'b', until: T0 + 500 }, T0 + 250)).toMatchObject({ key: 'key-1' });
        // A release by a process that no longer holds it changes nothing.
        await store.awards.releaseLease('key-1', 'a', T0);
        expect(await store.awards.acquireLease('key-1', { owner: 'c', until: T0 + 900 }, T0 + 300)).toBeNull();
        // Settled entries cannot be leased.
        await store.awards.markApplied('key-1', result, T0 + 310);
        expect(await store.awards.acquireLease('key-1', { owner: 'b', until: T0 + 900 }, T0 + 320)).toBeNull();
        expect(await store.awards.listUnleased(T0 + 10_000)).toEqual([]);
      });

      it('gives an expired lease to exactly one of 20 concurrent takers, across two instances', async () => {
        await withTwoInstances(async (a, b) => {
          await a.awards.insertPending(newAward(), T0, { owner: 'crashed', until: T0 + 10 });
          const wins = await Promise.all(
            Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).awards.acquireLease('key-1', { owner: `p${i}`, until: T0 + 1_000 }, T0 + 20)),
          );
          expect(wins.filter((w) => w !== null)).toHaveLength(1);
        });
      });

      it('reopens only a definite failure, once', async () => {
        await store.awards.insertPending(newAward(), T0);
        await store.awards.insertPending(newAward({ key: 'key-2' }), T0);
        expect(await store.awards.markFailed('key-1', 'Not enough XP', T0 + 1, 'definite')).toMatchObject({ failure: 'definite' });
        expect(await store.awards.markFailed('key-2', 'never confirmed', T0 + 1)).toMatchObject({ failure: 'ambiguous' });
        expect(await store.awards.reopenFailed('key-2', { owner: 'a', until: T0 + 100 }, T0 + 2)).toBeNull();
        const reopened = await store.awards.reopenFailed('key-1', { owner: 'a', until: T0 + 100 }, T0 + 2);
        expect(reopened).toMatchObject({ status: 'PENDING', error: null, failure: null });
        expect(await store.awards.reopenFailed('key-1', { owner: 'b', until: T0 + 100 }, T0 + 3)).toBeNull();
        expect(await store.awards.acquireLease('key-1', { owner: 'b', until: T0 + 200 }, T0 + 4)).toBeNull();
      });

      it('claims an undo once, and releases it', async () => {
        const { entry } = await store.awards.insertPending(newAward(), T0);
        expect(await store.awards.claimUndo(entry.id, T0 + 1)).toBe(false); // still PENDING
        await store.awards.markApplied('key-1', result, T0 + 2);
        expect(await store.awards.claimUndo(entry.id, T0 + 3)).toBe(true);
        expect(await store.awards.claimUndo(entry.id, T0 + 4)).toBe(false);
        expect(await store.awards.get(entry.id)).toMatchObject({ status: 'UNDONE', updatedAt: T0 + 3, result });
        // An undone award cannot be marked applied again by a late retry.
        expect(await store.awards.markApplied('key-1', result, T0 + 5)).toMatchObject({ status: 'UNDONE' });
        await store.awards.releaseUndo(entry.id, T0 + 6);
        expect(await store.awards.get(entry.id)).toMatchObject({ status: 'APPLIED', updatedAt: T0 + 6 });
        expect(await store.awards.claimUndo(entry.id, T0 + 7)).toBe(true);
        expect(await store.awards.claimUndo(entry.id + 1000, T0)).toBe(false);
      });

      it('releaseUndo leaves entries that are not UNDONE alone', async () => {
        const { entry } = await store.awards.insertPending(newAward(), T0);
        await store.awards.markFailed('key-1', 'boom', T0 + 1);
        await store.awards.releaseUndo(entry.id, T0 + 2);
        expect(await store.awards.get(entry.id)).toMatchObject({ status: 'FAILED', updatedAt: T0 + 1 });
      });

      it('gives exactly one of 20 concurrent undo claims, across two instances', async () => {
        await withTwoInstances(async (a, b) => {
          const { entry } = await a.awards.insertPending(newAward(), T0);
          await a.awards.markApplied(entry.key, result, T0);
          const wins = await Promise.all(
            Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).awards.claimUndo(entry.id, T0 + i)),
          );
          expect(wins.filter(Boolean)).toHaveLength(1);
        });
      });

      it('lists a batch in insertion order and the pending entries', async () => {
        await store.awards.insertPending(newAward({ key: 's1', batchId: 'scene' }), T0);
        await store.awards.insertPending(newAward({ key: 'solo' }), T0);
        await store.awards.insertPending(newAward({ key: 's2', batchId: 'scene', targetUserId: 'p2' }), T0);
        await store.awards.insertPending(newAward({ key: 's3', batchId: 'scene', targetUserId: 'p3' }), T0);
        await store.awards.insertPending(newAward({ key: 'x1', batchId: 'other' }), T0);
        await store.awards.markApplied('s2', result, T0 + 1);
        await store.awards.markFailed('x1', 'no', T0 + 1);
        expect((await store.awards.listBatch('scene')).map((e) => e.key)).toEqual(['s1', 's2', 's3']);
        expect(await store.awards.listBatch('none')).toEqual([]);
        expect((await store.awards.listPending()).map((e) => e.key)).toEqual(['s1', 'solo', 's3']);
      });

      describe('ledger', () => {
        beforeEach(async () => {
          // 12 entries in guild-1 over two companies, targets and campaigns; one in another guild.
          for (let i = 0; i < 12; i++) {
            await store.awards.insertPending(
              newAward({
                key: `L${i}`,
                companyId: i < 10 ? 'company-1' : 'company-2',
                targetUserId: i % 2 === 0 ? 'even' : 'odd',
                campaignId: i % 3 === 0 ? 'camp-a' : 'camp-b',
              }),
              // Two entries share each timestamp, so the id breaks the tie.
              T0 + Math.floor(i / 2) * 1000,
            );
          }
          await store.awards.insertPending(newAward({ key: 'elsewhere', guildId: 'guild-2' }), T0 + 99_000);
          await store.awards.markApplied('L3', result, T0 + 50_000);
          await store.awards.markFailed('L4', 'api', T0 + 50_000);
          const l5 = await store.awards.getByKey('L5');
          await store.awards.markApplied('L5', result, T0 + 50_000);
          if (l5 !== null) await store.awards.claimUndo(l5.id, T0 + 60_000);
        });

        it('lists newest first, with failed and undone entries, and the total', async () => {
          const page = await store.awards.listLedger({ guildId: 'guild-1', limit: 100, offset: 0 });
          expect(page.total).toBe(12);
          expect(page.items.map((e) => e.key)).toEqual(['L11', 'L10', 'L9', 'L8', 'L7', 'L6', 'L5', 'L4', 'L3', 'L2', 'L1', 'L0']);
          expect(page.items.map((e) => e.status)).toContain('FAILED');
          expect(page.items.map((e) => e.status)).toContain('UNDONE');
        });

        it('paginates with limit and offset', async () => {
          const pages = [];
          for (let offset = 0; offset < 12; offset += 5) {
            const page = await store.awards.listLedger({ guildId: 'guild-1', limit: 5, offset });
            expect(page.total).toBe(12);
            pages.push(page.items.map((e) => e.key));
          }
          expect(pages).toEqual([
            ['L11', 'L10', 'L9', 'L8', 'L7'],
            ['L6', 'L5', 'L4', 'L3', 'L2'],
            ['L1', 'L0'],
          ]);
          expect(await store.awards.listLedger({ guildId: 'guild-1', limit: 5, offset: 40 })).toEqual({ items: [], total: 12 });
        });

        it('filters by company, target and campaign, together or apart', async () => {
          const keys = async (q: { companyId?: string; targetUserId?: string; campaignId?: string }) => {
            const page = await store.awards.listLedger({ guildId: 'guild-1', limit: 50, offset: 0, ...q });
            return { keys: page.items.map((e) => e.key), total: page.total };
          };
          expect(await keys({ companyId: 'company-2' })).toEqual({ keys: ['L11', 'L10'], total: 2 });
          expect(await keys({ targetUserId: 'odd' })).toEqual({ keys: ['L11', 'L9', 'L7', 'L5', 'L3', 'L1'], total: 6 });
          expect(await keys({ campaignId: 'camp-a' })).toEqual({ keys: ['L9', 'L6', 'L3', 'L0'], total: 4 });
          expect(await keys({ companyId: 'company-1', targetUserId: 'even', campaignId: 'camp-a' })).toEqual({
            keys: ['L6', 'L0'],
            total: 2,
          });
          expect(await keys({ targetUserId: 'nobody' })).toEqual({ keys: [], total: 0 });
          const other = await store.awards.listLedger({ guildId: 'guild-2', limit: 10, offset: 0 });
          expect(other.items.map((e) => e.key)).toEqual(['elsewhere']);
        });
      });
    });

    describe('approval cards', () => {
      const card = {
        guildId: 'g1',
        userId: 'u-new',
        channelId: 'ch-approvals',
        messageId: 'msg-1',
        status: 'PENDING' as const,
        handledByDiscordId: null,
        outcome: null,
      };

      it('stores and replaces a card', async () => {
        expect(await store.approvalCards.get('g1', 'u-new')).toBeNull();
        await store.approvalCards.upsert(card, T0);
        expect(await store.approvalCards.get('g1', 'u-new')).toEqual({ ...card, updatedAt: T0 });
        await store.approvalCards.upsert({ ...card, messageId: 'msg-2' }, T0 + 1);
        expect(await store.approvalCards.get('g1', 'u-new')).toEqual({ ...card, messageId: 'msg-2', updatedAt: T0 + 1 });
        expect(await store.approvalCards.get('g2', 'u-new')).toBeNull();
      });

      it('claims a pending card once; release makes it claimable again', async () => {
        await store.approvalCards.upsert(card, T0);
        expect(await store.approvalCards.claim('g1', 'u-new', 'admin-1', T0 + 1)).toBe(true);
        expect(await store.approvalCards.get('g1', 'u-new')).toEqual({
          ...card,
          status: 'HANDLING',
          handledByDiscordId: 'admin-1',
          updatedAt: T0 + 1,
        });
        expect(await store.approvalCards.claim('g1', 'u-new', 'admin-2', T0 + 2)).toBe(false);
        expect(await store.approvalCards.get('g1', 'u-new')).toMatchObject({ handledByDiscordId: 'admin-1' });
        expect(await store.approvalCards.release('g1', 'u-new', T0 + 3, { heldBy: 'admin-1' })).toBe(true);
        expect(await store.approvalCards.get('g1', 'u-new')).toEqual({ ...card, updatedAt: T0 + 3 });
        expect(await store.approvalCards.claim('g1', 'u-new', 'admin-2', T0 + 4)).toBe(true);
      });

      it('releases only a claim held by the expected actor, or one stale by time', async () => {
        await store.approvalCards.upsert(card, T0);
        expect(await store.approvalCards.claim('g1', 'u-new', 'admin-1', T0 + 10)).toBe(true);
        // Another admin's failed call, or a stale check that read an older claim, must not free admin-1's claim.
        expect(await store.approvalCards.release('g1', 'u-new', T0 + 11, { heldBy: 'admin-2' })).toBe(false);
        expect(await store.approvalCards.release('g1', 'u-new', T0 + 11, { claimedBefore: T0 + 10 })).toBe(false);
        expect(await store.approvalCards.get('g1', 'u-new')).toMatchObject({ status: 'HANDLING', handledByDiscordId: 'admin-1', updatedAt: T0 + 10 });
        expect(await store.approvalCards.release('g1', 'u-new', T0 + 12, { claimedBefore: T0 + 11 })).toBe(true);
        expect(await store.approvalCards.get('g1', 'u-new')).toEqual({ ...card, updatedAt: T0 + 12 });
      });

      it('marks a held claim unsettled; a release clears the mark', async () => {
        await store.approvalCards.upsert(card, T0);
        await store.approvalCards.claim('g1', 'u-new', 'admin-1', T0 + 1);
        await store.approvalCards.markUnsettled('g1', 'u-new', 'admin-2', 'DENY', T0 + 2);
        expect(await store.approvalCards.get('g1', 'u-new')).toMatchObject({ outcome: null, updatedAt: T0 + 1 });
        await store.approvalCards.markUnsettled('g1', 'u-new', 'admin-1', 'APPROVE:PLAYER', T0 + 3);
        expect(await store.approvalCards.get('g1', 'u-new')).toMatchObject({ status: 'HANDLING', outcome: `${UNSETTLED_OUTCOME}:APPROVE:PLAYER`, updatedAt: T0 + 3 });
        expect((await store.approvalCards.listUnsettled(T0 + 4, 10)).map((c) => c.userId)).toEqual(['u-new']);
        expect(await store.approvalCards.listUnsettled(T0 + 3, 10)).toEqual([]);
        expect(await store.approvalCards.claim('g1', 'u-new', 'admin-2', T0 + 4)).toBe(false);
        expect(await store.approvalCards.release('g1', 'u-new', T0 + 5, { heldBy: 'admin-1' })).toBe(true);
        expect(await store.approvalCards.get('g1', 'u-new')).toEqual({ ...card, updatedAt: T0 + 5 });
        expect(await store.approvalCards.listUnsettled(T0 + 100, 10)).toEqual([]);
      });

      it('creates a missing card in HANDLING for the winner', async () => {
        expect(await store.approvalCards.claim('g1', 'u-listed', 'admin-1', T0)).toBe(true);
        expect(await store.approvalCards.get('g1', 'u-listed')).toEqual({
          guildId: 'g1',
          userId: 'u-listed',
          channelId: '',
          messageId: '',
          status: 'HANDLING',
          handledByDiscordId: 'admin-1',
          outcome: null,
          updatedAt: T0,
        });
        expect(await store.approvalCards.claim('g1', 'u-listed', 'admin-2', T0)).toBe(false);
      });

      it('finishes a card, which then cannot be claimed or released', async () => {
        await store.approvalCards.upsert(card, T0);
        await store.approvalCards.claim('g1', 'u-new', 'admin-1', T0 + 1);
        await store.approvalCards.finish('g1', 'u-new', 'APPROVED', 'PLAYER', T0 + 2);
        const finished = { ...card, status: 'APPROVED', handledByDiscordId: 'admin-1', outcome: 'PLAYER', updatedAt: T0 + 2 };
        expect(await store.approvalCards.get('g1', 'u-new')).toEqual(finished);
        expect(await store.approvalCards.claim('g1', 'u-new', 'admin-2', T0 + 3)).toBe(false);
        expect(await store.approvalCards.release('g1', 'u-new', T0 + 4, { heldBy: 'admin-1' })).toBe(false);
        expect(await store.approvalCards.release('g1', 'u-new', T0 + 4, { claimedBefore: T0 + 100 })).toBe(false);
        expect(await store.approvalCards.get('g1', 'u-new')).toEqual(finished);
        for (const status of ['DENIED', 'MERGED'] as const) {
          await store.approvalCards.finish('g1', 'u-new', status, `as ${status}`, T0 + 5);
          expect(await store.approvalCards.get('g1', 'u-new')).toMatchObject({ status, outcome: `as ${status}` });
        }
      });

      it('gives exactly one of 20 concurrent claims the card, across two instances', async () => {
        await withTwoInstances(async (a, b) => {
          await a.approvalCards.upsert(card, T0);
          const claims = (userId: string) =>
            Promise.all(
              Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).approvalCards.claim('g1', userId, `admin-${i}`, T0 + i)),
            );
          const onExisting = await claims('u-new');
          expect(onExisting.filter(Boolean)).toHaveLength(1);
          const winner = onExisting.indexOf(true);
          expect(await b.approvalCards.get('g1', 'u-new')).toMatchObject({ status: 'HANDLING', handledByDiscordId: `admin-${winner}` });
          const onMissing = await claims('u-unseen');
          expect(onMissing.filter(Boolean)).toHaveLength(1);
        });
      });
    });

    describe('drafts', () => {
      const draft = {
        id: 'draft-1',
        guildId: 'g1',
        ownerDiscordId: 'st',
        kind: 'scene',
        payload: { members: ['a', 'b'], amount: 3, note: null, nested: { ok: true } },
        expiresAt: T0 + 60_000,
      };

      it('stores and reads back a draft with its JSON payload', async () => {
        expect(await store.drafts.get('draft-1', T0)).toBeNull();
        await store.drafts.put(draft);
        expect(await store.drafts.get('draft-1', T0)).toEqual(draft);
        await store.drafts.put({ ...draft, payload: ['replaced'], expiresAt: T0 + 120_000 });
        expect(await store.drafts.get('draft-1', T0 + 90_000)).toEqual({ ...draft, payload: ['replaced'], expiresAt: T0 + 120_000 });
      });

      it('hides an expired draft and deletes expired drafts', async () => {
        await store.drafts.put(draft);
        await store.drafts.put({ ...draft, id: 'draft-2', expiresAt: T0 + 10 });
        await store.drafts.put({ ...draft, id: 'draft-3', expiresAt: T0 + 20, payload: 'text' });
        expect(await store.drafts.get('draft-2', T0 + 9)).toMatchObject({ id: 'draft-2' });
        expect(await store.drafts.get('draft-2', T0 + 10)).toBeNull();
        expect(await store.drafts.deleteExpired(T0 + 20)).toBe(2);
        expect(await store.drafts.deleteExpired(T0 + 20)).toBe(0);
        expect(await store.drafts.get('draft-3', T0)).toBeNull();
        expect(await store.drafts.get('draft-1', T0)).toEqual(draft);
      });

      it('deletes a draft', async () => {
        await store.drafts.put(draft);
        await store.drafts.delete('draft-1');
        await store.drafts.delete('draft-1');
        expect(await store.drafts.get('draft-1', T0)).toBeNull();
      });
    });

    describe('migrations', () => {
      it('applies every migration once; a restart applies none', async () => {
        const first = captureLogger();
        const h = await kind.create({ logger: first.logger });
        try {
          expect(first.applied).toEqual([migrations.map((m) => m.id)]);
          await h.store.guildSettings.upsert('g1', { companyId: 'kept' });
          await h.store.close();
          const second = captureLogger();
          const reopened = await createStore(h.databaseUrl, { logger: second.logger });
          try {
            expect(second.applied).toEqual([[]]);
            expect(await reopened.guildSettings.get('g1')).toMatchObject({ companyId: 'kept' });
          } finally {
            await reopened.close();
          }
        } finally {
          await h.cleanup();
        }
      });

      it('closes idempotently', async () => {
        await store.close();
        await store.close();
      });
    });
  });
});
