/**
 * A faithful fake Discord for end-to-end tests, fault tests and benchmarks: REST v10, a JSON gateway
 * and a CDN on 127.0.0.1, driven by the bot's real discord.js `Client`.
 *
 * ```ts
 * const discord = await startFakeDiscord({ token: 'x', applicationId: '1234567890123456789' });
 * const guild = discord.addGuild({ name: 'Camarilla' });
 * const alice = discord.addUser({ username: 'alice' });
 * discord.addMember(guild.id, alice);
 * // new Client({ rest: { api: discord.apiUrl, cdn: discord.cdnUrl }, … }).login('x')
 * await discord.waitForReady();
 * const h = discord.slash('whoami', { user: alice });
 * expect((await h.response()).type).toBe(4);
 * ```
 */
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ChannelType,
  GatewayIntentBits,
  GatewayOpcodes,
  MessageType,
  PermissionFlagsBits,
  type RoleFlags,
  type APIAttachment,
  type APIGuildMember,
  type APIMessage,
  type APIRole,
  type APIUser,
} from 'discord-api-types/v10';
import { createCdnHandler, type CdnRequest } from './cdn.js';
import { FakeGateway, type GatewaySession } from './gateway.js';
import { Interactions, waitForChange, type InteractionContext, type InteractionHandle, type OptionValue, type SelectKind } from './interactions.js';
import { MessageFactory } from './messages.js';
import { RestRouter, type RecordedRequest, type RestFault } from './rest.js';
import { registerRoutes } from './routes.js';
import { SnowflakeGenerator } from './snowflake.js';
import { FakeOAuth } from './oauth.js';
import { DEFAULT_EVERYONE_PERMISSIONS, World, type FakeChannel, type GuildRecord } from './world.js';

export type { CdnRequest } from './cdn.js';
export type { InteractionContext, InteractionHandle, InteractionRejection, InteractionResponseRecord, OptionValue, SelectKind } from './interactions.js';
export type { RecordedRequest, RestFault } from './rest.js';
export type { FakeChannel } from './world.js';
export type { FakeOAuth, FakeOAuthApp, OAuthIdentityCheck } from './oauth.js';

/** Options for {@link startFakeDiscord}. */
export interface StartFakeDiscordOptions {
  /** The bot token the client must present (REST `Authorization: Bot …`, gateway IDENTIFY/RESUME). */
  token: string;
  /** The application id (a snowflake); also the default bot user id. */
  applicationId: string;
  botUser?: { id?: string; username?: string; globalName?: string | null };
  /** Delay before every REST answer (loopback is otherwise ~0 ms). */
  latencyMs?: number;
  /** Callbacks later than this after dispatch get 404 10062 (Discord: 3000). */
  interactionDeadlineMs?: number;
  /** HELLO heartbeat_interval (Discord: 41250). */
  heartbeatIntervalMs?: number;
  /** Privileged intents enabled for the application in the developer portal (default none: IDENTIFY with them closes 4014). */
  privilegedIntents?: number;
  /** Guild-level permissions of the bot's managed role in every guild (default: a typical invite). */
  botPermissions?: bigint;
  /** How long a dropped session stays resumable and keeps queueing events (default 5 min). */
  resumeWindowMs?: number;
}

/** A role to create. `permissions` is a bitfield (bigint or decimal string). */
export interface RoleInput {
  id?: string;
  name: string;
  permissions?: bigint | string;
  position?: number;
  color?: number;
}

export type ChannelKind = 'text' | 'voice' | 'category' | 'stage' | 'forum' | 'announcement';

export interface ChannelInput {
  id?: string;
  name: string;
  /** Default `'text'`. */
  type?: ChannelKind | ChannelType;
  parentId?: string;
  topic?: string;
}

export interface GuildInput {
  id?: string;
  name: string;
  /** Owner user id (created as a member when it is a known user; otherwise a user "owner" is created). */
  ownerId?: string;
  /** Default: `general` (text) and `General` (voice). */
  channels?: ChannelInput[];
  roles?: RoleInput[];
  /** @everyone permissions (default: what a new server grants). */
  everyonePermissions?: bigint | string;
  /** Reported member_count (e.g. 10_000) regardless of how many members the fake holds. */
  memberCount?: number;
  /**
   * Members carried in GUILD_CREATE: `'minimal'` (default: the bot and members in voice, as Discord
   * sends without the GUILD_MEMBERS intent), `'all'`, or the first N.
   */
  guildCreateMembers?: 'minimal' | 'all' | number;
}

