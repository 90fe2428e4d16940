import { ButtonStyle, ComponentType, type APIButtonComponent } from 'discord-api-types/v10';
import type { User } from '../api/index.js';
import { displayName } from '../domain/members.js';
import { roleLabel } from '../domain/roles.js';
import type { MessageRow, RenderedMessage } from './approval-card.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

export interface MergePickerIds {
  select: string;
  search: string;
  cancel: string;
}

export interface MergeConfirmIds {
  confirm: string;
  cancel: string;
}

/** Select option texts are capped at 100 characters by Discord. */
const OPTION_MAX = 100;

/**
 * Offers the existing users a registration may be merged into, best matches first. A select
 * holds 25 entries; when there are more, or after a search, the Search button narrows the list.
 */
export function renderMergePicker(
  pending: User,
  candidates: { items: readonly User[]; total: number },
  ids: MergePickerIds,
  query = '',
): RenderedMessage {
  const searching = query.trim() !== '';
  const more = candidates.total > candidates.items.length;
  const lines = [
    `Pick the existing user that **${displayName(pending)}** (${pending.email ?? 'no email'}) duplicates. Best matches by email and name come first.`,
  ];
  if (searching) lines.push(`Matches for “${truncate(query.trim(), 50)}”: ${candidates.total}.`);
  if (more) lines.push(`Showing ${candidates.items.length} of ${candidates.total}. Use **Search** to narrow the list.`);
  if (candidates.items.length === 0) lines.push(searching ? 'No approved user matches that search. Try another name or email.' : 'There is no approved user to merge into.');

  const buttons: APIButtonComponent[] = [];
  if (more || searching) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Primary, label: searching ? 'Search again' : 'Search', custom_id: ids.search });
  buttons.push({ type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Cancel', custom_id: ids.cancel });

  const rows: MessageRow[] = [];
  if (candidates.items.length > 0) {
    rows.push({
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.StringSelect,
          custom_id: ids.select,
          placeholder: 'Merge into…',
          min_values: 1,
          max_values: 1,
          options: candidates.items.slice(0, 25).map((u) => ({
            label: truncate(displayName(u), OPTION_MAX),
            value: u.id,
            description: truncate(`${roleLabel(u.role)} · ${u.email ?? 'no email'}${u.discord_profile?.id ? ' · on Discord' : ''}`, OPTION_MAX),
          })),
        },
      ],
    });
  }
  rows.push({ type: ComponentType.ActionRow, components: buttons });
  return {
    embeds: [{ color: COLORS.info, title: truncate(`Merge ${displayName(pending)} into…`, EMBED_LIMITS.title), description: lines.join('\n') }],
    components: rows,
  };
}

/** The last step before a merge, which cannot be undone from Discord. */
export function renderMergeConfirm(pending: User, primary: User, ids: MergeConfirmIds): RenderedMessage {
  const memberId = pending.discord_profile?.id ?? null;
  const discord = memberId === null || memberId === '' ? '' : ` <@${memberId}> will act as **${displayName(primary)}**.`;
  return {
    embeds: [
      {
        color: COLORS.warning,
        title: 'Merge this registration?',
        description: truncate(
          `**${displayName(pending)}** (${pending.email ?? 'no email'}) will be merged into **${displayName(primary)}** ` +
            `(${roleLabel(primary.role)}, ${primary.email ?? 'no email'}). The registration is archived; the existing user keeps its data and role.${discord}`,
          EMBED_LIMITS.description,
        ),
      },
    ],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Merge', custom_id: ids.confirm },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Cancel', custom_id: ids.cancel },
        ],
      },
    ],
  };
}

/**
 * The second confirm of a merge into an ADMIN user: the Discord member who registered will act
 * with admin rights. The button expires (the time is in its custom_id).
 */
export function renderMergeAdminConfirm(pending: User, primary: User, ids: MergeConfirmIds, expiresAt: number): RenderedMessage {
  const memberId = pending.discord_profile?.id ?? null;
  const who = memberId === null || memberId === '' ? 'The registration' : `<@${memberId}>`;
  const previous = primary.discord_profile?.id ?? null;
  const moved =
    previous !== null && previous !== '' && previous !== memberId
      ? `\n<@${previous}> is linked to **${displayName(primary)}** today and will lose that link.`
      : '';
  return {
    embeds: [
      {
        color: COLORS.error,
        title: 'Merge into an Admin?',
        description: truncate(
          `**${displayName(primary)}** is an **Admin**. ${who} will act as this user, with admin rights over the company's users, approvals and XP.${moved}\n` +
            `Confirm only if this really is the same person. This confirm expires <t:${Math.floor(expiresAt / 1000)}:R>.`,
          EMBED_LIMITS.description,
        ),
      },
    ],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Yes, merge into this Admin', custom_id: ids.confirm },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Cancel', custom_id: ids.cancel },
        ],
      },
    ],
  };
}
