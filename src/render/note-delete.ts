import { ButtonStyle, ComponentType, type APIEmbed } from 'discord-api-types/v10';
import type { Note } from '../api/index.js';
import { escapeMarkdown, notePreview, type NoteMessage } from './note-embed.js';
import { COLORS } from './theme.js';

/** The confirm step of /note delete: only the owner's buttons, destructive action in red. */
export function renderNoteDeletePrompt(note: Pick<Note, 'title' | 'content'>, ids: { confirm: string; cancel: string }): NoteMessage {
  return {
    embeds: [
      {
        color: COLORS.warning,
        title: 'Delete this note?',
        description: `**${escapeMarkdown(note.title)}**\n${notePreview(note.content, 200)}\n\nThis cannot be undone from Discord.`,
      },
    ],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Danger, custom_id: ids.confirm, label: 'Delete' },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: ids.cancel, label: 'Cancel' },
        ],
      },
    ],
  };
}

/** The prompt edited into its outcome; the buttons go away. */
export function renderNoteDeleteOutcome(outcome: { kind: 'deleted'; title: string } | { kind: 'kept' }): NoteMessage {
  const embed: APIEmbed =
    outcome.kind === 'deleted'
      ? { color: COLORS.success, title: 'Note deleted', description: `**${escapeMarkdown(outcome.title)}** was deleted.` }
      : { color: COLORS.neutral, title: 'Cancelled', description: 'Your note was kept; nothing was deleted.' };
  return { embeds: [embed], components: [] };
}
