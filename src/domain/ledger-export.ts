import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { createGzip } from 'node:zlib';
import { stringify } from 'csv-stringify';
import type { User } from '../api/index.js';
import type { AwardEntry, AwardJournalRepo, AwardKind } from '../store/types.js';
import { displayName } from './members.js';
import { COOL_POINT_XP } from './xp-policy.js';

export interface LedgerExportFilter {
  guildId: string;
  companyId: string;
  /** null: every member. */
  targetUserId: string | null;
  campaignId: string | null;
}

/** How the export names campaigns and members (looked up once, before streaming). */
export interface LedgerNames {
  campaign(campaignId: string): string;
  /** A member's name, else their Discord id, else the user id. */
  member(userId: string, discordId: string | null): string;
}

export type LedgerExport =
  | { kind: 'csv'; bytes: Buffer; rows: number; csvBytes: number }
  /** The CSV alone is over the limit; gzip brings it under. */
  | { kind: 'csv.gz'; bytes: Buffer; rows: number; csvBytes: number }
  /** Over the limit even gzipped: nothing to attach. */
  | { kind: 'too-large'; rows: number; csvBytes: number; gzipBytes: number };

export interface LedgerExportOptions {
  /** Largest attachment Discord accepts here, in bytes. */
  maxBytes: number;
  /** Journal rows per keyset page (default 500: about 5 ms of synchronous SQLite and parsing). */
  pageSize?: number;
}

const COLUMNS = [
  { key: 'date', header: 'date (UTC)' },
  { key: 'campaign', header: 'campaign' },
  { key: 'member', header: 'member' },
  { key: 'userId', header: 'user id' },
  { key: 'kind', header: 'kind' },
  { key: 'amount', header: 'amount' },
  { key: 'xp', header: 'XP equivalent' },
  { key: 'reason', header: 'reason' },
  { key: 'status', header: 'status' },
  { key: 'awardedBy', header: 'awarded by' },
  { key: 'entryId', header: 'entry id' },
  { key: 'undoOf', header: 'undo of' },
] as const;

type CsvRow = Record<(typeof COLUMNS)[number]['key'], string | number | null>;

const KIND_TEXT: Record<AwardKind, string> = {
  XP_ADD: 'XP added',
  XP_REMOVE: 'XP removed',
  CP_ADD: 'cool points added',
};

/** What the entry is worth in XP, signed: cool points at the server's fixed rate. */
export function xpEquivalent(entry: Pick<AwardEntry, 'kind' | 'amount'>): number {
  switch (entry.kind) {
    case 'XP_ADD':
      return entry.amount;
    case 'XP_REMOVE':
      return -entry.amount;
    case 'CP_ADD':
      return entry.amount * COOL_POINT_XP;
  }
}

export function csvRow(entry: AwardEntry, names: LedgerNames): CsvRow {
  return {
    date: new Date(entry.createdAt).toISOString(),
    campaign: names.campaign(entry.campaignId),
    member: names.member(entry.targetUserId, entry.targetDiscordId),
    userId: entry.targetUserId,
    kind: KIND_TEXT[entry.kind],
    amount: entry.amount,
    xp: xpEquivalent(entry),
    reason: entry.reason,
    status: entry.status.toLowerCase(),
    awardedBy: names.member(entry.actorUserId, entry.actorDiscordId),
    entryId: entry.id,
    undoOf: entry.undoOf,
  };
}

/** The journal of one guild's company, oldest first, read in keyset pages by id. */
async function* journalRows(journal: AwardJournalRepo, filter: LedgerExportFilter, names: LedgerNames, pageSize: number, counter: { rows: number }): AsyncGenerator<CsvRow> {
  let afterId = 0;
  for (;;) {
    const page = await journal.exportPage({
      guildId: filter.guildId,
      companyId: filter.companyId,
      ...(filter.targetUserId === null ? {} : { targetUserId: filter.targetUserId }),
      ...(filter.campaignId === null ? {} : { campaignId: filter.campaignId }),
      afterId,
      limit: pageSize,
    });
    for (const entry of page) {
      counter.rows++;
      yield csvRow(entry, names);
    }
    const last = page.at(-1);
    if (last === undefined || page.length < pageSize) return;
    afterId = last.id;
    // SQLite answers synchronously: let timers and interactions run between pages.
    await yieldToLoop();
  }
}

