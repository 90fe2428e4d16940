import { ButtonStyle, ComponentType, type Interaction } from 'discord.js';
import { componentRoute, type ComponentRoute, type HandlerContext } from '../../src/discord/command.js';
import { postAudit } from '../../src/discord/audit.js';
import { inScope, type AwardActor } from '../../src/domain/awards/award-context.js';
import { mayResend } from '../../src/domain/awards/award-service.js';
import { sceneEntries } from '../../src/domain/awards/scene.js';
import { planUndo, reversalOf, runUndo, singleUndoResult, type UndoPlan } from '../../src/domain/awards/undo.js';
import { AlreadyHandledError, ExpiredError } from '../../src/domain/errors.js';
import { renderAwardAudit } from '../../src/render/award-audit.js';
import { renderAwardReceipt, renderSceneReceipt, type AwardMessage } from '../../src/render/award-receipt.js';
import { renderSceneClosed } from '../../src/render/award-scene.js';
import { renderNoticeEmbed } from '../../src/render/error-embed.js';
import { COLORS } from '../../src/render/theme.js';
import type { AwardEntry } from '../../src/store/types.js';
import { sceneRetryId, undoCoolPointsId, undoId, undoKeepId, undoSceneId } from './ids.js';
import { awardActor, originOf } from './shared.js';

type Scope = 'e' | 's';

/** The awards a button names, if they belong to this guild and its current company. */
async function entriesOf(ctx: HandlerContext, scope: Scope, id: string, actor: AwardActor): Promise<AwardEntry[]> {
  const entry = scope === 'e' && /^\d+$/.test(id) ? await ctx.deps.store.awards.get(Number(id)) : null;
  const entries = scope === 's' ? await sceneEntries(ctx.deps, id) : entry === null ? [] : [entry];
  return entries.every((e) => inScope(e, actor)) ? entries : [];
}

/** Checks the undo; past the window the buttons go away and the presser hears "expired". */
async function planOrExpire(ctx: HandlerContext, entries: AwardEntry[], actor: AwardActor): Promise<UndoPlan> {
  try {
    return planUndo(entries, actor, ctx.deps.clock.now());
  } catch (err) {
    if (err instanceof ExpiredError) await ctx.respond.update({ components: [] });
    throw err;
  }
}

interface UndoDone {
  /** The receipt in its new state. */
  receipt: AwardMessage;
  /** Undo entries this click applied (for the audit channel). */
  applied: AwardEntry[];
  /** Members whose undo failed, for a private note. */
  problems: string[];
}

/** Runs the undo and re-renders the receipt it belongs to. */
async function undoAndRender(ctx: HandlerContext, scope: Scope, id: string, plan: UndoPlan, actor: AwardActor): Promise<UndoDone> {
  const { deps } = ctx;
  const first = plan.entries[0];
  const campaignName = first === undefined ? '' : await deps.directory.campaignName(actor.companyId, actor.userId, first.campaignId);
  const results = await runUndo(deps.awards, plan, actor, originOf(ctx.respond.interaction));
  if (scope === 'e') {
    const [result] = results;
    if (result === undefined) throw new AlreadyHandledError('This award was already undone.');
    const undone = singleUndoResult(result, { campaignName });
    const original = (await deps.store.awards.get(result.original.id)) ?? result.original;
    const receipt = renderAwardReceipt({ entry: original, campaignName, undone: { byDiscordId: actor.discordId, at: undone.updatedAt, result: undone.result } });
    return { receipt, applied: [undone], problems: [] };
  }
  const applied = results.flatMap((r) => (r.outcome.status === 'applied' && r.outcome.fresh ? [r.outcome.entry] : []));
  const problems = results.flatMap((r) => {
    const who = r.original.targetDiscordId === null ? 'A member' : `<@${r.original.targetDiscordId}>`;
    if (r.outcome.status === 'failed') return [`${who}: ${r.outcome.message}`];
    if (r.outcome.status === 'pending') return [`${who}: already being undone`];
    if (r.outcome.status === 'unconfirmed') return [`${who}: not confirmed by Valentina yet; the bot keeps trying with the same request and posts a receipt`];
    return [];
  });
  if (applied.length === 0 && problems.length === 0) throw new AlreadyHandledError('This scene was already undone.');
  const entries = await sceneEntries(deps, id);
  const allUndone = entries.every((e) => e.status !== 'APPLIED');
  const owner = first?.actorDiscordId;
  const receipt = renderSceneReceipt({
    entries,
    campaignName,
    // An undone scene offers no retry: that would award the failed ones after the undo.
    ...(owner === undefined || allUndone || !entries.some((e) => mayResend(e, deps.clock.now())) ? {} : { retryId: sceneRetryId.encode([id], owner) }),
    ...(allUndone ? { undone: { byDiscordId: actor.discordId, at: deps.clock.now() } } : { undoId: undoSceneId.encode([id]) }),
  });
  return { receipt, applied, problems };
}

