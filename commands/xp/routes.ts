import { ComponentType, TextInputStyle, type ModalComponentData } from 'discord.js';
import { componentRoute, type CommandRoutes } from '../../src/discord/command.js';
import { requireGuildId } from '../../src/discord/guards.js';
import { withinBudget } from '../../src/discord/within-budget.js';
import { awardSingle, refuseIfNoOneAwardable } from '../../src/domain/awards/single-award.js';
import { REASON_MAX } from '../../src/domain/awards/award-limits.js';
import { xpRuleFor } from '../../src/domain/awards/award-context.js';
import { InvalidInputError } from '../../src/domain/errors.js';
import { awardModalId } from './ids.js';
import { AWARD_XP_MENU } from './options.js';
import { sceneRoutes } from './scene-routes.js';
import { retryRoutes } from './retry-routes.js';
import { answerSingleAward, awardActor, campaignAutocomplete, originOf, sceneRoute, singleAwardRoute } from './shared.js';
import { undoRoutes } from './undo-routes.js';
import { ledgerRoutes, logRoute, showRoute } from './view-routes.js';
import { exportRoute } from './export-route.js';

/** How long the "Award XP" menu may spend checking permission before it shows the form anyway. */
const PRECHECK_BUDGET_MS = 1_200;

function awardModal(owner: string, targetId: string, targetName: string): ModalComponentData {
  return {
    customId: awardModalId.encode([targetId], owner),
    title: `Award XP to ${targetName}`.slice(0, 45),
    components: [
      {
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.TextInput, customId: 'amount', label: 'Amount of XP', style: TextInputStyle.Short, required: true, minLength: 1, maxLength: 6, placeholder: 'e.g. 3' }],
      },
      {
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.TextInput, customId: 'reason', label: 'Reason (optional)', style: TextInputStyle.Paragraph, required: false, maxLength: REASON_MAX }],
      },
    ],
  };
}

export const xpRoutes: CommandRoutes = {
  slash: {
    'xp award': singleAwardRoute('XP_ADD'),
    'xp remove': singleAwardRoute('XP_REMOVE'),
    'xp scene': sceneRoute('XP_ADD'),
    'xp show': showRoute,
    'xp log': logRoute,
    'xp export': exportRoute,
  },
  autocomplete: {
    'xp award#campaign': campaignAutocomplete,
    'xp remove#campaign': campaignAutocomplete,
    'xp scene#campaign': campaignAutocomplete,
    'xp show#campaign': campaignAutocomplete,
    'xp log#campaign': campaignAutocomplete,
    'xp export#campaign': campaignAutocomplete,
  },
  userMenus: {
    [AWARD_XP_MENU]: {
      // The modal must be the first answer, so the permission check gets a short budget: members
      // who may not award hear so before filling a form; a slow check leaves it to the submit.
      ack: 'none',
      async run(interaction, { deps, respond }) {
        requireGuildId(interaction);
        const target = interaction.targetUser;
        if (target.bot) throw new InvalidInputError('Bots cannot receive XP. Pick a person.');
        await withinBudget(PRECHECK_BUDGET_MS, async () => {
          const actor = await awardActor(deps, interaction);
          refuseIfNoOneAwardable(await xpRuleFor(deps, actor), actor, 'XP_ADD');
        });
        await respond.showModal(awardModal(interaction.user.id, target.id, target.globalName ?? target.username));
      },
    },
  },
  components: [
    componentRoute(awardModalId, {
      // Private until the receipt is published, like /xp award.
      ack: 'ephemeral',
      async run(interaction, [targetId], ctx) {
        if (!interaction.isModalSubmit()) return;
        const actor = await awardActor(ctx.deps, interaction);
        const origin = originOf(interaction);
        await answerSingleAward(interaction, ctx, () =>
          awardSingle(ctx.deps, {
            key: `${interaction.id}:award`,
            actor,
            // Bots were refused before the modal opened; an unlinked id is refused as not linked.
            target: { id: targetId, bot: false },
            kind: 'XP_ADD',
            amount: interaction.fields.getTextInputValue('amount'),
            reason: interaction.fields.getTextInputValue('reason'),
            campaign: null,
            ...(origin === undefined ? {} : { origin }),
          }),
        );
      },
    }),
    ...undoRoutes,
    ...retryRoutes,
    ...sceneRoutes,
    ...ledgerRoutes,
  ],
};
