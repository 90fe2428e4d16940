import { PermissionFlagsBits } from 'discord.js';
import type { CommandRoutes } from '../../src/discord/command.js';
import { requireGuildId } from '../../src/discord/guards.js';
import { identityOf } from '../../src/discord/member-identity.js';
import { mayBootstrapAdmin } from '../../src/domain/admin-bootstrap.js';
import { matchChoices } from '../../src/domain/directory.js';
import { InvalidInputError, NotFoundInputError, PermissionDeniedError } from '../../src/domain/errors.js';
import { displayName, linkMember } from '../../src/domain/members.js';
import { roleLabel } from '../../src/domain/roles.js';
import { renderNoticeEmbed } from '../../src/render/error-embed.js';
import { COLORS } from '../../src/render/theme.js';
import { linkBySignIn } from './sign-in-link.js';

export const linkRoutes: CommandRoutes = {
  slash: {
    link: {
      ack: 'ephemeral',
      async run(interaction, { deps, respond }) {
        const guildId = requireGuildId(interaction);
        const { companyId } = await deps.guilds.require(guildId);
        const member = interaction.options.getUser('member', true);
        const userId = interaction.options.getString('user', true).trim();
        if (member.bot) throw new InvalidInputError('Bots cannot be linked to Valentina users. Pick a person.');
        const users = await deps.directory.listUsers(companyId);
        const target = users.find((u) => u.id === userId);
        if (target === undefined) throw new NotFoundInputError('No Valentina user matches that choice. Pick one from the list while typing a name, username or email.');

        let requestingUserId: string;
        const self = await deps.identity.resolve(companyId, interaction.user.id);
        if (self !== null && self.role === 'ADMIN') {
          requestingUserId = self.userId;
        } else if (
          interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true &&
          member.id === interaction.user.id &&
          target.role === 'ADMIN' &&
          (await mayBootstrapAdmin(deps, guildId, companyId))
        ) {
          // First-run: the server manager claims the company's first admin user for themselves.
          requestingUserId = target.id;
        } else {
          const you = self === null ? '' : ` You are ${roleLabel(self.role)}.`;
          throw new PermissionDeniedError(
            'link members to users',
            `Only members linked to an ADMIN user may.${you} On first run, someone with Manage Server may link themselves to an ADMIN user.`,
          );
        }
        // v2: profiles are not writable; the member's verified Discord identity decides.
        if (!deps.api.wire.capabilities.writableProfiles) {
          await linkBySignIn(interaction, { deps, respond }, { guildId, companyId, member, target });
          return;
        }
        const { user, previousUserId } = await linkMember(deps, companyId, requestingUserId, target.id, identityOf(member), `link:${interaction.id}`);
        const previous = previousUserId === null ? '' : `\nTheir Discord account was taken off the user they were linked to before, so only this user carries it now.`;
        await respond.send({
          embeds: [renderNoticeEmbed('Linked', `<@${member.id}> now acts as **${displayName(user)}** (${roleLabel(user.role)}).${previous}`, COLORS.success)],
        });
      },
    },
  },
  autocomplete: {
    'link#user': {
      async run(interaction, { deps }) {
        const guildId = requireGuildId(interaction);
        const { companyId } = await deps.guilds.require(guildId);
        // The company's user list is for those who may link: admins, and on first run the server manager.
        const self = await deps.identity.resolve(companyId, interaction.user.id);
        const mayLink =
          self?.role === 'ADMIN' ||
          (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true && (await mayBootstrapAdmin(deps, guildId, companyId)));
        if (!mayLink) return [];
        const users = await deps.directory.listUsers(companyId);
        const query = interaction.options.getFocused();
        return matchChoices(users, query, (u) => `${displayName(u)} ${u.email}`).map((u) => ({
          name: `${displayName(u)} · ${roleLabel(u.role)}${u.discord_profile?.id ? ' · linked' : ''}`.slice(0, 100),
          value: u.id,
        }));
      },
    },
  },
};
