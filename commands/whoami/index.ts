import { ApplicationCommandType, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CommandModule } from '../../src/discord/command.js';
import { requireActor } from '../../src/discord/guards.js';
import { renderProfileEmbed } from '../../src/render/profile-embed.js';

const definitions = [
  {
    name: 'whoami',
    description: 'Show your Valentina user, role and XP per campaign',
    type: ApplicationCommandType.ChatInput,
    dm_permission: false,
  },
] as const satisfies readonly RESTPostAPIApplicationCommandsJSONBody[];

export const whoami: CommandModule = {
  namespace: 'whoami',
  definitions,
  slash: {
    whoami: {
      ack: 'ephemeral',
      async run(interaction, { deps, respond }) {
        const actor = await requireActor(deps, interaction, { allowUnapproved: true });
        const [user, campaigns] = await Promise.all([
          deps.api.users(actor.companyId).get(actor.link.userId),
          actor.link.role === 'UNAPPROVED' ? Promise.resolve([]) : deps.directory.listCampaigns(actor.companyId, actor.link.userId).catch(() => []),
        ]);
        const names = new Map(campaigns.map((c) => [c.id, c.name]));
        await respond.send({ embeds: [renderProfileEmbed(user, (id) => names.get(id) ?? 'Unknown campaign', `<@${interaction.user.id}>`)] });
      },
    },
  },
  help: { audience: 'member', example: '/whoami' },
};
