import { ApplicationCommandOptionType, ApplicationCommandType, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CommandModule } from '../../src/discord/command.js';

const definitions = [
  {
    name: 'link',
    description: 'Link a member to their existing Valentina user (admins)',
    type: ApplicationCommandType.ChatInput,
    dm_permission: false,
    options: [
      { name: 'member', description: 'The Discord member', type: ApplicationCommandOptionType.User, required: true },
      { name: 'user', description: 'The Valentina user (type a name, username or email)', type: ApplicationCommandOptionType.String, required: true, autocomplete: true },
    ],
  },
] as const satisfies readonly RESTPostAPIApplicationCommandsJSONBody[];

export const link: CommandModule = {
  namespace: 'link',
  definitions,
  help: { audience: 'admin', example: '/link member:@Pia user:pia' },
  load: async () => (await import('./routes.js')).linkRoutes,
};
