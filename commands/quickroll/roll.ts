import type { Interaction } from 'discord.js';
import { z } from 'zod';
import { componentRoute, type ComponentRoute, type SlashRoute } from '../../src/discord/command.js';
import type { Responder } from '../../src/discord/responder.js';
import type { Deps } from '../../src/deps.js';
import { ExpiredError } from '../../src/domain/errors.js';
import { parseComment, parseDifficulty, REROLL_WINDOW_MS, rerollOpen, rollQuickroll, type RolledQuickroll, type RollInput } from '../../src/domain/rolls.js';
import { renderRollMessage } from '../../src/render/roll-embed.js';
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
  const now = deps.clock.now();
  const payload: z.infer<typeof RerollDraftSchema> = {
    quickrollId: rolled.quickroll.id,
    characterId: rolled.character.id,
    difficulty: rolled.difficulty,
    comment: rolled.comment,
    private: rolled.private,
    rolledAt: now,
  };
  await deps.store.drafts.put({
    id: interaction.id,
    guildId: interaction.guildId ?? '',
    ownerDiscordId: interaction.user.id,
    kind: DRAFT_KIND,
    payload,
    expiresAt: now + REROLL_WINDOW_MS,
  });
  // Expired re-roll drafts are dead weight; the store's index makes this sweep cheap.
  void deps.store.drafts.deleteExpired(now).catch((err: unknown) => deps.log.debug({ err }, 'draft sweep failed'));
  const message = renderRollMessage(rolled, `<@${interaction.user.id}>`, rerollId.encode([interaction.id], interaction.user.id));
  if (rolled.private) await respond.send(message, { ephemeral: true });
  else await respond.publish(message);
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
    const now = deps.clock.now();
    const draft = await deps.store.drafts.get(draftId, now);
    const parsed = draft === null || draft.kind !== DRAFT_KIND ? undefined : RerollDraftSchema.safeParse(draft.payload).data;
    // The message's own age is checked too, so a draft that outlived its window cannot re-open it.
    const postedAt = interaction.isButton() ? interaction.message.createdTimestamp : now;
    if (parsed === undefined || !rerollOpen(parsed.rolledAt, now) || !rerollOpen(postedAt, now)) {
      await respond.update({ components: [] });
      throw new ExpiredError(`Re-roll is offered for ${REROLL_WINDOW_MS / 1000} seconds after a roll. Roll again with \`/quickroll roll\`.`);
    }
    const ctx = await playContext(deps, interaction);
    const rolled = await rollQuickroll(
      deps,
      ctx,
      { quickroll: parsed.quickrollId, character: parsed.characterId, difficulty: parsed.difficulty, comment: parsed.comment, private: parsed.private },
      `${interaction.id}:roll`,
    );
    // Only the newest result keeps a live button.
    await respond.update({ components: [] });
    await deps.store.drafts.delete(draftId);
    await sendRoll(deps, interaction, respond, rolled);
  },
});
