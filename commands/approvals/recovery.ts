import type { Client } from 'discord.js';
import type { Deps } from '../../src/deps.js';
import { loadPending, recoverUnsettledApprovals } from '../../src/domain/approvals.js';
import { startPeriodic, type PeriodicTask } from '../../src/shared/periodic.js';

/** How often cards a stopped process left "checking with Valentina" are looked for. */
export const APPROVAL_RECOVERY_INTERVAL_MS = 60_000;

/**
 * Settles approval cards whose process stopped while checking an unconfirmed decision (a deploy
 * within its 15 s read-back), for the guilds this process serves: the card becomes its receipt,
 * or reopens with a note when the decision was not applied.
 */
export async function recoverApprovalCards(client: Client, deps: Deps): Promise<void> {
  const recovered = await recoverUnsettledApprovals(deps, {
    ownsGuild: (guildId) => client.guilds.cache.has(guildId),
    companyOf: (guildId) => deps.guilds.require(guildId).then((g) => g.companyId, () => null),
  });
  if (recovered.length === 0) return;
  // Most passes find nothing: the card rendering is imported when there is a card to settle.
  const [{ renderApprovalCard }, { renderRecoveredReceipt }, { cardIds }] = await Promise.all([
    import('../../src/render/approval-card.js'),
    import('../../src/render/approval-receipt.js'),
    import('./ids.js'),
  ]);
  for (const { card, companyId, outcome } of recovered) {
    if (outcome === 'applied') {
      await deps.approvals?.settle(card, renderRecoveredReceipt(card));
      continue;
    }
    const pending = await loadPending(deps, companyId, card.userId).catch(() => null);
    if (pending === null) continue;
    const note = 'The last decision on this card was not applied by Valentina (checked after a restart); decide again.';
    await deps.approvals?.settle(card, renderApprovalCard(pending, cardIds(pending.id, 'c'), undefined, null, note));
  }
}

/** Recovery now and then every `intervalMs`, one pass at a time. */
export function startApprovalRecovery(client: Client, deps: Deps, intervalMs = APPROVAL_RECOVERY_INTERVAL_MS): PeriodicTask {
  return startPeriodic(() => recoverApprovalCards(client, deps), intervalMs, (err) => deps.log.warn({ err }, 'approval recovery failed'));
}
