import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Events, Status, type Client } from 'discord.js';
import { ValentinaClient, type User } from './api/index.js';
import { createPooledFetch } from './api/pooled-fetch.js';
import { ConfigError, loadConfig, secretsOf, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { createStore } from './store/index.js';
import { IdentityService } from './domain/identity.js';
import { GuildContextService } from './domain/guild-context.js';
import { CampaignDefaults } from './domain/campaign-defaults.js';
import { CommandMentions } from './discord/command-mentions.js';
import { CompanyDirectory } from './domain/directory.js';
import { QuickrollCatalog } from './domain/quickrolls.js';
import { AwardService } from './domain/awards/award-service.js';
import { AttachmentDownloader } from './domain/attachment-download.js';
import { assetPolicyFor } from './domain/asset-policy.js';
import { NoteBook } from './domain/notes.js';
import { ChartRenderer } from './render/chart/chart-renderer.js';
import { createDiscordClient } from './discord/client.js';
import { createRouter, type Router } from './discord/router.js';
import { ApprovalAnnouncer } from './discord/approval-announcer.js';
import type { Deps } from './deps.js';
import { commandModules } from '../commands/index.js';
import type { PeriodicTask } from './shared/periodic.js';
import { ApiLiveness } from './domain/api-liveness.js';
import { StatusBoard } from './domain/status-board.js';
import { readBotVersion } from './version.js';
import type { HttpRoute, HttpServer } from './http/server.js';
import { importOnFirstCall } from './shared/import-on-first-call.js';

export interface BotHandle {
  config: Config;
  deps: Deps;
  client: Client;
  router: Router;
  /** Resolves once the gateway is READY (with start-up time and RSS logged). */
  ready: Promise<void>;
  /** The health, metrics and sign-in listener, when HTTP_PORT is set. */
  http: HttpServer | undefined;
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
  const liveness = new ApiLiveness(clock.now);
  const version = readBotVersion();
  // Read at scrape time only, once the client below exists. The metrics (prom-client) and the
  // HTTP listener are loaded only where HTTP_PORT is set.
  const metrics =
    config.http === undefined
      ? undefined
      : (await import('./http/metrics.js')).createMetrics({ awardCounts: () => store.awards.countByStatus(), shardPings: () => shardStates(client), version }, clock.now);
  // Reads the server's version once (VALENTINA_API_VERSION=auto) to pick the wire profile.
  const api = await ValentinaClient.connect({
    observer: {
      onAttempt(event) {
        liveness.onAttempt(event);
        metrics?.api.onAttempt(event);
      },
    },
    baseUrl: config.valentinaApiUrl,
    apiKey: config.valentinaApiKey,
    apiVersion: config.valentinaApiVersion,
    timeoutMs: config.apiTimeoutMs,
    logger: log.child({ module: 'api' }),
    ...(opts.fetch ? { fetch: opts.fetch } : pooled ? { fetch: pooled.fetch } : {}),
  }).catch(async (err: unknown) => {
    await pooled?.close();
    await store.close();
    throw err;
  });
  const deps: Deps = {
    config,
    log,
    api,
    store,
    clock,
    identity: new IdentityService(api, store.memberLinks, { ttlMs: config.identityTtlMs, now: clock.now, log: log.child({ module: 'identity' }) }),
    guilds: new GuildContextService(store.guildSettings, { defaultCompanyId: config.defaultCompanyId, guildCompanies: config.guildCompanies }, clock.now),
    directory: new CompanyDirectory(api, clock.now, log.child({ module: 'directory' })),
    quickrolls: new QuickrollCatalog(api, clock.now, log.child({ module: 'quickrolls' })),
    attachments: new AttachmentDownloader(assetPolicyFor(config.assets, api.wire.uploads)),
    notes: new NoteBook(api, clock.now),
    charts: new ChartRenderer(log.child({ module: 'charts' })),
    awards: new AwardService(api, store.awards, clock.now, log.child({ module: 'awards' }), {
      // Names this process in the journal's leases; readable in the database when debugging.
      owner: `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`,
      // Renewed while a call runs; after a crash, another process waits this long (more than the
      // resend gap, during which the dead process's last request may still be running).
      leaseMs: config.awards.resendGapMs + 5_000,
      resendGapMs: config.awards.resendGapMs,
      delaysMs: config.awards.settleDelaysMs,
    }),
    status: new StatusBoard({ version, startedAt: clock.now(), apiLiveness: liveness, now: clock.now }),
    ...(metrics === undefined ? {} : { telemetry: metrics.interactions }),
    campaignDefaults: new CampaignDefaults(store.categoryCampaigns, clock.now),
    commandMentions: new CommandMentions(clock.now, log.child({ module: 'help' }), config.devGuildId),
  };
  const client = createDiscordClient({ apiUrl: config.discordApiUrl, shardCount: config.shardCount, shardIds: config.shardIds, applicationId: config.discordApplicationId });
  // What only runs when something happens is imported then (issue 11 §4): cards, audit posts, receipts.
  const approvalCard = async (user: User) => (await import('../commands/approvals/card.js')).approvalCardMessage(user);
  const approvals = new ApprovalAnnouncer(client, { guilds: deps.guilds, approvalCards: store.approvalCards, log, clock }, approvalCard);
  deps.approvals = approvals;
  deps.onRegistered = approvals.announce;
  // Awards Valentina confirms late get their receipt and audit post from here.
  deps.awards.onLateSettlement(importOnFirstCall(async () => (await import('../commands/xp/late-settlement.js')).lateSettlementPoster(client, deps)));
  // Discord ids on two approved users are told to the admins of the guilds bound to the company.
  deps.identity.onConflict(importOnFirstCall(async () => (await import('./discord/identity-conflict-poster.js')).identityConflictPoster(client, deps)));
  // Sign-in's code is loaded only where it is configured.
  let signInHttpRoute: HttpRoute | undefined;
  if (config.signIn !== undefined) {
    const [{ SignInService }, { DiscordOAuth }, { SIGN_IN_CALLBACK_PATH, signInRoute }] = await Promise.all([
      import('./domain/sign-in/sign-in-service.js'),
      import('./domain/sign-in/discord-oauth.js'),
      import('./http/sign-in-route.js'),
    ]);
    deps.signIn = new SignInService({
      api,
      identity: deps.identity,
      directory: deps.directory,
      states: store.signInStates,
      oauth: new DiscordOAuth({
        clientId: config.discordApplicationId,
        clientSecret: config.signIn.clientSecret,
        redirectUri: `${config.signIn.publicUrl}${SIGN_IN_CALLBACK_PATH}`,
        apiUrl: config.discordApiUrl,
      }),
      clientSecret: config.signIn.clientSecret,
      clock,
      log: log.child({ module: 'sign-in' }),
    });
    const adminLinked = importOnFirstCall(async () => (await import('./discord/sign-in-audit.js')).signInAuditPoster(client, deps));
    deps.signIn.listen({ registered: deps.onRegistered, adminLinked });
    signInHttpRoute = signInRoute(deps.signIn);
  }
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
        { user: c.user.tag, guilds: c.guilds.cache.size, apiVersion: api.apiVersion, startupMs: Math.round(performance.now() - startedAt), processUptimeMs: Math.round(process.uptime() * 1000), rssMb: Math.round(process.memoryUsage().rss / 1e6) },
        'ready',
      );
      resolve();
    });
  });
  // Awards a crash or another process left pending are finished once the gateway has told us
  // which guilds are ours, and then periodically.
  let recovery: PeriodicTask | undefined;
  let approvalRecovery: PeriodicTask | undefined;
  void ready.then(async () => {
    const [{ startAwardRecovery }, { startApprovalRecovery }] = await Promise.all([import('../commands/xp/recovery.js'), import('../commands/approvals/recovery.js')]);
    if (stopping === undefined) recovery = startAwardRecovery(client, deps, config.awards.recoveryIntervalMs);
    // Approval cards a stopped process left "checking with Valentina" (issue 9 §1).
    if (stopping === undefined) approvalRecovery = startApprovalRecovery(client, deps);
  }).catch((err: unknown) => log.error({ err }, 'recovery could not start'));

  // Listening before login: orchestrators see /readyz fail while the gateway is not READY.
  let http: HttpServer | undefined;
  if (config.http !== undefined && metrics !== undefined) {
    const [{ HttpServer }, { Readiness }, { opsRoutes }] = await Promise.all([import('./http/server.js'), import('./http/readiness.js'), import('./http/ops-routes.js')]);
    http = new HttpServer({ host: config.http.host, port: config.http.port, log: log.child({ module: 'http' }) });
    const readiness = new Readiness({
      shards: () => shardStates(client),
      pingStore: () => store.ping(),
      valentinaAnsweredWithin: (ms) => liveness.answeredWithin(ms),
      async probeValentina() {
        const health = await api.system().health();
        if (health.database_status !== 'online') throw new Error('Valentina reports its database offline');
      },
    });
    for (const route of opsRoutes({ readiness, metrics: metrics.registry, metricsToken: config.metricsToken })) http.route(route);
    if (signInHttpRoute !== undefined) http.route(signInHttpRoute);
    try {
      await http.listen();
    } catch (err) {
      // A port in use: fail start-up cleanly rather than run without the health endpoints asked for.
      await stopStep(log, 'chart worker', () => deps.charts.close());
      await stopStep(log, 'Valentina connections', async () => pooled?.close());
      await stopStep(log, 'store', () => store.close());
      throw err;
    }
  }

  let stopping: Promise<void> | undefined;
  const stop = (reason = 'stop') => {
    stopping ??= (async () => {
      accepting = false;
      log.info({ reason, inFlight: router.inFlight }, 'shutting down');
      const drained = await Promise.race([
        // Background award settles stop too; what they leave pending, another process's recovery
        // (or this bot's next start) finishes.
        Promise.all([router.drain(), recovery?.stop(), approvalRecovery?.stop()]).then(() => deps.awards.dispose()).then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), config.shutdownTimeoutMs).unref()),
      ]).catch((err: unknown) => {
        log.warn({ err }, 'draining failed');
        return false;
      });
      if (!drained) log.warn({ inFlight: router.inFlight }, 'shutdown timeout: interactions still in flight');
      // Each step is bounded and isolated: one that rejects or hangs must not keep the rest open.
      await stopStep(log, 'http listener', async () => http?.close());
      await stopStep(log, 'discord client', () => client.destroy());
      await stopStep(log, 'chart worker', () => deps.charts.close());
      await stopStep(log, 'Valentina connections', async () => pooled?.close());
      await stopStep(log, 'store', () => store.close());
      log.info('stopped');
    })();
    return stopping;
  };

  try {
    await client.login(config.discordToken);
  } catch (err) {
    await http?.close();
    throw err;
  }
  return { config, deps, client, router, ready, http, stop };
}

/** Every gateway shard of this process: READY or not, and its heartbeat round trip. */
function shardStates(client: Client): Array<{ id: number; ready: boolean; pingMs: number }> {
  return [...client.ws.shards.values()].map((s) => ({ id: s.id, ready: s.status === Status.Ready, pingMs: s.ping }));
}

/** How long one shutdown step may take before the bot moves on. */
const STOP_STEP_MS = 5_000;

async function stopStep(log: Logger, name: string, step: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const done = await Promise.race([
      step().then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), STOP_STEP_MS);
        timer.unref();
      }),
    ]);
    if (!done) log.warn({ step: name, timeoutMs: STOP_STEP_MS }, 'shutdown step timed out');
  } catch (err) {
    log.warn({ err, step: name }, 'shutdown step failed');
  } finally {
    clearTimeout(timer);
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
      void bot.stop(signal).finally(() => process.exit(0));
    });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`fatal: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
