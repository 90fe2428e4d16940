import type { Interaction } from 'discord.js';
import { z } from 'zod';
import { componentRoute, type ComponentRoute, type SlashRoute } from '../../src/discord/command.js';
import type { Responder } from '../../src/discord/responder.js';
import type { Deps } from '../../src/deps.js';
import { parseComment, parseDifficulty, rollQuickroll, type RolledQuickroll, type RollInput } from '../../src/domain/rolls.js';
import { openReroll, postRoll, retireRoll } from '../../src/discord/roll-post.js';
import { playContext } from './context.js';
import { rerollId } from './ids.js';

const DRAFT_KIND = 'quickroll-reroll';

/** What a Re-roll press needs; kept in the drafts store because the comment is free text. */
const RerollDraftSchema = z.object({
  quickrollId: z.string(),
  characterId: z.string(),
  difficulty: z.number().int(),
  comment: z.string().nullable(),
  private: z.boolean(),
  rolledAt: z.number(),
});

/** Posts a roll with its Re-roll button (usable by the roller for REROLL_WINDOW_MS). */
async function sendRoll(deps: Deps, interaction: Interaction, respond: Responder, rolled: RolledQuickroll): Promise<void> {
  const payload: Omit<z.infer<typeof RerollDraftSchema>, 'rolledAt'> = {
    quickrollId: rolled.quickroll.id,
    characterId: rolled.character.id,
    difficulty: rolled.difficulty,
    comment: rolled.comment,
    private: rolled.private,
  };
  await postRoll(deps, interaction, respond, rolled, { kind: DRAFT_KIND, payload }, (draftId) => ({
    reroll: rerollId.encode([draftId], interaction.user.id),
  }));
}

export const rollRoute: SlashRoute = {
  // Deferred by hand below, privately, after the input checks.
  ack: 'none',
  async run(interaction, { deps, respond }) {
    const input: RollInput = {
      quickroll: interaction.options.getString('name', true),
      character: interaction.options.getString('character'),
      difficulty: interaction.options.getInteger('difficulty'),
      comment: interaction.options.getString('comment'),
      private: interaction.options.getBoolean('private') ?? false,
    };
    // Checks without I/O answer before the defer; the rest answer a private "thinking…", and a
    // public roll is published only once it is made.
    parseDifficulty(input.difficulty);
    parseComment(input.comment);
    await respond.defer('ephemeral');
    const ctx = await playContext(deps, interaction);
    const rolled = await rollQuickroll(deps, ctx, input, `${interaction.id}:roll`);
    await sendRoll(deps, interaction, respond, rolled);
  },
};

export const rerollRoute: ComponentRoute = componentRoute(rerollId, {
  ack: 'update',
  async run(interaction, [draftId], { deps, respond }) {
    const parsed = await openReroll(deps, interaction, respond, draftId, { kind: DRAFT_KIND, schema: RerollDraftSchema, again: '`/quickroll roll`' });
    const ctx = await playContext(deps, interaction);
    const rolled = await rollQuickroll(
      deps,
      ctx,
      { quickroll: parsed.quickrollId, character: parsed.characterId, difficulty: parsed.difficulty, comment: parsed.comment, private: parsed.private },
      `${interaction.id}:roll`,
    );
    await retireRoll(deps, respond, draftId);
    await sendRoll(deps, interaction, respond, rolled);
  },
});
