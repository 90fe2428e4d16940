import { z } from 'zod';
import type { SqlDb } from './sql-db.js';
import type { CategoryCampaign, CategoryCampaignRepo } from './types.js';

const rowSchema = z.object({
  guild_id: z.string(),
  category_id: z.string(),
  company_id: z.string(),
  campaign_id: z.string(),
  updated_at: z.number(),
});

function toBinding(row: unknown): CategoryCampaign {
  const r = rowSchema.parse(row);
  return { guildId: r.guild_id, categoryId: r.category_id, companyId: r.company_id, campaignId: r.campaign_id, updatedAt: r.updated_at };
}

export function createCategoryCampaignRepo(db: SqlDb, clock: () => number): CategoryCampaignRepo {
  return {
    async list(guildId) {
      const rows = await db.all('SELECT * FROM category_campaigns WHERE guild_id = ? ORDER BY category_id', [guildId]);
      return rows.map(toBinding);
    },

    async put(binding) {
      const rows = await db.all(
        `INSERT INTO category_campaigns (guild_id, category_id, company_id, campaign_id, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (guild_id, category_id) DO UPDATE SET company_id = excluded.company_id, campaign_id = excluded.campaign_id,
           updated_at = excluded.updated_at
         RETURNING *`,
        [binding.guildId, binding.categoryId, binding.companyId, binding.campaignId, clock()],
      );
      return toBinding(rows[0]);
    },

    async delete(guildId, categoryId) {
      return (await db.run('DELETE FROM category_campaigns WHERE guild_id = ? AND category_id = ?', [guildId, categoryId])) > 0;
    },
  };
}
