import { settleUpgradedSettings } from '../domain/server-upgrade.js';
import type { Interaction } from 'discord.js';
import { DiscordIdConflictError, NotLinkedError, PermissionDeniedError, UnapprovedError, UserFacingError } from '../domain/errors.js';
import type { GuildContext } from '../domain/guild-context.js';
import type { DefaultCampaign } from '../domain/campaign-defaults.js';
import { roleLabel } from '../domain/roles.js';
import type { MemberLink } from '../store/types.js';
import type { Deps } from '../deps.js';

export interface Actor {
  guildId: string;
  guild: GuildContext;
  companyId: string;
  link: MemberLink;
  /** The campaign commands default to where this one was used (the category's, else the server's). */
  campaign: DefaultCampaign;
}

export function requireGuildId(interaction: Interaction): string {
  if (interaction.guildId === null) throw new UserFacingError('This command only works inside a server.', 'Server only');
  return interaction.guildId;
}

/**
 * The invoker as a company user. The requesting user the API sees is always this link's
 * user, never something a member typed.
 */
export async function requireActor(deps: Deps, interaction: Interaction, opts: { allowUnapproved?: boolean } = {}): Promise<Actor> {
  const guildId = requireGuildId(interaction);
  const guild = await deps.guilds.require(guildId);
  const link = await deps.identity.resolve(guild.companyId, interaction.user.id);
  if (link === null) {
    throw deps.identity.conflictFor(guild.companyId, interaction.user.id) === null ? new NotLinkedError() : new DiscordIdConflictError();
  }
  if (link.role === 'UNAPPROVED' && opts.allowUnapproved !== true) throw new UnapprovedError();
  const settled = await settleUpgradedSettings(deps, guild, link.userId);
  const campaign = await deps.campaignDefaults.resolve(settled, categoryOf(interaction));
  return { guildId, guild: settled, companyId: settled.companyId, link, campaign };
}

/** The channel category the interaction was used in (a thread counts under its parent's), if any. */
export function categoryOf(interaction: Interaction): string | null {
  const channel = interaction.channel;
  if (channel === null || channel.isDMBased()) return null;
  const inChannel = channel.isThread() ? channel.parent : channel;
  return inChannel?.parentId ?? null;
}

/** The default campaign where the interaction was used, for paths that need no linked member (autocomplete). */
export async function defaultCampaignOf(deps: Deps, interaction: Interaction, guild: GuildContext): Promise<DefaultCampaign> {
  return deps.campaignDefaults.resolve(guild, categoryOf(interaction));
}

export function requireRole(actor: Actor, roles: readonly string[], action: string): void {
  if (!roles.includes(actor.link.role)) {
    const who = roles.map(roleLabel).join(' or ');
    throw new PermissionDeniedError(action, `Only ${who} users may do that; you are ${roleLabel(actor.link.role)}.`);
  }
}
