import { ComponentType, TextInputStyle, type Interaction, type ModalComponentData } from 'discord.js';
import { z } from 'zod';
import { componentRoute, type AutocompleteRoute, type CommandRoutes } from '../../src/discord/command.js';
import { defineComponentId, VALENTINA_ID_ARG } from '../../src/discord/custom-id.js';
import { requireActor, type Actor } from '../../src/discord/guards.js';
import type { Deps } from '../../src/deps.js';
import { matchChoices } from '../../src/domain/directory.js';
import { InvalidInputError, NotFoundInputError, UserFacingError } from '../../src/domain/errors.js';
import { NOTE_LIMITS, pageOfNotes, parseNoteInput } from '../../src/domain/notes.js';
import type { Note } from '../../src/api/index.js';
import { renderNoteDeleteOutcome, renderNoteDeletePrompt } from '../../src/render/note-delete.js';
import { noteSnippet, renderNoteEmbed, renderPrivateNote } from '../../src/render/note-embed.js';
import { renderNoteList } from '../../src/render/note-list.js';
import { truncate } from '../../src/render/theme.js';

/** A modal must be the first answer within 3 s; lookups before it get this long. */
const MODAL_LOOKUP_BUDGET_MS = 1_800;

const objectId = z.string().regex(VALENTINA_ID_ARG);
const pageNumber = z.string().regex(/^\d{1,4}$/);

export const noteCreateId = defineComponentId('note', 'create', 1, z.tuple([]));
export const noteEditId = defineComponentId('note', 'edit', 1, z.tuple([objectId]));
export const noteShareId = defineComponentId('note', 'share', 1, z.tuple([objectId]));
export const notePageId = defineComponentId('note', 'page', 1, z.tuple([pageNumber]));
export const noteDeleteId = defineComponentId('note', 'delete', 1, z.tuple([objectId]));
export const noteKeepId = defineComponentId('note', 'keep', 1, z.tuple([objectId]));

function noteModal(customId: string, heading: string, current?: Pick<Note, 'title' | 'content'>): ModalComponentData {
  const { title, content } = NOTE_LIMITS;
  const input = (id: string, label: string, style: TextInputStyle, min: number, max: number, value: string | undefined, placeholder: string) => ({
    type: ComponentType.ActionRow as const,
    components: [
      {
        type: ComponentType.TextInput as const,
        customId: id,
        label,
        style,
        minLength: min,
        maxLength: max,
        required: true,
        placeholder,
        ...(value === undefined ? {} : { value }),
      },
    ],
  });
  return {
    customId,
    title: heading,
    components: [
      input('title', `Title (${title.min}–${title.max} characters)`, TextInputStyle.Short, title.min, title.max, current?.title, 'Session 12: the Prince\'s ball'),
      input('content', `Content (${content.min}–${content.max} characters, markdown)`, TextInputStyle.Paragraph, content.min, content.max, current?.content, 'What happened, who you met, what you owe…'),
    ],
  };
}

function shareIdFor(note: Note, owner: string): string {
  return noteShareId.encode([note.id], owner);
}

/** The name people see for the sharer: server nickname, then global name, then username. */
function displayNameOf(interaction: Interaction): string {
  const m = interaction.member;
  if (m !== null && 'displayName' in m && typeof m.displayName === 'string') return m.displayName;
  if (m !== null && 'nick' in m && typeof m.nick === 'string' && m.nick !== '') return m.nick;
  return interaction.user.globalName ?? interaction.user.username;
}

/** The look-ups a modal needs, cut off before the modal could no longer be the first answer. */
async function beforeModal<T>(work: Promise<T>): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), MODAL_LOOKUP_BUDGET_MS);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function findNote(deps: Deps, actor: Actor, ref: string): Promise<Note> {
  return deps.notes.find(actor.companyId, actor.link.userId, ref);
}

/** The member's notes whose title matches what was typed; the value is the note id. */
const noteChoices: AutocompleteRoute = {
  async run(interaction, { deps }) {
    const actor = await requireActor(deps, interaction);
    const notes = await deps.notes.list(actor.companyId, actor.link.userId);
    const query = interaction.options.getFocused();
    const matches = matchChoices(notes, query, (n) => n.title, 26);
    const choices = matches.slice(0, 25).map((n) => ({ name: truncate(`${n.title} · ${noteSnippet(n.content, 60)}`, 100), value: n.id }));
    // Discord shows 25 at most; then the last slot says there is more.
    if (matches.length > 25) choices[24] = { name: 'More notes match: keep typing the title…', value: truncate(query.trim() === '' ? '?' : query, 100) };
    return choices;
  },
};

