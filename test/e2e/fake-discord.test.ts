import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { inflateSync, constants as zlibConstants } from 'node:zlib';
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ButtonBuilder,
  ButtonStyle,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  GuildMember,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  UserSelectMenuBuilder,
  type Interaction,
} from 'discord.js';
import { DefaultRestOptions } from '@discordjs/rest';
import type { APIUser } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startFakeDiscord, type FakeDiscord, type FakeGuild } from '../fakes/discord/index.js';

const TOKEN = 'fake-bot-token.for-tests';
const APP_ID = '1180000000000000001';

/** A small bot exercising every interaction kind the fake supports. */
async function handle(i: Interaction): Promise<void> {
  if (i.isChatInputCommand()) {
    switch (i.commandName) {
      case 'ping':
        await i.reply({ content: 'pong' });
        return;
      case 'secret':
        await i.deferReply({ flags: MessageFlags.Ephemeral });
        await i.editReply('done');
        await i.followUp({ content: 'more', flags: MessageFlags.Ephemeral });
        return;
      case 'xp': {
        const member = i.options.getMember('member');
        const file = i.options.getAttachment('proof');
        await i.reply({
          content: JSON.stringify({
            sub: i.options.getSubcommand(),
            user: i.options.getUser('member', true).username,
            nick: member instanceof GuildMember ? member.nickname : null,
            amount: i.options.getInteger('amount', true),
            file: file ? { name: file.name, size: file.size, url: file.url, type: file.contentType } : null,
          }),
          allowedMentions: { parse: [] },
        });
        return;
      }
      case 'menu':
        await i.reply({
          content: 'choose',
          components: [
            new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('menu:go').setLabel('Go').setStyle(ButtonStyle.Primary)),
            new ActionRowBuilder<UserSelectMenuBuilder>().addComponents(new UserSelectMenuBuilder().setCustomId('menu:users').setMaxValues(5)),
          ],
        });
        return;
      case 'form':
        await i.showModal(
          new ModalBuilder()
            .setCustomId('form:note')
            .setTitle('Note')
            .addLabelComponents(new LabelBuilder().setLabel('Title').setTextInputComponent(new TextInputBuilder().setCustomId('title').setStyle(TextInputStyle.Short))),
        );
        return;
      case 'late':
        await sleep(400);
        await i.reply('too late');
        return;
      case 'long':
        await i.reply('x'.repeat(2001));
        return;
      default:
        return;
    }
  }
  if (i.isAutocomplete()) {
    const focused = i.options.getFocused(true);
    await i.respond([1, 2, 3].map((n) => ({ name: `${focused.name}:${focused.value}-${n}`, value: `${focused.value}-${n}` })));
    return;
  }
  if (i.isButton()) {
    await i.update({ content: `clicked by ${i.user.username}`, components: [] });
    return;
  }
  if (i.isUserSelectMenu()) {
    const names = i.members.map((m) => (m instanceof GuildMember ? m.displayName : String(m.nick))).sort();
    await i.reply({ content: `picked ${names.join(',')}`, flags: MessageFlags.Ephemeral });
    return;
  }
  if (i.isModalSubmit()) {
    await i.reply({ content: `title=${i.fields.getTextInputValue('title')}`, flags: MessageFlags.Ephemeral });
    return;
  }
  if (i.isUserContextMenuCommand()) {
    await i.reply({ content: `target=${i.targetUser.username}`, flags: MessageFlags.Ephemeral });
    return;
  }
  if (i.isMessageContextMenuCommand()) {
    await i.reply({ content: `quoted=${i.targetMessage.content}`, flags: MessageFlags.Ephemeral });
  }
}

