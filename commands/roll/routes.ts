import { ComponentType, TextInputStyle, type ChatInputCommandInteraction, type Interaction, type ModalComponentData } from 'discord.js';
import { z } from 'zod';
import { componentRoute, type CommandRoutes, type ComponentRoute, type SlashRoute } from '../../src/discord/command.js';
import { requireActor } from '../../src/discord/guards.js';
import type { Responder } from '../../src/discord/responder.js';
import { openReroll, postRoll, readRollDraft, retireRoll } from '../../src/discord/roll-post.js';
import { withinBudget } from '../../src/discord/within-budget.js';
import type { Deps } from '../../src/deps.js';
import { ExpiredError } from '../../src/domain/errors.js';
import { checkDicePool, rollDicePool, rollTraits, traitEntries, type RollPlace } from '../../src/domain/pool-rolls.js';
import {
  createQuickroll,
  parseDescription,
  parseQuickrollName,
  QUICKROLL_DESCRIPTION_MAX,
  QUICKROLL_NAME_MAX,
  QUICKROLL_NAME_MIN,
} from '../../src/domain/quickrolls.js';
import { parseComment, parseDifficulty, type RolledPool } from '../../src/domain/rolls.js';
import { renderQuickrollReceipt } from '../../src/render/roll-quickrolls.js';
import { playContext } from '../quickroll/context.js';
import { rerollId, saveId, saveModalId } from './ids.js';
import { TRAIT_OPTIONS } from './options.js';
import { rollTraitNames } from './autocomplete.js';
import { characterNames } from '../quickroll/autocomplete.js';

const DRAFT_KIND = 'roll';
/** A trait roll's "Save as quickroll" outlives its Re-roll window. */
const SAVE_WINDOW_MS = 15 * 60_000;

const TraitLineSchema = z.object({ traitId: z.string(), name: z.string(), value: z.number().int() });

/** What a Re-roll or Save press needs. */
const RollDraftSchema = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('dice'),
    pool: z.number().int(),
    desperation: z.number().int(),
    difficulty: z.number().int(),
    comment: z.string().nullable(),
    private: z.boolean(),
    rolledAt: z.number(),
  }),
  z.object({
    mode: z.literal('traits'),
    traits: z.array(TraitLineSchema),
    characterId: z.string(),
    difficulty: z.number().int(),
    comment: z.string().nullable(),
    private: z.boolean(),
    rolledAt: z.number(),
  }),
]);
type RollDraft = z.infer<typeof RollDraftSchema>;
/** A draft as a roll leaves it (each mode on its own); `postRoll` stamps `rolledAt`. */
type WithoutRolledAt<T> = T extends unknown ? Omit<T, 'rolledAt'> : never;
type DraftPayload = WithoutRolledAt<RollDraft>;

/** The acting member and the campaign the roll counts in: the category's, else the server's, else none. */
async function rollPlace(deps: Deps, interaction: Interaction): Promise<RollPlace> {
  const actor = await requireActor(deps, interaction);
  const campaignId = actor.campaign.campaignId;
  const campaign = campaignId === null ? null : { id: campaignId, name: await deps.directory.campaignName(actor.companyId, actor.link.userId, campaignId) };
  return { companyId: actor.companyId, userId: actor.link.userId, role: actor.link.role, campaign };
}

async function send(deps: Deps, interaction: Interaction, respond: Responder, rolled: RolledPool, payload: DraftPayload): Promise<void> {
  const owner = interaction.user.id;
  const traits = payload.mode === 'traits';
  await postRoll(deps, interaction, respond, rolled, { kind: DRAFT_KIND, payload, ttlMs: traits ? SAVE_WINDOW_MS : undefined }, (draftId) => ({
    reroll: rerollId.encode([draftId], owner),
    ...(traits ? { saveAsQuickroll: saveId.encode([draftId], owner) } : {}),
  }));
}

function traitInputs(interaction: ChatInputCommandInteraction): string[] {
  return traitEntries(TRAIT_OPTIONS.map((name) => interaction.options.getString(name)));
}

export const diceRoute: SlashRoute = {
  // Deferred by hand: input checks answer at once, the rest after a private "thinking…".
  ack: 'none',
  async run(interaction, { deps, respond }) {
    const input = {
      pool: interaction.options.getInteger('pool', true),
      difficulty: interaction.options.getInteger('difficulty'),
      desperation: interaction.options.getInteger('desperation'),
      comment: interaction.options.getString('comment'),
      private: interaction.options.getBoolean('private') ?? false,
    };
    const checked = checkDicePool(input);
    await respond.defer('ephemeral');
    const place = await rollPlace(deps, interaction);
    const rolled = await rollDicePool(deps, place, input, `${interaction.id}:roll`);
    await send(deps, interaction, respond, rolled, { mode: 'dice', ...checked, private: input.private });
  },
};

