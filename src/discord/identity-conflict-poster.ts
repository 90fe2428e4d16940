import type { Client } from 'discord.js';
import type { Deps } from '../deps.js';
import type { IdentityConflictListener } from '../domain/identity.js';
import { renderIdentityConflict } from '../render/identity-conflict.js';
import { postAudit } from './audit.js';

/**
 * Tells the admins of every guild this process serves that is bound to the conflict's company:
 * one post to its audit channel, or its approvals channel when it has no audit channel. Each
 * guild is served by one shard process, so each guild hears once.
 */
export function identityConflictPoster(client: Client, deps: Pick<Deps, 'guilds' | 'log'>): IdentityConflictListener {
  return async (conflict) => {
    const embed = renderIdentityConflict(conflict);
    for (const guildId of client.guilds.cache.keys()) {
      const bound = await deps.guilds.require(guildId).then((g) => g.companyId, () => null);
      if (bound !== conflict.companyId) continue;
      const settings = await deps.guilds.settings(guildId);
      if (settings.auditChannelId !== null) {
        await postAudit(client, deps, guildId, embed);
      } else if (settings.approvalsChannelId !== null) {
        await postTo(client, deps, settings.approvalsChannelId, guildId, embed);
      } else {
        deps.log.warn({ guildId, discordUserId: conflict.discordUserId }, 'identity conflict: no audit or approvals channel to tell');
      }
    }
  };
}

async function postTo(client: Client, deps: Pick<Deps, 'log'>, channelId: string, guildId: string, embed: ReturnType<typeof renderIdentityConflict>): Promise<void> {
  try {
    const channel = await client.channels.fetch(channelId);
    if (channel === null || !channel.isSendable()) return;
    await channel.send({ embeds: [embed], allowedMentions: { parse: [] } });
  } catch (err) {
    deps.log.warn({ err, guildId, channelId }, 'identity conflict post failed');
  }
}
