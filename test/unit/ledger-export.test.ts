import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { csvRow, exportLedger, ledgerNames, xpEquivalent } from '../../src/domain/ledger-export.js';

const T0 = Date.UTC(2026, 2, 1, 12, 0, 0);
const filter = { guildId: 'g1', companyId: 'c1', targetUserId: null, campaignId: null };
const names = ledgerNames(
  [{ id: 'u1', name_first: 'Pia', name_last: 'Player', username: 'pia' }],
  [{ id: 'camp1', name: 'Blood and Smoke' }],
);

describe('exportLedger', () => {
  let store: Store;
  beforeEach(async () => {
    store = await createStore(':memory:', {});
    for (let i = 0; i < 300; i++) {
      await store.awards.insertPending(
        { key: `k${i}`, guildId: 'g1', companyId: 'c1', campaignId: i % 2 === 0 ? 'camp1' : 'camp-gone', batchId: null, actorUserId: 'st', actorDiscordId: '300000000000000002', targetUserId: i % 3 === 0 ? 'u1' : 'u-gone', targetDiscordId: i % 3 === 1 ? null : '300000000000000003', kind: 'XP_ADD', amount: 2, reason: `reason ${i} ${'x'.repeat(60)}`, undoOf: null },
        T0 + i,
      );
    }
  });
  afterEach(async () => {
    await store.close();
  });

  it('writes every row once, in id order across keyset pages', async () => {
    const result = await exportLedger(store.awards, filter, names, { maxBytes: 10_000_000, pageSize: 7 });
    expect(result.kind).toBe('csv');
    if (result.kind !== 'csv') return;
    const rows = parse(result.bytes.toString('utf8'), { bom: true }) as string[][];
    expect(rows).toHaveLength(301);
    expect(result.rows).toBe(300);
    expect(rows.slice(1).map((r) => Number(r[10]))).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
  });

  it('names members and campaigns, falling back to the Discord id, then the user id', async () => {
    const result = await exportLedger(store.awards, filter, names, { maxBytes: 10_000_000 });
    if (result.kind !== 'csv') throw new Error(result.kind);
    const rows = (parse(result.bytes.toString('utf8'), { bom: true }) as string[][]).slice(1);
    expect(rows.slice(0, 3).map((r) => [r[1], r[2]])).toEqual([
      ['Blood and Smoke', 'Pia Player (pia)'],
      ['camp-gone', 'u-gone'],
      ['Blood and Smoke', '300000000000000003'],
    ]);
  });

  it('gzips when the CSV is over the limit and the gzip is not, and gives up when both are', async () => {
    const plain = await exportLedger(store.awards, filter, names, { maxBytes: 10_000_000 });
    if (plain.kind !== 'csv') throw new Error(plain.kind);
    const zipped = await exportLedger(store.awards, filter, names, { maxBytes: plain.csvBytes - 1 });
    expect(zipped.kind).toBe('csv.gz');
    if (zipped.kind !== 'csv.gz') return;
    expect(gunzipSync(zipped.bytes).equals(plain.bytes)).toBe(true);
    const tooLarge = await exportLedger(store.awards, filter, names, { maxBytes: 1_000 });
    expect(tooLarge).toMatchObject({ kind: 'too-large' });
  });

  it('returns just the header when nothing matches', async () => {
    const result = await exportLedger(store.awards, { ...filter, guildId: 'nobody' }, names, { maxBytes: 10_000_000 });
    expect(result.rows).toBe(0);
  });
});

describe('csvRow and xpEquivalent', () => {
  it('signs removals and converts cool points at 10 XP', () => {
    expect(xpEquivalent({ kind: 'XP_ADD', amount: 3 })).toBe(3);
    expect(xpEquivalent({ kind: 'XP_REMOVE', amount: 3 })).toBe(-3);
    expect(xpEquivalent({ kind: 'CP_ADD', amount: 2 })).toBe(20);
  });

  it('keeps numbers as numbers and dates in ISO 8601 UTC', () => {
    const row = csvRow(
      { id: 7, key: 'k', guildId: 'g', companyId: 'c', campaignId: 'camp1', batchId: null, actorUserId: 'u1', actorDiscordId: 'd', targetUserId: 'u1', targetDiscordId: null, kind: 'XP_REMOVE', amount: 4, reason: null, status: 'UNDONE', result: null, error: null, failure: null, undoOf: 3, createdAt: T0, updatedAt: T0 },
      names,
    );
    expect(row).toEqual({ date: '2026-03-01T12:00:00.000Z', campaign: 'Blood and Smoke', member: 'Pia Player (pia)', userId: 'u1', kind: 'XP removed', amount: 4, xp: -4, reason: null, status: 'undone', awardedBy: 'Pia Player (pia)', entryId: 7, undoOf: 3 });
  });
});
