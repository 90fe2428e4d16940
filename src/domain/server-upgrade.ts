import { idGenerationOf } from '../api/index.js';
import type { Deps } from '../deps.js';
import type { GuildContext } from './guild-context.js';

/**
 * A guild's settings after its Valentina server was upgraded to the other API generation: the
 * stored company and default campaign hold ids the new server does not know. The company comes
 * from the operator's pinning (VALENTINA_GUILD_COMPANIES, the new id); the default campaign is
 * re-resolved when the company has exactly one campaign, else cleared so an admin picks it again
 * with `/setup campaign`. An id of the old generation is never sent.
 */
export async function settleUpgradedSettings(deps: Pick<Deps, 'api' | 'directory' | 'guilds' | 'log'>, guild: GuildContext, actingUserId: string): Promise<GuildContext> {
  const current = deps.api.apiVersion;
  const stale = (id: string | null) => {
    const generation = id === null ? undefined : idGenerationOf(id);
    return generation !== undefined && generation !== current;
  };
  const { settings } = guild;
  if (!stale(settings.defaultCampaignId) && !stale(settings.companyId)) return guild;
  let defaultCampaignId = settings.defaultCampaignId;
  if (stale(defaultCampaignId)) {
    const campaigns = await deps.directory.listCampaigns(guild.companyId, actingUserId);
    defaultCampaignId = campaigns.length === 1 ? (campaigns[0]?.id ?? null) : null;
  }
  const companyId = stale(settings.companyId) ? guild.companyId : settings.companyId;
  const updated = await deps.guilds.update(settings.guildId, { companyId, defaultCampaignId });
  deps.log.info({ guildId: settings.guildId, companyId, defaultCampaignId, previous: { companyId: settings.companyId, defaultCampaignId: settings.defaultCampaignId } }, 'settings re-resolved after a server upgrade');
  return { settings: updated, companyId: guild.companyId };
}
