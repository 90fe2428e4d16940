import { join } from 'node:path';

export type DatabaseTarget =
  | { kind: 'sqlite'; filename: string }
  | { kind: 'postgres'; connectionString: string; schema?: string; options?: string };

export const DEFAULT_SQLITE_FILE = 'bot.sqlite';
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Reads DATABASE_URL:
 * - empty → `<dataDir>/bot.sqlite`; `:memory:` or `sqlite::memory:` → in-memory SQLite;
 * - `sqlite:<path>`, `file:<path>` (with or without `//`), or a plain path → that SQLite file;
 * - `postgres://…` / `postgresql://…` → PostgreSQL. A `schema=<name>` query parameter (ours, not
 *   libpq's) puts every table in that schema, created when missing.
 * Errors never echo the URL: it may carry a password.
 */
export function parseDatabaseUrl(url: string | undefined, dataDir = 'data'): DatabaseTarget {
  const value = url?.trim() ?? '';
  if (value === '') return { kind: 'sqlite', filename: join(dataDir, DEFAULT_SQLITE_FILE) };
  if (value === ':memory:') return { kind: 'sqlite', filename: ':memory:' };

  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(value)?.[1]?.toLowerCase();
  // No scheme (or a one-letter Windows drive): a plain path.
  if (scheme === undefined) return { kind: 'sqlite', filename: value };

  if (scheme === 'sqlite' || scheme === 'file') {
    let rest = value.slice(scheme.length + 1);
    if (rest.startsWith('//')) rest = rest.slice(2);
    if (rest === '' ) throw new Error(`DATABASE_URL: the ${scheme}: URL names no file`);
    if (rest === ':memory:') return { kind: 'sqlite', filename: ':memory:' };
    return { kind: 'sqlite', filename: rest };
  }

  if (scheme === 'postgres' || scheme === 'postgresql') {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new Error('DATABASE_URL: not a valid postgres:// URL');
    }
    const schema = parsed.searchParams.get('schema') ?? undefined;
    if (schema === undefined) return { kind: 'postgres', connectionString: value };
    if (!SCHEMA_NAME.test(schema)) {
      throw new Error('DATABASE_URL: schema must be a lowercase identifier (letters, digits, underscores)');
    }
    // Startup options from the URL would override ours, so both are merged and passed explicitly.
    const options = parsed.searchParams.get('options') ?? undefined;
    parsed.searchParams.delete('schema');
    parsed.searchParams.delete('options');
    return {
      kind: 'postgres',
      connectionString: parsed.toString(),
      schema,
      ...(options === undefined ? {} : { options }),
    };
  }

  throw new Error(
    `DATABASE_URL: unsupported scheme "${scheme}:"; use a file path, sqlite:<path>, or postgres://user@host/db`,
  );
}
