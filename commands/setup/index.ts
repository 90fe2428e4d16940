import { ApplicationCommandOptionType, ApplicationCommandType, ChannelType, PermissionFlagsBits, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CommandModule } from '../../src/discord/command.js';

export const TEXT_CHANNELS = [ChannelType.GuildText, ChannelType.GuildAnnouncement] as const;
export const MAX_AWARD_LIMIT = 10_000;
/** `/setup campaign` value that removes a category's binding. */
export const SERVER_DEFAULT = 'server-default';

const definitions = [
  {
    name: 'setup',
    description: 'Configure the Valentina bot for this server',
    type: ApplicationCommandType.ChatInput,
    dm_permission: false,
    default_member_permissions: String(PermissionFlagsBits.ManageGuild),
    options: [
      { name: 'show', description: 'Show the current settings', type: ApplicationCommandOptionType.Subcommand },
      {
        name: 'company',
        description: 'Bind this server to a Valentina company',
        type: ApplicationCommandOptionType.Subcommand,
        options: [{ name: 'company', description: 'The company', type: ApplicationCommandOptionType.String, required: true, autocomplete: true }],
      },
      {
        name: 'campaign',
        description: 'Set the default campaign for XP and rolls, server-wide or for one channel category',
        type: ApplicationCommandOptionType.Subcommand,
        options: [
          { name: 'campaign', description: 'The campaign', type: ApplicationCommandOptionType.String, required: true, autocomplete: true },
          {
            name: 'category',
            description: 'Only commands used in this channel category (default: the whole server)',
            type: ApplicationCommandOptionType.Channel,
            channel_types: [ChannelType.GuildCategory],
          },
        ],
      },
      {
        name: 'channels',
        description: 'Set where approval cards and the audit log are posted',
        type: ApplicationCommandOptionType.Subcommand,
        options: [
          { name: 'approvals', description: 'Channel for registration approval cards', type: ApplicationCommandOptionType.Channel, channel_types: [...TEXT_CHANNELS] },
          { name: 'audit', description: 'Channel for the audit log of awards', type: ApplicationCommandOptionType.Channel, channel_types: [...TEXT_CHANNELS] },
          {
            name: 'turn-off',
            description: 'Stop posting to one of the channels',
            type: ApplicationCommandOptionType.String,
            choices: [
              { name: 'approvals', value: 'approvals' },
              { name: 'audit', value: 'audit' },
            ],
          },
        ],
      },
      {
        name: 'xp-policy',
        description: 'Choose who may award XP and the largest single award',
        type: ApplicationCommandOptionType.Subcommand,
        options: [
          {
            name: 'policy',
            description: 'Who may award or remove XP',
            type: ApplicationCommandOptionType.String,
            required: true,
            choices: [
              { name: 'Storytellers and admins only (default)', value: 'STORYTELLER_ONLY' },
              { name: "Follow the company's permission_grant_xp", value: 'FOLLOW_COMPANY' },
            ],
          },
          { name: 'max-award', description: `Largest amount one award may carry (1-${MAX_AWARD_LIMIT})`, type: ApplicationCommandOptionType.Integer, min_value: 1, max_value: MAX_AWARD_LIMIT },
        ],
      },
      { name: 'status', description: "The bot's health: version, Valentina, pending awards, shards, uptime", type: ApplicationCommandOptionType.Subcommand },
    ],
  },
] as const satisfies readonly RESTPostAPIApplicationCommandsJSONBody[];

export const setup: CommandModule = {
  namespace: 'setup',
  definitions,
  help: { audience: 'admin', example: '/setup campaign campaign:Blood and Smoke category:Chronicle Two' },
  load: async () => (await import('./routes.js')).setupRoutes,
};