class TooLargeError extends Error {}

const BATCH_BYTES = 64 * 1024;

/** Keeps bytes up to `max`; beyond that only counts them. */
class BoundedSink {
  readonly chunks: Buffer[] = [];
  size = 0;
  constructor(private readonly max: number) {}
  add(chunk: Buffer): void {
    this.size += chunk.byteLength;
    if (this.size <= this.max) this.chunks.push(chunk);
    else this.chunks.length = 0;
  }
  get fits(): boolean {
    return this.size <= this.max;
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/**
 * Streams the ledger as CSV (UTF-8 with BOM so spreadsheets read accents, RFC 4180 quoting and
 * CRLF, cells starting with = + - @ tab or CR prefixed with an apostrophe; numbers are written
 * as numbers and left alone). Rows flow page by page from the store through csv-stringify, and
 * the CSV through gzip at the same time: what reaches memory is at most one page of entries
 * and the two outputs, each capped at the attachment limit. If the CSV is over the limit the
 * gzipped file is returned, and if that is over too, nothing (the caller asks to narrow it).
 */
export async function exportLedger(journal: AwardJournalRepo, filter: LedgerExportFilter, names: LedgerNames, options: LedgerExportOptions): Promise<LedgerExport> {
  const counter = { rows: 0 };
  const csv = new BoundedSink(options.maxBytes);
  const gz = new BoundedSink(options.maxBytes);
  const source = Readable.from(journalRows(journal, filter, names, options.pageSize ?? 500, counter), { objectMode: true });
  const stringifier = stringify({
    header: true,
    columns: COLUMNS.map((c) => ({ key: c.key, header: c.header })),
    bom: true,
    record_delimiter: 'windows',
    escape_formulas: true,
  });
  // csv-stringify emits one small chunk per row; gzip gets them in 64 KiB batches, because every
  // write to zlib is a round trip to the thread pool (one per row made the export 4x slower).
  let batch: Buffer[] = [];
  let batched = 0;
  const tee = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      batch.push(chunk);
      batched += chunk.byteLength;
      if (batched < BATCH_BYTES) return done();
      const joined = Buffer.concat(batch, batched);
      batch = [];
      batched = 0;
      csv.add(joined);
      done(null, joined);
    },
    flush(done) {
      const joined = Buffer.concat(batch, batched);
      csv.add(joined);
      done(null, joined);
    },
  });
  const gzipSink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      gz.add(chunk);
      // Both over the limit: stop reading the store, the answer is "too large" already.
      done(!csv.fits && !gz.fits ? new TooLargeError() : null);
    },
  });
  try {
    await pipeline(source, stringifier, tee, createGzip(), gzipSink);
  } catch (err) {
    if (!(err instanceof TooLargeError)) throw err;
    return { kind: 'too-large', rows: counter.rows, csvBytes: csv.size, gzipBytes: gz.size };
  }
  if (csv.fits) return { kind: 'csv', bytes: csv.bytes(), rows: counter.rows, csvBytes: csv.size };
  if (gz.fits) return { kind: 'csv.gz', bytes: gz.bytes(), rows: counter.rows, csvBytes: csv.size };
  return { kind: 'too-large', rows: counter.rows, csvBytes: csv.size, gzipBytes: gz.size };
}

/** Names for the export from the company's user and campaign lists; ids stand in for the unknown. */
export function ledgerNames(
  users: ReadonlyArray<Pick<User, 'id' | 'name_first' | 'name_last' | 'username'>>,
  campaigns: ReadonlyArray<{ id: string; name: string }>,
): LedgerNames {
  const userNames = new Map(users.map((u) => [u.id, displayName(u)]));
  const campaignNames = new Map(campaigns.map((c) => [c.id, c.name]));
  return {
    campaign: (id) => campaignNames.get(id) ?? id,
    member: (userId, discordId) => userNames.get(userId) ?? discordId ?? userId,
  };
}
