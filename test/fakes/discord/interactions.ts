import { EventEmitter } from 'node:events';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  ComponentType,
  InteractionResponseType,
  InteractionType,
  MessageType,
  type APIAttachment,
  type APIInteraction,
  type APIMessage,
  type APIUser,
} from 'discord-api-types/v10';
import { DiscordHttpError, ErrorCode } from './errors.js';
import { ATTACHMENT_SIZE_LIMIT, isRecord, type UploadedFile } from './http-util.js';
import { MESSAGE_FLAG_EPHEMERAL, MESSAGE_FLAG_LOADING, type MessageFactory } from './messages.js';
import { validateAutocomplete, validateMessageBody, validateModal } from './validate.js';
import type { World } from './world.js';

/** A value for a slash command option. Plain values are typed from the registered command, or inferred. */
export type OptionValue =
  | string
  | number
  | boolean
  | { attachment: APIAttachment | string }
  | { user: string | APIUser }
  | { role: string }
  | { channel: string }
  | { mentionable: string };

/** Who invokes an interaction and where. `guildId: null` means a DM with the bot. */
export interface InteractionContext {
  user: string | APIUser;
  /** Defaults to the channel's guild when `channelId` is given, else the first guild; `null` for a DM. */
  guildId?: string | null;
  /** Defaults to the guild's first text channel (or the user's DM channel). */
  channelId?: string;
  locale?: string;
}

export interface InteractionResponseRecord {
  /** Callback type (4 reply, 5 defer, 6 deferred update, 7 update, 8 autocomplete, 9 modal). */
  type: number;
  data?: unknown;
  /** Epoch ms when the callback arrived. */
  at: number;
  /** `at - dispatchedAt`: the acknowledgement latency. */
  latencyMs: number;
}

export interface InteractionRejection {
  status: number;
  code: number;
  at: number;
  reason: 'late' | 'already-acknowledged' | 'invalid';
}

/** Tracks one interaction from dispatch to callback, edits and follow-ups. */
export interface InteractionHandle {
  readonly id: string;
  readonly token: string;
  /** The INTERACTION_CREATE payload as dispatched. */
  readonly payload: APIInteraction;
  /** Epoch ms when INTERACTION_CREATE was sent (NaN while waiting for a ready client). */
  readonly dispatchedAt: number;
  /** The accepted first callback, if any yet. */
  readonly responded: InteractionResponseRecord | undefined;
  /** Resolves with the first accepted callback; rejects when a callback is refused as late, or after `timeoutMs` (default 10 s). */
  response(timeoutMs?: number): Promise<InteractionResponseRecord>;
  /** The @original message now (after callback, edits; undefined when none or deleted). */
  original(): APIMessage | undefined;
  /** Follow-up messages now (edited state; deleted ones are gone). */
  followups(): APIMessage[];
  /** Callbacks the fake refused (late → 10062, second ack → 40060, invalid body → 50035). */
  rejections(): readonly InteractionRejection[];
  /** Resolves when `predicate(handle)` holds, re-checked after every change in the fake. */
  waitFor(predicate: (h: InteractionHandle) => boolean, timeoutMs?: number): Promise<void>;
  /**
   * Epoch ms of the latest change the member saw to the answer: a reply, update, autocomplete or
   * modal callback, an edit of a bot message of this interaction, or a follow-up (undefined while
   * there is none, or only a defer). With `dispatchedAt`, the complete-answer latency.
   */
  readonly answeredAt: number | undefined;
}

interface InteractionRecord {
  id: string;
  token: string;
  type: InteractionType;
  payload: Record<string, unknown>;
  guildId: string | null;
  channelId: string;
  userId: string;
  createdAt: number;
  dispatchedAt: number;
  response: InteractionResponseRecord | undefined;
  rejections: InteractionRejection[];
  originalId: string | undefined;
  /** The message a component (or a modal opened from one) belongs to. */
  componentMessageId: string | undefined;
  followupIds: string[];
  /** Type 5 and not yet edited: the first follow-up replaces the "thinking…" message. */
  pendingDeferred: boolean;
  /** See `InteractionHandle.answeredAt`. */
  answeredAt: number | undefined;
  /** Waiters on this interaction's callback (cheaper than a global listener each with 1,000s in flight). */
  waiters: Set<() => void>;
}

export interface InteractionsDeps {
  world: World;
  messages: MessageFactory;
  changes: EventEmitter;
  applicationId: string;
  botUser: () => APIUser;
  appPermissions: (guildId: string | null) => string;
  deadlineMs: () => number;
  tokenTtlMs: number;
  /** Sends INTERACTION_CREATE now if a client session exists; returns false to queue it. */
  dispatch: (payload: Record<string, unknown>) => boolean;
}

