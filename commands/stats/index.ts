import { ApplicationCommandOptionType, ApplicationCommandType, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CommandModule } from '../../src/discord/command.js';
import { TOP_DEFAULT, TOP_MAX, TOP_MIN } from '../../src/domain/statistics.js';

export const STATS_MENU = 'Roll statistics';

const topOption = {
  name: 'top',
  description: `How many top traits to show (${TOP_MIN}-${TOP_MAX}, default ${TOP_DEFAULT})`,
  type: ApplicationCommandOptionType.Integer,
  min_value: TOP_MIN,
  max_value: TOP_MAX,
} as const;

const shareOption = { name: 'share', description: 'Post in the channel instead of showing only you', type: ApplicationCommandOptionType.Boolean } as const;

const definitions = [
  {
    name: 'stats',
    description: 'Roll statistics with a chart',
    type: ApplicationCommandType.ChatInput,
    dm_permission: false,
    options: [
      {
        name: 'member',
        description: 'A member\'s roll statistics (yours by default)',
        type: ApplicationCommandOptionType.Subcommand,
        options: [{ name: 'member', description: 'Whose statistics (default: you)', type: ApplicationCommandOptionType.User }, topOption, shareOption],
      },
      {
        name: 'campaign',
        description: 'Roll statistics of a whole campaign',
        type: ApplicationCommandOptionType.Subcommand,
        options: [
          { name: 'campaign', description: "The campaign (default: this channel category's, else the server's)", type: ApplicationCommandOptionType.String, autocomplete: true, max_length: 100 },
          topOption,
          shareOption,
        ],
      },
    ],
  },
  { name: STATS_MENU, type: ApplicationCommandType.User, dm_permission: false },
] as const satisfies readonly RESTPostAPIApplicationCommandsJSONBody[];

export const stats: CommandModule = {
  namespace: 'stats',
  definitions,
  help: { audience: 'member', example: '/stats member member:@Pia top:5' },
  load: async () => (await import('./routes.js')).statsRoutes,
};
