import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import type { User } from '../api/index.js';
import { displayName } from '../domain/members.js';
import { roleLabel } from '../domain/roles.js';
import type { UserPage } from '../domain/user-admin.js';
import type { MessageRow, RenderedMessage } from './approval-card.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

export interface UserListPageIds {
  prev: string;
  next: string;
}

function line(u: User): string {
  const discord = u.discord_profile?.id ? ` · <@${u.discord_profile.id}>` : '';
  return `**${displayName(u)}** · ${roleLabel(u.role)} · ${u.email ?? 'no email'}${discord}`;
}

/** One page of the company's users; Prev/Next only when there is more than one page. */
export function renderUserList(page: UserPage, role: string | null, ids: UserListPageIds): RenderedMessage {
  const title = role === null ? 'Users' : `Users: ${roleLabel(role)}`;
  const description = page.total === 0 ? (role === null ? 'This company has no users.' : `No user has the role ${roleLabel(role)}.`) : page.items.map(line).join('\n');
  const components: MessageRow[] =
    page.pages > 1
      ? [
          {
            type: ComponentType.ActionRow,
            components: [
              { type: ComponentType.Button, style: ButtonStyle.Secondary, label: '◀ Prev', custom_id: ids.prev, disabled: page.page === 0 },
              { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Next ▶', custom_id: ids.next, disabled: page.page >= page.pages - 1 },
            ],
          },
        ]
      : [];
  return {
    embeds: [
      {
        color: COLORS.info,
        title,
        description: truncate(description, EMBED_LIMITS.description),
        footer: { text: `Page ${page.page + 1} of ${page.pages} · ${page.total} user${page.total === 1 ? '' : 's'} · /user info for details` },
      },
    ],
    components,
  };
}
