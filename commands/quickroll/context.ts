import type { Interaction } from 'discord.js';
import type { Deps } from '../../src/deps.js';
import { requireActor, type Actor } from '../../src/discord/guards.js';
import { requireCampaignId, type PlayContext } from '../../src/domain/quickrolls.js';

/** The invoker as a player of the campaign where the command was used (every quickroll path needs it). */
export async function playContext(deps: Deps, interaction: Interaction): Promise<PlayContext> {
  const actor = await requireActor(deps, interaction);
  return playContextOf(deps, actor);
}

export async function playContextOf(deps: Deps, actor: Actor): Promise<PlayContext> {
  const campaignId = requireCampaignId(actor.campaign.campaignId);
  const campaignName = await deps.directory.campaignName(actor.companyId, actor.link.userId, campaignId);
  return { companyId: actor.companyId, userId: actor.link.userId, role: actor.link.role, campaignId, campaignName };
}

/** The invoker as the owner of quickrolls, which belong to the user; the campaign only names traits. */
export interface OwnerContext {
  companyId: string;
  userId: string;
  play: PlayContext | null;
}

export async function ownerContext(deps: Deps, interaction: Interaction): Promise<OwnerContext> {
  const actor = await requireActor(deps, interaction);
  const play = actor.campaign.campaignId === null ? null : await playContextOf(deps, actor);
  return { companyId: actor.companyId, userId: actor.link.userId, play };
}

/** Names of the traits the owner's characters have; none without a default campaign. */
export function traitNamesOf(deps: Deps, owner: OwnerContext): Promise<Map<string, string>> {
  return owner.play === null ? Promise.resolve(new Map<string, string>()) : deps.quickrolls.traitNames(owner.play);
}
