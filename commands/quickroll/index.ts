import { ApplicationCommandOptionType, ApplicationCommandType, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CommandModule } from '../../src/discord/command.js';
import {
  QUICKROLL_DESCRIPTION_MAX,
  QUICKROLL_DESCRIPTION_MIN,
  QUICKROLL_NAME_MAX,
  QUICKROLL_NAME_MIN,
} from '../../src/domain/quickrolls.js';
import { COMMENT_MAX, DIFFICULTY_DEFAULT, DIFFICULTY_MAX, DIFFICULTY_MIN } from '../../src/domain/roll-limits.js';

const quickrollOption = {
  name: 'name',
  description: 'Your quickroll (start typing its name)',
  type: ApplicationCommandOptionType.String,
  required: true,
  autocomplete: true,
  max_length: 100,
} as const;

const characterOption = (description: string) =>
  ({ name: 'character', description, type: ApplicationCommandOptionType.String, autocomplete: true, max_length: 100 }) as const;

const traitsOption = (required: boolean) =>
  ({
    name: 'traits',
    description: 'Comma-separated traits, e.g. "Strength, Brawl" (each pick from the list adds one)',
    type: ApplicationCommandOptionType.String,
    required,
    autocomplete: true,
    max_length: 500,
  }) as const;

const descriptionOption = {
  name: 'description',
  description: `What the roll is for (${QUICKROLL_DESCRIPTION_MIN}-${QUICKROLL_DESCRIPTION_MAX} characters)`,
  type: ApplicationCommandOptionType.String,
  min_length: QUICKROLL_DESCRIPTION_MIN,
  max_length: QUICKROLL_DESCRIPTION_MAX,
} as const;

const definitions = [
  {
    name: 'quickroll',
    description: 'Saved dice pools: roll them for your character',
    type: ApplicationCommandType.ChatInput,
    dm_permission: false,
    options: [
      {
        name: 'roll',
        description: 'Roll one of your quickrolls for your character',
        type: ApplicationCommandOptionType.Subcommand,
        options: [
          quickrollOption,
          characterOption('Your character (chosen automatically when you play only one)'),
          {
            name: 'difficulty',
            description: `Difficulty ${DIFFICULTY_MIN}-${DIFFICULTY_MAX} (default ${DIFFICULTY_DEFAULT})`,
            type: ApplicationCommandOptionType.Integer,
            min_value: DIFFICULTY_MIN,
            max_value: DIFFICULTY_MAX,
          },
          { name: 'comment', description: 'What the roll is for', type: ApplicationCommandOptionType.String, max_length: COMMENT_MAX },
          { name: 'private', description: 'Only you see the result (storytellers and admins)', type: ApplicationCommandOptionType.Boolean },
        ],
      },
      {
        name: 'create',
        description: 'Save a dice pool made of your character\'s traits',
        type: ApplicationCommandOptionType.Subcommand,
        options: [
          {
            name: 'name',
            description: `Name of the quickroll (${QUICKROLL_NAME_MIN}-${QUICKROLL_NAME_MAX} characters)`,
            type: ApplicationCommandOptionType.String,
            required: true,
            min_length: QUICKROLL_NAME_MIN,
            max_length: QUICKROLL_NAME_MAX,
          },
          traitsOption(true),
          descriptionOption,
          characterOption('Character whose traits to offer (default: yours)'),
        ],
      },
      { name: 'list', description: 'List your quickrolls', type: ApplicationCommandOptionType.Subcommand },
      {
        name: 'edit',
        description: 'Rename a quickroll or change its traits or description',
        type: ApplicationCommandOptionType.Subcommand,
        options: [
          quickrollOption,
          {
            name: 'new-name',
            description: `New name (${QUICKROLL_NAME_MIN}-${QUICKROLL_NAME_MAX} characters)`,
            type: ApplicationCommandOptionType.String,
            min_length: QUICKROLL_NAME_MIN,
            max_length: QUICKROLL_NAME_MAX,
          },
          traitsOption(false),
          descriptionOption,
        ],
      },
      { name: 'delete', description: 'Delete one of your quickrolls (asks first)', type: ApplicationCommandOptionType.Subcommand, options: [quickrollOption] },
    ],
  },
] as const satisfies readonly RESTPostAPIApplicationCommandsJSONBody[];

export const quickroll: CommandModule = {
  namespace: 'quickroll',
  definitions,
  help: { audience: 'member', example: '/quickroll roll name:Punch difficulty:7' },
  load: async () => (await import('./routes.js')).quickrollRoutes,
};
