import { PermissionFlagsBits, Status, type ChatInputCommandInteraction } from 'discord.js';
import type { SlashRoute } from '../../src/discord/command.js';
import { requireGuildId } from '../../src/discord/guards.js';
import type { Deps } from '../../src/deps.js';
import { readBotStatus, type ShardView } from '../../src/domain/bot-status.js';
import { PermissionDeniedError } from '../../src/domain/errors.js';
import { roleLabel } from '../../src/domain/roles.js';
import { renderStatusEmbed } from '../../src/render/status-embed.js';

/** Reading the bot's state changes nothing: Manage Server, or a link to an ADMIN user, is enough. */
async function requireStatusRights(deps: Deps, interaction: ChatInputCommandInteraction): Promise<void> {
  const guildId = requireGuildId(interaction);
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true) return;
  const settings = await deps.guilds.settings(guildId);
  const companyId = settings.companyId ?? deps.config.defaultCompanyId ?? null;
  const link = companyId === null ? null : await deps.identity.resolve(companyId, interaction.user.id);
  if (link?.role === 'ADMIN') return;
  const you = link === null ? 'you are not linked' : `you are ${roleLabel(link.role)}`;
  throw new PermissionDeniedError("see the bot's status", `You need Discord's **Manage Server** permission or a link to an ADMIN user; ${you}.`);
}

/** `/setup status`: version, Valentina, pending awards, last recovery, store, shards, uptime. */
export const statusRoute: SlashRoute = {
  ack: 'ephemeral',
  async run(interaction, { deps, respond }) {
    await requireStatusRights(deps, interaction);
    const shards: ShardView[] = [...interaction.client.ws.shards.values()].map((s) => ({ id: s.id, ready: s.status === Status.Ready, pingMs: s.ping }));
    const status = await readBotStatus(deps, shards);
    await respond.send({ embeds: [renderStatusEmbed(status)] });
  },
};
