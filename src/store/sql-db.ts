/**
 * The few operations the repositories need from a database, so one set of repositories (and
 * one text per statement) serves both engines. Statements use `?` placeholders; the PostgreSQL
 * adapter numbers them. Every statement is a single atomic round trip: multi-statement work
 * goes through `batch`, never through an open transaction held across awaits, because
 * better-sqlite3 shares one connection between every concurrent caller.
 */
export type SqlValue = string | number | null;

export type SqlRow = Record<string, unknown>;

export interface SqlStatement {
  sql: string;
  params: readonly SqlValue[];
}

export interface SqlDb {
  /** Rows of a SELECT, or of a write with RETURNING. */
  all(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** A write; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs the statements in order in one transaction: all or nothing. */
  batch(statements: readonly SqlStatement[]): Promise<void>;
}

/** The logging surface the store uses; a pino logger fits it. */
export interface StoreLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export const silentLogger: StoreLogger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
};
