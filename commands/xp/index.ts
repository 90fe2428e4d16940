import { ApplicationCommandOptionType, ApplicationCommandType, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CommandModule } from '../../src/discord/command.js';
import { AMOUNT_OPTION_MAX, AWARD_XP_MENU, campaignOption, reasonOption, XP_NAMESPACE } from './options.js';

const member = (description: string, required: boolean) => ({ name: 'member', description, type: ApplicationCommandOptionType.User, required }) as const;
const amount = (description: string, required: boolean) =>
  ({ name: 'amount', description, type: ApplicationCommandOptionType.Integer, required, min_value: 1, max_value: AMOUNT_OPTION_MAX }) as const;

const definitions = [
  {
    name: 'xp',
    description: 'Award, remove and review experience',
    type: ApplicationCommandType.ChatInput,
    dm_permission: false,
    options: [
      {
        name: 'award',
        description: 'Award XP to a member',
        type: ApplicationCommandOptionType.Subcommand,
        options: [member('Who gets the XP', true), amount('How much XP', true), reasonOption, campaignOption],
      },
      {
        name: 'remove',
        description: "Remove XP from a member (it must not exceed what they have)",
        type: ApplicationCommandOptionType.Subcommand,
        options: [member('Whose XP', true), amount('How much XP', true), reasonOption, campaignOption],
      },
      {
        name: 'scene',
        description: 'Award XP to everyone in a scene (up to 25 members)',
        type: ApplicationCommandOptionType.Subcommand,
        options: [amount('How much XP each', true), reasonOption, campaignOption],
      },
      {
        name: 'show',
        description: 'Show XP and cool points (yours, or anyone for storytellers)',
        type: ApplicationCommandOptionType.Subcommand,
        options: [member('Whose XP (default: yours)', false), campaignOption],
      },
      {
        name: 'log',
        description: 'The XP ledger with reasons, newest first',
        type: ApplicationCommandOptionType.Subcommand,
        options: [member('Whose ledger (default: yours; everyone for storytellers)', false), campaignOption],
      },
      {
        name: 'export',
        description: 'Download the XP ledger as a spreadsheet (CSV)',
        type: ApplicationCommandOptionType.Subcommand,
        options: [member('Whose ledger (default: yours; everyone for storytellers)', false), campaignOption],
      },
    ],
  },
  { name: AWARD_XP_MENU, type: ApplicationCommandType.User, dm_permission: false },
] as const satisfies readonly RESTPostAPIApplicationCommandsJSONBody[];

export const xp: CommandModule = {
  namespace: XP_NAMESPACE,
  definitions,
  help: { audience: 'awarder', audiences: { 'xp show': 'member', 'xp log': 'member' }, example: '/xp award member:@Pia amount:3 reason:Saved the coterie' },
  load: async () => (await import('./routes.js')).xpRoutes,
};
