import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord-api-types/v10';
import type { Note } from '../api/index.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

export type NoteMessage = { embeds: APIEmbed[]; components: APIActionRowComponent<APIButtonComponent>[] };

/**
 * A note as written: title and content go out untouched (markdown, case and line breaks kept),
 * so Discord renders the member's formatting. Content is capped at 4000 by the domain, well
 * inside an embed description.
 */
export function renderNoteEmbed(note: Pick<Note, 'title' | 'content' | 'date_modified'>, opts: { sharedBy?: string; footer?: string } = {}): APIEmbed {
  const embed: APIEmbed = {
    color: opts.sharedBy === undefined ? COLORS.neutral : COLORS.info,
    title: truncate(note.title, EMBED_LIMITS.title),
    description: truncate(note.content, EMBED_LIMITS.description),
  };
  if (opts.sharedBy !== undefined) embed.author = { name: truncate(`Note shared by ${opts.sharedBy}`, EMBED_LIMITS.title) };
  const footer = opts.footer ?? (opts.sharedBy === undefined ? 'Private note: only you can see this.' : undefined);
  if (footer !== undefined) embed.footer = { text: truncate(footer, EMBED_LIMITS.footer) };
  if (note.date_modified !== undefined && !Number.isNaN(Date.parse(note.date_modified))) embed.timestamp = new Date(note.date_modified).toISOString();
  return embed;
}

/** The private view of a note, with the button that posts it to the channel. */
export function renderPrivateNote(note: Pick<Note, 'title' | 'content' | 'date_modified'>, shareId: string, footer?: string): NoteMessage {
  return {
    embeds: [renderNoteEmbed(note, footer === undefined ? {} : { footer })],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, custom_id: shareId, label: 'Share to channel' }],
      },
    ],
  };
}

/** Markdown that would change how a one-line preview or a quoted title renders, escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_~|>[\]()#-])/g, '\\$1');
}

/** One line of a note as plain text (autocomplete choices): whitespace collapsed. */
export function noteSnippet(content: string, max = 100): string {
  return truncate(content.replace(/\s+/g, ' ').trim(), max);
}

/** One line of a note for lists and prompts: whitespace collapsed, markdown shown literally. */
export function notePreview(content: string, max = 100): string {
  return escapeMarkdown(noteSnippet(content, max));
}