export const traitsRoute: SlashRoute = {
  ack: 'none',
  async run(interaction, { deps, respond }) {
    const input = {
      traits: traitInputs(interaction),
      character: interaction.options.getString('character'),
      difficulty: interaction.options.getInteger('difficulty'),
      comment: interaction.options.getString('comment'),
      private: interaction.options.getBoolean('private') ?? false,
    };
    parseDifficulty(input.difficulty);
    parseComment(input.comment);
    await respond.defer('ephemeral');
    const ctx = await playContext(deps, interaction);
    const rolled = await rollTraits(deps, ctx, input, `${interaction.id}:roll`);
    await send(deps, interaction, respond, rolled, {
      mode: 'traits',
      traits: rolled.traits,
      characterId: rolled.character.id,
      difficulty: rolled.difficulty,
      comment: rolled.comment,
      private: rolled.private,
    });
  },
};

export const rerollRoute: ComponentRoute = componentRoute(rerollId, {
  ack: 'update',
  async run(interaction, [draftId], { deps, respond }) {
    const draft = await openReroll(deps, interaction, respond, draftId, { kind: DRAFT_KIND, schema: RollDraftSchema, again: '`/roll`' });
    const key = `${interaction.id}:roll`;
    const { rolledAt: _rolledAt, ...again } = draft;
    if (again.mode === 'dice') {
      const rolled = await rollDicePool(deps, await rollPlace(deps, interaction), again, key);
      await retireRoll(deps, respond, draftId);
      await send(deps, interaction, respond, rolled, again);
      return;
    }
    const ctx = await playContext(deps, interaction);
    const rolled = await rollTraits(deps, ctx, { ...again, traits: again.traits.map((t) => t.traitId), character: again.characterId }, key);
    await retireRoll(deps, respond, draftId);
    // The character's values may have changed since: the new draft keeps what was rolled now.
    await send(deps, interaction, respond, rolled, { ...again, traits: rolled.traits });
  },
});

async function savedTraits(deps: Deps, draftId: string) {
  const draft = await readRollDraft(deps, draftId, DRAFT_KIND, RollDraftSchema);
  if (draft?.mode !== 'traits') {
    throw new ExpiredError(`"Save as quickroll" is offered for ${SAVE_WINDOW_MS / 60_000} minutes after a trait roll. Save one with \`/quickroll create\`.`);
  }
  return draft.traits;
}

function suggestedName(traits: readonly { name: string }[]): string | undefined {
  const name = traits.map((t) => t.name).join(' + ').slice(0, QUICKROLL_NAME_MAX).trim();
  return name.length >= QUICKROLL_NAME_MIN ? name : undefined;
}

function saveModal(customId: string, name: string | undefined): ModalComponentData {
  return {
    customId,
    title: 'Save as quickroll',
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            customId: 'name',
            label: `Name (${QUICKROLL_NAME_MIN}-${QUICKROLL_NAME_MAX} characters)`,
            style: TextInputStyle.Short,
            required: true,
            minLength: QUICKROLL_NAME_MIN,
            maxLength: QUICKROLL_NAME_MAX,
            ...(name === undefined ? {} : { value: name }),
          },
        ],
      },
      {
        type: ComponentType.ActionRow,
        components: [
          {
            type: ComponentType.TextInput,
            customId: 'description',
            label: 'What the roll is for (optional)',
            style: TextInputStyle.Paragraph,
            required: false,
            maxLength: QUICKROLL_DESCRIPTION_MAX,
          },
        ],
      },
    ],
  };
}

/** How long "Save as quickroll" may spend checking the member before it opens the form anyway. */
const PRECHECK_BUDGET_MS = 1_200;

export const saveRoute: ComponentRoute = componentRoute(saveId, {
  // The modal must be the first answer: the draft read is one indexed row, the member check is
  // warm after their roll (and the submit checks again).
  ack: 'none',
  async run(interaction, [draftId], { deps, respond }) {
    const traits = await savedTraits(deps, draftId);
    await withinBudget(PRECHECK_BUDGET_MS, async () => {
      await requireActor(deps, interaction);
    });
    await respond.showModal(saveModal(saveModalId.encode([draftId], interaction.user.id), suggestedName(traits)));
  },
});

export const saveModalRoute: ComponentRoute = componentRoute(saveModalId, {
  ack: 'ephemeral',
  async run(interaction, [draftId], { deps, respond }) {
    if (!interaction.isModalSubmit()) return;
    const name = parseQuickrollName(interaction.fields.getTextInputValue('name'));
    const rawDescription = interaction.fields.getTextInputValue('description').trim();
    const description = parseDescription(rawDescription === '' ? null : rawDescription);
    const traits = await savedTraits(deps, draftId);
    const actor = await requireActor(deps, interaction);
    const ctx = { companyId: actor.companyId, userId: actor.link.userId };
    const quickroll = await createQuickroll(deps, ctx, { name, description, traits }, `${interaction.id}:save`);
    await respond.send({ embeds: [renderQuickrollReceipt('Created', { name: quickroll.name, formula: traits.map((t) => t.name).join(' + '), description: quickroll.description })] });
  },
});

export const rollRoutes: CommandRoutes = {
  slash: {
    'roll dice': diceRoute,
    'roll traits': traitsRoute,
  },
  autocomplete: {
    ...Object.fromEntries(TRAIT_OPTIONS.map((name) => [`roll traits#${name}`, rollTraitNames])),
    'roll traits#character': characterNames,
  },
  components: [rerollRoute, saveRoute, saveModalRoute],
};
