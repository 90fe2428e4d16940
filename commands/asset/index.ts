import { ApplicationCommandOptionType, ApplicationCommandType, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CommandModule } from '../../src/discord/command.js';

export const SAVE_MENU = 'Save attachments as assets';

const definitions = [
  {
    name: 'asset',
    description: 'Files and images kept in Valentina',
    type: ApplicationCommandType.ChatInput,
    dm_permission: false,
    options: [
      {
        name: 'upload',
        description: 'Save a file as an asset',
        type: ApplicationCommandOptionType.Subcommand,
        options: [
          { name: 'file', description: 'The file: an image, PDF or text file', type: ApplicationCommandOptionType.Attachment, required: true },
          { name: 'member', description: 'Save it for another member (storytellers and admins only)', type: ApplicationCommandOptionType.User },
        ],
      },
      {
        name: 'list',
        description: 'Page through saved assets',
        type: ApplicationCommandOptionType.Subcommand,
        options: [{ name: 'member', description: 'Whose assets (yours when left out)', type: ApplicationCommandOptionType.User }],
      },
    ],
  },
  { name: SAVE_MENU, type: ApplicationCommandType.Message, dm_permission: false },
] as const satisfies readonly RESTPostAPIApplicationCommandsJSONBody[];

export const asset: CommandModule = {
  namespace: 'asset',
  definitions,
  help: { audience: 'member', example: '/asset upload file:map.png' },
  load: async () => (await import('./routes.js')).assetRoutes,
};