describe('fake Discord driven by a real discord.js Client', () => {
  let discord: FakeDiscord;
  let client: Client;
  let guild: FakeGuild;
  let alice: APIUser;
  let bob: APIUser;
  const botErrors: unknown[] = [];
  const restUrls: string[] = [];

  beforeAll(async () => {
    discord = await startFakeDiscord({ token: TOKEN, applicationId: APP_ID });
    guild = discord.addGuild({ name: 'Camarilla', roles: [{ name: 'Storyteller', permissions: 8n }] });
    alice = discord.addUser({ username: 'alice', globalName: 'Alice' });
    bob = discord.addUser({ username: 'bob' });
    discord.addMember(guild.id, alice, { roles: [guild.role('Storyteller').id], nick: 'Prince Alice' });
    discord.addMember(guild.id, bob);
    const voice = guild.voiceChannelId;
    if (voice === undefined) throw new Error('default guild has a voice channel');
    discord.setVoiceState(guild.id, alice.id, voice);

    client = new Client({
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
      rest: {
        api: discord.apiUrl,
        cdn: discord.cdnUrl,
        // Records every URL discord.js fetches, to prove nothing leaves for discord.com.
        makeRequest: (url, init) => {
          restUrls.push(url);
          return DefaultRestOptions.makeRequest(url, init);
        },
      },
    });
    client.on(Events.InteractionCreate, (i) => void handle(i).catch((error: unknown) => botErrors.push(error)));
    const ready = once(client, Events.ClientReady);
    await client.login(TOKEN);
    await ready;
    const application = client.application;
    if (!application) throw new Error('client.application is set from READY');
    await application.commands.set(
      [
        { name: 'ping', description: 'Ping' },
        { name: 'secret', description: 'Ephemeral defer' },
        { name: 'menu', description: 'Components' },
        { name: 'form', description: 'Modal' },
        { name: 'late', description: 'Answers after the deadline' },
        { name: 'long', description: 'Too long a reply' },
        {
          name: 'xp',
          description: 'Experience',
          options: [
            {
              type: ApplicationCommandOptionType.Subcommand,
              name: 'award',
              description: 'Award XP',
              options: [
                { type: ApplicationCommandOptionType.User, name: 'member', description: 'Who', required: true },
                { type: ApplicationCommandOptionType.Integer, name: 'amount', description: 'How much', required: true },
                { type: ApplicationCommandOptionType.Attachment, name: 'proof', description: 'A file' },
                { type: ApplicationCommandOptionType.String, name: 'campaign', description: 'Campaign', autocomplete: true },
              ],
            },
          ],
        },
        { type: ApplicationCommandType.User, name: 'Inspect' },
        { type: ApplicationCommandType.Message, name: 'Quote' },
      ],
      guild.id,
    );
  });

  afterAll(async () => {
    await client.destroy();
    await discord.close();
  });

  it('logs in and becomes ready with the guild, its channels, members and voice states in cache', () => {
    const cached = client.guilds.cache.get(guild.id);
    expect(cached?.name).toBe('Camarilla');
    expect(cached?.available).toBe(true);
    expect(cached?.channels.cache.size).toBe(2);
    expect(cached?.members.me?.id).toBe(APP_ID);
    expect(cached?.voiceStates.cache.get(alice.id)?.channelId).toBe(guild.voiceChannelId);
    expect(client.user?.id).toBe(APP_ID);
    expect(discord.identifies).toBe(1);
    expect(discord.gatewayConnectUrls[0]).toBe('/gateway?v=10&encoding=json');
  });

  it('registers guild commands through bulk overwrite', () => {
    const names = discord.commands(guild.id).map((c) => c['name']);
    expect(names).toEqual(['ping', 'secret', 'menu', 'form', 'late', 'long', 'xp', 'Inspect', 'Quote']);
    expect(discord.commands()).toEqual([]);
  });

  it('answers a slash command with a public reply', async () => {
    const h = discord.slash('ping', { user: alice });
    const response = await h.response();
    expect(response.type).toBe(4);
    expect(response.latencyMs).toBeGreaterThanOrEqual(0);
    expect(h.original()?.content).toBe('pong');
    expect(discord.messages(guild.textChannelId).map((m) => m.content)).toContain('pong');
  });

  it('defers ephemerally, edits the reply and sends an ephemeral follow-up', async () => {
    const h = discord.slash('secret', { user: bob });
    expect((await h.response()).type).toBe(5);
    await h.waitFor((x) => x.followups().length === 1);
    expect(h.original()?.content).toBe('done');
    expect(h.original()?.flags).toBe(MessageFlags.Ephemeral);
    expect(h.followups()[0]?.content).toBe('more');
    expect(h.followups()[0]?.flags).toBe(MessageFlags.Ephemeral);
    // Ephemeral messages are not in the channel.
    expect(discord.messages(guild.textChannelId).some((m) => m.content === 'done')).toBe(false);
  });

  it('reads a subcommand with user, integer and attachment options (resolved)', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]);
    const proof = discord.addAttachment({ filename: 'proof.png', contentType: 'image/png', bytes: png });
    const h = discord.slash('xp', { subcommand: 'award', user: alice, options: { member: bob.id, amount: 5, proof: { attachment: proof } } });
    await h.response();
    const parsed: unknown = JSON.parse(h.original()?.content ?? '{}');
    expect(parsed).toEqual({
      sub: 'award',
      user: 'bob',
      nick: null,
      amount: 5,
      file: { name: 'proof.png', size: png.byteLength, url: proof.url, type: 'image/png' },
    });
    expect(discord.allowedMentions(h.original()?.id ?? '')).toEqual({ parse: [] });
  });

  it('answers autocomplete with choices', async () => {
    const h = discord.autocomplete('xp', { subcommand: 'award', user: alice, options: { member: bob.id, campaign: 'by' }, focused: 'campaign' });
    const response = await h.response();
    expect(response.type).toBe(8);
    expect(response.data).toEqual({ choices: [1, 2, 3].map((n) => ({ name: `campaign:by-${n}`, value: `by-${n}` })) });
  });

  it('updates a message from a button, and receives a user select with resolved members', async () => {
    const menu = discord.slash('menu', { user: alice });
    await menu.response();
    const message = menu.original();
    if (!message) throw new Error('menu reply stored');
    const select = discord.select('menu:users', [alice.id, bob.id], { kind: 'user', message, user: alice });
    expect((await select.response()).type).toBe(4);
    expect(select.original()?.content).toBe('picked Prince Alice,bob');

    const press = discord.button('menu:go', { message, user: bob });
    expect((await press.response()).type).toBe(7);
    expect(menu.original()?.content).toBe('clicked by bob');
    expect(menu.original()?.components).toEqual([]);
    expect(discord.message(message.id)?.edited_timestamp).not.toBeNull();
  });

  it('shows a modal and receives its submission', async () => {
    const h = discord.slash('form', { user: alice });
    const response = await h.response();
    expect(response.type).toBe(9);
    expect(response.data).toMatchObject({ custom_id: 'form:note', title: 'Note' });
    const submit = discord.modalSubmit('form:note', { title: 'Elysium *at* midnight' }, { user: alice });
    await submit.response();
    expect(submit.original()?.content).toBe('title=Elysium *at* midnight');
  });

  it('answers a slash command in a DM with the bot', async () => {
    const h = discord.slash('ping', { user: bob, guildId: null });
    await h.response();
    expect(h.payload.user?.id).toBe(bob.id);
    expect(h.payload.member).toBeUndefined();
    expect(h.original()?.content).toBe('pong');
  });

  it('handles user and message context menus', async () => {
    const user = discord.userContextMenu('Inspect', bob.id, { user: alice });
    await user.response();
    expect(user.original()?.content).toBe('target=bob');
    const posted = discord.addMessage(guild.textChannelId, { content: 'The Masquerade holds', author: bob });
    const msg = discord.messageContextMenu('Quote', posted, { user: alice });
    await msg.response();
    expect(msg.original()?.content).toBe('quoted=The Masquerade holds');
  });

  it('rejects a callback after the deadline with 10062, and a second callback with 40060', async () => {
    discord.setInteractionDeadline(200);
    try {
      const h = discord.slash('late', { user: alice });
      await expect(h.response()).rejects.toThrow(/too late/);
      await discord.waitFor(() => botErrors.length > 0);
      const error = botErrors.pop();
      expect(error).toBeInstanceOf(DiscordAPIError);
      expect(error instanceof DiscordAPIError ? error.code : 0).toBe(10062);
      expect(h.rejections()).toMatchObject([{ status: 404, code: 10062, reason: 'late' }]);
    } finally {
      discord.setInteractionDeadline(3000);
    }
    const h = discord.slash('ping', { user: alice });
    await h.response();
    const res = await fetch(`${discord.apiUrl}/v10/interactions/${h.id}/${h.token}/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 4, data: { content: 'again' } }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ message: 'Interaction has already been acknowledged.', code: 40060 });
  });

  it('rejects a reply over 2000 characters with Invalid Form Body', async () => {
    const h = discord.slash('long', { user: alice });
    await discord.waitFor(() => h.rejections().length > 0);
    expect(h.rejections()[0]).toMatchObject({ status: 400, code: 50035 });
    expect(h.responded).toBeUndefined();
    await discord.waitFor(() => botErrors.length > 0);
    const error = botErrors.pop();
    expect(error instanceof DiscordAPIError ? error.code : 0).toBe(50035);
  });

  it('retries a 429 on the callback and still answers', async () => {
    discord.inject({ pathIncludes: '/callback', status: 429, retryAfter: 0.05 });
    const h = discord.slash('ping', { user: alice });
    const response = await h.response();
    expect(response.type).toBe(4);
    expect(discord.requests.filter((r) => r.path.endsWith('/callback') && r.status === 429)).toHaveLength(1);
  });

  it('dispatches voice state updates to the client', async () => {
    const updated = once(client, Events.VoiceStateUpdate);
    discord.setVoiceState(guild.id, bob.id, guild.voiceChannelId ?? null);
    await updated;
    expect(client.guilds.cache.get(guild.id)?.voiceStates.cache.get(bob.id)?.channelId).toBe(guild.voiceChannelId);
  });

  it('survives a gateway drop with a RESUME (no re-IDENTIFY), replaying an interaction sent while down', async () => {
    const resumed = once(client, Events.ShardResume);
    discord.dropGateway();
    const during = discord.slash('ping', { user: bob });
    await resumed;
    expect(discord.resumes).toBe(1);
    expect(discord.identifies).toBe(1);
    expect(discord.gatewayConnectUrls.at(-1)).toBe('/gateway-resume?v=10&encoding=json');
    expect((await during.response()).type).toBe(4);
    const after = discord.slash('ping', { user: alice });
    expect((await after.response()).type).toBe(4);
  });

  it('serves attachments from the CDN with the real length, even when the declared size lies', async () => {
    const bytes = new Uint8Array(100_000).map((_, i) => i % 251);
    const liar = discord.addAttachment({ filename: 'big.bin', contentType: 'application/octet-stream', bytes, declaredSize: 10 });
    expect(liar.size).toBe(10);
    expect(liar.url.startsWith(`${discord.cdnUrl}/attachments/`)).toBe(true);
    const res = await fetch(liar.url);
    expect(res.headers.get('content-length')).toBe('100000');
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    expect((await fetch(liar.proxy_url)).status).toBe(200);

    const slow = discord.addAttachment({ filename: 'slow.bin', contentType: 'application/octet-stream', bytes, slowMs: 30 });
    const controller = new AbortController();
    const slowRes = await fetch(slow.url, { signal: controller.signal });
    const reader = slowRes.body?.getReader();
    await reader?.read();
    controller.abort();
    await discord.waitFor(() => discord.cdnRequests.some((r) => r.path.includes('slow.bin') && r.aborted), 2000).catch(() => undefined);
    await sleep(100);
    const entry = discord.cdnRequests.find((r) => r.path.includes('slow.bin'));
    expect(entry?.aborted).toBe(true);
    expect(entry?.bytesSent).toBeLessThan(bytes.byteLength);
  });

  it('answers 1,000 interactions dispatched at once', async () => {
    // Completeness, not speed: on a loaded 2-core CI machine a burst of 1,000 can pass 3 s.
    discord.setInteractionDeadline(60_000);
    const started = Date.now();
    const handles = Array.from({ length: 1000 }, (_, n) => discord.slash('ping', { user: n % 2 === 0 ? alice : bob }));
    const responses = await Promise.all(handles.map((h) => h.response(20_000)));
    const elapsed = Date.now() - started;
    const latencies = responses.map((r) => r.latencyMs).sort((a, b) => a - b);
    console.log(`1,000 interactions answered in ${elapsed} ms (ack p50 ${latencies[500]} ms, max ${latencies[999]} ms)`);
    expect(responses.every((r) => r.type === 4)).toBe(true);
    discord.setInteractionDeadline(3_000);
  });

  it('sent every REST request to the fake, on routes it knows', () => {
    expect(restUrls.length).toBeGreaterThan(0);
    expect(restUrls.every((url) => url.startsWith(`${discord.apiUrl}/v10/`))).toBe(true);
    expect(discord.unknownRequests()).toEqual([]);
    expect(botErrors).toEqual([]);
  });
});

describe('fake Discord gateway protocol', () => {
  it('speaks zlib-stream when a client asks for it', async () => {
    const discord = await startFakeDiscord({ token: TOKEN, applicationId: APP_ID });
    try {
      const ws = new WebSocket(`${discord.gatewayUrl}?v=10&encoding=json&compress=zlib-stream`);
      const [data] = (await once(ws, 'message')) as [Buffer];
      const hello: unknown = JSON.parse(inflateSync(data, { finishFlush: zlibConstants.Z_SYNC_FLUSH }).toString());
      expect(hello).toMatchObject({ op: 10, d: { heartbeat_interval: 41_250 } });
      ws.close();
    } finally {
      await discord.close();
    }
  });

  it('closes with 4003 when a client sends before identifying, and 4004 for a wrong token', async () => {
    const discord = await startFakeDiscord({ token: TOKEN, applicationId: APP_ID });
    try {
      const early = new WebSocket(`${discord.gatewayUrl}?v=10&encoding=json`);
      await once(early, 'message');
      early.send(JSON.stringify({ op: 3, d: { status: 'online' } }));
      const [code] = (await once(early, 'close')) as [number];
      expect(code).toBe(4003);
      const wrong = new WebSocket(`${discord.gatewayUrl}?v=10&encoding=json`);
      await once(wrong, 'message');
      wrong.send(JSON.stringify({ op: 2, d: { token: 'nope', intents: 1, properties: {} } }));
      const [code2] = (await once(wrong, 'close')) as [number];
      expect(code2).toBe(4004);
    } finally {
      await discord.close();
    }
  });
});

describe('fake Discord at scale', () => {
  it('carries a guild of 10,000 members in GUILD_CREATE when asked to', async () => {
    const discord = await startFakeDiscord({ token: TOKEN, applicationId: APP_ID });
    const guild = discord.addGuild({ name: 'Big', guildCreateMembers: 'all' });
    discord.addMembers(guild.id, 9_998);
    const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: discord.apiUrl, cdn: discord.cdnUrl } });
    try {
      const ready = once(client, Events.ClientReady);
      await client.login(TOKEN);
      await ready;
      const cached = client.guilds.cache.get(guild.id);
      expect(cached?.memberCount).toBe(10_000);
      expect(cached?.members.cache.size).toBe(10_000);
      expect(cached?.large).toBe(true);
    } finally {
      await client.destroy();
      await discord.close();
    }
  });

  it('refuses privileged intents the application does not have (close 4014)', async () => {
    const discord = await startFakeDiscord({ token: TOKEN, applicationId: APP_ID });
    discord.addGuild({ name: 'G' });
    const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers], rest: { api: discord.apiUrl } });
    try {
      await expect(client.login(TOKEN)).rejects.toThrow();
      expect(discord.identifies).toBe(0);
    } finally {
      await client.destroy();
      await discord.close();
    }
  });
});
