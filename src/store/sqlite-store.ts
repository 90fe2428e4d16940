import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrationSql, migrations, SCHEMA_MIGRATIONS_DDL } from './migrations.js';
import type { SqlDb, SqlRow, SqlValue, StoreLogger } from './sql-db.js';
import { createSqlStore } from './sql-store.js';
import type { Store } from './types.js';

export const SQLITE_MEMORY = ':memory:';

export interface SqliteStoreOptions {
  /** A file path, or `:memory:`. */
  filename: string;
  logger: StoreLogger;
  clock: () => number;
}

/** Applies the pending migrations, each in its own IMMEDIATE transaction so two processes opening one file cannot both apply it. */
export function migrateSqlite(db: Database.Database, clock: () => number): string[] {
  db.exec(SCHEMA_MIGRATIONS_DDL);
  const isApplied = db.prepare<[string]>('SELECT 1 FROM schema_migrations WHERE id = ?');
  const record = db.prepare<[string, number]>('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)');
  const applied: string[] = [];
  for (const migration of migrations) {
    const apply = db.transaction(() => {
      if (isApplied.get(migration.id) !== undefined) return;
      db.exec(migrationSql(migration, 'sqlite'));
      record.run(migration.id, clock());
      applied.push(migration.id);
    });
    apply.immediate();
  }
  return applied;
}

function createSqliteDb(db: Database.Database): SqlDb {
  const statements = new Map<string, Database.Statement<SqlValue[], SqlRow>>();
  const prepare = (sql: string): Database.Statement<SqlValue[], SqlRow> => {
    let stmt = statements.get(sql);
    if (stmt === undefined) {
      stmt = db.prepare<SqlValue[], SqlRow>(sql);
      statements.set(sql, stmt);
    }
    return stmt;
  };
  const batch = db.transaction((list: readonly { sql: string; params: readonly SqlValue[] }[]) => {
    for (const s of list) prepare(s.sql).run(...s.params);
  });
  // better-sqlite3 is synchronous; the async surface only matches the PostgreSQL adapter.
  return {
    async all(sql, params = []) {
      return prepare(sql).all(...params);
    },
    async run(sql, params = []) {
      return prepare(sql).run(...params).changes;
    },
    async batch(list) {
      batch.immediate(list);
    },
  };
}

export async function createSqliteStore(opts: SqliteStoreOptions): Promise<Store> {
  const inMemory = opts.filename === SQLITE_MEMORY;
  if (!inMemory) mkdirSync(dirname(opts.filename), { recursive: true });
  const db = new Database(opts.filename);
  try {
    // Another process (a second bot, a test) may hold the write lock briefly: wait, do not fail.
    db.pragma('busy_timeout = 5000');
    if (!inMemory) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const applied = migrateSqlite(db, opts.clock);
    opts.logger.info({ store: 'sqlite', file: opts.filename, applied }, 'store ready');
  } catch (err) {
    db.close();
    throw err;
  }
  return createSqlStore('sqlite', createSqliteDb(db), opts.clock, async () => {
    db.close();
  });
}
