import type { Client } from 'discord.js';
import { postAudit } from '../../src/discord/audit.js';
import type { Deps } from '../../src/deps.js';
import type { LateSettlement, LateSettlementListener } from '../../src/domain/awards/award-service.js';
import { undoExpiresAt } from '../../src/domain/awards/undo.js';
import { renderAwardAudit } from '../../src/render/award-audit.js';
import { renderLateFailure } from '../../src/render/award-notice.js';
import { renderAwardReceipt, type AwardMessage } from '../../src/render/award-receipt.js';
import type { AwardEntry } from '../../src/store/types.js';
import { undoId } from './ids.js';

/**
 * Reports awards that Valentina confirmed (or finally refused) in the background. The service
 * calls this once per settled entry, so each gets exactly one channel post and one audit post.
 * The channel is the one the award was asked in (kept in memory); after a restart it is unknown
 * and only the audit channel hears.
 */
export function lateSettlementPoster(client: Client, deps: Deps): LateSettlementListener {
  return async ({ outcome, entry, origin }: LateSettlement) => {
    const campaignName = await deps.directory.campaignName(entry.companyId, entry.actorUserId, entry.campaignId);
    if (outcome === 'applied') {
      if (origin !== null) await postToChannel(client, deps, origin.channelId, await lateReceipt(deps, entry, campaignName));
      await postAudit(client, deps, entry.guildId, renderAwardAudit(entry.undoOf === null ? 'confirmed' : 'undo', [entry], campaignName));
      return;
    }
    if (origin !== null) await postToChannel(client, deps, origin.channelId, renderLateFailure(entry, campaignName));
    await postAudit(client, deps, entry.guildId, renderAwardAudit(outcome === 'expired' ? 'unconfirmed' : 'late-refused', [entry], campaignName));
  };
}

async function lateReceipt(deps: Deps, entry: AwardEntry, campaignName: string): Promise<AwardMessage> {
  if (entry.undoOf !== null) {
    const original = await deps.store.awards.get(entry.undoOf);
    if (original !== null) {
      return renderAwardReceipt({
        entry: original,
        campaignName,
        undone: { byDiscordId: entry.actorDiscordId, at: entry.updatedAt, result: entry.result },
        note: 'Valentina confirmed the undo after a delay.',
      });
    }
  }
  const undoable = entry.undoOf === null && deps.clock.now() <= undoExpiresAt([entry]);
  return renderAwardReceipt({
    entry,
    campaignName,
    note: 'Valentina confirmed this after a delay. It was applied once.',
    ...(undoable ? { undoId: undoId.encode([String(entry.id)]) } : {}),
  });
}

async function postToChannel(client: Client, deps: Pick<Deps, 'log'>, channelId: string, message: AwardMessage): Promise<void> {
  try {
    const channel = await client.channels.fetch(channelId);
    if (channel === null || !channel.isSendable()) {
      deps.log.warn({ channelId }, 'late award receipt: channel missing or not sendable');
      return;
    }
    await channel.send({ ...message, allowedMentions: { parse: [] } });
  } catch (err) {
    deps.log.warn({ err, channelId }, 'late award receipt could not be posted');
  }
}
