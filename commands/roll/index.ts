import { ApplicationCommandOptionType, ApplicationCommandType, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CommandModule } from '../../src/discord/command.js';
import { COMMENT_MAX, DESPERATION_MAX, DESPERATION_MIN, DIFFICULTY_DEFAULT, DIFFICULTY_MAX, DIFFICULTY_MIN, POOL_MAX, POOL_MIN } from '../../src/domain/roll-limits.js';
import { TRAIT_OPTIONS } from './options.js';

const difficultyOption = {
  name: 'difficulty',
  description: `Difficulty ${DIFFICULTY_MIN}-${DIFFICULTY_MAX} (default ${DIFFICULTY_DEFAULT})`,
  type: ApplicationCommandOptionType.Integer,
  min_value: DIFFICULTY_MIN,
  max_value: DIFFICULTY_MAX,
} as const;
const commentOption = { name: 'comment', description: 'What the roll is for', type: ApplicationCommandOptionType.String, max_length: COMMENT_MAX } as const;
const privateOption = { name: 'private', description: 'Only you see the result (storytellers and admins)', type: ApplicationCommandOptionType.Boolean } as const;

const traitOptions = TRAIT_OPTIONS.map(
  (name, i) =>
    ({
      name,
      description: i === 0 ? "A trait of your character (pick from the list; its value adds dice)" : 'Another trait to add to the pool',
      type: ApplicationCommandOptionType.String,
      required: i === 0,
      autocomplete: true,
      max_length: 100,
    }) as const,
);

const definitions = [
  {
    name: 'roll',
    description: "Roll dice: a pool you choose, or your character's traits",
    type: ApplicationCommandType.ChatInput,
    dm_permission: false,
    options: [
      {
        name: 'dice',
        description: 'Roll a pool of d10s against a difficulty',
        type: ApplicationCommandOptionType.Subcommand,
        options: [
          { name: 'pool', description: `How many dice (${POOL_MIN}-${POOL_MAX})`, type: ApplicationCommandOptionType.Integer, required: true, min_value: POOL_MIN, max_value: POOL_MAX },
          difficultyOption,
          {
            name: 'desperation',
            description: `Desperation dice rolled with the pool (${DESPERATION_MIN}-${DESPERATION_MAX}, default 0)`,
            type: ApplicationCommandOptionType.Integer,
            min_value: DESPERATION_MIN,
            max_value: DESPERATION_MAX,
          },
          commentOption,
          privateOption,
        ],
      },
      {
        name: 'traits',
        description: "Roll your character's traits: the pool is their values added up",
        type: ApplicationCommandOptionType.Subcommand,
        options: [
          ...traitOptions.slice(0, 1),
          difficultyOption,
          { name: 'character', description: 'Your character (chosen automatically when you play only one)', type: ApplicationCommandOptionType.String, autocomplete: true, max_length: 100 },
          ...traitOptions.slice(1),
          commentOption,
          privateOption,
        ],
      },
    ],
  },
] as const satisfies readonly RESTPostAPIApplicationCommandsJSONBody[];

export const roll: CommandModule = {
  namespace: 'roll',
  definitions,
  help: { audience: 'member', example: '/roll dice pool:7 difficulty:6 desperation:2' },
  load: async () => (await import('./routes.js')).rollRoutes,
};
