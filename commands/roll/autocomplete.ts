import type { AutocompleteRoute } from '../../src/discord/command.js';
import { traitChoices } from '../../src/domain/pool-rolls.js';
import { traitPool } from '../../src/domain/quickrolls.js';
import { playContext } from '../quickroll/context.js';
import { TRAIT_OPTIONS } from './options.js';

/**
 * One trait option of `/roll traits`: the traits of the chosen (or only) character with their
 * values, without those already picked in the other trait options. Cached like quickroll traits.
 */
export const rollTraitNames: AutocompleteRoute = {
  async run(interaction, { deps }) {
    const ctx = await playContext(deps, interaction);
    const focused = interaction.options.getFocused(true);
    const pool = await traitPool(deps.quickrolls, ctx, interaction.options.getString('character'));
    const chosen = TRAIT_OPTIONS.filter((name) => name !== focused.name).flatMap((name) => {
      const value = interaction.options.getString(name);
      return value === null ? [] : [value];
    });
    return traitChoices(pool, String(focused.value), chosen);
  },
};
