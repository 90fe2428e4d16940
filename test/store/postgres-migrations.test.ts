import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import { migrations } from '../../src/store/migrations.js';
import { freshPostgresSchema, storeKinds } from './harness.js';
import { captureLogger } from './helpers.js';

const postgres = storeKinds().find((k) => k.name === 'postgres');
const skip = postgres?.skip ?? 'no postgres kind';

describe.skipIf(skip !== false)(skip === false ? 'postgres migrations' : skip, () => {
  it('lets several processes start on a fresh schema at once: each migration applied exactly once', async () => {
    const schema = freshPostgresSchema();
    const logs = Array.from({ length: 4 }, () => captureLogger());
    try {
      const stores = await Promise.all(logs.map((l) => createStore(schema.databaseUrl, { logger: l.logger, poolSize: 2 })));
      await Promise.all(stores.map((s) => s.close()));
      expect(logs.flatMap((l) => l.applied.flat()).sort()).toEqual(migrations.map((m) => m.id).sort());

      const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await client.connect();
      try {
        const res = await client.query<{ id: string }>(`SELECT id FROM "${schema.schema}".schema_migrations ORDER BY id`);
        expect(res.rows.map((r) => r.id)).toEqual(migrations.map((m) => m.id));
      } finally {
        await client.end();
      }

      const again = captureLogger();
      const reopened = await createStore(schema.databaseUrl, { logger: again.logger });
      await reopened.close();
      expect(again.applied).toEqual([[]]);
    } finally {
      await schema.drop();
    }
  });

  it('returns BIGINT columns as numbers', async () => {
    const schema = freshPostgresSchema();
    const store = await createStore(schema.databaseUrl);
    try {
      const big = 4_102_444_800_000; // 2100-01-01, beyond 32 bits
      await store.drafts.put({ id: 'd', guildId: 'g', ownerDiscordId: 'o', kind: 'k', payload: 1, expiresAt: big });
      const draft = await store.drafts.get('d', 0);
      expect(draft?.expiresAt).toBe(big);
      expect(typeof draft?.expiresAt).toBe('number');
      // The pool-local parser leaves pg's shared defaults alone.
      expect(pg.types.getTypeParser(20, 'text')('5')).toBe('5');
    } finally {
      await store.close();
      await schema.drop();
    }
  });
});
