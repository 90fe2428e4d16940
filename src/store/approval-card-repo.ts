import { z } from 'zod';
import type { SqlDb } from './sql-db.js';
import { UNSETTLED_OUTCOME, type ApprovalCard, type ApprovalCardRepo } from './types.js';

const rowSchema = z.object({
  guild_id: z.string(),
  user_id: z.string(),
  channel_id: z.string(),
  message_id: z.string(),
  status: z.enum(['PENDING', 'HANDLING', 'APPROVED', 'DENIED', 'MERGED']),
  handled_by_discord_id: z.string().nullable(),
  outcome: z.string().nullable(),
  updated_at: z.number(),
});

function toCard(row: unknown): ApprovalCard {
  const r = rowSchema.parse(row);
  return {
    guildId: r.guild_id,
    userId: r.user_id,
    channelId: r.channel_id,
    messageId: r.message_id,
    status: r.status,
    handledByDiscordId: r.handled_by_discord_id,
    outcome: r.outcome,
    updatedAt: r.updated_at,
  };
}

export function createApprovalCardRepo(db: SqlDb): ApprovalCardRepo {
  return {
    async get(guildId, userId) {
      const rows = await db.all('SELECT * FROM approval_cards WHERE guild_id = ? AND user_id = ?', [guildId, userId]);
      return rows[0] === undefined ? null : toCard(rows[0]);
    },

    async upsert(card, now) {
      await db.run(
        `INSERT INTO approval_cards (guild_id, user_id, channel_id, message_id, status, handled_by_discord_id,
           outcome, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (guild_id, user_id) DO UPDATE SET
           channel_id = excluded.channel_id, message_id = excluded.message_id, status = excluded.status,
           handled_by_discord_id = excluded.handled_by_discord_id, outcome = excluded.outcome,
           updated_at = excluded.updated_at`,
        [card.guildId, card.userId, card.channelId, card.messageId, card.status, card.handledByDiscordId,
          card.outcome, now],
      );
    },

    async claim(guildId, userId, actorDiscordId, now) {
      // One statement decides the race. In PostgreSQL a concurrent caller blocks on the row (or on
      // the unique index when the card is new) and then re-checks the WHERE against the winner's
      // HANDLING row; in SQLite the write lock serialises callers. A row comes back only to the winner.
      // A card created here has no message yet: channel and message ids stay empty until upsert.
      const rows = await db.all(
        `INSERT INTO approval_cards (guild_id, user_id, channel_id, message_id, status, handled_by_discord_id,
           outcome, updated_at)
         VALUES (?, ?, '', '', 'HANDLING', ?, NULL, ?)
         ON CONFLICT (guild_id, user_id) DO UPDATE SET
           status = 'HANDLING', handled_by_discord_id = excluded.handled_by_discord_id,
           updated_at = excluded.updated_at
         WHERE approval_cards.status = 'PENDING'
         RETURNING guild_id`,
        [guildId, userId, actorDiscordId, now],
      );
      return rows.length === 1;
    },

    async finish(guildId, userId, status, outcome, now) {
      await db.run(
        'UPDATE approval_cards SET status = ?, outcome = ?, updated_at = ? WHERE guild_id = ? AND user_id = ?',
        [status, outcome, now, guildId, userId],
      );
    },

    async release(guildId, userId, now, holder) {
      // The holder condition is part of the one statement: a claim another admin took between
      // our read and this write is never released from under them.
      const [condition, param] =
        'heldBy' in holder ? ['handled_by_discord_id = ?', holder.heldBy] : ['updated_at < ?', holder.claimedBefore];
      const changed = await db.run(
        `UPDATE approval_cards SET status = 'PENDING', handled_by_discord_id = NULL, outcome = NULL, updated_at = ?
         WHERE guild_id = ? AND user_id = ? AND status = 'HANDLING' AND ${condition}`,
        [now, guildId, userId, param],
      );
      return changed === 1;
    },

    async markUnsettled(guildId, userId, actorDiscordId, decision, now) {
      await db.run(
        `UPDATE approval_cards SET outcome = ?, updated_at = ?
         WHERE guild_id = ? AND user_id = ? AND status = 'HANDLING' AND handled_by_discord_id = ?`,
        [`${UNSETTLED_OUTCOME}:${decision}`, now, guildId, userId, actorDiscordId],
      );
    },

    async listUnsettled(updatedBefore, limit) {
      const rows = await db.all(
        `SELECT * FROM approval_cards
         WHERE status = 'HANDLING' AND outcome LIKE '${UNSETTLED_OUTCOME}:%' AND updated_at < ?
         ORDER BY updated_at, guild_id, user_id LIMIT ?`,
        [updatedBefore, limit],
      );
      return rows.map(toCard);
    },
  };
}