/** A guild in the fake, with live views of its channels and roles. */
export interface FakeGuild {
  readonly id: string;
  readonly name: string;
  readonly ownerId: string;
  /** The @everyone role id (equals the guild id). */
  readonly everyoneRoleId: string;
  /** The bot's managed role. */
  readonly botRoleId: string;
  readonly channels: FakeChannel[];
  readonly roles: APIRole[];
  /** First text channel id. */
  readonly textChannelId: string;
  /** First voice channel id, if any. */
  readonly voiceChannelId: string | undefined;
  /** Channel by name (throws if missing). */
  channel(name: string): FakeChannel;
  /** Role by name (throws if missing). */
  role(name: string): APIRole;
}

const CHANNEL_KINDS: Record<ChannelKind, ChannelType> = {
  text: ChannelType.GuildText,
  voice: ChannelType.GuildVoice,
  category: ChannelType.GuildCategory,
  stage: ChannelType.GuildStageVoice,
  forum: ChannelType.GuildForum,
  announcement: ChannelType.GuildAnnouncement,
};

const DEFAULT_BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.AddReactions;

// Application flags GATEWAY_PRESENCE_LIMITED, GATEWAY_GUILD_MEMBERS_LIMITED, GATEWAY_MESSAGE_CONTENT_LIMITED.
const LIMITED_INTENT_FLAGS: Array<[number, number]> = [
  [GatewayIntentBits.GuildPresences, 1 << 13],
  [GatewayIntentBits.GuildMembers, 1 << 15],
  [GatewayIntentBits.MessageContent, 1 << 19],
];

const toBits = (p: bigint | string | undefined, fallback: bigint): string => (p === undefined ? fallback : BigInt(p)).toString();

/**
 * The fake Discord. Create it with {@link startFakeDiscord}; build a world (guilds, users, members,
 * channels, attachments, messages), drive interactions, and inspect what the bot did.
 */
export class FakeDiscord {
  /** Value for `DISCORD_API_URL` / discord.js `rest.api` (discord.js appends `/v10`). */
  readonly apiUrl: string;
  /** Value for discord.js `rest.cdn`; attachment URLs point here. */
  readonly cdnUrl: string;
  /** What `GET /gateway/bot` returns. */
  readonly gatewayUrl: string;
  /** The bot's user object (as in READY). */
  readonly botUser: APIUser;
  readonly applicationId: string;
  /** Every REST request, in arrival order (mutable: `requests.length = 0` to reset). */
  readonly requests: RecordedRequest[];
  /** Every CDN request. */
  readonly cdnRequests: CdnRequest[] = [];
  /** Discord's OAuth2 flow (consent page, token endpoint, users/@me with a bearer token). */
  readonly oauth: FakeOAuth;

  private readonly ids = new SnowflakeGenerator();
  private readonly world: World;
  private readonly changes = new EventEmitter();
  private readonly messageFactory: MessageFactory;
  private readonly interactions: Interactions;
  private readonly router: RestRouter;
  private readonly gateway: FakeGateway;
  private deadlineMs: number;
  private readonly botPermissions: bigint;
  private readonly privilegedIntents: number;

