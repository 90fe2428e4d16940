/** Child entry: the bare discord.js bot against the fake Discord named in the environment, measured over IPC. */
import { Events } from 'discord.js';
import { serveParent } from '../bot/ipc.js';
import { createBareBot } from './bare-bot.js';

const token = process.env.DISCORD_TOKEN;
if (token === undefined || token === '') throw new Error('DISCORD_TOKEN is required');
const bare = createBareBot({ apiUrl: process.env.DISCORD_API_URL, valentinaUrl: process.env.VALENTINA_API_URL, valentinaKey: process.env.VALENTINA_API_KEY });
const ready = new Promise<void>((resolve) => bare.client.once(Events.ClientReady, () => resolve()));
await bare.client.login(token);
await ready;
// performance.now() counts from process start: module loading is part of start-up.
const startupMs = performance.now();
await serveParent(
  {
    inFlight: () => bare.inFlight,
    cacheSizes: () => ({
      users: bare.client.users.cache.size,
      members: bare.client.guilds.cache.reduce((n, g) => n + g.members.cache.size, 0),
    }),
    stop: () => bare.client.destroy(),
  },
  startupMs,
);