export const noteRoutes: CommandRoutes = {
  slash: {
    'note create': {
      // The modal must be the first answer; the precheck only spares unlinked members a useless form.
      ack: 'none',
      async run(interaction, { deps, respond }) {
        // Only a member-facing refusal stops the form; a slow or failing API is checked again on submit.
        const refused = await beforeModal(requireActor(deps, interaction).then(() => null, (err: unknown) => (err instanceof UserFacingError ? err : null)));
        if (refused instanceof UserFacingError) throw refused;
        await respond.showModal(noteModal(noteCreateId.encode([], interaction.user.id), 'New note'));
      },
    },
    'note list': {
      ack: 'ephemeral',
      async run(interaction, { deps, respond }) {
        const actor = await requireActor(deps, interaction);
        const notes = await deps.notes.list(actor.companyId, actor.link.userId);
        await respond.send(renderNoteList(pageOfNotes(notes, 0), (p) => notePageId.encode([String(p)], interaction.user.id)));
      },
    },
    'note view': {
      ack: 'ephemeral',
      async run(interaction, { deps, respond }) {
        const actor = await requireActor(deps, interaction);
        const found = await findNote(deps, actor, interaction.options.getString('note', true));
        await respond.send(renderPrivateNote(found, shareIdFor(found, interaction.user.id)));
      },
    },
    'note edit': {
      ack: 'none',
      async run(interaction, { deps, respond }) {
        const ref = interaction.options.getString('note', true);
        const found = await beforeModal((async () => findNote(deps, await requireActor(deps, interaction), ref))());
        if (found === 'late') throw new UserFacingError('Valentina answered too slowly to open the edit form in time. Please try again.', 'Try again');
        const max = NOTE_LIMITS.content.max;
        if ([...found.content].length > max) {
          throw new InvalidInputError(
            `**${truncate(found.title, 60)}** is ${[...found.content].length} characters long, more than the ${max} Discord's form can hold, so it cannot be edited here. Edit it in Valentina itself.`,
          );
        }
        await respond.showModal(noteModal(noteEditId.encode([found.id], interaction.user.id), 'Edit note', found));
      },
    },
    'note delete': {
      ack: 'ephemeral',
      async run(interaction, { deps, respond }) {
        const actor = await requireActor(deps, interaction);
        const found = await findNote(deps, actor, interaction.options.getString('note', true));
        const owner = interaction.user.id;
        await respond.send(renderNoteDeletePrompt(found, { confirm: noteDeleteId.encode([found.id], owner), cancel: noteKeepId.encode([found.id], owner) }));
      },
    },
  },
  autocomplete: {
    'note view#note': noteChoices,
    'note edit#note': noteChoices,
    'note delete#note': noteChoices,
  },
  components: [
    componentRoute(noteCreateId, {
      ack: 'ephemeral',
      async run(interaction, _args, { deps, respond }) {
        if (!interaction.isModalSubmit()) return;
        const actor = await requireActor(deps, interaction);
        const input = parseNoteInput({ title: interaction.fields.getTextInputValue('title'), content: interaction.fields.getTextInputValue('content') });
        const created = await deps.notes.create(actor.companyId, actor.link.userId, input, `${interaction.id}:note-create`);
        await respond.send(renderPrivateNote(created, shareIdFor(created, interaction.user.id), 'Saved. Only you can see this note until you share it.'));
      },
    }),
    componentRoute(noteEditId, {
      ack: 'ephemeral',
      async run(interaction, [noteId], { deps, respond }) {
        if (!interaction.isModalSubmit()) return;
        const actor = await requireActor(deps, interaction);
        const input = parseNoteInput({ title: interaction.fields.getTextInputValue('title'), content: interaction.fields.getTextInputValue('content') });
        const updated = await deps.notes.update(actor.companyId, actor.link.userId, noteId, input, `${interaction.id}:note-edit`);
        await respond.send(renderPrivateNote(updated, shareIdFor(updated, interaction.user.id), 'Changes saved. Only you can see this note until you share it.'));
      },
    }),
    componentRoute(notePageId, {
      ack: 'update',
      async run(interaction, [page], { deps, respond }) {
        const actor = await requireActor(deps, interaction);
        const notes = await deps.notes.list(actor.companyId, actor.link.userId);
        await respond.update(renderNoteList(pageOfNotes(notes, Number(page)), (p) => notePageId.encode([String(p)], interaction.user.id)));
      },
    }),
    componentRoute(noteShareId, {
      // Deferred privately, so a refusal never shows the channel anything; the note is then published.
      ack: 'ephemeral',
      async run(interaction, [noteId], { deps, respond }) {
        const actor = await requireActor(deps, interaction);
        const found = await deps.notes.find(actor.companyId, actor.link.userId, noteId, () => new NotFoundInputError('That note no longer exists, so there is nothing to share.'));
        await respond.publish({ embeds: [renderNoteEmbed(found, { sharedBy: displayNameOf(interaction) })] });
      },
    }),
    componentRoute(noteDeleteId, {
      ack: 'update',
      async run(interaction, [noteId], { deps, respond }) {
        const actor = await requireActor(deps, interaction);
        const removed = await deps.notes.remove(actor.companyId, actor.link.userId, noteId);
        await respond.update(renderNoteDeleteOutcome({ kind: 'deleted', title: removed.title }));
      },
    }),
    componentRoute(noteKeepId, {
      // No I/O: the prompt is edited in place as the first answer.
      ack: 'none',
      async run(_interaction, _args, { respond }) {
        await respond.update(renderNoteDeleteOutcome({ kind: 'kept' }));
      },
    }),
  ],
};
