import { ComponentType, TextInputStyle, type ModalComponentData } from 'discord.js';
import { z } from 'zod';
import { componentRoute, type CommandRoutes } from '../../src/discord/command.js';
import { defineComponentId } from '../../src/discord/custom-id.js';
import { requireGuildId } from '../../src/discord/guards.js';
import { identityOf } from '../../src/discord/member-identity.js';
import { DiscordIdConflictError } from '../../src/domain/errors.js';
import { AlreadyRegisteredError, parseRegistration, registerMember } from '../../src/domain/members.js';
import { renderNoticeEmbed } from '../../src/render/error-embed.js';
import { COLORS } from '../../src/render/theme.js';
import { SignInOffError } from '../../src/domain/sign-in/admin-link.js';
import { renderSignInOffer } from '../../src/render/sign-in-offer.js';

/** How long /register may spend checking for an existing link before it shows the modal anyway. */
const PRECHECK_BUDGET_MS = 1_200;

export const registerSubmitId = defineComponentId('register', 'submit', 1, z.tuple([]));

function registrationModal(owner: string): ModalComponentData {
  const field = (customId: string, label: string, placeholder: string, min: number, max: number) => ({
    type: ComponentType.ActionRow as const,
    components: [{ type: ComponentType.TextInput as const, customId, label, placeholder, style: TextInputStyle.Short, minLength: min, maxLength: max, required: true }],
  });
  return {
    customId: registerSubmitId.encode([], owner),
    title: 'Register with Valentina',
    components: [
      field('email', 'Email', 'you@example.com', 3, 254),
      field('name_first', 'First name', 'Your first name', 2, 50),
      field('name_last', 'Last name', 'Your last name', 2, 50),
    ],
  };
}

export const registerRoutes: CommandRoutes = {
  slash: {
    register: {
      // A modal must be the first answer, so nothing slow may run before it.
      ack: 'none',
      async run(interaction, { deps, respond }) {
        const guildId = requireGuildId(interaction);
        const { companyId } = await deps.guilds.require(guildId);
        const existing = await Promise.race([
          deps.identity.resolve(companyId, interaction.user.id).catch(() => undefined),
          new Promise<undefined>((r) => setTimeout(() => r(undefined), PRECHECK_BUDGET_MS).unref()),
        ]);
        if (existing) throw new AlreadyRegisteredError(existing.role);
        if (existing === null && deps.identity.conflictFor(companyId, interaction.user.id) !== null) throw new DiscordIdConflictError();
        // v2 ties a member to a user only through a verified sign-in: a private link to Discord's consent page.
        if (deps.api.wire.capabilities.identify) {
          if (deps.signIn === undefined) throw new SignInOffError(false);
          const offer = await deps.signIn.start({ guildId, companyId, memberDiscordId: interaction.user.id, channelId: interaction.channelId });
          await respond.send(renderSignInOffer(offer), { ephemeral: true });
          return;
        }
        await respond.showModal(registrationModal(interaction.user.id));
      },
    },
  },
  components: [
    componentRoute(registerSubmitId, {
      ack: 'ephemeral',
      async run(interaction, _args, { deps, respond }) {
        if (!interaction.isModalSubmit()) return;
        const guildId = requireGuildId(interaction);
        const { companyId } = await deps.guilds.require(guildId);
        const input = parseRegistration({
          email: interaction.fields.getTextInputValue('email'),
          nameFirst: interaction.fields.getTextInputValue('name_first'),
          nameLast: interaction.fields.getTextInputValue('name_last'),
        });
        const user = await registerMember(deps, companyId, identityOf(interaction.user), input, `register:${interaction.id}`);
        await deps.onRegistered?.({ guildId, companyId, user, discordUserId: interaction.user.id });
        await respond.send({
          embeds: [
            renderNoticeEmbed(
              'Registration sent',
              `Thanks, **${input.nameFirst}**! Your registration is waiting for an admin's approval. You will be able to use the bot once it is approved.`,
              COLORS.success,
            ),
          ],
        });
      },
    }),
  ],
};
