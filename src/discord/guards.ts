import type { Interaction } from 'discord.js';
import { DiscordIdConflictError, NotLinkedError, PermissionDeniedError, UnapprovedError, UserFacingError } from '../domain/errors.js';
import type { GuildContext } from '../domain/guild-context.js';
import { roleLabel } from '../domain/roles.js';
import type { MemberLink } from '../store/types.js';
import type { Deps } from '../deps.js';

export interface Actor {
  guildId: string;
  guild: GuildContext;
  companyId: string;
  link: MemberLink;
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
  return { guildId, guild, companyId: guild.companyId, link };
}

export function requireRole(actor: Actor, roles: readonly string[], action: string): void {
  if (!roles.includes(actor.link.role)) {
    const who = roles.map(roleLabel).join(' or ');
    throw new PermissionDeniedError(action, `Only ${who} users may do that; you are ${roleLabel(actor.link.role)}.`);
  }
}
