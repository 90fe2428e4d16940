import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import type { Note } from '../../src/api/index.js';
import { pageOfNotes } from '../../src/domain/notes.js';
import { renderNoteDeleteOutcome, renderNoteDeletePrompt } from '../../src/render/note-delete.js';
import { escapeMarkdown, notePreview, noteSnippet, renderNoteEmbed, renderPrivateNote } from '../../src/render/note-embed.js';
import { renderNoteList } from '../../src/render/note-list.js';
import { COLORS } from '../../src/render/theme.js';

const CONTENT = ['# Session **TWELVE**', '', 'The _Prince_ said:', '```', 'const X = 1;', '```', '@everyone <@123456789012345678>'].join('\n');

function note(i: number, over: Partial<Note> = {}): Note {
  return { id: `d${String(i).padStart(23, '0')}`, title: `Note ${i}`, content: `Content of note ${i}`, date_modified: '2026-03-14T19:22:05Z', ...over };
}

describe('renderNoteEmbed', () => {
  it('shows title and content byte for byte', () => {
    const embed = renderNoteEmbed({ title: 'MiXeD **Case**', content: CONTENT, date_modified: '2026-03-14T19:22:05Z' });
    expect(embed.title).toBe('MiXeD **Case**');
    expect(embed.description).toBe(CONTENT);
    expect(embed.timestamp).toBe('2026-03-14T19:22:05.000Z');
    expect(embed.footer?.text).toBe('Private note: only you can see this.');
    expect(embed.author).toBeUndefined();
  });

  it('names the sharer on a shared note and has no private footer', () => {
    const embed = renderNoteEmbed(note(1), { sharedBy: 'Lady Anne' });
    expect(embed.author?.name).toBe('Note shared by Lady Anne');
    expect(embed.footer).toBeUndefined();
    expect(embed.color).toBe(COLORS.info);
  });

  it('stays inside the embed limit for notes written elsewhere', () => {
    const embed = renderNoteEmbed(note(1, { content: 'x'.repeat(5_000) }));
    expect(embed.description).toHaveLength(4_096);
    expect(embed.description?.endsWith('…')).toBe(true);
  });
});

describe('renderPrivateNote', () => {
  it('carries one Share to channel button with the given id', () => {
    const msg = renderPrivateNote(note(1), 'note:share:1:42:d00000000000000000000001', 'Saved.');
    expect(msg.components).toEqual([
      { type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, custom_id: 'note:share:1:42:d00000000000000000000001', label: 'Share to channel' }] },
    ]);
    expect(msg.embeds[0]?.footer?.text).toBe('Saved.');
  });
});

describe('previews', () => {
  it('flatten to one line; the list preview shows markdown literally', () => {
    expect(noteSnippet(CONTENT, 200)).toBe('# Session **TWELVE** The _Prince_ said: ``` const X = 1; ``` @everyone <@123456789012345678>');
    expect(notePreview('**bold** _it_ `code`')).toBe('\\*\\*bold\\*\\* \\_it\\_ \\`code\\`');
    expect(escapeMarkdown('[x](y) > q # h - l ~s~ |p|')).toBe('\\[x\\]\\(y\\) \\> q \\# h \\- l \\~s\\~ \\|p\\|');
    expect(noteSnippet('a'.repeat(150), 100)).toHaveLength(100);
  });
});

describe('renderNoteList', () => {
  const pageId = (p: number) => `note:page:1:42:${p}`;

  it('has no buttons with a single page', () => {
    const msg = renderNoteList(pageOfNotes([note(1), note(2)], 0), pageId);
    expect(msg.components).toEqual([]);
    expect(msg.embeds[0]?.fields?.map((f) => f.name)).toEqual(['1. Note 1', '2. Note 2']);
    expect(msg.embeds[0]?.footer?.text).toBe('2 notes · read one with /note view');
  });

  it('has Prev/Next with more than one page, disabled at the ends', () => {
    const notes = Array.from({ length: 25 }, (_, i) => note(i + 1));
    const first = renderNoteList(pageOfNotes(notes, 0), pageId);
    expect(first.components[0]?.components.map((b) => [b.type === ComponentType.Button && 'custom_id' in b ? b.custom_id : '', b.disabled])).toEqual([
      ['note:page:1:42:0', true],
      ['note:page:1:42:1', false],
    ]);
    const last = renderNoteList(pageOfNotes(notes, 2), pageId);
    expect(last.embeds[0]?.fields?.map((f) => f.name)).toEqual(['21. Note 21', '22. Note 22', '23. Note 23', '24. Note 24', '25. Note 25']);
    expect(last.components[0]?.components.map((b) => b.disabled)).toEqual([false, true]);
    expect(last.embeds[0]?.footer?.text).toBe('Page 3 of 3 · 25 notes · read one with /note view');
  });

  it('has a friendly empty state', () => {
    const msg = renderNoteList(pageOfNotes([], 0), pageId);
    expect(msg.embeds[0]?.description).toContain('/note create');
    expect(msg.components).toEqual([]);
  });
});

describe('note delete prompt and outcome', () => {
  it('asks with a red Delete and a grey Cancel', () => {
    const msg = renderNoteDeletePrompt(note(1, { title: 'Boons **owed**' }), { confirm: 'note:delete:1:42:x', cancel: 'note:keep:1:42:x' });
    expect(msg.embeds[0]?.title).toBe('Delete this note?');
    expect(msg.embeds[0]?.description).toContain('**Boons \\*\\*owed\\*\\***');
    expect(msg.components[0]?.components.map((b) => ('style' in b ? b.style : undefined))).toEqual([ButtonStyle.Danger, ButtonStyle.Secondary]);
  });

  it('turns into a receipt without buttons', () => {
    expect(renderNoteDeleteOutcome({ kind: 'deleted', title: 'Boons' })).toEqual({
      embeds: [{ color: COLORS.success, title: 'Note deleted', description: '**Boons** was deleted.' }],
      components: [],
    });
    expect(renderNoteDeleteOutcome({ kind: 'kept' }).embeds[0]?.title).toBe('Cancelled');
  });
});
