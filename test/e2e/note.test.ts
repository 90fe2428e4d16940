import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionHandle } from '../fakes/discord/interactions.js';
import { sentWithKey, startWorld, worldGenerations, type World } from './harness.js';
import { controls, customId, embedText, EPHEMERAL, finalAnswer, firstFollowup } from './support/replies.js';

/** Mixed case, markdown, a code block, line breaks, inner spacing and would-be pings. */
const RICH = [
  'Met **Lady Anne** at _Elysium_; she said "NO".',
  '',
  '```js',
  'const Boon = { owedTo: "Prince", Size: "Minor" };',
  '```',
  '- item One',
  '  - nested iTem   with   spaces',
  '> Quoted LINE',
  '@everyone and @here and <@300000000000000004>',
].join('\n');

interface TextInput {
  custom_id: string;
  label: string;
  min_length?: number;
  max_length?: number;
  value?: string;
  required?: boolean;
}

/** The modal a command answered with: its custom_id and text inputs by id. */
async function modalOf(handle: InteractionHandle): Promise<{ customId: string; inputs: Record<string, TextInput> }> {
  const res = await handle.response();
  expect(res.type).toBe(9);
  const data = res.data as { custom_id: string; components: Array<{ components: TextInput[] }> };
  const inputs = Object.fromEntries(data.components.flatMap((row) => row.components).map((c) => [c.custom_id, c]));
  return { customId: data.custom_id, inputs };
}

