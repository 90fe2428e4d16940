import { ApplicationCommandOptionType, ApplicationCommandType, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CommandModule } from '../../src/discord/command.js';

const definitions = [
  {
    name: 'approvals',
    description: 'Registrations waiting for an admin\'s approval',
    type: ApplicationCommandType.ChatInput,
    dm_permission: false,
    options: [
      { name: 'list', description: 'Show every registration waiting for approval, with buttons', type: ApplicationCommandOptionType.Subcommand },
      {
        name: 'merge',
        description: 'Merge a registration into the user that person already has',
        type: ApplicationCommandOptionType.Subcommand,
        options: [
          { name: 'pending', description: 'The registration (type a name or email)', type: ApplicationCommandOptionType.String, required: true, autocomplete: true },
          { name: 'into', description: 'The existing user (type a name or email)', type: ApplicationCommandOptionType.String, required: true, autocomplete: true },
        ],
      },
    ],
  },
] as const satisfies readonly RESTPostAPIApplicationCommandsJSONBody[];

export const approvals: CommandModule = {
  namespace: 'approvals',
  definitions,
  help: { audience: 'admin', example: '/approvals list' },
  load: async () => (await import('./routes.js')).approvalsRoutes,
};
