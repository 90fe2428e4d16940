import type { Interaction } from 'discord.js';
import type { Deps } from '../../src/deps.js';
import { requireActor, type Actor } from '../../src/discord/guards.js';
import { requireCampaignId, type PlayContext } from '../../src/domain/quickrolls.js';

/** The invoker as a player of the guild's default campaign (every quickroll path needs it). */
export async function playContext(deps: Deps, interaction: Interaction): Promise<PlayContext> {
  const actor = await requireActor(deps, interaction);
  return playContextOf(deps, actor);
}

export async function playContextOf(deps: Deps, actor: Actor): Promise<PlayContext> {
  const campaignId = requireCampaignId(actor.guild.settings.defaultCampaignId);
  const campaignName = await deps.directory.campaignName(actor.companyId, actor.link.userId, campaignId);
  return { companyId: actor.companyId, userId: actor.link.userId, role: actor.link.role, campaignId, campaignName };
}
