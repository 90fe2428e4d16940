import { z } from 'zod';
import type { SqlDb, SqlStatement } from './sql-db.js';
import type { MemberLink, MemberLinkRepo } from './types.js';

const rowSchema = z.object({
  company_id: z.string(),
  discord_user_id: z.string(),
  user_id: z.string(),
  role: z.string(),
  resolved_at: z.number(),
});

function toLink(row: unknown): MemberLink {
  const r = rowSchema.parse(row);
  return {
    companyId: r.company_id,
    discordUserId: r.discord_user_id,
    userId: r.user_id,
    role: r.role,
    resolvedAt: r.resolved_at,
  };
}

const INSERT_LINK = `INSERT INTO member_links (company_id, discord_user_id, user_id, role, resolved_at)
  VALUES (?, ?, ?, ?, ?)
  ON CONFLICT (company_id, discord_user_id) DO UPDATE SET
    user_id = excluded.user_id, role = excluded.role, resolved_at = excluded.resolved_at`;

function insertLink(link: MemberLink): SqlStatement {
  return { sql: INSERT_LINK, params: [link.companyId, link.discordUserId, link.userId, link.role, link.resolvedAt] };
}

export function createMemberLinkRepo(db: SqlDb): MemberLinkRepo {
  return {
    async get(companyId, discordUserId) {
      const rows = await db.all('SELECT * FROM member_links WHERE company_id = ? AND discord_user_id = ?', [
        companyId,
        discordUserId,
      ]);
      return rows[0] === undefined ? null : toLink(rows[0]);
    },

    async getByUser(companyId, userId) {
      const rows = await db.all(
        `SELECT * FROM member_links WHERE company_id = ? AND user_id = ?
         ORDER BY resolved_at DESC, discord_user_id LIMIT 1`,
        [companyId, userId],
      );
      return rows[0] === undefined ? null : toLink(rows[0]);
    },

    async upsert(link) {
      // A company user has one Discord profile: a link from another member to the same user is stale.
      await db.batch([
        {
          sql: 'DELETE FROM member_links WHERE company_id = ? AND user_id = ? AND discord_user_id <> ?',
          params: [link.companyId, link.userId, link.discordUserId],
        },
        insertLink(link),
      ]);
    },

    async replaceAll(companyId, links) {
      const foreign = links.find((l) => l.companyId !== companyId);
      if (foreign !== undefined) {
        throw new RangeError(`replaceAll(${companyId}) got a link of company ${foreign.companyId}`);
      }
      await db.batch([
        { sql: 'DELETE FROM member_links WHERE company_id = ?', params: [companyId] },
        ...links.map(insertLink),
      ]);
    },

    async delete(companyId, discordUserId) {
      await db.run('DELETE FROM member_links WHERE company_id = ? AND discord_user_id = ?', [companyId, discordUserId]);
    },

    async deleteByUser(companyId, userId) {
      await db.run('DELETE FROM member_links WHERE company_id = ? AND user_id = ?', [companyId, userId]);
    },

    async deleteCompany(companyId) {
      await db.run('DELETE FROM member_links WHERE company_id = ?', [companyId]);
    },
  };
}
