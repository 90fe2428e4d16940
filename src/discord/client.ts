import { Client, GatewayIntentBits, Options, Partials, type ClientOptions } from 'discord.js';
import { Agent } from 'undici';
import { InteractionRouteREST } from './interaction-rest.js';

/**
 * Connections to the Discord API at most (both REST managers share the pool). undici's default
 * pool opens a connection per concurrent request without a cap, and with interaction routes off
 * the global limit a burst could leave thousands of idle sockets behind; past the bound, requests queue.
 */
export const DISCORD_MAX_CONNECTIONS = 256;

/**
 * The discord.js client: no privileged intents, and caches bounded so memory does not grow with
 * guild size. Members and users arrive with every interaction, so the bot needs few cached.
 */
export function createDiscordClient(opts: {
  /** Set: interaction-token requests skip @discordjs/rest's 50/s global limit (see InteractionRouteREST). */
  applicationId?: string | undefined;
  apiUrl?: string | undefined;
  cdnUrl?: string | undefined;
  shardCount?: number;
  shardIds?: readonly number[];
}): Client {
  const rest: NonNullable<ClientOptions['rest']> = { agent: new Agent({ connections: DISCORD_MAX_CONNECTIONS }) };
  if (opts.apiUrl !== undefined) rest.api = opts.apiUrl;
  if (opts.cdnUrl !== undefined) rest.cdn = opts.cdnUrl;
  const sharding =
    opts.shardCount !== undefined && opts.shardCount > 0
      ? { shardCount: opts.shardCount, shards: opts.shardIds !== undefined && opts.shardIds.length > 0 ? [...opts.shardIds] : 'auto' as const }
      : {};
  const client = new Client({
    ...sharding,
    // GuildVoiceStates lets a scene award offer everyone in the storyteller's voice channel.
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    partials: [Partials.GuildMember, Partials.User],
    allowedMentions: { parse: [] },
    rest,
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      GuildMessageManager: 0,
      DMMessageManager: 0,
      PresenceManager: 0,
      ReactionManager: 0,
      ReactionUserManager: 0,
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
      GuildScheduledEventManager: 0,
      GuildInviteManager: 0,
      GuildBanManager: 0,
      StageInstanceManager: 0,
      ThreadManager: 0,
      ThreadMemberManager: 0,
      AutoModerationRuleManager: 0,
      ApplicationCommandManager: 0,
      BaseGuildEmojiManager: 0,
      GuildForumThreadManager: 0,
      GuildTextThreadManager: 0,
      EntitlementManager: 0,
      GuildMemberManager: {
        maxSize: 200,
        keepOverLimit: (member) => member.id === member.client.user.id,
      },
      UserManager: {
        maxSize: 1_000,
        keepOverLimit: (user) => user.id === user.client.user.id,
      },
    }),
    sweepers: {
      ...Options.DefaultSweeperSettings,
      users: { interval: 600, filter: () => (user) => user.id !== user.client.user.id },
      guildMembers: { interval: 600, filter: () => (member) => member.id !== member.client.user.id },
    },
  });
  if (opts.applicationId !== undefined) {
    // discord.js builds its REST manager in the constructor and has no option to pass one in:
    // replace it before login (nothing has used it yet) with the same merged options.
    client.rest.clearHashSweeper();
    client.rest.clearHandlerSweeper();
    client.rest = new InteractionRouteREST(client.options.rest ?? {}, opts.applicationId);
  }
  return client;
}
