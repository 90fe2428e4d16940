import {
  ChannelType,
  PermissionFlagsBits,
  type APIAttachment,
  type APIGuildMember,
  type APIInteractionGuildMember,
  type APIMessage,
  type APIRole,
  type APIUser,
  type GuildMemberFlags,
} from 'discord-api-types/v10';
import type { SnowflakeGenerator } from './snowflake.js';

/** A channel as the fake stores and serves it (a subset of Discord's guild/DM channel object). */
export interface FakeChannel {
  id: string;
  type: ChannelType;
  name: string | null;
  guild_id?: string;
  position?: number;
  parent_id?: string | null;
  permission_overwrites?: unknown[];
  nsfw?: boolean;
  topic?: string | null;
  last_message_id: string | null;
  rate_limit_per_user?: number;
  bitrate?: number;
  user_limit?: number;
  rtc_region?: string | null;
  flags: number;
  recipients?: APIUser[];
}

export interface MemberRecord {
  userId: string;
  roles: string[];
  nick: string | null;
  joinedAt: string;
  /** Overrides the permissions computed from roles (bitfield as a decimal string). */
  permissions?: string;
}

export interface GuildRecord {
  id: string;
  name: string;
  ownerId: string;
  joinedAt: string;
  roles: Map<string, APIRole>;
  channels: Map<string, FakeChannel>;
  members: Map<string, MemberRecord>;
  /** userId → voice channel id */
  voiceStates: Map<string, string>;
  /** Reported member_count; defaults to the number of members the fake knows. */
  memberCount?: number;
  /** Which members GUILD_CREATE carries: `'minimal'` (the bot and voice members, as without GUILD_MEMBERS), `'all'`, or a count. */
  guildCreateMembers: 'minimal' | 'all' | number;
}

export interface StoredAttachment {
  api: APIAttachment;
  bytes: Uint8Array;
  channelId: string;
  /** Delay between 16 KiB chunks when the CDN serves it. */
  slowMs: number;
}

export interface StoredMessage {
  message: APIMessage;
  ephemeral: boolean;
  allowedMentions: unknown;
}

/** Default @everyone permissions, roughly what a new Discord server grants. */
export const DEFAULT_EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak |
  PermissionFlagsBits.CreateInstantInvite |
  PermissionFlagsBits.ChangeNickname;

export const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/** The fake's world: users, guilds, channels, roles, members, messages, attachments, commands. */
export class World {
  readonly users = new Map<string, APIUser>();
  readonly guilds = new Map<string, GuildRecord>();
  /** channel id → guild id, or null for DM channels */
  readonly channelGuild = new Map<string, string | null>();
  readonly dmChannels = new Map<string, FakeChannel>();
  /** Users whose DMs are closed to the bot (privacy settings, or the bot blocked). */
  readonly dmsClosed = new Set<string>();
  readonly messages = new Map<string, StoredMessage>();
  readonly channelMessages = new Map<string, string[]>();
  readonly attachments = new Map<string, StoredAttachment>();
  /** `'global'` or a guild id → registered commands */
  readonly commands = new Map<string, Array<Record<string, unknown>>>();

  constructor(
    readonly ids: SnowflakeGenerator,
    readonly botUserId: string,
  ) {}

  guild(id: string): GuildRecord | undefined {
    return this.guilds.get(id);
  }

  channel(id: string): FakeChannel | undefined {
    const guildId = this.channelGuild.get(id);
    if (guildId === undefined) return undefined;
    if (guildId === null) return this.dmChannels.get(id);
    return this.guilds.get(guildId)?.channels.get(id);
  }

  apiMember(guildId: string, userId: string): APIGuildMember | undefined {
    const guild = this.guilds.get(guildId);
    const record = guild?.members.get(userId);
    const user = this.users.get(userId);
    if (!record || !user) return undefined;
    return {
      user,
      nick: record.nick,
      avatar: null,
      banner: null,
      roles: [...record.roles],
      joined_at: record.joinedAt,
      premium_since: null,
      deaf: false,
      mute: false,
      flags: 0 as GuildMemberFlags,
      pending: false,
      communication_disabled_until: null,
    };
  }

  /** Effective guild-level permissions: @everyone | roles; owner and Administrator get everything. */
  permissions(guildId: string, userId: string): bigint {
    const guild = this.guilds.get(guildId);
    const record = guild?.members.get(userId);
    if (!guild || !record) return 0n;
    if (record.permissions !== undefined) return BigInt(record.permissions);
    if (guild.ownerId === userId) return ALL_PERMISSIONS;
    let bits = BigInt(guild.roles.get(guild.id)?.permissions ?? '0');
    for (const roleId of record.roles) bits |= BigInt(guild.roles.get(roleId)?.permissions ?? '0');
    return (bits & PermissionFlagsBits.Administrator) !== 0n ? ALL_PERMISSIONS : bits;
  }

