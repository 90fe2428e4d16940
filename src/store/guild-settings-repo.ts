import { z } from 'zod';
import type { SqlDb, SqlValue } from './sql-db.js';
import type { GuildSettings, GuildSettingsPatch, GuildSettingsRepo } from './types.js';

export const DEFAULT_XP_POLICY = 'STORYTELLER_ONLY';
export const DEFAULT_MAX_AWARD_AMOUNT = 100;

const rowSchema = z.object({
  guild_id: z.string(),
  company_id: z.string().nullable(),
  default_campaign_id: z.string().nullable(),
  approvals_channel_id: z.string().nullable(),
  audit_channel_id: z.string().nullable(),
  xp_policy: z.enum(['STORYTELLER_ONLY', 'FOLLOW_COMPANY']),
  max_award_amount: z.number(),
  updated_at: z.number(),
});

function toSettings(row: unknown): GuildSettings {
  const r = rowSchema.parse(row);
  return {
    guildId: r.guild_id,
    companyId: r.company_id,
    defaultCampaignId: r.default_campaign_id,
    approvalsChannelId: r.approvals_channel_id,
    auditChannelId: r.audit_channel_id,
    xpPolicy: r.xp_policy,
    maxAwardAmount: r.max_award_amount,
    updatedAt: r.updated_at,
  };
}

/** Patch field → column. Only these fixed names ever reach the SQL text. */
const columns = {
  companyId: 'company_id',
  defaultCampaignId: 'default_campaign_id',
  approvalsChannelId: 'approvals_channel_id',
  auditChannelId: 'audit_channel_id',
  xpPolicy: 'xp_policy',
  maxAwardAmount: 'max_award_amount',
} as const satisfies Record<keyof GuildSettingsPatch, string>;

type PatchField = keyof typeof columns;
const patchFields = Object.keys(columns) as PatchField[];

export function createGuildSettingsRepo(db: SqlDb, clock: () => number): GuildSettingsRepo {
  return {
    async get(guildId) {
      const rows = await db.all('SELECT * FROM guild_settings WHERE guild_id = ?', [guildId]);
      return rows[0] === undefined ? null : toSettings(rows[0]);
    },

    async upsert(guildId, patch) {
      if (patch.maxAwardAmount !== undefined && !(Number.isInteger(patch.maxAwardAmount) && patch.maxAwardAmount > 0)) {
        throw new RangeError(`maxAwardAmount must be a positive integer, got ${patch.maxAwardAmount}`);
      }
      const values: Record<PatchField, SqlValue> = {
        companyId: null,
        defaultCampaignId: null,
        approvalsChannelId: null,
        auditChannelId: null,
        xpPolicy: DEFAULT_XP_POLICY,
        maxAwardAmount: DEFAULT_MAX_AWARD_AMOUNT,
      };
      const patched: PatchField[] = [];
      for (const field of patchFields) {
        const value = patch[field];
        if (value !== undefined) {
          values[field] = value;
          patched.push(field);
        }
      }
      // One statement, so a concurrent first upsert cannot lose the other's patch.
      const set = [...patched.map((f) => `${columns[f]} = excluded.${columns[f]}`), 'updated_at = excluded.updated_at'];
      const rows = await db.all(
        `INSERT INTO guild_settings (guild_id, ${patchFields.map((f) => columns[f]).join(', ')}, updated_at)
         VALUES (?, ${patchFields.map(() => '?').join(', ')}, ?)
         ON CONFLICT (guild_id) DO UPDATE SET ${set.join(', ')}
         RETURNING *`,
        [guildId, ...patchFields.map((f) => values[f]), clock()],
      );
      return toSettings(rows[0]);
    },
  };
}
