import type { EventEmitter } from 'node:events';
import { ChannelType, GatewayIntentBits, MessageType, PermissionFlagsBits, type APIUser } from 'discord-api-types/v10';
import { DiscordHttpError, ErrorCode, notFound } from './errors.js';
import { isRecord } from './http-util.js';
import type { Interactions } from './interactions.js';
import type { MessageFactory } from './messages.js';
import type { RestRouter } from './rest.js';
import { validateMessageBody } from './validate.js';
import type { FakeChannel, World } from './world.js';

export interface RouteDeps {
  world: World;
  messages: MessageFactory;
  interactions: Interactions;
  changes: EventEmitter;
  applicationId: string;
  botUser: () => APIUser;
  gatewayUrl: () => string;
  privilegedIntents: () => number;
  applicationFlags: () => number;
  /** Broadcasts a dispatch to sessions with `intent`. */
  broadcast: (t: string, d: unknown, intent: number) => void;
}

const NAME_RE = /^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function requireGuild(deps: RouteDeps, id: string): NonNullable<ReturnType<World['guild']>> {
  const guild = deps.world.guild(id);
  if (!guild) throw notFound(ErrorCode.UnknownGuild, 'Guild');
  return guild;
}

function requireChannel(deps: RouteDeps, id: string): FakeChannel {
  const channel = deps.world.channel(id);
  if (!channel) throw notFound(ErrorCode.UnknownChannel, 'Channel');
  return channel;
}

function messageIntent(deps: RouteDeps, channelId: string): number {
  return deps.world.channelGuild.get(channelId) === null ? GatewayIntentBits.DirectMessages : GatewayIntentBits.GuildMessages;
}

/** Validates and stores a bulk overwrite, keeping ids of commands whose name and type did not change (as Discord does). */
function overwriteCommands(deps: RouteDeps, scope: string, body: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(body)) throw new DiscordHttpError(400, ErrorCode.InvalidFormBody, 'Invalid Form Body', { _errors: [{ code: 'LIST_TYPE_CONVERT', message: 'Must be an array.' }] });
  const previous = deps.world.commands.get(scope) ?? [];
  const errors: Record<string, unknown> = {};
  const seen = new Set<string>();
  const out = body.map((raw: unknown, i) => {
    const cmd = isRecord(raw) ? raw : {};
    const type = typeof cmd['type'] === 'number' ? cmd['type'] : 1;
    const name = typeof cmd['name'] === 'string' ? cmd['name'] : '';
    const problems: string[] = [];
    if (type === 1 && (!NAME_RE.test(name) || name !== name.toLowerCase())) problems.push('name: invalid command name');
    if (type !== 1 && (name.length < 1 || name.length > 32)) problems.push('name: must be 1-32 characters');
    const description = typeof cmd['description'] === 'string' ? cmd['description'] : '';
    if (type === 1 && (description.length < 1 || description.length > 100)) problems.push('description: must be 1-100 characters');
    if (Array.isArray(cmd['options']) && cmd['options'].length > 25) problems.push('options: must be 25 or fewer');
    const key = `${type}:${name}`;
    if (seen.has(key)) problems.push('name: duplicate command name');
    seen.add(key);
    if (problems.length > 0) errors[String(i)] = { _errors: problems.map((message) => ({ code: 'APPLICATION_COMMAND_INVALID', message })) };
    const kept = previous.find((p) => p['name'] === name && (p['type'] ?? 1) === type);
    const stored: Record<string, unknown> = {
      ...cmd,
      id: typeof kept?.['id'] === 'string' ? kept['id'] : deps.world.ids.next(),
      application_id: deps.applicationId,
      version: deps.world.ids.next(),
      type,
      name,
      description: type === 1 ? description : '',
      default_member_permissions: cmd['default_member_permissions'] ?? null,
      nsfw: cmd['nsfw'] ?? false,
      integration_types: cmd['integration_types'] ?? [0],
      contexts: cmd['contexts'] ?? null,
    };
    if (scope !== 'global') stored['guild_id'] = scope;
    return stored;
  });
  if (Object.keys(errors).length > 0) throw new DiscordHttpError(400, ErrorCode.InvalidFormBody, 'Invalid Form Body', errors);
  deps.world.commands.set(scope, out);
  deps.changes.emit('change');
  return out;
}

