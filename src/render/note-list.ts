import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord-api-types/v10';
import type { NotePage } from '../domain/notes.js';
import { notePreview, type NoteMessage } from './note-embed.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

/**
 * One page of a member's notes: titles with a one-line preview. Prev/Next appear only when there
 * is more than one page; `pageId(n)` builds the custom_id that shows page n.
 */
export function renderNoteList(page: NotePage, pageId: (page: number) => string): NoteMessage {
  if (page.total === 0) {
    return {
      embeds: [{ color: COLORS.neutral, title: 'Your notes', description: 'You have no notes yet. Write one with `/note create`.' }],
      components: [],
    };
  }
  const embed: APIEmbed = {
    color: COLORS.neutral,
    title: 'Your notes',
    fields: page.notes.slice(0, EMBED_LIMITS.fields).map((note, i) => ({
      name: truncate(`${page.offset + i + 1}. ${note.title}`, EMBED_LIMITS.fieldName),
      value: notePreview(note.content) || '\u200b',
    })),
    footer: {
      text: `${page.pageCount > 1 ? `Page ${page.page + 1} of ${page.pageCount} · ` : ''}${page.total} note${page.total === 1 ? '' : 's'} · read one with /note view`,
    },
  };
  const components: APIActionRowComponent<APIButtonComponent>[] = [];
  if (page.pageCount > 1) {
    const last = page.pageCount - 1;
    components.push({
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: pageId(Math.max(0, page.page - 1)), label: 'Prev', disabled: page.page === 0 },
        { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: pageId(Math.min(last, page.page + 1)), label: 'Next', disabled: page.page >= last },
      ],
    });
  }
  return { embeds: [embed], components };
}
