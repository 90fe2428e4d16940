/**
 * Fresh, isolated stores of each kind for any test suite (store, domain, e2e).
 *
 * - sqlite: a file in its own temp dir, so a child process (the bot under `npm start`) can open
 *   the same database through `databaseUrl`.
 * - postgres: a new schema `test_<random>` in TEST_DATABASE_URL's database, carried by the URL
 *   (`?schema=…`), dropped by cleanup(). Parallel test files never see each other's rows.
 *
 * Without TEST_DATABASE_URL the postgres kind is marked `skip` locally; under CI it is not
 * skipped and create() throws, so the suite fails instead of silently passing on SQLite alone.
 * Stop any child process using the database before cleanup(): DROP SCHEMA waits for its locks.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createStore, type CreateStoreOptions } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';

export interface StoreHandle {
  store: Store;
  /** Accepted by createStore in this or another process; points at the same isolated database. */
  databaseUrl: string;
  /** Closes the store and removes its database (temp dir or schema). Safe to call twice. */
  cleanup(): Promise<void>;
}

export interface StoreKind {
  name: 'sqlite' | 'postgres';
  /** A reason to skip this kind (PostgreSQL not configured locally), or false. */
  skip: string | false;
  create(opts?: CreateStoreOptions): Promise<StoreHandle>;
}

export const PG_SKIP_REASON =
  'TEST_DATABASE_URL is not set: PostgreSQL store tests skipped (e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:55432/postgres)';

export function pgTestUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL?.trim();
  return url === undefined || url === '' ? undefined : url;
}

function requirePgUrl(): string {
  const url = pgTestUrl();
  if (url === undefined) throw new Error('TEST_DATABASE_URL must be set: PostgreSQL tests may not be skipped in CI');
  return url;
}

export interface PostgresSchema {
  schema: string;
  /** TEST_DATABASE_URL with `schema=<schema>`; the schema is created by the first createStore. */
  databaseUrl: string;
  drop(): Promise<void>;
}

/** A fresh schema name and its URL, without opening a store (for migration tests). */
export function freshPostgresSchema(): PostgresSchema {
  const base = requirePgUrl();
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const url = new URL(base);
  url.searchParams.set('schema', schema);
  let dropped: Promise<void> | undefined;
  return {
    schema,
    databaseUrl: url.toString(),
    drop() {
      dropped ??= (async () => {
        const client = new pg.Client({ connectionString: base });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await client.end();
        }
      })();
      return dropped;
    },
  };
}

async function createSqliteHandle(opts: CreateStoreOptions = {}): Promise<StoreHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'vbot-store-'));
  const databaseUrl = `sqlite:${join(dir, 'bot.sqlite')}`;
  const store = await createStore(databaseUrl, opts).catch(async (err: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    store,
    databaseUrl,
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function createPostgresHandle(opts: CreateStoreOptions = {}): Promise<StoreHandle> {
  const schema = freshPostgresSchema();
  const store = await createStore(schema.databaseUrl, opts).catch(async (err: unknown) => {
    await schema.drop();
    throw err;
  });
  return {
    store,
    databaseUrl: schema.databaseUrl,
    async cleanup() {
      await store.close();
      await schema.drop();
    },
  };
}

/** CI=true (or any value but false/0): PostgreSQL tests must run, and fail without a database. */
export function isCi(): boolean {
  const ci = process.env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

export function storeKinds(): StoreKind[] {
  const pgSkip = pgTestUrl() === undefined && !isCi() ? PG_SKIP_REASON : false;
  return [
    { name: 'sqlite', skip: false, create: createSqliteHandle },
    { name: 'postgres', skip: pgSkip, create: createPostgresHandle },
  ];
}