async function report(interaction: Interaction, ctx: HandlerContext, actor: AwardActor, done: UndoDone): Promise<void> {
  if (done.problems.length > 0) {
    await ctx.respond.whisper({
      embeds: [renderNoticeEmbed('Some awards could not be undone', `${done.problems.join('\n')}\n\nPress Undo again to retry them while the window lasts.`, COLORS.warning)],
    });
  }
  if (done.applied.length === 0) return;
  const campaignName = await ctx.deps.directory.campaignName(actor.companyId, actor.userId, done.applied[0]?.campaignId ?? '');
  await postAudit(interaction.client, ctx.deps, actor.guildId, renderAwardAudit('undo', done.applied, campaignName));
}

/** Cool points cannot be removed: the storyteller confirms that only the converted XP goes. */
async function askCoolPointConfirm(interaction: Interaction, ctx: HandlerContext, scope: Scope, id: string, plan: UndoPlan): Promise<void> {
  if (!interaction.isMessageComponent()) return;
  const xp = plan.entries.reduce((sum, e) => sum + reversalOf(e).amount, 0);
  const points = plan.entries.reduce((sum, e) => sum + (e.kind === 'CP_ADD' ? e.amount : 0), 0);
  const members = plan.entries.length === 1 ? 'the member' : `each of the ${plan.entries.length} members`;
  await ctx.respond.whisper({
    embeds: [
      {
        color: COLORS.warning,
        title: 'Undo cool points?',
        description:
          `Valentina cannot take cool points back. Undo removes only the XP they converted to ` +
          `(${xp} XP in all) from ${members}; the cool-point count stays as it is (${points} awarded here).`,
      },
    ],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Danger, custom_id: undoCoolPointsId.encode([scope, id, interaction.message.id], interaction.user.id), label: `Remove ${xp} XP` },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: undoKeepId.encode([], interaction.user.id), label: 'Keep it' },
        ],
      },
    ],
  });
}

/** Undo pressed on a receipt (single award or scene). */
async function onUndoPressed(interaction: Interaction, ctx: HandlerContext, scope: Scope, id: string): Promise<void> {
  const actor = await awardActor(ctx.deps, interaction);
  const plan = await planOrExpire(ctx, await entriesOf(ctx, scope, id, actor), actor);
  if (plan.coolPoints) {
    await askCoolPointConfirm(interaction, ctx, scope, id, plan);
    return;
  }
  const done = await undoAndRender(ctx, scope, id, plan, actor);
  await ctx.respond.update(done.receipt);
  await report(interaction, ctx, actor, done);
}

export const undoRoutes: ComponentRoute[] = [
  componentRoute(undoId, {
    ack: 'update',
    run: (interaction, [entryId], ctx) => onUndoPressed(interaction, ctx, 'e', entryId),
  }),
  componentRoute(undoSceneId, {
    ack: 'update',
    run: (interaction, [batchId], ctx) => onUndoPressed(interaction, ctx, 's', batchId),
  }),
  componentRoute(undoCoolPointsId, {
    ack: 'update',
    async run(interaction, [scope, id, receiptMessageId], ctx) {
      const actor = await awardActor(ctx.deps, interaction);
      const plan = await planOrExpire(ctx, await entriesOf(ctx, scope, id, actor), actor);
      const done = await undoAndRender(ctx, scope, id, plan, actor);
      try {
        const channel = interaction.channelId === null ? null : await interaction.client.channels.fetch(interaction.channelId);
        if (channel?.isTextBased()) await channel.messages.edit(receiptMessageId, { ...done.receipt, allowedMentions: { parse: [] } });
      } catch (err) {
        ctx.log.info({ err, receiptMessageId }, 'receipt could not be updated after undo');
      }
      await ctx.respond.update(renderSceneClosed('Undone', 'The converted XP was removed; the cool points stay. The receipt now shows the undo.', COLORS.success));
      await report(interaction, ctx, actor, done);
    },
  }),
  componentRoute(undoKeepId, {
    ack: 'update',
    async run(_interaction, _args, ctx) {
      await ctx.respond.update(renderSceneClosed('Kept', 'Nothing was undone.'));
    },
  }),
];