type Resolved = {
  users?: Record<string, unknown>;
  members?: Record<string, unknown>;
  roles?: Record<string, unknown>;
  channels?: Record<string, unknown>;
  attachments?: Record<string, unknown>;
  messages?: Record<string, unknown>;
};

const COMPONENT_KINDS = {
  string: ComponentType.StringSelect,
  user: ComponentType.UserSelect,
  role: ComponentType.RoleSelect,
  mentionable: ComponentType.MentionableSelect,
  channel: ComponentType.ChannelSelect,
} as const;

export type SelectKind = keyof typeof COMPONENT_KINDS;

/** Builds interaction payloads, dispatches them, and implements callbacks and interaction webhooks. */
export class Interactions {
  private readonly byId = new Map<string, InteractionRecord>();
  private readonly byToken = new Map<string, InteractionRecord>();
  private readonly queued: InteractionRecord[] = [];
  private readonly commandIds = new Map<string, string>();
  /** Last modal shown per custom_id, so a submit mirrors its layout (labels or action rows). */
  private readonly modalsShown = new Map<string, Record<string, unknown>>();

  constructor(private readonly deps: InteractionsDeps) {}

  // ---------------------------------------------------------------- building

  private user(u: string | APIUser): APIUser {
    const id = typeof u === 'string' ? u : u.id;
    const found = this.deps.world.users.get(id);
    if (!found) throw new Error(`fake discord: unknown user ${id}; create it with addUser()`);
    return found;
  }

  private where(ctx: InteractionContext): { guildId: string | null; channelId: string } {
    const world = this.deps.world;
    let guildId: string | null;
    const channelGuild = ctx.channelId === undefined ? undefined : world.channelGuild.get(ctx.channelId);
    if (ctx.guildId === undefined && channelGuild !== undefined) guildId = channelGuild;
    else if (ctx.guildId === undefined) {
      const first = world.guilds.keys().next();
      if (first.done === true) throw new Error('fake discord: no guild; pass guildId: null for a DM or addGuild() first');
      guildId = first.value;
    } else guildId = ctx.guildId;
    if (guildId === null) {
      const channelId = ctx.channelId ?? this.dmChannelFor(this.user(ctx.user).id).id;
      return { guildId, channelId };
    }
    const guild = world.guild(guildId);
    if (!guild) throw new Error(`fake discord: unknown guild ${guildId}`);
    let channelId = ctx.channelId;
    if (channelId === undefined) {
      const text = [...guild.channels.values()].find((c) => c.type === ChannelType.GuildText);
      if (!text) throw new Error(`fake discord: guild ${guildId} has no text channel; pass channelId`);
      channelId = text.id;
    }
    if (!guild.channels.has(channelId)) throw new Error(`fake discord: channel ${channelId} is not in guild ${guildId}`);
    return { guildId, channelId };
  }

  /** Finds or creates the DM channel between the bot and a user. */
  dmChannelFor(userId: string): { id: string } {
    const world = this.deps.world;
    for (const channel of world.dmChannels.values()) if (channel.recipients?.[0]?.id === userId) return channel;
    const user = world.users.get(userId);
    if (!user) throw new Error(`fake discord: unknown user ${userId}`);
    const id = world.ids.next();
    world.dmChannels.set(id, { id, type: ChannelType.DM, name: null, last_message_id: null, flags: 0, recipients: [user] });
    world.channelGuild.set(id, null);
    return { id };
  }

