/**
 * Child entry: the real bot, started the way `npm start` starts it (`startBot` with the process
 * environment: URLs of the fakes, token, API key, database), measured over IPC. The bench runs
 * its compiled form (dist/bench/bot/bot-child.js → dist/src/main.js) with plain node.
 */
import { startBot } from '../../src/main.js';
import { serveParent } from './ipc.js';

const bot = await startBot(process.env);
await bot.ready;
// performance.now() counts from process start: module loading is part of start-up.
const startupMs = performance.now();
await serveParent(
  {
    inFlight: () => bot.router.inFlight,
    cacheSizes: () => ({
      users: bot.client.users.cache.size,
      members: bot.client.guilds.cache.reduce((n, g) => n + g.members.cache.size, 0),
    }),
    stop: () => bot.stop('bench'),
  },
  startupMs,
);
