import type { APIEmbed } from 'discord-api-types/v10';
import type { IdentifyResolution, User } from '../api/index.js';
import { displayName } from '../domain/members.js';
import { roleLabel } from '../domain/roles.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

export interface LinkAuditInput {
  memberDiscordId: string;
  adminDiscordId: string;
  /** The user the member now acts as (what their verified Discord identity belongs to). */
  user: User;
  /** The user the admin picked in /link, when known. */
  picked: { id: string; name: string } | null;
  /** `lookup`: Valentina already knew the member's Discord id; `sign-in`: the member signed in from the link. */
  via: 'lookup' | 'sign-in';
  resolution?: IdentifyResolution;
}

/** The audit post of a v2 /link: who asked, whom the member now is, and whether that is who the admin picked. */
export function renderLinkAudit(input: LinkAuditInput): APIEmbed {
  const how =
    input.via === 'lookup'
      ? 'Valentina already had their Discord account on this user.'
      : input.resolution === 'created'
        ? 'They signed in with Discord and Valentina created a new user, waiting for approval.'
        : 'They signed in with Discord from the link the admin sent.';
  const lines = [`<@${input.memberDiscordId}> now acts as **${displayName(input.user)}** (${roleLabel(input.user.role)}). ${how}`, `Asked for with /link by <@${input.adminDiscordId}>.`];
  const differs = input.picked !== null && input.picked.id !== input.user.id;
  if (differs && input.picked !== null) {
    lines.push(`⚠️ This is not the user the admin picked (**${input.picked.name}**): the verified Discord identity decides.`);
  }
  return {
    title: 'Member linked',
    description: truncate(lines.join('\n'), EMBED_LIMITS.description),
    color: differs ? COLORS.warning : COLORS.info,
    timestamp: new Date().toISOString(),
  };
}
