import { componentRoute, type ComponentRoute } from '../../src/discord/command.js';
import { postAudit } from '../../src/discord/audit.js';
import { NotYoursError } from '../../src/discord/router.js';
import type { Deps } from '../../src/deps.js';
import { mayResend } from '../../src/domain/awards/award-service.js';
import { confirmScene, loadScene, previewScene, retryScene, sceneEntries } from '../../src/domain/awards/scene.js';
import { ExpiredError } from '../../src/domain/errors.js';
import { undoExpiresAt } from '../../src/domain/awards/undo.js';
import { renderAwardAudit } from '../../src/render/award-audit.js';
import { renderSceneReceipt } from '../../src/render/award-receipt.js';
import { renderSceneClosed, renderScenePreview } from '../../src/render/award-scene.js';
import { COLORS } from '../../src/render/theme.js';
import type { AwardEntry } from '../../src/store/types.js';
import { sceneCancelId, sceneConfirmId, scenePickId, sceneRetryId, undoSceneId } from './ids.js';
import { awardActor, originOf, sceneIds } from './shared.js';

/** Retry is offered only while some award may safely be sent again (refused, inside the replay window). */
function receiptButtons(batchId: string, ownerDiscordId: string, entries: readonly AwardEntry[], now: number) {
  return {
    ...(entries.some((e) => mayResend(e, now)) ? { retryId: sceneRetryId.encode([batchId], ownerDiscordId) } : {}),
    ...(entries.length > 0 && now <= undoExpiresAt(entries) ? { undoId: undoSceneId.encode([batchId]) } : {}),
  };
}

/**
 * Only the storyteller who started a scene may pick, confirm, cancel or retry it. The router
 * refuses a custom_id encoded for someone else; this also refuses one whose owner was forged away.
 */
async function requireOwnScene(deps: Pick<Deps, 'store' | 'clock'>, draftId: string, presserId: string): Promise<void> {
  const draft = await loadScene(deps, draftId);
  if (draft.ownerDiscordId !== presserId) throw new NotYoursError();
}

export const sceneRoutes: ComponentRoute[] = [
  componentRoute(scenePickId, {
    ack: 'update',
    async run(interaction, [draftId], { deps, respond }) {
      if (!interaction.isUserSelectMenu()) return;
      const actor = await awardActor(deps, interaction);
      await requireOwnScene(deps, draftId, interaction.user.id);
      const picked = interaction.users.map((u) => ({ id: u.id, bot: u.bot }));
      const draft = await previewScene(deps, draftId, actor.guildId, actor, picked);
      await respond.update(renderScenePreview(draft, sceneIds(draftId, interaction.user.id)));
    },
  }),
  componentRoute(sceneConfirmId, {
    ack: 'update',
    async run(interaction, [draftId], { deps, respond }) {
      const actor = await awardActor(deps, interaction);
      await requireOwnScene(deps, draftId, interaction.user.id);
      const run = await confirmScene(deps, draftId, actor.guildId, actor, originOf(interaction));
      const receipt = renderSceneReceipt({
        entries: run.entries,
        campaignName: run.draft.campaignName,
        ...receiptButtons(run.batchId, interaction.user.id, run.entries, deps.clock.now()),
      });
      const failed = run.entries.filter((e) => e.status === 'FAILED').length;
      const waiting = run.entries.filter((e) => e.status === 'PENDING').length;
      const applied = run.entries.length - failed - waiting;
      const waitingText = waiting > 0 ? ` ${waiting} not confirmed by Valentina yet: the bot keeps trying with the same request, so they can only be applied once, and posts a receipt for each. Do not award them again.` : '';
      await respond.update(
        renderSceneClosed(
          failed > 0 ? 'Scene awarded, with failures' : waiting > 0 ? 'Scene awarded, some not confirmed yet' : 'Scene awarded',
          `${applied} of ${run.entries.length} awarded. The receipt is posted in the channel${failed > 0 ? ', with a button to retry the failures' : ''}.${waitingText}`,
          failed > 0 || waiting > 0 ? COLORS.warning : COLORS.success,
        ),
      );
      // After the private message is updated, the follow-up is the public receipt.
      await respond.send(receipt);
      await postAudit(interaction.client, deps, actor.guildId, renderAwardAudit('scene', run.entries, run.draft.campaignName));
    },
  }),
  componentRoute(sceneCancelId, {
    ack: 'update',
    async run(interaction, [draftId], { deps, respond }) {
      await requireOwnScene(deps, draftId, interaction.user.id);
      await deps.store.drafts.delete(draftId);
      await respond.update(renderSceneClosed('Cancelled', 'Nothing was awarded.'));
    },
  }),
  componentRoute(sceneRetryId, {
    ack: 'update',
    async run(interaction, [batchId], { deps, respond }) {
      const actor = await awardActor(deps, interaction);
      const [first] = await sceneEntries(deps, batchId);
      if (first !== undefined && first.actorDiscordId !== interaction.user.id) throw new NotYoursError();
      const campaignName = first === undefined ? '' : await deps.directory.campaignName(actor.companyId, actor.userId, first.campaignId);
      let retried: Awaited<ReturnType<typeof retryScene>>;
      try {
        retried = await retryScene(deps, batchId, actor, originOf(interaction));
      } catch (err) {
        // A button past its window goes away, so nobody presses it again.
        if (err instanceof ExpiredError && first !== undefined) {
          const entries = await sceneEntries(deps, batchId);
          await respond.update(renderSceneReceipt({ entries, campaignName, ...receiptButtons(batchId, interaction.user.id, entries, deps.clock.now()) }));
        }
        throw err;
      }
      const { entries, freshlyApplied } = retried;
      await respond.update(renderSceneReceipt({ entries, campaignName, ...receiptButtons(batchId, interaction.user.id, entries, deps.clock.now()) }));
      if (freshlyApplied.length > 0) await postAudit(interaction.client, deps, actor.guildId, renderAwardAudit('retry', freshlyApplied, campaignName));
    },
  }),
];

