import { ApplicationCommandType, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CommandModule } from '../../src/discord/command.js';

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
  help: { audience: 'member', example: '/whoami' },
  load: async () => (await import('./routes.js')).whoamiRoutes,
};
