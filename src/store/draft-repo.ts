import { z } from 'zod';
import type { SqlDb } from './sql-db.js';
import type { Draft, DraftRepo } from './types.js';

const rowSchema = z.object({
  id: z.string(),
  guild_id: z.string(),
  owner_discord_id: z.string(),
  kind: z.string(),
  payload: z.string(),
  expires_at: z.number(),
});

function toDraft(row: unknown): Draft {
  const r = rowSchema.parse(row);
  return {
    id: r.id,
    guildId: r.guild_id,
    ownerDiscordId: r.owner_discord_id,
    kind: r.kind,
    payload: JSON.parse(r.payload) as unknown,
    expiresAt: r.expires_at,
  };
}

export function createDraftRepo(db: SqlDb): DraftRepo {
  return {
    async put(draft) {
      const payload = JSON.stringify(draft.payload);
      if (payload === undefined) throw new TypeError(`draft ${draft.id}: payload is not JSON-serialisable`);
      await db.run(
        `INSERT INTO drafts (id, guild_id, owner_discord_id, kind, payload, expires_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET guild_id = excluded.guild_id, owner_discord_id = excluded.owner_discord_id,
           kind = excluded.kind, payload = excluded.payload, expires_at = excluded.expires_at`,
        [draft.id, draft.guildId, draft.ownerDiscordId, draft.kind, payload, draft.expiresAt],
      );
    },

    async get(id, now) {
      const rows = await db.all('SELECT * FROM drafts WHERE id = ? AND expires_at > ?', [id, now]);
      return rows[0] === undefined ? null : toDraft(rows[0]);
    },

    async delete(id) {
      await db.run('DELETE FROM drafts WHERE id = ?', [id]);
    },

    async deleteExpired(now) {
      return db.run('DELETE FROM drafts WHERE expires_at <= ?', [now]);
    },
  };
}
