import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Events, type Client } from 'discord.js';
import { ValentinaClient } from './api/index.js';
import { createPooledFetch } from './api/pooled-fetch.js';
import { ConfigError, loadConfig, secretsOf, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createStore } from './store/index.js';
import type { Store } from './store/types.js';
import { IdentityService } from './domain/identity.js';
import { GuildContextService } from './domain/guild-context.js';
import { CompanyDirectory } from './domain/directory.js';
import { QuickrollCatalog } from './domain/quickrolls.js';
import { AwardService } from './domain/awards/award-service.js';
import { AttachmentDownloader } from './domain/attachment-download.js';
import { NoteBook } from './domain/notes.js';
import { ChartRenderer } from './render/chart/chart-renderer.js';
import { createDiscordClient } from './discord/client.js';
import { createRouter, type Router } from './discord/router.js';
import { ApprovalAnnouncer } from './discord/approval-announcer.js';
import type { Deps } from './deps.js';
import { commandModules } from '../commands/index.js';
import { recoverPendingAwards } from '../commands/xp/recovery.js';
import { lateSettlementPoster } from '../commands/xp/late-settlement.js';
import { approvalCardMessage } from '../commands/approvals/index.js';

export interface BotHandle {
  config: Config;
  deps: Deps;
  client: Client;
  router: Router;
  /** Resolves once the gateway is READY (with start-up time and RSS logged). */
  ready: Promise<void>;
  stop(reason?: string): Promise<void>;
}

export interface StartOptions {
  /** Log sink; stdout by default. */
  logDestination?: { write(line: string): unknown };
  fetch?: typeof fetch;
}

/** The composition root: config -> logger -> store -> API client -> services -> Discord client -> router -> login. */
export async function startBot(env: Readonly<Record<string, string | undefined>>, opts: StartOptions = {}): Promise<BotHandle> {
  const startedAt = performance.now();
  const config = loadConfig(env);
  const log = createLogger({ level: config.logLevel, secrets: secretsOf(config), ...(opts.logDestination ? { destination: opts.logDestination } : {}) });
  const store = await createStore(config.databaseUrl, { dataDir: config.dataDir, logger: log.child({ module: 'store' }) });
  const clock = { now: () => Date.now() };
  // A bounded connection pool (VALENTINA_MAX_CONNECTIONS) unless a test brings its own fetch.
  const pooled = opts.fetch === undefined ? createPooledFetch() : undefined;
  const api = new ValentinaClient({
    baseUrl: config.valentinaApiUrl,
    apiKey: config.valentinaApiKey,
    timeoutMs: config.apiTimeoutMs,
    logger: log.child({ module: 'api' }),
    ...(opts.fetch ? { fetch: opts.fetch } : pooled ? { fetch: pooled.fetch } : {}),
  });
  const deps: Deps = {
    config,
    log,
    api,
    store,
    clock,
    identity: new IdentityService(api, store.memberLinks, { ttlMs: config.identityTtlMs, now: clock.now, log: log.child({ module: 'identity' }) }),
    guilds: new GuildContextService(store.guildSettings, config.defaultCompanyId, clock.now),
    directory: new CompanyDirectory(api, clock.now, log.child({ module: 'directory' })),
    quickrolls: new QuickrollCatalog(api, clock.now, log.child({ module: 'quickrolls' })),
    attachments: new AttachmentDownloader(config.assets),
    notes: new NoteBook(api, clock.now),
    charts: new ChartRenderer(log.child({ module: 'charts' })),
    awards: new AwardService(api, store.awards, clock.now, log.child({ module: 'awards' })),
  };
  const client = createDiscordClient({ apiUrl: config.discordApiUrl, shardCount: config.shardCount, shardIds: config.shardIds, applicationId: config.discordApplicationId });
  const approvals = new ApprovalAnnouncer(client, { guilds: deps.guilds, approvalCards: store.approvalCards, log, clock }, approvalCardMessage);
  deps.approvals = approvals;
  deps.onRegistered = approvals.announce;
  // Awards Valentina confirms late get their receipt and audit post from here.
  deps.awards.onLateSettlement(lateSettlementPoster(client, deps));
  const router = createRouter(commandModules, deps);
  let accepting = true;
  client.on(Events.InteractionCreate, (interaction) => {
    if (accepting) void router.handle(interaction);
  });
  client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event, shardId) => log.warn({ shardId, code: event.code }, 'gateway disconnected'));
  client.on(Events.ShardResume, (shardId, replayed) => log.info({ shardId, replayed }, 'gateway resumed'));

  const ready = new Promise<void>((resolve) => {
    client.once(Events.ClientReady, (c) => {
      log.info(
        { user: c.user.tag, guilds: c.guilds.cache.size, startupMs: Math.round(performance.now() - startedAt), processUptimeMs: Math.round(process.uptime() * 1000), rssMb: Math.round(process.memoryUsage().rss / 1e6) },
        'ready',
      );
      resolve();
    });
  });
  // Awards a crash left pending are finished once the gateway has told us which guilds are ours.
  void ready.then(() => recoverPendingAwards(client, deps)).catch((err: unknown) => log.error({ err }, 'award recovery failed'));

  let stopping: Promise<void> | undefined;
  const stop = (reason = 'stop') => {
    stopping ??= (async () => {
      accepting = false;
      log.info({ reason, inFlight: router.inFlight }, 'shutting down');
      const drained = await Promise.race([
        // Background award settles stop too; what they leave pending, start-up recovery finishes.
        Promise.all([router.drain(), deps.awards.dispose()]).then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), config.shutdownTimeoutMs).unref()),
      ]);
      if (!drained) log.warn({ inFlight: router.inFlight }, 'shutdown timeout: interactions still in flight');
      await client.destroy();
      await deps.charts.close();
      await pooled?.close();
      await closeQuietly(store, log);
      log.info('stopped');
    })();
    return stopping;
  };

  await client.login(config.discordToken);
  return { config, deps, client, router, ready, stop };
}

async function closeQuietly(store: Store, log: Logger): Promise<void> {
  try {
    await store.close();
  } catch (err) {
    log.warn({ err }, 'store close failed');
  }
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let bot: BotHandle;
  try {
    bot = await startBot(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  process.on('unhandledRejection', (err) => bot.deps.log.error({ err }, 'unhandled rejection'));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void bot.stop(signal).then(() => process.exit(0));
    });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`fatal: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
