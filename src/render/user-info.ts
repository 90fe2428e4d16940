import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import type { User } from '../api/index.js';
import { displayName } from '../domain/members.js';
import { roleLabel } from '../domain/roles.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

/** Campaign lines shown before "+N more". */
const CAMPAIGNS_SHOWN = 10;

/** Everything an admin needs to know about one user. `note` (what just changed) goes on top. */
export function renderUserInfo(user: User, campaignName: (id: string) => string, note?: { title: string; text: string }): APIEmbed {
  const discordId = user.discord_profile?.id ?? null;
  const discord = discordId === null || discordId === '' ? 'Not linked' : `<@${discordId}>${user.discord_profile?.username ? ` (${user.discord_profile.username})` : ''}`;
  const campaigns = user.campaign_experience ?? [];
  const shown = campaigns.slice(0, CAMPAIGNS_SHOWN).map((xp) => `${campaignName(xp.campaign_id)}: **${xp.xp_current}** XP available · ${xp.xp_total} earned · ${xp.cool_points} CP`);
  if (campaigns.length > CAMPAIGNS_SHOWN) shown.push(`+${campaigns.length - CAMPAIGNS_SHOWN} more campaigns`);
  const fields: APIEmbedField[] = [
    { name: 'Role', value: roleLabel(user.role), inline: true },
    { name: 'Username', value: truncate(user.username, EMBED_LIMITS.fieldValue), inline: true },
    { name: 'Email', value: truncate(user.email ?? '—', EMBED_LIMITS.fieldValue), inline: true },
    { name: 'Discord', value: truncate(discord, EMBED_LIMITS.fieldValue), inline: true },
    { name: 'Lifetime', value: `${user.lifetime_xp ?? 0} XP · ${user.lifetime_cool_points ?? 0} cool points`, inline: true },
    { name: 'Campaigns', value: truncate(shown.length > 0 ? shown.join('\n') : 'No experience recorded yet.', EMBED_LIMITS.fieldValue), inline: false },
  ];
  return {
    color: note === undefined ? COLORS.info : COLORS.success,
    title: truncate(note === undefined ? displayName(user) : `${note.title}: ${displayName(user)}`, EMBED_LIMITS.title),
    ...(note === undefined ? {} : { description: truncate(note.text, EMBED_LIMITS.description) }),
    fields,
    footer: { text: `Valentina user ${user.id}${user.date_created ? ` · created ${user.date_created.slice(0, 10)}` : ''}` },
  };
}
