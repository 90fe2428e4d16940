import { ApplicationCommandOptionType, ApplicationCommandType, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CommandModule } from '../../src/discord/command.js';

const noteOption = {
  name: 'note',
  description: 'The note (start typing its title)',
  type: ApplicationCommandOptionType.String,
  required: true,
  autocomplete: true,
  max_length: 100,
} as const;

const definitions = [
  {
    name: 'note',
    description: 'Your private notes, kept in Valentina',
    type: ApplicationCommandType.ChatInput,
    dm_permission: false,
    options: [
      { name: 'create', description: 'Write a new note', type: ApplicationCommandOptionType.Subcommand },
      { name: 'list', description: 'List your notes', type: ApplicationCommandOptionType.Subcommand },
      { name: 'view', description: 'Read one of your notes (only you see it until you share it)', type: ApplicationCommandOptionType.Subcommand, options: [noteOption] },
      { name: 'edit', description: 'Change the title or content of one of your notes', type: ApplicationCommandOptionType.Subcommand, options: [noteOption] },
      { name: 'delete', description: 'Delete one of your notes (asks first)', type: ApplicationCommandOptionType.Subcommand, options: [noteOption] },
    ],
  },
] as const satisfies readonly RESTPostAPIApplicationCommandsJSONBody[];

export const note: CommandModule = {
  namespace: 'note',
  definitions,
  help: { audience: 'member', example: '/note create' },
  load: async () => (await import('./routes.js')).noteRoutes,
};
