import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIComponentInMessageActionRow, type APIEmbed, type APIEmbedField } from 'discord-api-types/v10';
import type { User } from '../api/index.js';
import { displayName } from '../domain/members.js';
import { roleLabel } from '../domain/roles.js';
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
  /** Merges straight into the user the member already acts as (only with `linkedTo`). */
  mergeInto?: string;
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

/**
 * A registration waiting for an admin, with its four decisions. When the Discord member already
 * acts as another approved user (`linkedTo`), the card warns and offers Merge instead of Approve.
 */
export function renderApprovalCard(user: User, ids: ApprovalCardIds, footer?: string, linkedTo?: User | null, note?: string): RenderedMessage {
  const memberId = user.discord_profile?.id ?? '';
  const duplicate = linkedTo !== undefined && linkedTo !== null && ids.mergeInto !== undefined;
  const description = duplicate
    ? `⚠️ <@${memberId}> is already linked to **${displayName(linkedTo)}** (${roleLabel(linkedTo.role)}). ` +
      'Approving would give them a second user: merge this registration into the user they have, or deny it.'
    : 'Approve this person as a player or storyteller, deny the registration, or merge it into the user they already have.';
  const buttons: APIButtonComponent[] = duplicate
    ? [
        { type: ComponentType.Button, style: ButtonStyle.Primary, label: truncate(`Merge into ${displayName(linkedTo)}`, 80), custom_id: ids.mergeInto ?? '' },
        { type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Deny', custom_id: ids.deny },
        { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Merge into another…', custom_id: ids.merge },
      ]
    : [
        { type: ComponentType.Button, style: ButtonStyle.Success, label: 'Approve as Player', custom_id: ids.approvePlayer },
        { type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Approve as Storyteller', custom_id: ids.approveStoryteller },
        { type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Deny', custom_id: ids.deny },
        { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Merge into…', custom_id: ids.merge },
      ];
  return {
    embeds: [
      {
        color: COLORS.warning,
        title: truncate(`Registration waiting: ${displayName(user)}`, EMBED_LIMITS.title),
        description: truncate(note === undefined ? description : `ℹ️ ${note}\n\n${description}`, EMBED_LIMITS.description),
        fields: registrationFields(user),
        footer: { text: truncate(footer ?? `Valentina user ${user.id}`, EMBED_LIMITS.footer) },
      },
    ],
    components: [{ type: ComponentType.ActionRow, components: buttons }],
  };
}
