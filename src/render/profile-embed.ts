import type { APIEmbed } from 'discord-api-types/v10';
import type { User } from '../api/index.js';
import { displayName } from '../domain/members.js';
import { roleLabel } from '../domain/roles.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

/** A member's company user: role, lifetime totals and XP per campaign. */
export function renderProfileEmbed(user: User, campaignName: (id: string) => string, memberMention: string): APIEmbed {
  const campaigns = user.campaign_experience ?? [];
  const fields = campaigns.slice(0, EMBED_LIMITS.fields - 2).map((xp) => ({
    name: truncate(campaignName(xp.campaign_id), EMBED_LIMITS.fieldName),
    value: `**${xp.xp_current}** XP available · ${xp.xp_total} earned · ${xp.cool_points} cool point${xp.cool_points === 1 ? '' : 's'}`,
    inline: false,
  }));
  return {
    color: user.role === 'UNAPPROVED' ? COLORS.warning : COLORS.info,
    title: truncate(displayName(user), EMBED_LIMITS.title),
    description: `${memberMention} · **${roleLabel(user.role)}**`,
    fields: [
      {
        name: 'Lifetime',
        value: `${user.lifetime_xp ?? 0} XP · ${user.lifetime_cool_points ?? 0} cool points`,
        inline: false,
      },
      ...(fields.length > 0 ? fields : [{ name: 'Campaigns', value: 'No experience recorded yet.', inline: false }]),
    ],
    footer: { text: campaigns.length > fields.length ? `+${campaigns.length - fields.length} more campaigns` : `Valentina user ${user.id}` },
  };
}
