import { z } from 'zod';
import type { SqlDb, SqlValue } from './sql-db.js';
import type { AwardEntry, AwardJournalRepo, AwardResult } from './types.js';

const resultSchema = z.object({
  xpCurrent: z.number(),
  xpTotal: z.number(),
  coolPoints: z.number(),
});

const rowSchema = z.object({
  id: z.number(),
  key: z.string(),
  guild_id: z.string(),
  company_id: z.string(),
  campaign_id: z.string(),
  batch_id: z.string().nullable(),
  actor_user_id: z.string(),
  actor_discord_id: z.string(),
  target_user_id: z.string(),
  target_discord_id: z.string().nullable(),
  kind: z.enum(['XP_ADD', 'XP_REMOVE', 'CP_ADD']),
  amount: z.number(),
  reason: z.string().nullable(),
  status: z.enum(['PENDING', 'APPLIED', 'FAILED', 'UNDONE']),
  result: z.string().nullable(),
  error: z.string().nullable(),
  failure: z.enum(['definite', 'ambiguous']).nullable().optional(),
  undo_of: z.number().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
});

function toEntry(row: unknown): AwardEntry {
  const r = rowSchema.parse(row);
  return {
    id: r.id,
    key: r.key,
    guildId: r.guild_id,
    companyId: r.company_id,
    campaignId: r.campaign_id,
    batchId: r.batch_id,
    actorUserId: r.actor_user_id,
    actorDiscordId: r.actor_discord_id,
    targetUserId: r.target_user_id,
    targetDiscordId: r.target_discord_id,
    kind: r.kind,
    amount: r.amount,
    reason: r.reason,
    status: r.status,
    result: r.result === null ? null : resultSchema.parse(JSON.parse(r.result)),
    error: r.error,
    failure: r.failure ?? null,
    undoOf: r.undo_of,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function first(rows: unknown[]): AwardEntry | null {
  return rows[0] === undefined ? null : toEntry(rows[0]);
}

const MAX_LEDGER_PAGE = 100;
const MAX_EXPORT_PAGE = 5_000;
const countSchema = z.object({ status: rowSchema.shape.status, n: z.number() });

/** The optional ledger filters (company, member, campaign) as SQL conditions after `base`. */
function ledgerFilter(
  base: string[],
  baseParams: SqlValue[],
  q: { companyId?: string | undefined; targetUserId?: string | undefined; campaignId?: string | undefined },
): { where: string[]; params: SqlValue[] } {
  const where = [...base];
  const params = [...baseParams];
  for (const [column, value] of [['company_id', q.companyId], ['target_user_id', q.targetUserId], ['campaign_id', q.campaignId]] as const) {
    if (value === undefined) continue;
    where.push(`${column} = ?`);
    params.push(value);
  }
  return { where, params };
}

export function createAwardJournalRepo(db: SqlDb): AwardJournalRepo {
  const getByKey = async (key: string): Promise<AwardEntry | null> =>
    first(await db.all('SELECT * FROM award_journal WHERE key = ?', [key]));

  return {
    async insertPending(e, now, lease) {
      // ON CONFLICT DO NOTHING makes a concurrent duplicate wait for the first insert and then
      // write nothing: exactly one caller sees its row come back.
      const inserted = await db.all(
        `INSERT INTO award_journal (key, guild_id, company_id, campaign_id, batch_id, actor_user_id,
           actor_discord_id, target_user_id, target_discord_id, kind, amount, reason, status, undo_of,
           created_at, updated_at, lease_owner, lease_until)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?, ?, ?)
         ON CONFLICT (key) DO NOTHING
         RETURNING *`,
        [e.key, e.guildId, e.companyId, e.campaignId, e.batchId, e.actorUserId, e.actorDiscordId, e.targetUserId,
          e.targetDiscordId, e.kind, e.amount, e.reason, e.undoOf, now, now, lease?.owner ?? null, lease?.until ?? null],
      );
      const created = first(inserted);
      if (created !== null) return { entry: created, created: true };
      const existing = await getByKey(e.key);
      if (existing === null) throw new Error(`award ${e.key} conflicted but cannot be read back`);
      return { entry: existing, created: false };
    },

    async acquireLease(key, lease, now) {
      return first(
        await db.all(
          `UPDATE award_journal SET lease_owner = ?, lease_until = ?, updated_at = ?
           WHERE key = ? AND status = 'PENDING'
             AND (lease_owner = ? OR lease_until IS NULL OR lease_until <= ?)
           RETURNING *`,
          [lease.owner, lease.until, now, key, lease.owner, now],
        ),
      );
    },

    async releaseLease(key, owner, notBefore) {
      await db.run(`UPDATE award_journal SET lease_owner = NULL, lease_until = ? WHERE key = ? AND lease_owner = ?`, [notBefore, key, owner]);
    },

    async reopenFailed(key, lease, now) {
      return first(
        await db.all(
          `UPDATE award_journal SET status = 'PENDING', error = NULL, failure = NULL, lease_owner = ?, lease_until = ?, updated_at = ?
           WHERE key = ? AND status = 'FAILED' AND failure = 'definite'
           RETURNING *`,
          [lease.owner, lease.until, now, key],
        ),
      );
    },

    async markApplied(key, result: AwardResult, now) {
      // FAILED may still turn APPLIED (a retry with the same key that the API had in fact applied);
      // an UNDONE or APPLIED entry is left as it is and returned unchanged.
      const rows = await db.all(
        `UPDATE award_journal SET status = 'APPLIED', result = ?, error = NULL, failure = NULL, lease_owner = NULL, lease_until = NULL, updated_at = ?
         WHERE key = ? AND status IN ('PENDING', 'FAILED') RETURNING *`,
        [JSON.stringify(resultSchema.parse(result)), now, key],
      );
      return first(rows) ?? getByKey(key);
    },

    async markFailed(key, error, now, failure = 'ambiguous') {
      // Never downgrades an applied award: that would lose it from the ledger's truth.
      const rows = await db.all(
        `UPDATE award_journal SET status = 'FAILED', error = ?, failure = ?, lease_owner = NULL, lease_until = NULL, updated_at = ?
         WHERE key = ? AND status IN ('PENDING', 'FAILED') RETURNING *`,
        [error, failure, now, key],
      );
      return first(rows) ?? getByKey(key);
    },

    async claimUndo(id, now) {
      const changed = await db.run(
        `UPDATE award_journal SET status = 'UNDONE', updated_at = ? WHERE id = ? AND status = 'APPLIED'`,
        [now, id],
      );
      return changed === 1;
    },

    async releaseUndo(id, now) {
      await db.run(`UPDATE award_journal SET status = 'APPLIED', updated_at = ? WHERE id = ? AND status = 'UNDONE'`, [
        now,
        id,
      ]);
    },

    async get(id) {
      return first(await db.all('SELECT * FROM award_journal WHERE id = ?', [id]));
    },

    getByKey,

    async listBatch(batchId) {
      return (await db.all('SELECT * FROM award_journal WHERE batch_id = ? ORDER BY id', [batchId])).map(toEntry);
    },

    async listPending() {
      return (await db.all(`SELECT * FROM award_journal WHERE status = 'PENDING' ORDER BY id`)).map(toEntry);
    },

    async listUnleased(now) {
      return (
        await db.all(`SELECT * FROM award_journal WHERE status = 'PENDING' AND (lease_until IS NULL OR lease_until <= ?) ORDER BY id`, [now])
      ).map(toEntry);
    },

    async companiesOf(guildId) {
      const rows = await db.all('SELECT DISTINCT company_id FROM award_journal WHERE guild_id = ?', [guildId]);
      return rows.flatMap((r) => (typeof r['company_id'] === 'string' ? [r['company_id']] : []));
    },

    async listLedger(q) {
      const history = q.historyCompanyIds ?? [];
      let where: string[];
      let params: SqlValue[];
      if (q.companyId !== undefined && history.length > 0) {
        // The current company's entries by user, the history companies' by Discord member.
        where = ['guild_id = ?'];
        params = [q.guildId];
        const marks = history.map(() => '?').join(', ');
        const current = q.targetUserId === undefined ? 'company_id = ?' : '(company_id = ? AND target_user_id = ?)';
        const past = q.targetUserId === undefined ? `company_id IN (${marks})` : `(company_id IN (${marks}) AND target_discord_id = ?)`;
        where.push(`(${current} OR ${past})`);
        params.push(q.companyId);
        if (q.targetUserId !== undefined) params.push(q.targetUserId);
        params.push(...history);
        if (q.targetUserId !== undefined) params.push(q.targetDiscordId ?? '');
        if (q.campaignId !== undefined) {
          where.push('campaign_id = ?');
          params.push(q.campaignId);
        }
      } else {
        ({ where, params } = ledgerFilter(['guild_id = ?'], [q.guildId], q));
      }
      const limit = Math.min(Math.max(Math.trunc(q.limit), 0), MAX_LEDGER_PAGE);
      const offset = Math.max(Math.trunc(q.offset), 0);
      const clause = where.join(' AND ');
      const [rows, counts] = await Promise.all([
        db.all(`SELECT * FROM award_journal WHERE ${clause} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, [
          ...params,
          limit,
          offset,
        ]),
        db.all(`SELECT COUNT(*) AS total FROM award_journal WHERE ${clause}`, params),
      ]);
      const total = z.object({ total: z.number() }).parse(counts[0]).total;
      return { items: rows.map(toEntry), total };
    },

    async countByStatus() {
      const counts = { PENDING: 0, APPLIED: 0, FAILED: 0, UNDONE: 0 };
      for (const row of await db.all('SELECT status, COUNT(*) AS n FROM award_journal GROUP BY status')) {
        const { status, n } = countSchema.parse(row);
        counts[status] = n;
      }
      return counts;
    },

    async exportPage(q) {
      const { where, params } = ledgerFilter(['guild_id = ?', 'id > ?'], [q.guildId, q.afterId], q);
      const limit = Math.min(Math.max(Math.trunc(q.limit), 1), MAX_EXPORT_PAGE);
      const rows = await db.all(`SELECT * FROM award_journal WHERE ${where.join(' AND ')} ORDER BY id LIMIT ?`, [...params, limit]);
      return rows.map(toEntry);
    },
  };
}
