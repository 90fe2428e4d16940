import type { ApplicationCommandOptionChoiceData, AutocompleteInteraction } from 'discord.js';
import type { AutocompleteRoute } from '../../src/discord/command.js';
import type { Deps } from '../../src/deps.js';
import { characterLabel, rollableCharacters } from '../../src/domain/characters.js';
import { matchChoices } from '../../src/domain/directory.js';
import { suggestTraits, traitPool } from '../../src/domain/quickrolls.js';
import { truncate } from '../../src/render/theme.js';
import { playContext } from './context.js';

const CHOICE_MAX = 100;

/** The invoker's quickrolls matching what is typed; the value is the quickroll id. */
export const quickrollNames: AutocompleteRoute = {
  async run(interaction, { deps }) {
    const ctx = await playContext(deps, interaction);
    const quickrolls = await deps.quickrolls.quickrolls(ctx.companyId, ctx.userId);
    warmSingleCharacter(deps, interaction, ctx);
    return matchChoices(quickrolls, interaction.options.getFocused(), (q) => q.name).map((q) => ({
      name: truncate(q.description === null ? q.name : `${q.name} · ${q.description}`, CHOICE_MAX),
      value: q.id,
    }));
  },
};

/** The characters the invoker may roll for; the value is the character id. */
export const characterNames: AutocompleteRoute = {
  async run(interaction, { deps }) {
    const ctx = await playContext(deps, interaction);
    const characters = rollableCharacters(await deps.quickrolls.characters(ctx.companyId, ctx.userId, ctx.campaignId), ctx.role);
    return matchChoices(characters, interaction.options.getFocused(), characterLabel).map((c) => ({
      name: truncate(c.type === 'PLAYER' ? characterLabel(c) : `${characterLabel(c)} · ${c.type.toLowerCase()}`, CHOICE_MAX),
      value: c.id,
    }));
  },
};

/** Traits of the chosen (or only) character, each suggestion appending one to the comma-separated list. */
export const traitNames: AutocompleteRoute = {
  async run(interaction, { deps }): Promise<ApplicationCommandOptionChoiceData[]> {
    const ctx = await playContext(deps, interaction);
    const character = interaction.options.getString('character');
    const pool = await traitPool(deps.quickrolls, ctx, character);
    return suggestTraits(interaction.options.getFocused(), pool);
  },
};

/**
 * A member with one character will roll for it: load its traits while they pick a quickroll,
 * so the roll itself costs one API call. Failures only mean a colder roll.
 */
function warmSingleCharacter(deps: Deps, interaction: AutocompleteInteraction, ctx: Awaited<ReturnType<typeof playContext>>): void {
  if (interaction.options.getSubcommand(false) !== 'roll') return;
  void (async () => {
    const characters = rollableCharacters(await deps.quickrolls.characters(ctx.companyId, ctx.userId, ctx.campaignId), ctx.role);
    const [only, ...rest] = characters;
    if (only !== undefined && rest.length === 0) await deps.quickrolls.traits(ctx.companyId, ctx.userId, ctx.campaignId, only.id);
  })().catch((err: unknown) => deps.log.debug({ err }, 'quickroll warm-up failed'));
}
