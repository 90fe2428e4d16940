import type { APIEmbed } from 'discord-api-types/v10';
import type { IdentityConflict } from '../domain/identity.js';
import { roleLabel } from '../domain/roles.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

/** Tells a company's admins that one Discord account sits on several approved users. */
export function renderIdentityConflict(conflict: IdentityConflict): APIEmbed {
  const users = conflict.users.map((u) => `• **${u.name}** (${roleLabel(u.role)}) · \`${u.id}\``).join('\n');
  return {
    color: COLORS.warning,
    title: 'One Discord account on several Valentina users',
    description: truncate(
      `<@${conflict.discordUserId}> is the Discord account of ${conflict.users.length} approved users:\n${users}\n\n` +
        'The bot links the member to none of them until this is fixed, so they cannot use it. ' +
        'Use `/link` to link them to the right user: that clears their account from the others.',
      EMBED_LIMITS.description,
    ),
  };
}