/** Registers every REST v10 route the fake implements. */
export function registerRoutes(router: RestRouter, deps: RouteDeps): void {
  const { world } = deps;
  const app = (id: string | undefined): void => {
    if (id !== deps.applicationId) throw notFound(ErrorCode.General, 'Application');
  };
  const applicationObject = (): Record<string, unknown> => ({
    id: deps.applicationId,
    name: deps.botUser().username,
    icon: null,
    description: '',
    summary: '',
    type: null,
    bot_public: true,
    bot_require_code_grant: false,
    verify_key: '0'.repeat(64),
    flags: deps.applicationFlags(),
    team: null,
    owner: { id: world.ids.next(), username: 'owner', discriminator: '0', global_name: null, avatar: null, flags: 0 },
    bot: deps.botUser(),
    approximate_guild_count: world.guilds.size,
    integration_types_config: { '0': {} },
    tags: [],
  });

  // Gateway and identity
  router.add('GET', '/gateway', () => ({ status: 200, body: { url: deps.gatewayUrl() } }), { auth: false });
  router.add('GET', '/gateway/bot', () => ({
    status: 200,
    body: { url: deps.gatewayUrl(), shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 } },
  }));
  router.add('GET', '/users/@me', () => ({ status: 200, body: deps.botUser() }));
  router.add('GET', '/users/:id', ({ params }) => {
    const user = world.users.get(params[0] ?? '');
    if (!user) throw notFound(ErrorCode.UnknownUser, 'User');
    return { status: 200, body: user };
  });
  router.add('POST', '/users/@me/channels', ({ body }) => {
    const recipient = isRecord(body) ? String(body['recipient_id']) : '';
    if (!world.users.has(recipient)) throw notFound(ErrorCode.UnknownUser, 'User');
    const { id } = deps.interactions.dmChannelFor(recipient);
    return { status: 200, body: world.channel(id) };
  });
  router.add('GET', '/applications/@me', () => ({ status: 200, body: applicationObject() }));
  router.add('GET', '/oauth2/applications/@me', () => ({ status: 200, body: applicationObject() }));

  // Application commands, global and guild
  const scopes: Array<[string, (p: string[]) => string]> = [
    ['/applications/:app/commands', (p) => (app(p[0]), 'global')],
    ['/applications/:app/guilds/:guild/commands', (p) => (app(p[0]), requireGuild(deps, p[1] ?? ''), p[1] ?? '')],
  ];
  for (const [base, scopeOf] of scopes) {
    router.add('GET', base, ({ params }) => ({ status: 200, body: world.commands.get(scopeOf(params)) ?? [] }));
    router.add('PUT', base, ({ params, body }) => ({ status: 200, body: overwriteCommands(deps, scopeOf(params), body) }));
    router.add('POST', base, ({ params, body }) => {
      const scope = scopeOf(params);
      const current = (world.commands.get(scope) ?? []).filter((c) => !(isRecord(body) && c['name'] === body['name'] && (c['type'] ?? 1) === (body['type'] ?? 1)));
      const all = overwriteCommands(deps, scope, [...current, body]);
      return { status: 201, body: all[all.length - 1] };
    });
    router.add('GET', `${base}/:command`, ({ params }) => {
      const found = (world.commands.get(scopeOf(params)) ?? []).find((c) => c['id'] === params[params.length - 1]);
      if (!found) throw notFound(ErrorCode.UnknownApplicationCommand, 'application command');
      return { status: 200, body: found };
    });
    router.add('DELETE', `${base}/:command`, ({ params }) => {
      const scope = scopeOf(params);
      const list = world.commands.get(scope) ?? [];
      const next = list.filter((c) => c['id'] !== params[params.length - 1]);
      if (next.length === list.length) throw notFound(ErrorCode.UnknownApplicationCommand, 'application command');
      world.commands.set(scope, next);
      return { status: 204 };
    });
  }

  // Interaction callbacks and webhooks (authenticated by the token in the path, not the bot token)
  router.add(
    'POST',
    '/interactions/:id/:token/callback',
    ({ params, body, files, query }) => deps.interactions.callback(params[0] ?? '', params[1] ?? '', body, files, query.get('with_response') === 'true'),
    { auth: false },
  );
  router.add(
    'POST',
    '/webhooks/:app/:token',
    ({ params, body, files, query }) => {
      const message = deps.interactions.followup(params[0] ?? '', params[1] ?? '', body, files);
      return query.get('wait') === 'false' ? { status: 204 } : { status: 200, body: message };
    },
    { auth: false },
  );
  router.add('GET', '/webhooks/:app/:token/messages/:message', ({ params }) => ({
    status: 200,
    body: deps.interactions.getWebhookMessage(params[0] ?? '', params[1] ?? '', params[2] ?? ''),
  }), { auth: false });
  router.add('PATCH', '/webhooks/:app/:token/messages/:message', ({ params, body, files }) => ({
    status: 200,
    body: deps.interactions.editWebhookMessage(params[0] ?? '', params[1] ?? '', params[2] ?? '', body, files),
  }), { auth: false });
  router.add('DELETE', '/webhooks/:app/:token/messages/:message', ({ params }) => {
    deps.interactions.deleteWebhookMessage(params[0] ?? '', params[1] ?? '', params[2] ?? '');
    return { status: 204 };
  }, { auth: false });

  // Channels and messages
  router.add('GET', '/channels/:channel', ({ params }) => ({ status: 200, body: requireChannel(deps, params[0] ?? '') }));
  router.add('POST', '/channels/:channel/typing', ({ params }) => (requireChannel(deps, params[0] ?? ''), { status: 204 }));
  router.add('GET', '/channels/:channel/messages', ({ params, query }) => {
    const channel = requireChannel(deps, params[0] ?? '');
    const limit = Math.min(100, Math.max(1, Number(query.get('limit') ?? 50)));
    let list = world.channelMessageList(channel.id);
    const before = query.get('before');
    const after = query.get('after');
    if (before !== null) list = list.filter((m) => BigInt(m.id) < BigInt(before));
    if (after !== null) list = list.filter((m) => BigInt(m.id) > BigInt(after));
    list = after !== null ? list.slice(0, limit) : list.slice(-limit);
    return { status: 200, body: list.reverse() };
  });
  router.add('GET', '/channels/:channel/messages/:message', ({ params }) => {
    requireChannel(deps, params[0] ?? '');
    const stored = world.messages.get(params[1] ?? '');
    if (!stored || stored.ephemeral || stored.message.channel_id !== params[0]) throw notFound(ErrorCode.UnknownMessage, 'Message');
    return { status: 200, body: stored.message };
  });
  router.add('POST', '/channels/:channel/messages', ({ params, body, files }) => {
    const channel = requireChannel(deps, params[0] ?? '');
    if (channel.type === ChannelType.GuildCategory) throw new DiscordHttpError(400, 50008, 'Cannot send messages in a non-text channel');
    const guildId = world.channelGuild.get(channel.id) ?? null;
    if (guildId !== null && (world.permissions(guildId, deps.botUser().id) & PermissionFlagsBits.SendMessages) === 0n) {
      throw new DiscordHttpError(403, ErrorCode.MissingPermissions, 'Missing Permissions');
    }
    const recipient = guildId === null ? channel.recipients?.[0]?.id : undefined;
    if (recipient !== undefined && world.dmsClosed.has(recipient)) throw new DiscordHttpError(403, ErrorCode.CannotSendMessagesToUser, 'Cannot send messages to this user');
    const data = isRecord(body) ? body : {};
    validateMessageBody(data, { create: true, fileCount: files.length });
    const stored = deps.messages.create({ channelId: channel.id, author: deps.botUser(), body: { ...data, flags: (typeof data['flags'] === 'number' ? data['flags'] : 0) & ~64 }, files, type: isRecord(data['message_reference']) ? MessageType.Reply : MessageType.Default });
    if (isRecord(data['message_reference'])) Object.assign(stored.message, { message_reference: data['message_reference'] });
    world.addChannelMessage(channel.id, stored);
    deps.broadcast('MESSAGE_CREATE', { ...stored.message, ...(guildId === null ? {} : { guild_id: guildId, member: world.apiMember(guildId, deps.botUser().id) }) }, messageIntent(deps, channel.id));
    deps.changes.emit('change');
    return { status: 200, body: stored.message };
  });
  router.add('PATCH', '/channels/:channel/messages/:message', ({ params, body, files }) => {
    requireChannel(deps, params[0] ?? '');
    const stored = world.messages.get(params[1] ?? '');
    if (!stored || stored.ephemeral || stored.message.channel_id !== params[0]) throw notFound(ErrorCode.UnknownMessage, 'Message');
    const data = isRecord(body) ? body : {};
    if (stored.message.author.id !== deps.botUser().id && Object.keys(data).some((k) => k !== 'flags')) {
      throw new DiscordHttpError(403, ErrorCode.CannotEditOtherUsersMessage, 'Cannot edit a message authored by another user');
    }
    validateMessageBody(data, { create: false, fileCount: files.length });
    deps.messages.edit(stored, data, files);
    deps.broadcast('MESSAGE_UPDATE', stored.message, messageIntent(deps, stored.message.channel_id));
    deps.changes.emit('change');
    return { status: 200, body: stored.message };
  });
  router.add('DELETE', '/channels/:channel/messages/:message', ({ params }) => {
    requireChannel(deps, params[0] ?? '');
    const stored = world.messages.get(params[1] ?? '');
    if (!stored || stored.ephemeral || stored.message.channel_id !== params[0]) throw notFound(ErrorCode.UnknownMessage, 'Message');
    world.deleteMessage(stored.message.id);
    const guildId = world.channelGuild.get(stored.message.channel_id) ?? undefined;
    deps.broadcast('MESSAGE_DELETE', { id: stored.message.id, channel_id: stored.message.channel_id, ...(guildId === undefined ? {} : { guild_id: guildId }) }, messageIntent(deps, stored.message.channel_id));
    deps.changes.emit('change');
    return { status: 204 };
  });

  // Guilds
  router.add('GET', '/guilds/:guild', ({ params, query }) => {
    const guild = requireGuild(deps, params[0] ?? '');
    const body = world.guildObject(guild);
    if (query.get('with_counts') === 'true') {
      body['approximate_member_count'] = world.memberCount(guild);
      body['approximate_presence_count'] = 0;
    }
    return { status: 200, body };
  });
  router.add('GET', '/guilds/:guild/roles', ({ params }) => ({ status: 200, body: [...requireGuild(deps, params[0] ?? '').roles.values()] }));
  router.add('GET', '/guilds/:guild/channels', ({ params }) => ({ status: 200, body: [...requireGuild(deps, params[0] ?? '').channels.values()] }));
  router.add('GET', '/guilds/:guild/members', ({ params, query }) => {
    const guild = requireGuild(deps, params[0] ?? '');
    // Listing members needs the privileged GUILD_MEMBERS intent enabled for the application.
    if ((deps.privilegedIntents() & GatewayIntentBits.GuildMembers) === 0) throw new DiscordHttpError(403, ErrorCode.MissingAccess, 'Missing Access');
    const limit = Math.min(1000, Math.max(1, Number(query.get('limit') ?? 1)));
    const after = BigInt(query.get('after') ?? '0');
    const ids = [...guild.members.keys()].filter((id) => BigInt(id) > after).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)).slice(0, limit);
    return { status: 200, body: ids.map((id) => world.apiMember(guild.id, id)) };
  });
  router.add('GET', '/guilds/:guild/members/search', ({ params, query }) => {
    const guild = requireGuild(deps, params[0] ?? '');
    const q = (query.get('query') ?? '').toLowerCase();
    const limit = Math.min(1000, Math.max(1, Number(query.get('limit') ?? 1)));
    const out = [];
    for (const [id, record] of guild.members) {
      const user = world.users.get(id);
      const names = [user?.username, user?.global_name, record.nick].filter((n): n is string => typeof n === 'string');
      if (names.some((n) => n.toLowerCase().startsWith(q))) out.push(world.apiMember(guild.id, id));
      if (out.length >= limit) break;
    }
    return { status: 200, body: out };
  });
  router.add('GET', '/guilds/:guild/members/:user', ({ params }) => {
    const guild = requireGuild(deps, params[0] ?? '');
    const userId = params[1] === '@me' ? deps.botUser().id : (params[1] ?? '');
    const member = world.apiMember(guild.id, userId);
    if (!member) throw notFound(ErrorCode.UnknownMember, 'Member');
    return { status: 200, body: member };
  });
  router.add('GET', '/guilds/:guild/voice-states/:user', ({ params }) => {
    const guild = requireGuild(deps, params[0] ?? '');
    const userId = params[1] === '@me' ? deps.botUser().id : (params[1] ?? '');
    const channelId = guild.voiceStates.get(userId);
    if (channelId === undefined) throw new DiscordHttpError(404, 10065, 'Unknown Voice State');
    return { status: 200, body: world.voiceState(guild.id, userId, channelId) };
  });
}