  interactionMember(guildId: string, userId: string): APIInteractionGuildMember | undefined {
    const member = this.apiMember(guildId, userId);
    if (!member) return undefined;
    return { ...member, permissions: this.permissions(guildId, userId).toString() };
  }

  voiceState(guildId: string, userId: string, channelId: string | null): Record<string, unknown> {
    return {
      guild_id: guildId,
      channel_id: channelId,
      user_id: userId,
      member: this.apiMember(guildId, userId),
      session_id: `voice-${userId}`,
      deaf: false,
      mute: false,
      self_deaf: false,
      self_mute: false,
      self_video: false,
      suppress: false,
      request_to_speak_timestamp: null,
    };
  }

  /** GUILD_CREATE payload (also the basis of GET /guilds/{id}). */
  guildCreate(guild: GuildRecord, opts: { voiceStates: boolean }): Record<string, unknown> {
    let members: APIGuildMember[];
    const all = [...guild.members.keys()];
    if (guild.guildCreateMembers === 'all') members = this.membersOf(guild, all);
    else if (typeof guild.guildCreateMembers === 'number') members = this.membersOf(guild, all.slice(0, guild.guildCreateMembers));
    else members = this.membersOf(guild, [this.botUserId, ...guild.voiceStates.keys()]);
    return {
      ...this.guildObject(guild),
      joined_at: guild.joinedAt,
      large: this.memberCount(guild) > 250,
      unavailable: false,
      member_count: this.memberCount(guild),
      members,
      channels: [...guild.channels.values()].map(({ guild_id: _omit, ...c }) => c),
      threads: [],
      presences: [],
      voice_states: opts.voiceStates
        ? [...guild.voiceStates].map(([userId, channelId]) => {
            const { guild_id: _omit, ...vs } = this.voiceState(guild.id, userId, channelId);
            return vs;
          })
        : [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  memberCount(guild: GuildRecord): number {
    return guild.memberCount ?? guild.members.size;
  }

  guildObject(guild: GuildRecord): Record<string, unknown> {
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: guild.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      widget_enabled: false,
      verification_level: 0,
      default_message_notifications: 1,
      explicit_content_filter: 0,
      roles: [...guild.roles.values()],
      emojis: [],
      stickers: [],
      features: [],
      mfa_level: 0,
      application_id: null,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      max_members: 500000,
      max_video_channel_users: 25,
      max_stage_video_channel_users: 50,
      vanity_url_code: null,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      preferred_locale: 'en-US',
      nsfw_level: 0,
      hub_type: null,
      incidents_data: null,
    };
  }

  private membersOf(guild: GuildRecord, userIds: Iterable<string>): APIGuildMember[] {
    const out: APIGuildMember[] = [];
    const seen = new Set<string>();
    for (const id of userIds) {
      if (seen.has(id)) continue;
      seen.add(id);
      const m = this.apiMember(guild.id, id);
      if (m) out.push(m);
    }
    return out;
  }

  addChannelMessage(channelId: string, stored: StoredMessage): void {
    this.messages.set(stored.message.id, stored);
    if (stored.ephemeral) return;
    let list = this.channelMessages.get(channelId);
    if (!list) {
      list = [];
      this.channelMessages.set(channelId, list);
    }
    list.push(stored.message.id);
    const channel = this.channel(channelId);
    if (channel) channel.last_message_id = stored.message.id;
  }

  deleteMessage(id: string): StoredMessage | undefined {
    const stored = this.messages.get(id);
    if (!stored) return undefined;
    this.messages.delete(id);
    const list = this.channelMessages.get(stored.message.channel_id);
    if (list) {
      const i = list.indexOf(id);
      if (i >= 0) list.splice(i, 1);
    }
    return stored;
  }

  channelMessageList(channelId: string): APIMessage[] {
    const out: APIMessage[] = [];
    for (const id of this.channelMessages.get(channelId) ?? []) {
      const stored = this.messages.get(id);
      if (stored) out.push(stored.message);
    }
    return out;
  }

  /** Finds a registered command by name and type, guild commands first. */
  findCommand(name: string, type: number, guildId: string | null): Record<string, unknown> | undefined {
    const scopes = guildId === null ? ['global'] : [guildId, 'global'];
    for (const scope of scopes) {
      const found = this.commands.get(scope)?.find((c) => c['name'] === name && (c['type'] ?? 1) === type);
      if (found) return found;
    }
    return undefined;
  }
}
