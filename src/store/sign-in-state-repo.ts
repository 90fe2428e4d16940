import { z } from 'zod';
import type { SqlDb } from './sql-db.js';
import type { SignInState, SignInStateRepo } from './types.js';

const rowSchema = z.object({
  nonce: z.string(),
  guild_id: z.string(),
  company_id: z.string(),
  member_discord_id: z.string(),
  channel_id: z.string().nullable(),
  requested_by_discord_id: z.string().nullable(),
  requested_user_id: z.string().nullable(),
  expires_at: z.number(),
});

function toState(row: unknown): SignInState {
  const r = rowSchema.parse(row);
  return {
    nonce: r.nonce,
    guildId: r.guild_id,
    companyId: r.company_id,
    memberDiscordId: r.member_discord_id,
    channelId: r.channel_id,
    requestedByDiscordId: r.requested_by_discord_id,
    requestedUserId: r.requested_user_id,
    expiresAt: r.expires_at,
  };
}

export function createSignInStateRepo(db: SqlDb): SignInStateRepo {
  return {
    async put(s) {
      await db.run(
        `INSERT INTO sign_in_states (nonce, guild_id, company_id, member_discord_id, channel_id, requested_by_discord_id, requested_user_id, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [s.nonce, s.guildId, s.companyId, s.memberDiscordId, s.channelId, s.requestedByDiscordId, s.requestedUserId, s.expiresAt],
      );
    },

    async take(nonce, now) {
      // DELETE … RETURNING is one atomic statement on both engines: a replay finds nothing.
      const rows = await db.all('DELETE FROM sign_in_states WHERE nonce = ? RETURNING *', [nonce]);
      const state = rows[0] === undefined ? null : toState(rows[0]);
      return state !== null && state.expiresAt > now ? state : null;
    },

    async delete(nonce) {
      await db.run('DELETE FROM sign_in_states WHERE nonce = ?', [nonce]);
    },

    async deleteExpired(now) {
      return db.run('DELETE FROM sign_in_states WHERE expires_at <= ?', [now]);
    },
  };
}