  private base(type: InteractionType, ctx: InteractionContext, data: Record<string, unknown> | undefined): InteractionRecord {
    const world = this.deps.world;
    const user = this.user(ctx.user);
    const { guildId, channelId } = this.where(ctx);
    const id = world.ids.next();
    const token = `aW50ZXJhY3Rpb246${Buffer.from(id).toString('base64url')}${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
    const payload: Record<string, unknown> = {
      id,
      application_id: this.deps.applicationId,
      type,
      token,
      version: 1,
      locale: ctx.locale ?? 'en-US',
      app_permissions: this.deps.appPermissions(guildId),
      entitlements: [],
      // Guild install: the guild id, or "0" in the bot's DM.
      authorizing_integration_owners: { '0': guildId ?? '0' },
      context: guildId === null ? 1 : 0,
      attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
    };
    if (data !== undefined) payload['data'] = data;
    if (guildId === null) {
      const channel = world.channel(channelId);
      payload['user'] = user;
      payload['channel'] = { ...channel };
      payload['channel_id'] = channelId;
    } else {
      const member = world.interactionMember(guildId, user.id);
      if (!member) throw new Error(`fake discord: user ${user.id} is not a member of guild ${guildId}; call addMember() first`);
      const channel = world.channel(channelId);
      payload['guild_id'] = guildId;
      payload['guild'] = { id: guildId, locale: 'en-US', features: [] };
      payload['guild_locale'] = 'en-US';
      payload['member'] = member;
      payload['channel'] = { ...channel, guild_id: guildId, permissions: member.permissions };
      payload['channel_id'] = channelId;
    }
    return {
      id,
      token,
      type,
      payload,
      guildId,
      channelId,
      userId: user.id,
      createdAt: Date.now(),
      dispatchedAt: Number.NaN,
      response: undefined,
      rejections: [],
      originalId: undefined,
      componentMessageId: undefined,
      followupIds: [],
      pendingDeferred: false,
      answeredAt: undefined,
      waiters: new Set(),
    };
  }

  private commandId(name: string, type: number, guildId: string | null, registered: Record<string, unknown> | undefined): string {
    if (registered && typeof registered['id'] === 'string') return registered['id'];
    const key = `${type}:${name}`;
    let id = this.commandIds.get(key);
    if (id === undefined) {
      id = this.deps.world.ids.next();
      this.commandIds.set(key, id);
    }
    void guildId;
    return id;
  }

  private resolveUserInto(resolved: Resolved, guildId: string | null, userId: string): void {
    const user = this.user(userId);
    resolved.users = { ...resolved.users, [user.id]: user };
    if (guildId !== null) {
      const member = this.deps.world.interactionMember(guildId, user.id);
      if (member) {
        const { user: _omit, ...rest } = member;
        resolved.members = { ...resolved.members, [user.id]: rest };
      }
    }
  }

  private resolveRoleInto(resolved: Resolved, guildId: string | null, roleId: string): void {
    const role = guildId === null ? undefined : this.deps.world.guild(guildId)?.roles.get(roleId);
    if (!role) throw new Error(`fake discord: unknown role ${roleId}`);
    resolved.roles = { ...resolved.roles, [roleId]: role };
  }

  private resolveChannelInto(resolved: Resolved, guildId: string | null, channelId: string): void {
    const channel = this.deps.world.channel(channelId);
    if (!channel) throw new Error(`fake discord: unknown channel ${channelId}`);
    resolved.channels = {
      ...resolved.channels,
      [channelId]: {
        id: channel.id,
        name: channel.name,
        type: channel.type,
        parent_id: channel.parent_id ?? null,
        permissions: guildId === null ? '0' : this.deps.appPermissions(guildId),
        flags: channel.flags,
      },
    };
  }

  private optionFor(
    name: string,
    value: OptionValue,
    def: Record<string, unknown> | undefined,
    resolved: Resolved,
    guildId: string | null,
  ): Record<string, unknown> {
    let type = typeof def?.['type'] === 'number' ? def['type'] : undefined;
    let raw: string | number | boolean;
    if (typeof value === 'object') {
      if ('attachment' in value) {
        type ??= ApplicationCommandOptionType.Attachment;
        raw = typeof value.attachment === 'string' ? value.attachment : value.attachment.id;
      } else if ('user' in value) {
        type ??= ApplicationCommandOptionType.User;
        raw = typeof value.user === 'string' ? value.user : value.user.id;
      } else if ('role' in value) {
        type ??= ApplicationCommandOptionType.Role;
        raw = value.role;
      } else if ('channel' in value) {
        type ??= ApplicationCommandOptionType.Channel;
        raw = value.channel;
      } else {
        type ??= ApplicationCommandOptionType.Mentionable;
        raw = value.mentionable;
      }
    } else {
      raw = value;
      type ??=
        typeof value === 'boolean'
          ? ApplicationCommandOptionType.Boolean
          : typeof value === 'number'
            ? Number.isInteger(value)
              ? ApplicationCommandOptionType.Integer
              : ApplicationCommandOptionType.Number
            : ApplicationCommandOptionType.String;
    }
    const id = String(raw);
    switch (type) {
      case ApplicationCommandOptionType.User:
        this.resolveUserInto(resolved, guildId, id);
        break;
      case ApplicationCommandOptionType.Role:
        this.resolveRoleInto(resolved, guildId, id);
        break;
      case ApplicationCommandOptionType.Channel:
        this.resolveChannelInto(resolved, guildId, id);
        break;
      case ApplicationCommandOptionType.Mentionable:
        if (this.deps.world.users.has(id)) this.resolveUserInto(resolved, guildId, id);
        else this.resolveRoleInto(resolved, guildId, id);
        break;
      case ApplicationCommandOptionType.Attachment: {
        const att = this.deps.world.attachments.get(id);
        if (!att) throw new Error(`fake discord: unknown attachment ${id}; create it with addAttachment()`);
        resolved.attachments = { ...resolved.attachments, [id]: att.api };
        break;
      }
      default:
        break;
    }
    const isSnowflakeType = [6, 7, 8, 9, 11].includes(type);
    return { name, type, value: isSnowflakeType ? id : raw };
  }

  /** Finds the option definitions for a (group, subcommand) path in a registered command. */
  private optionDefs(command: Record<string, unknown> | undefined, group: string | undefined, subcommand: string | undefined): Array<Record<string, unknown>> | undefined {
    if (!command) return undefined;
    let options = Array.isArray(command['options']) ? (command['options'] as Array<Record<string, unknown>>) : [];
    const cmdName = String(command['name']);
    if (group !== undefined) {
      const g = options.find((o) => o['name'] === group && o['type'] === ApplicationCommandOptionType.SubcommandGroup);
      if (!g) throw new Error(`fake discord: /${cmdName} has no subcommand group "${group}"`);
      options = Array.isArray(g['options']) ? (g['options'] as Array<Record<string, unknown>>) : [];
    }
    if (subcommand !== undefined) {
      const s = options.find((o) => o['name'] === subcommand && o['type'] === ApplicationCommandOptionType.Subcommand);
      if (!s) throw new Error(`fake discord: /${cmdName} has no subcommand "${subcommand}"`);
      options = Array.isArray(s['options']) ? (s['options'] as Array<Record<string, unknown>>) : [];
    }
    return options;
  }

  private commandData(
    name: string,
    opts: { subcommand?: string; group?: string; options?: Record<string, OptionValue>; focused?: string; resolved?: Resolved },
    guildId: string | null,
    checkRequired: boolean,
  ): Record<string, unknown> {
    const registered = this.deps.world.findCommand(name, ApplicationCommandType.ChatInput, guildId);
    const defs = this.optionDefs(registered, opts.group, opts.subcommand);
    const resolved: Resolved = { ...opts.resolved };
    const leaf: Array<Record<string, unknown>> = [];
    for (const [optName, value] of Object.entries(opts.options ?? {})) {
      const def = defs?.find((d) => d['name'] === optName);
      if (defs && !def) throw new Error(`fake discord: /${name} has no option "${optName}"`);
      if (optName === opts.focused) {
        // Discord sends what the user typed so far, as a string, for the focused option.
        leaf.push({ name: optName, type: def?.['type'] ?? ApplicationCommandOptionType.String, value: String(value), focused: true });
      } else leaf.push(this.optionFor(optName, value, def, resolved, guildId));
    }
    if (opts.focused !== undefined && !leaf.some((o) => o['focused'] === true)) {
      const def = defs?.find((d) => d['name'] === opts.focused);
      leaf.push({ name: opts.focused, type: def?.['type'] ?? ApplicationCommandOptionType.String, value: '', focused: true });
    }
    if (checkRequired && defs) {
      for (const def of defs) {
        if (def['required'] === true && !leaf.some((o) => o['name'] === def['name'])) {
          throw new Error(`fake discord: /${name} requires option "${String(def['name'])}" (Discord's client would not send it without)`);
        }
      }
    }
    let options = leaf;
    if (opts.subcommand !== undefined) options = [{ name: opts.subcommand, type: ApplicationCommandOptionType.Subcommand, options }];
    if (opts.group !== undefined) options = [{ name: opts.group, type: ApplicationCommandOptionType.SubcommandGroup, options }];
    const data: Record<string, unknown> = {
      id: this.commandId(name, ApplicationCommandType.ChatInput, guildId, registered),
      name,
      type: ApplicationCommandType.ChatInput,
      options,
    };
    if (registered && typeof registered['guild_id'] === 'string') data['guild_id'] = registered['guild_id'];
    if (Object.keys(resolved).length > 0) data['resolved'] = resolved;
    return data;
  }

  private currentMessage(message: APIMessage | string): APIMessage {
    const id = typeof message === 'string' ? message : message.id;
    const stored = this.deps.world.messages.get(id);
    if (!stored) throw new Error(`fake discord: unknown message ${id} (deleted?)`);
    return stored.message;
  }

  private start(record: InteractionRecord): InteractionHandle {
    this.byId.set(record.id, record);
    this.byToken.set(record.token, record);
    if (this.deps.dispatch(record.payload)) record.dispatchedAt = Date.now();
    else this.queued.push(record);
    this.deps.changes.emit('change');
    return this.handle(record);
  }

  /** Dispatches interactions created while no client session existed. */
  flushQueued(): void {
    while (this.queued.length > 0) {
      const record = this.queued[0];
      if (!record || !this.deps.dispatch(record.payload)) return;
      this.queued.shift();
      record.dispatchedAt = Date.now();
    }
    this.deps.changes.emit('change');
  }

  slash(name: string, opts: InteractionContext & { subcommand?: string; group?: string; options?: Record<string, OptionValue>; resolved?: Resolved }): InteractionHandle {
    const { guildId } = this.where(opts);
    const data = this.commandData(name, opts, guildId, true);
    return this.start(this.base(InteractionType.ApplicationCommand, opts, data));
  }

  autocomplete(name: string, opts: InteractionContext & { subcommand?: string; group?: string; options?: Record<string, OptionValue>; focused: string }): InteractionHandle {
    const { guildId } = this.where(opts);
    const data = this.commandData(name, opts, guildId, false);
    return this.start(this.base(InteractionType.ApplicationCommandAutocomplete, opts, data));
  }

  userContextMenu(name: string, targetUserId: string, opts: InteractionContext): InteractionHandle {
    const { guildId } = this.where(opts);
    const registered = this.deps.world.findCommand(name, ApplicationCommandType.User, guildId);
    const resolved: Resolved = {};
    this.resolveUserInto(resolved, guildId, targetUserId);
    const data: Record<string, unknown> = {
      id: this.commandId(name, ApplicationCommandType.User, guildId, registered),
      name,
      type: ApplicationCommandType.User,
      target_id: targetUserId,
      resolved,
    };
    return this.start(this.base(InteractionType.ApplicationCommand, opts, data));
  }

  messageContextMenu(name: string, targetMessage: APIMessage | string, opts: InteractionContext): InteractionHandle {
    const { guildId } = this.where(opts);
    const message = this.currentMessage(targetMessage);
    const registered = this.deps.world.findCommand(name, ApplicationCommandType.Message, guildId);
    const data: Record<string, unknown> = {
      id: this.commandId(name, ApplicationCommandType.Message, guildId, registered),
      name,
      type: ApplicationCommandType.Message,
      target_id: message.id,
      resolved: { messages: { [message.id]: message } },
    };
    return this.start(this.base(InteractionType.ApplicationCommand, { channelId: message.channel_id, ...opts }, data));
  }

  button(customId: string, opts: InteractionContext & { message: APIMessage | string }): InteractionHandle {
    const message = this.currentMessage(opts.message);
    const record = this.base(InteractionType.MessageComponent, { channelId: message.channel_id, ...opts }, { custom_id: customId, component_type: ComponentType.Button });
    record.payload['message'] = message;
    record.componentMessageId = message.id;
    return this.start(record);
  }

  select(customId: string, values: string[], opts: InteractionContext & { kind?: SelectKind; message: APIMessage | string }): InteractionHandle {
    const message = this.currentMessage(opts.message);
    const kind = opts.kind ?? 'string';
    const { guildId } = this.where({ channelId: message.channel_id, ...opts });
    const data: Record<string, unknown> = { custom_id: customId, component_type: COMPONENT_KINDS[kind], values };
    if (kind !== 'string') {
      const resolved: Resolved = {};
      for (const value of values) {
        if (kind === 'user' || (kind === 'mentionable' && this.deps.world.users.has(value))) this.resolveUserInto(resolved, guildId, value);
        else if (kind === 'role' || kind === 'mentionable') this.resolveRoleInto(resolved, guildId, value);
        else this.resolveChannelInto(resolved, guildId, value);
      }
      data['resolved'] = resolved;
    }
    const record = this.base(InteractionType.MessageComponent, { channelId: message.channel_id, ...opts }, data);
    record.payload['message'] = message;
    record.componentMessageId = message.id;
    return this.start(record);
  }

  modalSubmit(customId: string, fields: Record<string, string | string[]>, opts: InteractionContext & { message?: APIMessage | string }): InteractionHandle {
    const shown = this.modalsShown.get(customId);
    const shownComponents = shown && Array.isArray(shown['components']) ? (shown['components'] as unknown[]) : [];
    const usesLabels = shownComponents.some((c) => isRecord(c) && c['type'] === ComponentType.Label);
    const shownInner = new Map<string, Record<string, unknown>>();
    for (const c of shownComponents) {
      if (!isRecord(c)) continue;
      const inner = isRecord(c['component']) ? [c['component']] : Array.isArray(c['components']) ? (c['components'] as unknown[]) : [];
      for (const i of inner) if (isRecord(i) && typeof i['custom_id'] === 'string') shownInner.set(i['custom_id'], { ...i, outerId: c['id'] });
    }
    const submitted = Object.entries(fields).map(([id, value], index) => {
      const def = shownInner.get(id);
      const type = typeof def?.['type'] === 'number' ? def['type'] : Array.isArray(value) ? ComponentType.StringSelect : ComponentType.TextInput;
      const inner: Record<string, unknown> = Array.isArray(value) ? { type, custom_id: id, values: value } : { type, custom_id: id, value };
      if (typeof def?.['id'] === 'number') inner['id'] = def['id'];
      const outerId = typeof def?.['outerId'] === 'number' ? def['outerId'] : index + 1;
      return usesLabels ? { type: ComponentType.Label, id: outerId, component: inner } : { type: ComponentType.ActionRow, id: outerId, components: [inner] };
    });
    const message = opts.message === undefined ? undefined : this.currentMessage(opts.message);
    const ctx = message ? { channelId: message.channel_id, ...opts } : opts;
    const record = this.base(InteractionType.ModalSubmit, ctx, { custom_id: customId, components: submitted });
    if (message) {
      record.payload['message'] = message;
      record.componentMessageId = message.id;
    }
    return this.start(record);
  }

  // ---------------------------------------------------------------- handles

  private handle(record: InteractionRecord): InteractionHandle {
    const self = this;
    const handle: InteractionHandle = {
      id: record.id,
      token: record.token,
      payload: record.payload as unknown as APIInteraction,
      get dispatchedAt() {
        return record.dispatchedAt;
      },
      get answeredAt() {
        return record.answeredAt;
      },
      get responded() {
        return record.response;
      },
      response(timeoutMs = 10_000) {
        return new Promise<InteractionResponseRecord>((resolve, reject) => {
          const check = (): boolean => {
            if (record.response) {
              resolve(record.response);
              return true;
            }
            const late = record.rejections.find((r) => r.reason === 'late');
            if (late) {
              reject(new Error(`interaction ${record.id} was acknowledged too late (${late.at - record.dispatchedAt} ms)`));
              return true;
            }
            return false;
          };
          if (check()) return;
          const timer = setTimeout(() => {
            record.waiters.delete(listener);
            reject(new Error(`interaction ${record.id} got no callback within ${timeoutMs} ms`));
          }, timeoutMs);
          const listener = (): void => {
            if (check()) {
              clearTimeout(timer);
              record.waiters.delete(listener);
            }
          };
          record.waiters.add(listener);
        });
      },
      original() {
        return record.originalId === undefined ? undefined : self.deps.world.messages.get(record.originalId)?.message;
      },
      followups() {
        const out: APIMessage[] = [];
        for (const id of record.followupIds) {
          const m = self.deps.world.messages.get(id)?.message;
          if (m) out.push(m);
        }
        return out;
      },
      rejections() {
        return record.rejections;
      },
      waitFor(predicate, timeoutMs = 10_000) {
        return waitForChange(self.deps.changes, () => predicate(handle), timeoutMs, `interaction ${record.id}: condition not met`);
      },
    };
    return handle;
  }

  // ---------------------------------------------------------------- callbacks and webhooks

  private reject(record: InteractionRecord, error: DiscordHttpError, reason: InteractionRejection['reason']): never {
    record.rejections.push({ status: error.status, code: error.code, at: Date.now(), reason });
    for (const waiter of [...record.waiters]) waiter();
    this.deps.changes.emit('change');
    throw error;
  }

  /** POST /interactions/{id}/{token}/callback */
  callback(id: string, token: string, body: unknown, files: UploadedFile[], withResponse: boolean): { status: number; body?: unknown } {
    const record = this.byId.get(id);
    if (!record || record.token !== token) throw new DiscordHttpError(404, ErrorCode.UnknownInteraction, 'Unknown interaction');
    const now = Date.now();
    if (record.response) {
      this.reject(record, new DiscordHttpError(400, ErrorCode.AlreadyAcknowledged, 'Interaction has already been acknowledged.'), 'already-acknowledged');
    }
    if (Number.isNaN(record.dispatchedAt) || now - record.dispatchedAt > this.deps.deadlineMs()) {
      this.reject(record, new DiscordHttpError(404, ErrorCode.UnknownInteraction, 'Unknown interaction'), 'late');
    }
    if (!isRecord(body) || typeof body['type'] !== 'number') {
      this.reject(record, invalidCallback('type', 'BASE_TYPE_REQUIRED', 'This field is required'), 'invalid');
    }
    const type = body['type'];
    const data = isRecord(body['data']) ? body['data'] : {};
    const isComponentish = record.componentMessageId !== undefined;
    let resourceMessage: APIMessage | undefined;
    try {
      switch (type) {
        case InteractionResponseType.ChannelMessageWithSource:
        case InteractionResponseType.DeferredChannelMessageWithSource: {
          this.requireNot(record, [InteractionType.ApplicationCommandAutocomplete], type);
          const deferred = type === InteractionResponseType.DeferredChannelMessageWithSource;
          if (!deferred) validateMessageBody(data, { create: true, fileCount: files.length });
          const flagsIn = typeof data['flags'] === 'number' ? data['flags'] : 0;
          const stored = this.deps.messages.create({
            channelId: record.channelId,
            author: this.deps.botUser(),
            body: deferred ? { flags: flagsIn & MESSAGE_FLAG_EPHEMERAL } : data,
            files: deferred ? [] : files,
            type: this.replyMessageType(record),
            webhookId: this.deps.applicationId,
            applicationId: this.deps.applicationId,
            interactionMetadata: this.metadata(record),
            extraFlags: deferred ? MESSAGE_FLAG_LOADING : 0,
          });
          this.deps.world.addChannelMessage(record.channelId, stored);
          record.originalId = stored.message.id;
          record.pendingDeferred = deferred;
          resourceMessage = stored.message;
          break;
        }
        case InteractionResponseType.DeferredMessageUpdate:
        case InteractionResponseType.UpdateMessage: {
          if (!isComponentish) throw invalidCallback('type', 'INTERACTION_CALLBACK_TYPE_INVALID', 'This interaction has no message to update');
          const stored = this.deps.world.messages.get(record.componentMessageId ?? '');
          if (!stored) throw new DiscordHttpError(404, ErrorCode.UnknownMessage, 'Unknown Message');
          if (type === InteractionResponseType.UpdateMessage) {
            validateMessageBody(data, { create: false, fileCount: files.length });
            this.deps.messages.edit(stored, data, files);
          }
          record.originalId = stored.message.id;
          resourceMessage = stored.message;
          break;
        }
        case InteractionResponseType.ApplicationCommandAutocompleteResult:
          if (record.type !== InteractionType.ApplicationCommandAutocomplete) {
            throw invalidCallback('type', 'INTERACTION_CALLBACK_TYPE_INVALID', 'Autocomplete results are only valid for autocomplete interactions');
          }
          validateAutocomplete(data);
          break;
        case InteractionResponseType.Modal:
          this.requireNot(record, [InteractionType.ApplicationCommandAutocomplete, InteractionType.ModalSubmit], type);
          validateModal(data);
          if (typeof data['custom_id'] === 'string') this.modalsShown.set(data['custom_id'], data);
          break;
        default:
          throw invalidCallback('type', 'INTERACTION_CALLBACK_TYPE_INVALID', `Callback type ${String(type)} is not supported`);
      }
    } catch (error) {
      if (error instanceof DiscordHttpError) this.reject(record, error, 'invalid');
      throw error;
    }
    record.response = { type, data: body['data'], at: now, latencyMs: now - record.dispatchedAt };
    if (type !== InteractionResponseType.DeferredChannelMessageWithSource && type !== InteractionResponseType.DeferredMessageUpdate) record.answeredAt = now;
    for (const waiter of [...record.waiters]) waiter();
    this.deps.changes.emit('change');
    if (!withResponse) return { status: 204 };
    const interaction: Record<string, unknown> = { id: record.id, type: record.type };
    if (resourceMessage) {
      interaction['response_message_id'] = resourceMessage.id;
      interaction['response_message_loading'] = ((resourceMessage.flags ?? 0) & MESSAGE_FLAG_LOADING) !== 0;
      interaction['response_message_ephemeral'] = ((resourceMessage.flags ?? 0) & MESSAGE_FLAG_EPHEMERAL) !== 0;
    }
    const resource: Record<string, unknown> = { type };
    if (resourceMessage) resource['message'] = resourceMessage;
    return { status: 200, body: { interaction, resource } };
  }

  private requireNot(record: InteractionRecord, types: InteractionType[], callbackType: number): void {
    if (types.includes(record.type)) {
      throw invalidCallback('type', 'INTERACTION_CALLBACK_TYPE_INVALID', `Callback type ${callbackType} is not valid for interaction type ${record.type}`);
    }
  }

  private replyMessageType(record: InteractionRecord): MessageType {
    if (record.type !== InteractionType.ApplicationCommand) return MessageType.Default;
    const data = record.payload['data'];
    return isRecord(data) && data['type'] === ApplicationCommandType.ChatInput ? MessageType.ChatInputCommand : MessageType.ContextMenuCommand;
  }

  private metadata(record: InteractionRecord): Record<string, unknown> {
    const data = record.payload['data'];
    const meta: Record<string, unknown> = {
      id: record.id,
      type: record.type,
      user: this.deps.world.users.get(record.userId),
      authorizing_integration_owners: record.payload['authorizing_integration_owners'],
    };
    if (record.type === InteractionType.ApplicationCommand && isRecord(data)) meta['name'] = data['name'];
    if (record.componentMessageId !== undefined) meta['interacted_message_id'] = record.componentMessageId;
    return meta;
  }

  private webhookRecord(appId: string, token: string): InteractionRecord {
    const record = this.byToken.get(token);
    if (appId !== this.deps.applicationId || !record) throw new DiscordHttpError(404, ErrorCode.UnknownWebhook, 'Unknown Webhook');
    if (Date.now() - record.createdAt > this.deps.tokenTtlMs) throw new DiscordHttpError(401, ErrorCode.InvalidWebhookToken, 'Invalid Webhook Token');
    return record;
  }

  private webhookMessageId(record: InteractionRecord, messageId: string): string {
    if (messageId === '@original') {
      if (record.originalId === undefined || !this.deps.world.messages.has(record.originalId)) {
        throw new DiscordHttpError(404, ErrorCode.UnknownMessage, 'Unknown Message');
      }
      return record.originalId;
    }
    if (messageId !== record.originalId && !record.followupIds.includes(messageId)) {
      throw new DiscordHttpError(404, ErrorCode.UnknownMessage, 'Unknown Message');
    }
    if (!this.deps.world.messages.has(messageId)) throw new DiscordHttpError(404, ErrorCode.UnknownMessage, 'Unknown Message');
    return messageId;
  }

  /** GET /webhooks/{app}/{token}/messages/{id|@original} */
  getWebhookMessage(appId: string, token: string, messageId: string): APIMessage {
    const record = this.webhookRecord(appId, token);
    const stored = this.deps.world.messages.get(this.webhookMessageId(record, messageId));
    if (!stored) throw new DiscordHttpError(404, ErrorCode.UnknownMessage, 'Unknown Message');
    return stored.message;
  }

  /** PATCH /webhooks/{app}/{token}/messages/{id|@original} */
  editWebhookMessage(appId: string, token: string, messageId: string, body: unknown, files: UploadedFile[]): APIMessage {
    const record = this.webhookRecord(appId, token);
    const stored = this.deps.world.messages.get(this.webhookMessageId(record, messageId));
    if (!stored) throw new DiscordHttpError(404, ErrorCode.UnknownMessage, 'Unknown Message');
    const data = isRecord(body) ? body : {};
    validateMessageBody(data, { create: false, fileCount: files.length });
    this.deps.messages.edit(stored, data, files);
    if (stored.message.id === record.originalId) record.pendingDeferred = false;
    record.answeredAt = Date.now();
    this.deps.changes.emit('change');
    return stored.message;
  }

  /** DELETE /webhooks/{app}/{token}/messages/{id|@original} */
  deleteWebhookMessage(appId: string, token: string, messageId: string): void {
    const record = this.webhookRecord(appId, token);
    const id = this.webhookMessageId(record, messageId);
    this.deps.world.deleteMessage(id);
    this.deps.changes.emit('change');
  }

  /** POST /webhooks/{app}/{token}: a follow-up. After a defer, the first follow-up replaces the "thinking…" message. */
  followup(appId: string, token: string, body: unknown, files: UploadedFile[]): APIMessage {
    const record = this.webhookRecord(appId, token);
    if (!record.response) throw new DiscordHttpError(404, ErrorCode.UnknownWebhook, 'Unknown Webhook');
    const data = isRecord(body) ? body : {};
    validateMessageBody(data, { create: true, fileCount: files.length });
    if (record.pendingDeferred && record.originalId !== undefined) {
      const original = this.deps.world.messages.get(record.originalId);
      if (original) {
        this.deps.messages.edit(original, data, files);
        record.pendingDeferred = false;
        record.answeredAt = Date.now();
        this.deps.changes.emit('change');
        return original.message;
      }
    }
    const stored = this.deps.messages.create({
      channelId: record.channelId,
      author: this.deps.botUser(),
      body: data,
      files,
      type: MessageType.Default,
      webhookId: this.deps.applicationId,
      applicationId: this.deps.applicationId,
      interactionMetadata: this.metadata(record),
    });
    this.deps.world.addChannelMessage(record.channelId, stored);
    record.followupIds.push(stored.message.id);
    record.answeredAt = Date.now();
    this.deps.changes.emit('change');
    return stored.message;
  }

  /** Number of interactions created so far. */
  get count(): number {
    return this.byId.size;
  }
}

function invalidCallback(field: string, code: string, message: string): DiscordHttpError {
  return new DiscordHttpError(400, ErrorCode.InvalidFormBody, 'Invalid Form Body', { [field]: { _errors: [{ code, message }] } });
}

/**
 * Resolves once `check()` is true, re-evaluated on every 'change' in the fake and every 20 ms (so
 * conditions on the bot's side, outside the fake, work too); rejects after `timeoutMs`.
 */
export function waitForChange(changes: EventEmitter, check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (check()) {
      resolve();
      return;
    }
    const listener = (): void => {
      let ok = false;
      try {
        ok = check();
      } catch (error) {
        cleanup();
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (ok) {
        cleanup();
        resolve();
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const poll = setInterval(listener, 20);
    const cleanup = (): void => {
      clearTimeout(timer);
      clearInterval(poll);
      changes.off('change', listener);
    };
    changes.on('change', listener);
  });
}
