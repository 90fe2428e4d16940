import type { Quickroll } from '../../src/api/index.js';
import { componentRoute, type ComponentRoute, type SlashRoute } from '../../src/discord/command.js';
import type { Deps } from '../../src/deps.js';
import { AlreadyHandledError } from '../../src/domain/errors.js';
import {
  createQuickroll,
  deleteQuickroll,
  editQuickroll,
  findQuickroll,
  parseDescription,
  parseQuickrollName,
  poolFormula,
  resolveTraits,
  traitPool,
  type PlayContext,
} from '../../src/domain/quickrolls.js';
import {
  renderDeleteConfirm,
  renderDeleteOutcome,
  renderPageButtons,
  renderQuickrollList,
  renderQuickrollReceipt,
  type QuickrollLine,
} from '../../src/render/roll-quickrolls.js';
import { ownerContext, playContext, traitNamesOf, type OwnerContext } from './context.js';
import { deleteId, keepId, pageId } from './ids.js';

/** A delete prompt left alone this long answers "expired" instead of deleting. */
const CONFIRM_WINDOW_MS = 5 * 60_000;

async function lineOf(deps: Deps, ctx: PlayContext, quickroll: Quickroll): Promise<QuickrollLine> {
  const names = await deps.quickrolls.traitNames(ctx);
  return { name: quickroll.name, formula: poolFormula(quickroll, names), description: quickroll.description };
}

async function listMessage(deps: Deps, owner: OwnerContext, ownerDiscordId: string, page: number) {
  const [quickrolls, names] = await Promise.all([deps.quickrolls.quickrolls(owner.companyId, owner.userId), traitNamesOf(deps, owner)]);
  const lines = quickrolls.map((q) => ({ name: q.name, formula: poolFormula(q, names), description: q.description }));
  const { embed, page: shown, pages } = renderQuickrollList(lines, page);
  return { embeds: [embed], components: renderPageButtons(shown, pages, (p) => pageId.encode([String(p)], ownerDiscordId)) };
}

export const createRoute: SlashRoute = {
  ack: 'ephemeral',
  async run(interaction, { deps, respond }) {
    const name = parseQuickrollName(interaction.options.getString('name', true));
    const description = parseDescription(interaction.options.getString('description'));
    const ctx = await playContext(deps, interaction);
    const pool = await traitPool(deps.quickrolls, ctx, interaction.options.getString('character'));
    const traits = resolveTraits(interaction.options.getString('traits', true), pool);
    const quickroll = await createQuickroll(deps, ctx, { name, description, traits }, `${interaction.id}:create`);
    await respond.send({ embeds: [renderQuickrollReceipt('Created', await lineOf(deps, ctx, quickroll))] });
  },
};

export const listRoute: SlashRoute = {
  ack: 'ephemeral',
  async run(interaction, { deps, respond }) {
    const owner = await ownerContext(deps, interaction);
    await respond.send(await listMessage(deps, owner, interaction.user.id, 0));
  },
};

export const editRoute: SlashRoute = {
  ack: 'ephemeral',
  async run(interaction, { deps, respond }) {
    const newName = interaction.options.getString('new-name');
    const rawTraits = interaction.options.getString('traits');
    const rawDescription = interaction.options.getString('description');
    const name = newName === null ? undefined : parseQuickrollName(newName);
    const description = rawDescription === null ? undefined : (parseDescription(rawDescription) ?? undefined);
    const ctx = await playContext(deps, interaction);
    const quickroll = findQuickroll(await deps.quickrolls.quickrolls(ctx.companyId, ctx.userId), interaction.options.getString('name', true));
    const traits = rawTraits === null ? undefined : resolveTraits(rawTraits, await traitPool(deps.quickrolls, ctx, null));
    const updated = await editQuickroll(
      deps,
      ctx,
      quickroll,
      { ...(name === undefined ? {} : { name }), ...(description === undefined ? {} : { description }), ...(traits === undefined ? {} : { traits }) },
      `${interaction.id}:edit`,
    );
    await respond.send({ embeds: [renderQuickrollReceipt('Updated', await lineOf(deps, ctx, updated))] });
  },
};

export const deleteRoute: SlashRoute = {
  ack: 'ephemeral',
  async run(interaction, { deps, respond }) {
    const owner = await ownerContext(deps, interaction);
    const quickroll = findQuickroll(await deps.quickrolls.quickrolls(owner.companyId, owner.userId), interaction.options.getString('name', true));
    const presser = interaction.user.id;
    await respond.send(renderDeleteConfirm(quickroll.name, deleteId.encode([quickroll.id], presser), keepId.encode([quickroll.id], presser)));
  },
};

export const pageRoute: ComponentRoute = componentRoute(pageId, {
  ack: 'update',
  async run(interaction, [page], { deps, respond }) {
    const owner = await ownerContext(deps, interaction);
    await respond.update(await listMessage(deps, owner, interaction.user.id, Number(page)));
  },
});

export const confirmDeleteRoute: ComponentRoute = componentRoute(deleteId, {
  ack: 'update',
  async run(interaction, [quickrollId], { deps, respond }) {
    const ctx = await ownerContext(deps, interaction);
    // Read fresh: another device may have deleted or renamed it since the prompt.
    deps.quickrolls.invalidateQuickrolls(ctx.companyId, ctx.userId);
    const quickroll = (await deps.quickrolls.quickrolls(ctx.companyId, ctx.userId)).find((q) => q.id === quickrollId);
    if (quickroll === undefined) {
      await respond.update({ components: [] });
      throw new AlreadyHandledError('That quickroll is already deleted.');
    }
    const postedAt = interaction.isButton() ? interaction.message.createdTimestamp : deps.clock.now();
    if (deps.clock.now() - postedAt > CONFIRM_WINDOW_MS) {
      await respond.update({ embeds: [renderDeleteOutcome(quickroll.name, 'expired')], components: [] });
      return;
    }
    await deleteQuickroll(deps, ctx, quickroll.id);
    await respond.update({ embeds: [renderDeleteOutcome(quickroll.name, 'deleted')], components: [] });
  },
});

export const keepRoute: ComponentRoute = componentRoute(keepId, {
  ack: 'update',
  async run(interaction, [quickrollId], { deps, respond }) {
    const ctx = await ownerContext(deps, interaction);
    const quickroll = (await deps.quickrolls.quickrolls(ctx.companyId, ctx.userId)).find((q) => q.id === quickrollId);
    await respond.update({ embeds: [renderDeleteOutcome(quickroll?.name ?? 'quickroll', 'cancelled')], components: [] });
  },
});