// The store is generation-blind and v1 covers both engines: v2 runs on SQLite only.
for (const kind of worldGenerations({ v2Stores: ['sqlite'] })) {
  describe.skipIf(kind.skip !== false)(`notes end to end, ${kind.label}`, () => {
    let world: World;

    beforeAll(async () => {
      world = await startWorld({ generation: kind.generation, store: kind.name });
    });
    afterAll(async () => {
      await world?.stop();
    });

    const ctx = (who: keyof World['members']) => ({ user: world.members[who].discordId, guildId: world.guildId, channelId: world.channelId });
    const noteWrites = () => world.valentina.requests.filter((r) => r.path.includes('/notes') && r.method !== 'GET');
    const notesOf = (who: keyof World['members']) => [...world.valentina.state.notes.values()].filter((n) => n.user_id === world.members[who].userId && !n.archived);

    it('creates a note through a modal, keeping markdown and case exactly, privately', async () => {
      const { customId, inputs } = await modalOf(world.discord.slash('note', { ...ctx('player'), subcommand: 'create' }));
      expect(inputs['title']).toMatchObject({ min_length: 3, max_length: 50, required: true });
      expect(inputs['content']).toMatchObject({ min_length: 3, max_length: 4000, required: true });

      const submit = world.discord.modalSubmit(customId, { title: 'Session 12: tHe PRINCE', content: RICH }, ctx('player'));
      const reply = await finalAnswer(submit);
      expect((reply.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      expect(reply.embeds?.[0]?.title).toBe('Session 12: tHe PRINCE');
      expect(reply.embeds?.[0]?.description).toBe(RICH);
      expect(controls(reply).map((c) => c.label ?? '')).toEqual(['Share to channel']);

      const stored = notesOf('player');
      expect(stored.map((n) => [n.title, n.content])).toEqual([['Session 12: tHe PRINCE', RICH]]);
      expect(sentWithKey(world, noteWrites().at(-1), `${submit.id}:note-create`)).toBe(true);
    });

    it('refuses a too-long title and empty content, saying what is allowed, and saves nothing', async () => {
      const before = noteWrites().length;
      const long = await finalAnswer(world.discord.modalSubmit(`note:create:1:${world.members.player.discordId}`, { title: 'x'.repeat(51), content: 'fine content' }, ctx('player')));
      expect((long.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      expect(embedText(long)).toContain('**Title** must be 3 to 50 characters; yours has 51.');
      const empty = await finalAnswer(world.discord.modalSubmit(`note:create:1:${world.members.player.discordId}`, { title: 'Valid title', content: '   ' }, ctx('player')));
      expect(embedText(empty)).toContain('**Content** must be 3 to 4000 characters; yours is empty.');
      expect(noteWrites()).toHaveLength(before);
    });

    it('tells an unlinked member to register instead of opening the form', async () => {
      const h = world.discord.slash('note', { ...ctx('unlinked'), subcommand: 'create' });
      const res = await h.response();
      expect(res.type).toBe(4);
      expect(JSON.stringify(res.data)).toContain('/register');
      const list = await finalAnswer(world.discord.slash('note', { ...ctx('unlinked'), subcommand: 'list' }));
      expect(embedText(list)).toContain('/register');
    });

    it('offers the member their own notes in autocomplete, from a cache', async () => {
      world.valentina.state.addNote(world.members.player.userId ?? '', { title: 'Boons owed', content: 'To the Prince: **one** minor boon.' });
      world.valentina.state.addNote(world.members.player2.userId ?? '', { title: 'Boons of Paul', content: 'Not yours to see.' });
      const ask = (typed: string) => world.discord.autocomplete('note', { ...ctx('player'), subcommand: 'view', options: { note: typed }, focused: 'note' });
      const first = (await ask('boo').response()).data as { choices: Array<{ name: string; value: string }> };
      expect(first.choices.map((c) => c.name)).toEqual(['Boons owed · To the Prince: **one** minor boon.']);
      const listsBefore = world.valentina.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/notes')).length;
      const second = (await ask('ses').response()).data as { choices: Array<{ name: string; value: string }> };
      expect(second.choices.map((c) => c.name)[0]).toMatch(/^Session 12: tHe PRINCE · /);
      expect(world.valentina.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/notes')).length).toBe(listsBefore);
    });

    it('views a note privately and shares it to the channel without pinging anyone', async () => {
      const note = notesOf('player').find((n) => n.title.startsWith('Session 12'));
      const view = await finalAnswer(world.discord.slash('note', { ...ctx('player'), subcommand: 'view', options: { note: note?.id ?? '' } }));
      expect((view.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      expect(view.embeds?.[0]?.description).toBe(RICH);

      const share = world.discord.button(customId(view, 'Share to channel'), { ...ctx('player'), message: view });
      const posted = await finalAnswer(share);
      expect((posted.flags ?? 0) & EPHEMERAL).toBe(0);
      expect(posted.embeds?.[0]?.title).toBe('Session 12: tHe PRINCE');
      expect(posted.embeds?.[0]?.description).toBe(RICH);
      expect(posted.embeds?.[0]?.author?.name).toBe('Note shared by pia');
      expect(world.discord.messages(world.channelId).map((m) => m.id)).toContain(posted.id);
      expect(world.discord.allowedMentions(posted.id)).toEqual({ parse: [] });
      expect(posted.mention_everyone).toBe(false);
      expect(posted.mentions).toEqual([]);
    });

    it('edits through a modal prefilled with the current note, sending title and content together', async () => {
      const note = notesOf('player').find((n) => n.title === 'Boons owed');
      const { customId, inputs } = await modalOf(world.discord.slash('note', { ...ctx('player'), subcommand: 'edit', options: { note: note?.id ?? '' } }));
      expect(inputs['title']?.value).toBe('Boons owed');
      expect(inputs['content']?.value).toBe('To the Prince: **one** minor boon.');

      const content = 'To the Prince: **TWO** minor boons.\nTo Anne: `none`.';
      const submit = world.discord.modalSubmit(customId, { title: 'Boons Owed', content }, ctx('player'));
      const reply = await finalAnswer(submit);
      expect(reply.embeds?.[0]?.title).toBe('Boons Owed');
      expect(reply.embeds?.[0]?.description).toBe(content);
      const patch = world.valentina.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/notes/${note?.id ?? ''}`));
      expect(patch.map((r) => r.body)).toEqual([{ title: 'Boons Owed', content }]);
      expect(sentWithKey(world, patch[0], `${submit.id}:note-edit`)).toBe(true);
      expect(world.valentina.state.getNote(note?.id ?? '')?.content).toBe(content);
    });

    it("refuses an unknown note and another member's note, privately", async () => {
      const unknown = await finalAnswer(world.discord.slash('note', { ...ctx('player'), subcommand: 'view', options: { note: 'no such note' } }));
      expect((unknown.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      expect(embedText(unknown)).toContain('You have no note like that.');
      const paulsNote = notesOf('player2')[0];
      const theirs = await finalAnswer(world.discord.slash('note', { ...ctx('player'), subcommand: 'view', options: { note: paulsNote?.id ?? '' } }));
      expect(embedText(theirs)).toContain('You have no note like that.');
      expect(embedText(theirs)).not.toContain('Not yours to see.');
      const edit = world.discord.slash('note', { ...ctx('player'), subcommand: 'edit', options: { note: paulsNote?.id ?? '' } });
      expect((await edit.response()).type).toBe(4);
      expect(world.valentina.requests.filter((r) => r.path.endsWith(`/notes/${paulsNote?.id ?? ''}`) && r.method !== 'GET')).toEqual([]);
    });

    it('explains why a note written elsewhere, longer than the form holds, cannot be edited here', async () => {
      const long = world.valentina.state.addNote(world.members.player2.userId ?? '', { title: 'Chronicle', content: 'x'.repeat(4_500) });
      const edit = world.discord.slash('note', { ...ctx('player2'), subcommand: 'edit', options: { note: long.id } });
      const reply = await finalAnswer(edit);
      expect((await edit.response()).type).toBe(4);
      expect(embedText(reply)).toContain('is 4500 characters long, more than the 4000 Discord\'s form can hold');
      const view = await finalAnswer(world.discord.slash('note', { ...ctx('player2'), subcommand: 'view', options: { note: long.id } }));
      expect(view.embeds?.[0]?.description).toHaveLength(4_096);
    });

    it('lists notes ten to a page, with page buttons only when needed', async () => {
      const single = await finalAnswer(world.discord.slash('note', { ...ctx('player'), subcommand: 'list' }));
      expect(controls(single)).toEqual([]);
      expect(single.embeds?.[0]?.footer?.text).toBe('2 notes · read one with /note view');

      for (let i = 1; i <= 12; i++) world.valentina.state.addNote(world.members.storyteller.userId ?? '', { title: `Scene ${i}`, content: `What happened in scene ${i}` });
      const first = await finalAnswer(world.discord.slash('note', { ...ctx('storyteller'), subcommand: 'list' }));
      expect((first.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      expect(first.embeds?.[0]?.fields).toHaveLength(10);
      expect(first.embeds?.[0]?.footer?.text).toBe('Page 1 of 2 · 12 notes · read one with /note view');
      const next = world.discord.button(customId(first, 'Next'), { ...ctx('storyteller'), message: first });
      await next.waitFor((h) => h.original()?.embeds?.[0]?.footer?.text?.startsWith('Page 2 of 2') === true);
      expect(next.original()?.embeds?.[0]?.fields?.map((f) => f.name)).toEqual(['11. Scene 11', '12. Scene 12']);

      const empty = await finalAnswer(world.discord.slash('note', { ...ctx('admin'), subcommand: 'list' }));
      expect(embedText(empty)).toContain('You have no notes yet.');
    });

    it('deletes only after a confirm by the owner, once', async () => {
      const note = notesOf('player').find((n) => n.title === 'Boons Owed');
      const prompt = await finalAnswer(world.discord.slash('note', { ...ctx('player'), subcommand: 'delete', options: { note: note?.id ?? '' } }));
      expect((prompt.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      expect(prompt.embeds?.[0]?.title).toBe('Delete this note?');

      const intruder = await finalAnswer(world.discord.button(customId(prompt, 'Delete'), { ...ctx('player2'), message: prompt }));
      expect(embedText(intruder)).toContain("someone else's command");

      const cancel = world.discord.button(customId(prompt, 'Cancel'), { ...ctx('player'), message: prompt });
      await cancel.waitFor((h) => h.original()?.embeds?.[0]?.title === 'Cancelled');
      expect(world.valentina.state.getNote(note?.id ?? '')?.archived).toBe(false);

      const prompt2 = await finalAnswer(world.discord.slash('note', { ...ctx('player'), subcommand: 'delete', options: { note: note?.id ?? '' } }));
      const confirmId = customId(prompt2, 'Delete');
      const confirm = world.discord.button(confirmId, { ...ctx('player'), message: prompt2 });
      await confirm.waitFor((h) => h.original()?.embeds?.[0]?.title === 'Note deleted');
      expect(controls(confirm.original())).toEqual([]);
      expect(world.valentina.state.getNote(note?.id ?? '')?.archived).toBe(true);

      const again = await firstFollowup(world.discord.button(confirmId, { ...ctx('player'), message: prompt2 }));
      expect(embedText(again)).toContain('That note was already deleted.');
      expect(world.valentina.requests.filter((r) => r.method === 'DELETE' && r.path.includes('/notes/'))).toHaveLength(1);
    });

    it('kept to the API contract throughout', () => {
      expect(world.valentina.violations).toEqual([]);
    });
  });
}
