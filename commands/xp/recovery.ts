import type { Client } from 'discord.js';
import { postAudit } from '../../src/discord/audit.js';
import type { Deps } from '../../src/deps.js';
import { startPeriodic, type PeriodicTask } from '../../src/shared/periodic.js';

/**
 * Finishes awards a crash or restart left PENDING (see AwardService.recover): those whose lease
 * ran out because their process stopped. Runs once the gateway is ready, so it knows which guilds
 * this process serves. Each outcome is logged and posted to the guild's audit channel.
 */
export async function recoverPendingAwards(client: Client, deps: Deps): Promise<void> {
  const reports = await deps.awards.recover({ ownsGuild: (guildId) => client.guilds.cache.has(guildId) });
  deps.status?.recordRecovery(reports);
  if (reports.length === 0) return;
  // Most passes find nothing: the audit rendering is imported when there is something to post.
  const { renderAwardAudit } = await import('../../src/render/award-audit.js');
  deps.log.info(
    { applied: reports.filter((r) => r.outcome === 'applied').length, failed: reports.filter((r) => r.outcome !== 'applied').length },
    'pending awards recovered',
  );
  for (const { entry, outcome } of reports) {
    if (!client.guilds.cache.has(entry.guildId)) continue;
    const campaignName = await deps.directory.campaignName(entry.companyId, entry.actorUserId, entry.campaignId);
    await postAudit(client, deps, entry.guildId, renderAwardAudit(outcome === 'applied' ? 'recovered' : 'recovery-failed', [entry], campaignName));
  }
}

/**
 * Recovery now and then every `intervalMs`: another process (a shard, or the old process of a
 * rolling restart) may give awards up at any time, not only before this one started.
 */
export function startAwardRecovery(client: Client, deps: Deps, intervalMs: number): PeriodicTask {
  return startPeriodic(() => recoverPendingAwards(client, deps), intervalMs, (err) => deps.log.error({ err }, 'award recovery failed'));
}
