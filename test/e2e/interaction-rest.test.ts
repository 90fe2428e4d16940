import { setTimeout as sleep } from 'node:timers/promises';
import { Events, Routes, type Client, type ChatInputCommandInteraction } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord, type InteractionHandle, type RecordedRequest } from '../fakes/discord/index.js';
import { createDiscordClient } from '../../src/discord/client.js';
import { InteractionRouteREST } from '../../src/discord/interaction-rest.js';

const TOKEN = 'fake-bot-token.interaction-rest';
const APP_ID = '1190000000000000001';
const FOLLOW_UPS = 200;
const CHANNELS = 10;
const POSTS_PER_CHANNEL = 10;
/** @discordjs/rest's global window is 1 s from its first request; the fake's clock reads a little later. */
const FIRST_WINDOW_MS = 900;

interface Burst {
  followUps: RecordedRequest[];
  posts: RecordedRequest[];
  /** Requests of each kind that reached the fake within the first global window of the burst. */
  followUpsInFirstWindow: number;
  postsInFirstWindow: number;
}

describe('interaction-token requests and the global rate limit', () => {
  let discord: FakeDiscord | undefined;
  let client: Client | undefined;

  afterEach(async () => {
    await client?.destroy();
    await discord?.close();
    client = undefined;
    discord = undefined;
  });

  /**
   * 200 deferred commands, then at once: 100 bot-token channel posts across 10 channels (one
   * bucket each, so only the global limit can hold them) and a follow-up on each command.
   */
  async function burst(withApplicationId: boolean): Promise<Burst> {
    const fake = await startFakeDiscord({ token: TOKEN, applicationId: APP_ID });
    discord = fake;
    const guild = fake.addGuild({ name: 'Rate Limits', channels: Array.from({ length: CHANNELS }, (_, i) => ({ name: `room-${i}` })) });
    const user = fake.addUser({ username: 'roller' });
    fake.addMember(guild.id, user);
    const bot = createDiscordClient({ apiUrl: fake.apiUrl, ...(withApplicationId ? { applicationId: APP_ID } : {}) });
    client = bot;
    const deferred: ChatInputCommandInteraction[] = [];
    bot.on(Events.InteractionCreate, (i) => {
      if (!i.isChatInputCommand()) return;
      void i.deferReply().then(() => deferred.push(i));
    });
    await bot.login(TOKEN);
    await fake.waitForReady();

    const handles: InteractionHandle[] = [];
    for (let n = 0; n < FOLLOW_UPS; n++) handles.push(fake.slash('roll', { guildId: guild.id, channelId: guild.textChannelId, user: user.id }));
    await fake.waitFor(() => deferred.length === FOLLOW_UPS, 20_000);
    // A fresh global window: nothing before the burst counts against it.
    await sleep(1_100);

    const rooms = guild.channels.filter((c) => c.name?.startsWith('room-') === true);
    const before = fake.requests.length;
    const posts = rooms.flatMap((room) => Array.from({ length: POSTS_PER_CHANNEL }, (_, k) => bot.rest.post(Routes.channelMessages(room.id), { body: { content: `post ${k}` } })));
    const followUps = deferred.map((i, k) => i.followUp({ content: `answer ${k}` }));
    await Promise.all([...posts, ...followUps]);

    const burstRequests = fake.requests.slice(before);
    const start = Math.min(...burstRequests.map((r) => r.at));
    const followUpRequests = burstRequests.filter((r) => r.method === 'POST' && r.path.startsWith(`/webhooks/${APP_ID}/`));
    const postRequests = burstRequests.filter((r) => r.method === 'POST' && /^\/channels\/\d+\/messages$/.test(r.path));
    const inFirstWindow = (list: RecordedRequest[]): number => list.filter((r) => r.at - start < FIRST_WINDOW_MS).length;
    expect(handles.every((h) => h.original()?.content?.startsWith('answer ') === true)).toBe(true);
    return { followUps: followUpRequests, posts: postRequests, followUpsInFirstWindow: inFirstWindow(followUpRequests), postsInFirstWindow: inFirstWindow(postRequests) };
  }

  it('sends 200 follow-ups without waiting for the 50/s global budget, while channel posts still wait for it', async () => {
    const b = await burst(true);
    expect(b.followUps).toHaveLength(FOLLOW_UPS);
    expect(b.posts).toHaveLength(CHANNELS * POSTS_PER_CHANNEL);
    // Not throttled to 50/s: more than a window's budget went out in the first window…
    expect(b.followUpsInFirstWindow).toBeGreaterThan(50);
    // …while the bot-token posts still got at most 50 in it, and the rest came a window later.
    expect(b.postsInFirstWindow).toBeLessThanOrEqual(50);
    const lastPost = Math.max(...b.posts.map((r) => r.at));
    const firstPost = Math.min(...b.posts.map((r) => r.at));
    expect(lastPost - firstPost).toBeGreaterThanOrEqual(FIRST_WINDOW_MS);
  }, 60_000);

  it('(control) stock @discordjs/rest holds follow-ups and posts together to 50 per window', async () => {
    const b = await burst(false);
    expect(b.followUps).toHaveLength(FOLLOW_UPS);
    expect(b.followUpsInFirstWindow + b.postsInFirstWindow).toBeLessThanOrEqual(50);
  }, 60_000);

  it('routes only interaction-token requests made without the bot token around the global limit', () => {
    const rest = new InteractionRouteREST({}, APP_ID);
    try {
      expect(rest.isInteractionRequest({ fullRoute: '/interactions/1190000000000000002/tok/callback', auth: false })).toBe(true);
      expect(rest.isInteractionRequest({ fullRoute: `/webhooks/${APP_ID}/tok`, auth: false })).toBe(true);
      expect(rest.isInteractionRequest({ fullRoute: `/webhooks/${APP_ID}/tok/messages/@original`, auth: false })).toBe(true);
      // With the bot token, or another application's webhook, or any other route: the global limit applies.
      expect(rest.isInteractionRequest({ fullRoute: `/webhooks/${APP_ID}/tok/messages/@original` })).toBe(false);
      expect(rest.isInteractionRequest({ fullRoute: '/webhooks/1190000000000000009/tok', auth: false })).toBe(false);
      expect(rest.isInteractionRequest({ fullRoute: '/channels/1190000000000000003/messages' })).toBe(false);
    } finally {
      rest.clearHashSweeper();
      rest.clearHandlerSweeper();
    }
  });
});
