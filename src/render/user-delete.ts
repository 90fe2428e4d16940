import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import type { User } from '../api/index.js';
import { displayName } from '../domain/members.js';
import { roleLabel } from '../domain/roles.js';
import type { RenderedMessage } from './approval-card.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

export interface DeletePromptIds {
  /** Confirm for someone else, or the button that opens the type-your-username modal for yourself. */
  confirm: string;
  cancel: string;
}

/** The confirm step of /user delete. Deleting yourself asks for your username in a modal. */
export function renderDeletePrompt(target: User, self: boolean, ids: DeletePromptIds): RenderedMessage {
  const who = `**${displayName(target)}** (${roleLabel(target.role)}, ${target.email ?? 'no email'})`;
  const text = self
    ? `⚠️ This is **your own** user: ${who}. You will lose access to the bot right away. To go on, press the button and type your username \`${target.username}\`.`
    : `Delete ${who}? Valentina archives the user: they disappear from lists and lose access. Their Discord link is removed.`;
  return {
    embeds: [{ color: COLORS.warning, title: self ? 'Delete your own user?' : 'Delete this user?', description: truncate(text, EMBED_LIMITS.description) }],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Danger, label: self ? 'Delete myself…' : 'Delete', custom_id: ids.confirm },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Cancel', custom_id: ids.cancel },
        ],
      },
    ],
  };
}

export function renderDeleted(target: User, byDiscordId: string): RenderedMessage {
  return {
    embeds: [
      {
        color: COLORS.neutral,
        title: truncate(`Deleted: ${displayName(target)}`, EMBED_LIMITS.title),
        description: `${roleLabel(target.role)} · ${target.email ?? 'no email'} · deleted by <@${byDiscordId}>.`,
        footer: { text: `Valentina user ${target.id}` },
      },
    ],
    components: [],
  };
}
