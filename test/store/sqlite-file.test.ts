import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations.js';
import { captureLogger, newAward } from './helpers.js';

describe('sqlite file store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vbot-sqlite-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('defaults to <dataDir>/bot.sqlite, creating the folder, in WAL mode', async () => {
    const dataDir = join(dir, 'nested', 'data');
    const store = await createStore(undefined, { dataDir });
    await store.guildSettings.upsert('g1', {});
    await store.close();
    const file = join(dataDir, 'bot.sqlite');
    expect(existsSync(file)).toBe(true);
    const raw = new Database(file, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      raw.close();
    }
  });

  it('keeps its data across a reopen and runs migrations only once', async () => {
    const url = `file:${join(dir, 'bot.sqlite')}`;
    const first = captureLogger();
    const store = await createStore(url, { logger: first.logger });
    const { entry } = await store.awards.insertPending(newAward(), 1);
    await store.awards.markApplied(entry.key, { xpCurrent: 1, xpTotal: 2, coolPoints: 3 }, 2);
    await store.memberLinks.upsert({ companyId: 'c', discordUserId: 'd', userId: 'u', role: 'PLAYER', resolvedAt: 3 });
    await store.drafts.put({ id: 'x', guildId: 'g', ownerDiscordId: 'o', kind: 'k', payload: { a: 1 }, expiresAt: 100 });
    await store.close();

    const second = captureLogger();
    const reopened = await createStore(url, { logger: second.logger });
    try {
      expect(first.applied).toEqual([migrations.map((m) => m.id)]);
      expect(second.applied).toEqual([[]]);
      expect(await reopened.awards.getByKey(entry.key)).toMatchObject({ id: entry.id, status: 'APPLIED' });
      expect(await reopened.memberLinks.get('c', 'd')).toMatchObject({ userId: 'u' });
      expect(await reopened.drafts.get('x', 50)).toMatchObject({ payload: { a: 1 } });
      // A new entry never reuses an id (AUTOINCREMENT), so undo references stay unambiguous.
      const { entry: next } = await reopened.awards.insertPending(newAward({ key: 'k2' }), 4);
      expect(next.id).toBeGreaterThan(entry.id);
    } finally {
      await reopened.close();
    }

    const raw = new Database(join(dir, 'bot.sqlite'), { readonly: true });
    try {
      const rows = raw.prepare('SELECT id FROM schema_migrations ORDER BY id').all();
      expect(rows).toEqual(migrations.map((m) => ({ id: m.id })));
    } finally {
      raw.close();
    }
  });

  it('lets several stores open one new file, applying each migration once', async () => {
    const url = join(dir, 'shared.sqlite');
    const logs = [captureLogger(), captureLogger(), captureLogger()];
    const stores = await Promise.all(logs.map((l) => createStore(url, { logger: l.logger })));
    try {
      expect(logs.flatMap((l) => l.applied.flat()).sort()).toEqual(migrations.map((m) => m.id).sort());
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
