import { ApplicationCommandType, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CommandModule } from '../../src/discord/command.js';

const definitions = [
  {
    name: 'register',
    description: 'Ask for access to this server\'s Valentina company',
    type: ApplicationCommandType.ChatInput,
    dm_permission: false,
  },
] as const satisfies readonly RESTPostAPIApplicationCommandsJSONBody[];

export const register: CommandModule = {
  namespace: 'register',
  definitions,
  help: { audience: 'newcomer', example: '/register' },
  load: async () => (await import('./routes.js')).registerRoutes,
};
