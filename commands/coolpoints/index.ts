import { ApplicationCommandOptionType, ApplicationCommandType, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CommandModule } from '../../src/discord/command.js';
import { COOL_POINT_XP } from '../../src/domain/xp-policy.js';
import { AMOUNT_OPTION_MAX, campaignOption as campaign, reasonOption as reason } from '../xp/options.js';

const amount = {
  name: 'amount',
  description: `How many cool points (default 1; each also adds ${COOL_POINT_XP} XP)`,
  type: ApplicationCommandOptionType.Integer,
  min_value: 1,
  max_value: AMOUNT_OPTION_MAX,
} as const;

const definitions = [
  {
    name: 'coolpoints',
    description: 'Award cool points (each is worth 10 XP)',
    type: ApplicationCommandType.ChatInput,
    dm_permission: false,
    options: [
      {
        name: 'award',
        description: 'Award cool points to a member',
        type: ApplicationCommandOptionType.Subcommand,
        options: [{ name: 'member', description: 'Who gets the cool points', type: ApplicationCommandOptionType.User, required: true }, amount, reason, campaign],
      },
      {
        name: 'scene',
        description: 'Award cool points to everyone in a scene (up to 25 members)',
        type: ApplicationCommandOptionType.Subcommand,
        options: [amount, reason, campaign],
      },
    ],
  },
] as const satisfies readonly RESTPostAPIApplicationCommandsJSONBody[];

/** Its buttons and selects live in the `xp` namespace, shared with /xp. */
export const coolpoints: CommandModule = {
  namespace: 'coolpoints',
  definitions,
  help: { audience: 'awarder', example: '/coolpoints award member:@Pia reason:Great scene' },
  load: async () => (await import('./routes.js')).coolpointsRoutes,
};
