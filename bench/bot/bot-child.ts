/**
 * Child entry: the real bot, started the way `npm start` starts it (`startBot` with the process
 * environment: URLs of the fakes, token, API key, database), measured over IPC.
 */
import { startBot } from '../../src/main.js';
import { serveParent } from './ipc.js';

const startedAt = performance.now();
const bot = await startBot(process.env);
await bot.ready;
await serveParent(
  {
    inFlight: () => bot.router.inFlight,
    cacheSizes: () => ({
      users: bot.client.users.cache.size,
      members: bot.client.guilds.cache.reduce((n, g) => n + g.members.cache.size, 0),
    }),
    stop: () => bot.stop('bench'),
  },
  performance.now() - startedAt,
);
