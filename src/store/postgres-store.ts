import pg from 'pg';
import type { CustomTypesConfig, PoolClient } from 'pg';
import { migrationSql, migrations, SCHEMA_MIGRATIONS_DDL } from './migrations.js';
import type { SqlDb, StoreLogger } from './sql-db.js';
import { createSqlStore } from './sql-store.js';
import type { Store } from './types.js';

export interface PostgresStoreOptions {
  connectionString: string;
  /** Schema for every table (created when missing); the server's search_path otherwise. */
  schema?: string;
  /** Extra startup options (`-c name=value …`) to pass to the server. */
  options?: string;
  poolSize?: number;
  logger: StoreLogger;
  clock: () => number;
}

/** Serialises migrations across every process that starts against the same database. */
const MIGRATION_LOCK_KEY = 7_414_251_893;
const INT8_OID = 20;
const DEFAULT_POOL_SIZE = 10;

/**
 * BIGINT (timestamps, ids, COUNT) as JS numbers, for this pool only: pg's global parser table is
 * shared with anything else in the process. Epoch milliseconds and our ids stay far below 2^53.
 */
const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
  oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'];
const types: CustomTypesConfig = { getTypeParser };

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Rewrites the shared `?` placeholders as `$1, $2, …`, leaving quoted text alone. */
export function toPgPlaceholders(sql: string): string {
  let n = 0;
  let out = '';
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote !== null) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      out += `$${++n}`;
    } else {
      out += ch;
    }
  }
  return out;
}

async function migratePostgres(client: PoolClient, schema: string | undefined, clock: () => number): Promise<string[]> {
  const applied: string[] = [];
  // A session lock: every other starting process waits here until we are done, then finds nothing to do.
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(SCHEMA_MIGRATIONS_DDL);
    for (const migration of migrations) {
      const done = await client.query('SELECT 1 FROM schema_migrations WHERE id = $1', [migration.id]);
      if (done.rows.length > 0) continue;
      await client.query('BEGIN');
      try {
        await client.query(migrationSql(migration, 'postgres'));
        await client.query('INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2)', [migration.id, clock()]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
      applied.push(migration.id);
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
  return applied;
}

function createPostgresDb(pool: pg.Pool): SqlDb {
  const texts = new Map<string, string>();
  const text = (sql: string): string => {
    let t = texts.get(sql);
    if (t === undefined) {
      t = toPgPlaceholders(sql);
      texts.set(sql, t);
    }
    return t;
  };
  return {
    async all(sql, params = []) {
      const res = await pool.query<Record<string, unknown>>(text(sql), [...params]);
      return res.rows;
    },
    async run(sql, params = []) {
      const res = await pool.query(text(sql), [...params]);
      return res.rowCount ?? 0;
    },
    async batch(list) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        try {
          for (const s of list) await client.query(text(s.sql), [...s.params]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
          throw err;
        }
      } finally {
        client.release(broken);
      }
    },
  };
}

export async function createPostgresStore(opts: PostgresStoreOptions): Promise<Store> {
  const options = [opts.options, opts.schema === undefined ? undefined : `-c search_path=${opts.schema}`]
    .filter((o): o is string => o !== undefined && o !== '')
    .join(' ');
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'valentina-discord-bot',
    types,
    ...(options === '' ? {} : { options }),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', (err) => opts.logger.error({ err, store: 'postgres' }, 'idle PostgreSQL client failed'));
  try {
    const client = await pool.connect();
    let failed = false;
    try {
      const applied = await migratePostgres(client, opts.schema, opts.clock);
      opts.logger.info({ store: 'postgres', schema: opts.schema ?? null, applied }, 'store ready');
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      client.release(failed);
    }
  } catch (err) {
    await pool.end();
    throw err;
  }
  return createSqlStore('postgres', createPostgresDb(pool), opts.clock, () => pool.end());
}
