import { ApplicationCommandOptionType, ApplicationCommandType, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CommandModule } from '../../src/discord/command.js';
import { LIMITS } from '../../src/domain/user-limits.js';

const ROLE_CHOICES = [
  { name: 'Player', value: 'PLAYER' },
  { name: 'Storyteller', value: 'STORYTELLER' },
  { name: 'Admin', value: 'ADMIN' },
] as const;

const userOption = (description: string, required: boolean) =>
  ({ name: 'user', description, type: ApplicationCommandOptionType.String, required, autocomplete: true }) as const;

const definitions = [
  {
    name: 'user',
    description: 'Manage the company\'s Valentina users (admins)',
    type: ApplicationCommandType.ChatInput,
    dm_permission: false,
    options: [
      {
        name: 'list',
        description: 'List users, optionally one role',
        type: ApplicationCommandOptionType.Subcommand,
        options: [
          {
            name: 'role',
            description: 'Only users with this role',
            type: ApplicationCommandOptionType.String,
            choices: [...ROLE_CHOICES, { name: 'Awaiting approval', value: 'UNAPPROVED' }],
          },
        ],
      },
      {
        name: 'info',
        description: 'Show one user: by Discord member or by Valentina user',
        type: ApplicationCommandOptionType.Subcommand,
        options: [
          { name: 'member', description: 'A Discord member', type: ApplicationCommandOptionType.User },
          userOption('A Valentina user (type a name, username or email)', false),
        ],
      },
      {
        name: 'create',
        description: 'Create a user (a form asks for username, email and names)',
        type: ApplicationCommandOptionType.Subcommand,
        options: [
          { name: 'role', description: 'The new user\'s role', type: ApplicationCommandOptionType.String, required: true, choices: [...ROLE_CHOICES] },
          { name: 'member', description: 'Link the new user to this Discord member', type: ApplicationCommandOptionType.User },
        ],
      },
      {
        name: 'update',
        description: 'Change a user\'s role, email, username or names',
        type: ApplicationCommandOptionType.Subcommand,
        options: [
          userOption('The user to change (type a name, username or email)', true),
          { name: 'role', description: 'New role', type: ApplicationCommandOptionType.String, choices: [...ROLE_CHOICES] },
          { name: 'email', description: 'New email address', type: ApplicationCommandOptionType.String, min_length: 3, max_length: LIMITS.email.max },
          { name: 'username', description: `New username (${LIMITS.username.min}-${LIMITS.username.max} characters)`, type: ApplicationCommandOptionType.String, min_length: LIMITS.username.min, max_length: LIMITS.username.max },
          { name: 'name-first', description: `New first name (${LIMITS.name.min}-${LIMITS.name.max} characters)`, type: ApplicationCommandOptionType.String, min_length: LIMITS.name.min, max_length: LIMITS.name.max },
          { name: 'name-last', description: `New last name (${LIMITS.name.min}-${LIMITS.name.max} characters)`, type: ApplicationCommandOptionType.String, min_length: LIMITS.name.min, max_length: LIMITS.name.max },
        ],
      },
      {
        name: 'delete',
        description: 'Delete a user (asks for confirmation)',
        type: ApplicationCommandOptionType.Subcommand,
        options: [userOption('The user to delete (type a name, username or email)', true)],
      },
    ],
  },
] as const satisfies readonly RESTPostAPIApplicationCommandsJSONBody[];

export const user: CommandModule = {
  namespace: 'user',
  definitions,
  help: { audience: 'admin', example: '/user info user:pia' },
  load: async () => (await import('./routes.js')).userRoutes,
};