  /** @internal use {@link startFakeDiscord} */
  constructor(
    opts: StartFakeDiscordOptions,
    private readonly apiServer: Server,
    private readonly cdnServer: Server,
  ) {
    this.changes.setMaxListeners(0);
    this.applicationId = opts.applicationId;
    this.deadlineMs = opts.interactionDeadlineMs ?? 3000;
    this.botPermissions = opts.botPermissions ?? DEFAULT_BOT_PERMISSIONS;
    this.privilegedIntents = opts.privilegedIntents ?? 0;
    const apiPort = (apiServer.address() as AddressInfo).port;
    const cdnPort = (cdnServer.address() as AddressInfo).port;
    this.apiUrl = `http://127.0.0.1:${apiPort}/api`;
    this.cdnUrl = `http://127.0.0.1:${cdnPort}`;
    this.gatewayUrl = `ws://127.0.0.1:${apiPort}/gateway`;
    this.botUser = {
      id: opts.botUser?.id ?? opts.applicationId,
      username: opts.botUser?.username ?? 'Valentina',
      discriminator: '0000',
      global_name: opts.botUser?.globalName ?? null,
      avatar: null,
      bot: true,
    };
    this.world = new World(this.ids, this.botUser.id);
    this.world.users.set(this.botUser.id, this.botUser);
    this.oauth = new FakeOAuth(this.world, this.applicationId);
    this.messageFactory = new MessageFactory(this.world, () => this.cdnUrl);
    this.router = new RestRouter(opts.token);
    this.router.latencyMs = opts.latencyMs ?? 0;
    this.requests = this.router.requests;

    this.gateway = new FakeGateway({
      token: opts.token,
      heartbeatIntervalMs: () => opts.heartbeatIntervalMs ?? 41_250,
      privilegedIntents: () => this.privilegedIntents,
      resumeUrl: () => `ws://127.0.0.1:${apiPort}/gateway-resume`,
      newSessionId: () => this.ids.next().slice(-16) + Math.random().toString(16).slice(2, 18),
      readyPayload: () => ({
        user: { ...this.botUser, verified: true, mfa_enabled: false, email: null },
        guilds: [...this.world.guilds.keys()].map((id) => ({ id, unavailable: true })),
        application: { id: this.applicationId, flags: this.applicationFlags() },
        private_channels: [],
        relationships: [],
        presences: [],
        guild_join_requests: [],
        geo_ordered_rtc_regions: ['us-east'],
        user_settings: {},
      }),
      guildCreates: (intents) =>
        [...this.world.guilds.values()].map((g) => this.world.guildCreate(g, { voiceStates: (intents & GatewayIntentBits.GuildVoiceStates) !== 0 })),
      requestGuildMembers: (d, intents) => this.memberChunks(d, intents),
      onReady: () => this.afterSessionChange(),
      onResumed: () => this.afterSessionChange(),
      resumeWindowMs: opts.resumeWindowMs ?? 300_000,
    });

    this.interactions = new Interactions({
      world: this.world,
      messages: this.messageFactory,
      changes: this.changes,
      applicationId: this.applicationId,
      botUser: () => this.botUser,
      appPermissions: (guildId) => (guildId === null ? this.botPermissions.toString() : this.world.permissions(guildId, this.botUser.id).toString()),
      deadlineMs: () => this.deadlineMs,
      tokenTtlMs: 15 * 60_000,
      dispatch: (payload) => this.gateway.activeSessions().length > 0 && this.gateway.broadcast('INTERACTION_CREATE', payload) > 0,
    });

    registerRoutes(this.router, {
      world: this.world,
      messages: this.messageFactory,
      interactions: this.interactions,
      changes: this.changes,
      applicationId: this.applicationId,
      botUser: () => this.botUser,
      gatewayUrl: () => this.gatewayUrl,
      privilegedIntents: () => this.privilegedIntents,
      applicationFlags: () => this.applicationFlags(),
      broadcast: (t, d, intent) => void this.gateway.broadcast(t, d, intent),
    });

    apiServer.on('request', (req, res) => void (this.oauth.handles(req) ? this.oauth.handle(req, res) : this.router.handle(req, res)));
    apiServer.on('upgrade', (req, socket, head: Buffer) => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      if (path === '/gateway' || path === '/gateway-resume' || path === '/gateway/') this.gateway.handleUpgrade(req, socket, head);
      else socket.destroy();
    });
    cdnServer.on('request', createCdnHandler(this.world, this.cdnRequests));
  }

  private applicationFlags(): number {
    return LIMITED_INTENT_FLAGS.reduce((flags, [intent, flag]) => ((this.privilegedIntents & intent) !== 0 ? flags | flag : flags), 0);
  }

  private afterSessionChange(): void {
    this.interactions.flushQueued();
    this.changes.emit('change');
  }

  // ------------------------------------------------------------------ world building

  /** Creates a user (not yet a member of any guild). */
  addUser(u: { id?: string; username: string; globalName?: string | null; bot?: boolean }): APIUser {
    const user: APIUser = {
      id: u.id ?? this.ids.next(),
      username: u.username,
      discriminator: '0',
      global_name: u.globalName ?? null,
      avatar: null,
    };
    if (u.bot === true) user.bot = true;
    this.world.users.set(user.id, user);
    return user;
  }

  /** Creates a guild with @everyone, the bot's managed role and member, channels and roles; dispatches GUILD_CREATE to connected clients. */
  addGuild(g: GuildInput): FakeGuild {
    const id = g.id ?? this.ids.next();
    let ownerId = g.ownerId;
    if (ownerId === undefined) ownerId = this.addUser({ username: `${g.name.toLowerCase().replace(/\W+/g, '-')}-owner` }).id;
    const joinedAt = new Date().toISOString();
    const record: GuildRecord = {
      id,
      name: g.name,
      ownerId,
      joinedAt,
      roles: new Map(),
      channels: new Map(),
      members: new Map(),
      voiceStates: new Map(),
      guildCreateMembers: g.guildCreateMembers ?? 'minimal',
    };
    if (g.memberCount !== undefined) record.memberCount = g.memberCount;
    this.world.guilds.set(id, record);
    record.roles.set(id, this.role({ id, name: '@everyone', permissions: toBits(g.everyonePermissions, DEFAULT_EVERYONE_PERMISSIONS), position: 0 }));
    const botRole = this.role({ id: this.ids.next(), name: this.botUser.username, permissions: this.botPermissions.toString(), position: 1 });
    botRole.managed = true;
    botRole.tags = { bot_id: this.botUser.id };
    record.roles.set(botRole.id, botRole);
    for (const [i, r] of (g.roles ?? []).entries()) {
      const role = this.role({ ...r, id: r.id ?? this.ids.next(), permissions: toBits(r.permissions, 0n), position: r.position ?? i + 2 });
      record.roles.set(role.id, role);
    }
    record.members.set(this.botUser.id, { userId: this.botUser.id, roles: [botRole.id], nick: null, joinedAt });
    if (this.world.users.has(ownerId)) record.members.set(ownerId, { userId: ownerId, roles: [], nick: null, joinedAt });
    const channels = g.channels ?? [{ name: 'general' }, { name: 'General', type: 'voice' }];
    for (const c of channels) this.createChannel(record, c);
    this.gateway.broadcast('GUILD_CREATE', undefined, GatewayIntentBits.Guilds, (intents) =>
      this.world.guildCreate(record, { voiceStates: (intents & GatewayIntentBits.GuildVoiceStates) !== 0 }),
    );
    return this.guildView(record);
  }

  /** A live view of a guild created earlier. */
  guild(id: string): FakeGuild {
    return this.guildView(this.requireGuild(id));
  }

  private guildView(record: GuildRecord): FakeGuild {
    const botRoleId = [...record.roles.values()].find((r) => r.tags?.bot_id === this.botUser.id)?.id ?? record.id;
    return {
      id: record.id,
      name: record.name,
      ownerId: record.ownerId,
      everyoneRoleId: record.id,
      botRoleId,
      get channels() {
        return [...record.channels.values()];
      },
      get roles() {
        return [...record.roles.values()];
      },
      get textChannelId() {
        const text = [...record.channels.values()].find((c) => c.type === ChannelType.GuildText);
        if (!text) throw new Error(`guild ${record.id} has no text channel`);
        return text.id;
      },
      get voiceChannelId() {
        return [...record.channels.values()].find((c) => c.type === ChannelType.GuildVoice)?.id;
      },
      channel(name) {
        const found = [...record.channels.values()].find((c) => c.name === name);
        if (!found) throw new Error(`guild ${record.id} has no channel named ${name}`);
        return found;
      },
      role(name) {
        const found = [...record.roles.values()].find((r) => r.name === name);
        if (!found) throw new Error(`guild ${record.id} has no role named ${name}`);
        return found;
      },
    };
  }

  private role(r: { id: string; name: string; permissions: string; position: number; color?: number }): APIRole {
    const color = r.color ?? 0;
    return {
      id: r.id,
      name: r.name,
      color,
      colors: { primary_color: color, secondary_color: null, tertiary_color: null },
      hoist: false,
      icon: null,
      unicode_emoji: null,
      position: r.position,
      permissions: r.permissions,
      managed: false,
      mentionable: false,
      flags: 0 as RoleFlags,
    };
  }

  private requireGuild(id: string): GuildRecord {
    const guild = this.world.guild(id);
    if (!guild) throw new Error(`fake discord: unknown guild ${id}`);
    return guild;
  }

  /** Adds a role to a guild (GUILD_ROLE_CREATE to connected clients). */
  addRole(guildId: string, r: RoleInput): APIRole {
    const guild = this.requireGuild(guildId);
    const role = this.role({ ...r, id: r.id ?? this.ids.next(), permissions: toBits(r.permissions, 0n), position: r.position ?? guild.roles.size });
    guild.roles.set(role.id, role);
    this.gateway.broadcast('GUILD_ROLE_CREATE', { guild_id: guildId, role }, GatewayIntentBits.Guilds);
    return role;
  }

  /**
   * Makes a user a member. `permissions` overrides the permissions computed from roles in
   * interaction payloads (`member.permissions`). GUILD_MEMBER_ADD goes to clients with GUILD_MEMBERS.
   */
  addMember(guildId: string, user: string | APIUser, opts: { roles?: string[]; nick?: string | null; permissions?: bigint | string } = {}): APIGuildMember {
    const guild = this.requireGuild(guildId);
    const userId = typeof user === 'string' ? user : user.id;
    if (!this.world.users.has(userId)) throw new Error(`fake discord: unknown user ${userId}; create it with addUser()`);
    for (const roleId of opts.roles ?? []) if (!guild.roles.has(roleId)) throw new Error(`fake discord: unknown role ${roleId} in guild ${guildId}`);
    guild.members.set(userId, {
      userId,
      roles: opts.roles ?? [],
      nick: opts.nick ?? null,
      joinedAt: new Date().toISOString(),
      ...(opts.permissions === undefined ? {} : { permissions: BigInt(opts.permissions).toString() }),
    });
    const member = this.world.apiMember(guildId, userId);
    if (!member) throw new Error('unreachable: member just added');
    this.gateway.broadcast('GUILD_MEMBER_ADD', { ...member, guild_id: guildId }, GatewayIntentBits.GuildMembers);
    return member;
  }

  /**
   * Adds `count` synthetic members (users `${prefix}-N`) in bulk, without per-member dispatches:
   * for guilds of 10,000 members. Returns their user ids.
   */
  addMembers(guildId: string, count: number, opts: { usernamePrefix?: string; roles?: string[] } = {}): string[] {
    const guild = this.requireGuild(guildId);
    const joinedAt = new Date().toISOString();
    const ids: string[] = [];
    const prefix = opts.usernamePrefix ?? 'member';
    for (let i = 0; i < count; i++) {
      const user = this.addUser({ username: `${prefix}-${i}` });
      guild.members.set(user.id, { userId: user.id, roles: opts.roles ?? [], nick: null, joinedAt });
      ids.push(user.id);
    }
    return ids;
  }

  /** Adds a channel (CHANNEL_CREATE to connected clients). */
  addChannel(guildId: string, c: ChannelInput): FakeChannel {
    const channel = this.createChannel(this.requireGuild(guildId), c);
    this.gateway.broadcast('CHANNEL_CREATE', channel, GatewayIntentBits.Guilds);
    return channel;
  }

  private createChannel(guild: GuildRecord, c: ChannelInput): FakeChannel {
    const type = typeof c.type === 'number' ? c.type : CHANNEL_KINDS[c.type ?? 'text'];
    const channel: FakeChannel = {
      id: c.id ?? this.ids.next(),
      type,
      name: c.name,
      guild_id: guild.id,
      position: guild.channels.size,
      parent_id: c.parentId ?? null,
      permission_overwrites: [],
      nsfw: false,
      last_message_id: null,
      flags: 0,
    };
    if (type === ChannelType.GuildText || type === ChannelType.GuildAnnouncement) {
      channel.topic = c.topic ?? null;
      channel.rate_limit_per_user = 0;
    }
    if (type === ChannelType.GuildVoice || type === ChannelType.GuildStageVoice) {
      channel.bitrate = 64000;
      channel.user_limit = 0;
      channel.rtc_region = null;
      channel.rate_limit_per_user = 0;
    }
    guild.channels.set(channel.id, channel);
    this.world.channelGuild.set(channel.id, guild.id);
    return channel;
  }

  /** Moves a member into a voice channel (or out with `null`); VOICE_STATE_UPDATE to clients with GUILD_VOICE_STATES. */
  setVoiceState(guildId: string, userId: string, channelId: string | null): void {
    const guild = this.requireGuild(guildId);
    if (!guild.members.has(userId)) throw new Error(`fake discord: ${userId} is not a member of ${guildId}`);
    if (channelId === null) guild.voiceStates.delete(userId);
    else {
      const channel = guild.channels.get(channelId);
      if (!channel || (channel.type !== ChannelType.GuildVoice && channel.type !== ChannelType.GuildStageVoice)) {
        throw new Error(`fake discord: ${channelId} is not a voice channel of ${guildId}`);
      }
      guild.voiceStates.set(userId, channelId);
    }
    this.gateway.broadcast('VOICE_STATE_UPDATE', this.world.voiceState(guildId, userId, channelId), GatewayIntentBits.GuildVoiceStates);
  }

  /**
   * Stores a file on the CDN and returns its attachment object, for attachment options or messages.
   * `declaredSize` is what the attachment object claims (it may lie); the CDN always serves the real
   * bytes and real content-length. `slowMs` delays each 16 KiB chunk so a client can abort mid-download.
   */
  addAttachment(a: { filename: string; contentType: string; bytes: Uint8Array; declaredSize?: number; slowMs?: number; channelId?: string }): APIAttachment {
    const channelId = a.channelId ?? this.firstTextChannelId() ?? this.ids.next();
    return this.messageFactory.storeAttachment(
      channelId,
      { filename: a.filename, contentType: a.contentType, bytes: a.bytes },
      { ...(a.declaredSize === undefined ? {} : { declaredSize: a.declaredSize }), ...(a.slowMs === undefined ? {} : { slowMs: a.slowMs }) },
    );
  }

  private firstTextChannelId(): string | undefined {
    for (const guild of this.world.guilds.values()) {
      for (const channel of guild.channels.values()) if (channel.type === ChannelType.GuildText) return channel.id;
    }
    return undefined;
  }

  /** Posts a message by a user (e.g. a target for a message context menu); MESSAGE_CREATE to clients with message intents. */
  addMessage(channelId: string, m: { content?: string; author: string | APIUser; attachments?: APIAttachment[]; embeds?: unknown[]; components?: unknown[] }): APIMessage {
    const channel = this.world.channel(channelId);
    if (!channel) throw new Error(`fake discord: unknown channel ${channelId}`);
    const authorId = typeof m.author === 'string' ? m.author : m.author.id;
    const author = this.world.users.get(authorId);
    if (!author) throw new Error(`fake discord: unknown user ${authorId}`);
    const stored = this.messageFactory.create({
      channelId,
      author,
      body: { content: m.content ?? '', embeds: m.embeds ?? [], components: m.components ?? [] },
      files: [],
      type: MessageType.Default,
    });
    stored.message.attachments = m.attachments ?? [];
    this.world.addChannelMessage(channelId, stored);
    const guildId = this.world.channelGuild.get(channelId) ?? null;
    const member = guildId === null ? undefined : this.world.apiMember(guildId, authorId);
    this.gateway.broadcast(
      'MESSAGE_CREATE',
      { ...stored.message, ...(guildId === null ? {} : { guild_id: guildId, member }) },
      guildId === null ? GatewayIntentBits.DirectMessages : GatewayIntentBits.GuildMessages,
    );
    this.changes.emit('change');
    return stored.message;
  }

  /** The user no longer accepts DMs from the bot: messages to their DM channel get 403, code 50007. */
  closeDms(userId: string): void {
    this.world.dmsClosed.add(userId);
  }

  // ------------------------------------------------------------------ interactions

  /**
   * A slash command. Options are typed from the registered command when there is one (so a user
   * option can be given as a plain id), otherwise inferred (`{ user }`, `{ role }`, `{ channel }`,
   * `{ attachment }` tag the snowflake kinds). User/role/channel/attachment options are resolved.
   */
  slash(name: string, opts: InteractionContext & { subcommand?: string; group?: string; options?: Record<string, OptionValue>; resolved?: Record<string, Record<string, unknown>> }): InteractionHandle {
    return this.interactions.slash(name, opts);
  }

  /** An autocomplete request; `focused` names the option being typed (its value is sent as a string). */
  autocomplete(name: string, opts: InteractionContext & { subcommand?: string; group?: string; options?: Record<string, OptionValue>; focused: string }): InteractionHandle {
    return this.interactions.autocomplete(name, opts);
  }

  /** A button press on a message (the message's current state is sent). */
  button(customId: string, opts: InteractionContext & { message: APIMessage | string }): InteractionHandle {
    return this.interactions.button(customId, opts);
  }

  /** A select menu submission; user/role/channel/mentionable selects carry resolved users, members, roles, channels. */
  select(customId: string, values: string[], opts: InteractionContext & { kind?: SelectKind; message: APIMessage | string }): InteractionHandle {
    return this.interactions.select(customId, values, opts);
  }

  /**
   * A modal submission. Text inputs as strings, selects in labels as string arrays. Mirrors the
   * layout (label or action-row components) of the last modal the bot showed with this custom_id.
   */
  modalSubmit(customId: string, fields: Record<string, string | string[]>, opts: InteractionContext & { message?: APIMessage | string }): InteractionHandle {
    return this.interactions.modalSubmit(customId, fields, opts);
  }

  /** A user context menu command on `targetUserId` (resolved user and member). */
  userContextMenu(name: string, targetUserId: string, opts: InteractionContext): InteractionHandle {
    return this.interactions.userContextMenu(name, targetUserId, opts);
  }

  /** A message context menu command on a message (resolved message). */
  messageContextMenu(name: string, targetMessage: APIMessage | string, opts: InteractionContext): InteractionHandle {
    return this.interactions.messageContextMenu(name, targetMessage, opts);
  }

  // ------------------------------------------------------------------ inspection

  /** Messages in a channel now (oldest first, after edits and deletes; ephemeral ones are not in channels). */
  messages(channelId: string): APIMessage[] {
    return this.world.channelMessageList(channelId);
  }

  /** Any message by id (including ephemeral interaction responses). */
  message(id: string): APIMessage | undefined {
    return this.world.messages.get(id)?.message;
  }

  /** The `allowed_mentions` the bot sent with a message's latest create/edit (undefined if none). */
  allowedMentions(messageId: string): unknown {
    return this.world.messages.get(messageId)?.allowedMentions;
  }

  /** The bytes of an attachment (by id or URL), e.g. a PNG chart the bot uploaded. */
  attachmentBytes(idOrUrl: string): Uint8Array | undefined {
    const id = /\/attachments\/\d+\/(\d+)\//.exec(idOrUrl)?.[1] ?? idOrUrl;
    return this.world.attachments.get(id)?.bytes;
  }

  /** Application commands registered via bulk overwrite/create: global, or for a guild. */
  commands(guildId?: string): Array<Record<string, unknown>> {
    return this.world.commands.get(guildId ?? 'global') ?? [];
  }

  /** REST requests to routes the fake does not implement (404). A test can assert this is empty. */
  unknownRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.route === undefined);
  }

  /** Resolves once `check()` holds, re-checked after every change in the fake (REST mutation, dispatch, session change). */
  waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
    return waitForChange(this.changes, check, timeoutMs, 'fake discord: condition not met');
  }

  // ------------------------------------------------------------------ gateway control

  /** Open gateway connections now. */
  get connections(): number {
    return this.gateway.connections.size;
  }
  /** Gateway connections ever opened. */
  get totalConnections(): number {
    return this.gateway.totalConnections;
  }
  /** Successful IDENTIFYs so far. */
  get identifies(): number {
    return this.gateway.identifies;
  }
  /** Successful RESUMEs so far. */
  get resumes(): number {
    return this.gateway.resumes;
  }
  /** URLs clients connected to the gateway with (path and query). */
  get gatewayConnectUrls(): readonly string[] {
    return this.gateway.connectUrls;
  }
  /** Opcodes received from clients. */
  get gatewayLog(): ReadonlyArray<{ at: number; op: number }> {
    return this.gateway.log;
  }
  /** The latest presence a client sent (IDENTIFY or op 3). */
  get presence(): unknown {
    const sessions = this.gateway.activeSessions();
    return sessions[sessions.length - 1]?.presence;
  }

  /**
   * Closes every gateway connection; sessions stay resumable and queue events. The default code 4000
   * makes @discordjs/ws RESUME; `abrupt` kills the TCP socket (client sees 1006 and resumes too).
   * Codes 1000/1001 make the client start a new session (re-IDENTIFY) instead.
   */
  dropGateway(opts: { code?: number; abrupt?: boolean } = {}): void {
    this.gateway.drop(opts);
    this.changes.emit('change');
  }

  /** Sends op 7 RECONNECT (the client should reconnect and resume). */
  requestReconnect(): void {
    this.gateway.sendOp(GatewayOpcodes.Reconnect, null);
  }

  /** Sends op 9 INVALID_SESSION (`resumable` false makes the client re-IDENTIFY). */
  invalidateSession(resumable = false): void {
    if (!resumable) for (const s of this.gateway.activeSessions()) this.gateway.sessions.delete(s.id);
    this.gateway.sendOp(GatewayOpcodes.InvalidSession, resumable);
  }

  /** Resolves once a client session is ready (READY + GUILD_CREATEs sent, or RESUMED). */
  waitForReady(timeoutMs = 15_000): Promise<void> {
    return waitForChange(this.changes, () => this.liveSessions().length > 0, timeoutMs, 'fake discord: no client became ready');
  }

  private liveSessions(): GatewaySession[] {
    return this.gateway.activeSessions().filter((s) => s.live);
  }

  // ------------------------------------------------------------------ faults and timing

  /** Delay before every REST answer. */
  setLatency(ms: number): void {
    this.router.latencyMs = ms;
  }

  /** Changes the 3 s acknowledgement deadline (for tests that must not wait 3 s). */
  setInteractionDeadline(ms: number): void {
    this.deadlineMs = ms;
  }

  /** Injects a REST fault: a status (429 with `retryAfter` gets proper headers), a delay, or a connection reset. */
  inject(fault: RestFault): void {
    this.router.faults.push({ ...fault, used: 0 });
  }

  /** Removes every injected fault. */
  clearFaults(): void {
    this.router.faults.length = 0;
  }

  /** Stops the servers and closes every connection. */
  async close(): Promise<void> {
    await this.gateway.close();
    for (const server of [this.apiServer, this.cdnServer]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.changes.removeAllListeners();
  }

  private memberChunks(d: Record<string, unknown>, intents: number): Array<Record<string, unknown>> {
    const guildId = typeof d['guild_id'] === 'string' ? d['guild_id'] : Array.isArray(d['guild_id']) ? String(d['guild_id'][0]) : '';
    const guild = this.world.guild(guildId);
    if (!guild) return [];
    const nonce = typeof d['nonce'] === 'string' ? d['nonce'] : undefined;
    const userIds = Array.isArray(d['user_ids']) ? d['user_ids'].map(String) : typeof d['user_ids'] === 'string' ? [d['user_ids']] : undefined;
    let ids: string[];
    const notFound: string[] = [];
    if (userIds) {
      ids = userIds.filter((id) => guild.members.has(id));
      for (const id of userIds) if (!guild.members.has(id)) notFound.push(id);
    } else {
      const query = (typeof d['query'] === 'string' ? d['query'] : '').toLowerCase();
      // Without GUILD_MEMBERS, Discord answers a member-list request (empty query) with nothing.
      if (query === '' && (intents & GatewayIntentBits.GuildMembers) === 0) ids = [];
      else {
        const limit = typeof d['limit'] === 'number' && d['limit'] > 0 ? d['limit'] : Number.POSITIVE_INFINITY;
        ids = [];
        for (const [id, record] of guild.members) {
          const user = this.world.users.get(id);
          const names = [user?.username, user?.global_name, record.nick].filter((n): n is string => typeof n === 'string');
          if (query === '' || names.some((n) => n.toLowerCase().startsWith(query))) ids.push(id);
          if (ids.length >= limit) break;
        }
      }
    }
    const chunks: Array<Record<string, unknown>> = [];
    const count = Math.max(1, Math.ceil(ids.length / 1000));
    for (let i = 0; i < count; i++) {
      const members = ids.slice(i * 1000, (i + 1) * 1000).map((id) => this.world.apiMember(guild.id, id));
      const chunk: Record<string, unknown> = { guild_id: guild.id, members, chunk_index: i, chunk_count: count };
      if (i === 0 && notFound.length > 0) chunk['not_found'] = notFound;
      if (nonce !== undefined) chunk['nonce'] = nonce;
      chunks.push(chunk);
    }
    return chunks;
  }
}

/** Starts a fake Discord (REST + gateway on one port, CDN on another), listening on 127.0.0.1 only. */
export async function startFakeDiscord(opts: StartFakeDiscordOptions): Promise<FakeDiscord> {
  const listen = async (server: Server): Promise<void> => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
  };
  const apiServer = createServer({ keepAliveTimeout: 60_000 });
  const cdnServer = createServer();
  await listen(apiServer);
  await listen(cdnServer);
  return new FakeDiscord(opts, apiServer, cdnServer);
}
