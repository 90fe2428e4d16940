import type { CommandRoutes } from '../../src/discord/command.js';
import { requireActor } from '../../src/discord/guards.js';
import { renderProfileEmbed } from '../../src/render/profile-embed.js';

export const whoamiRoutes: CommandRoutes = {
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
};
