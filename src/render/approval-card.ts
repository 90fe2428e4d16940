import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIComponentInMessageActionRow, type APIEmbed, type APIEmbedField } from 'discord-api-types/v10';
import type { User } from '../api/index.js';
import { displayName } from '../domain/members.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

export type MessageRow = APIActionRowComponent<APIComponentInMessageActionRow>;

/** What a card or a receipt sends: embeds plus rows (an empty list removes the buttons). */
export interface RenderedMessage {
  content?: string;
  embeds: APIEmbed[];
  components: MessageRow[];
}

/** The encoded custom_ids of a card's buttons (the command module owns the codec). */
export interface ApprovalCardIds {
  approvePlayer: string;
  approveStoryteller: string;
  deny: string;
  merge: string;
}

function timestamp(iso: string | undefined): string | null {
  if (iso === undefined) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : `<t:${Math.floor(ms / 1000)}:R>`;
}

/** The facts an admin decides on: names, email, username and the Discord member. */
export function registrationFields(user: User): APIEmbedField[] {
  const memberId = user.discord_profile?.id ?? null;
  const discordName = user.discord_profile?.global_name ?? user.discord_profile?.username ?? null;
  const member =
    memberId === null || memberId === ''
      ? 'Not linked (registered outside Discord)'
      : `<@${memberId}>${discordName === null ? '' : ` (${discordName})`}`;
  const registered = timestamp(user.date_created);
  const fields: APIEmbedField[] = [
    { name: 'Name', value: truncate([user.name_first, user.name_last].filter((p) => typeof p === 'string' && p !== '').join(' ') || '—', EMBED_LIMITS.fieldValue), inline: true },
    { name: 'Username', value: truncate(user.username, EMBED_LIMITS.fieldValue), inline: true },
    { name: 'Email', value: truncate(user.email ?? '—', EMBED_LIMITS.fieldValue), inline: true },
    { name: 'Discord member', value: truncate(member, EMBED_LIMITS.fieldValue), inline: true },
  ];
  if (registered !== null) fields.push({ name: 'Registered', value: registered, inline: true });
  return fields;
}

/** A registration waiting for an admin, with its four decisions. */
export function renderApprovalCard(user: User, ids: ApprovalCardIds, footer?: string): RenderedMessage {
  return {
    embeds: [
      {
        color: COLORS.warning,
        title: truncate(`Registration waiting: ${displayName(user)}`, EMBED_LIMITS.title),
        description: 'Approve this person as a player or storyteller, deny the registration, or merge it into the user they already have.',
        fields: registrationFields(user),
        footer: { text: truncate(footer ?? `Valentina user ${user.id}`, EMBED_LIMITS.footer) },
      },
    ],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Success, label: 'Approve as Player', custom_id: ids.approvePlayer },
          { type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Approve as Storyteller', custom_id: ids.approveStoryteller },
          { type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Deny', custom_id: ids.deny },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Merge into…', custom_id: ids.merge },
        ],
      },
    ],
  };
}
