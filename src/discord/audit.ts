import type { Client } from 'discord.js';
import type { APIEmbed } from 'discord-api-types/v10';
import type { Deps } from '../deps.js';

/**
 * Posts one embed to the guild's audit channel, when one is set. The audit log is a side
 * channel: a missing channel or permission is logged, never shown to the member.
 */
export async function postAudit(client: Client, deps: Pick<Deps, 'guilds' | 'log'>, guildId: string, embed: APIEmbed): Promise<void> {
  try {
    const { auditChannelId } = await deps.guilds.settings(guildId);
    if (auditChannelId === null) return;
    const channel = await client.channels.fetch(auditChannelId);
    if (channel === null || !channel.isSendable()) {
      deps.log.warn({ guildId, auditChannelId }, 'audit channel missing or not a text channel');
      return;
    }
    await channel.send({ embeds: [embed], allowedMentions: { parse: [] } });
  } catch (err) {
    deps.log.warn({ err, guildId }, 'audit post failed');
  }
}
