import { parseDatabaseUrl } from './database-url.js';
import { silentLogger, type StoreLogger } from './sql-db.js';
import type { Store } from './types.js';

export type * from './types.js';
export type { StoreLogger } from './sql-db.js';
export { parseDatabaseUrl } from './database-url.js';

export interface CreateStoreOptions {
  /** Folder for the default SQLite file (`data` under the working directory by default). */
  dataDir?: string;
  logger?: StoreLogger;
  /** PostgreSQL pool size (10 by default). */
  poolSize?: number;
  /** Clock for the timestamps the repositories stamp themselves (guild settings, migrations). */
  now?: () => number;
}

/**
 * Opens the store DATABASE_URL selects (see parseDatabaseUrl) and applies pending migrations
 * before resolving. Close it with `store.close()`.
 */
export async function createStore(databaseUrl: string | undefined, opts: CreateStoreOptions = {}): Promise<Store> {
  const target = parseDatabaseUrl(databaseUrl, opts.dataDir);
  const logger = opts.logger ?? silentLogger;
  const clock = opts.now ?? Date.now;
  // Only the chosen driver is loaded: pg alone adds ~15 MiB of RSS that a SQLite bot never uses.
  if (target.kind === 'sqlite') {
    const { createSqliteStore } = await import('./sqlite-store.js');
    return createSqliteStore({ filename: target.filename, logger, clock });
  }
  const { createPostgresStore } = await import('./postgres-store.js');
  return createPostgresStore({
    connectionString: target.connectionString,
    ...(target.schema === undefined ? {} : { schema: target.schema }),
    ...(target.options === undefined ? {} : { options: target.options }),
    ...(opts.poolSize === undefined ? {} : { poolSize: opts.poolSize }),
    logger,
    clock,
  });
}
