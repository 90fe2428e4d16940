/**
 * End-to-end world: the real bot (`startBot`, as `npm start` runs it) with its real discord.js
 * client, against the fake Discord (REST + gateway + CDN) and the fake Valentina, on a real store
 * (SQLite file or an isolated PostgreSQL schema). Everything listens on 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord/index.js';
import { startFakeValentina, type FakeValentina } from '../fakes/valentina/index.js';
import { storeKinds, type StoreKind } from '../store/harness.js';
import { startBot, type BotHandle } from '../../src/main.js';
import { loadConfig } from '../../src/config.js';
import { deployCommands } from '../../src/discord/deploy-commands.js';
import type { Store } from '../../src/store/types.js';

export const TOKEN = 'fake-bot-token-0123456789abcdef';
export const APPLICATION_ID = '900000000000000001';
export const API_KEY = 'fake-valentina-key-fedcba9876543210';
/** The OAuth2 client secret of the fake application (sign-in tests). */
export const CLIENT_SECRET = 'fake-oauth-client-secret-5f3c9a1e7b2d';
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface WorldMember {
  /** Discord user id. */
  discordId: string;
  /** Valentina user id, or null for a member with no company user. */
  userId: string | null;
  name: string;
}

export interface WorldMembers {
  admin: WorldMember;
  storyteller: WorldMember;
  player: WorldMember;
  player2: WorldMember;
  unapproved: WorldMember;
  unlinked: WorldMember;
}

export interface WorldOptions {
  /** 'sqlite' (default) or 'postgres'. */
  store?: StoreKind['name'];
  /** Extra or overriding environment for the bot. */
  env?: Record<string, string>;
  /** Bind the guild to the company, default campaign and channels before the bot starts (default true). */
  bind?: boolean;
  /** Company settings for the fake (e.g. permission_grant_xp). */
  companySettings?: Record<string, string>;
  valentina?: Parameters<typeof startFakeValentina>[0];
  /** Log level of the bot (default 'info'). */
  logLevel?: string;
  /** "Sign in with Discord": HTTP listener on a free port, PUBLIC_URL, client secret, and the fake app's redirect URI. */
  signIn?: boolean;
}

export interface World {
  discord: FakeDiscord;
  valentina: FakeValentina;
  bot: BotHandle;
  /** A second connection to the bot's store, for seeding and assertions. */
  store: Store;
  databaseUrl: string;
  env: Record<string, string>;
  guildId: string;
  channelId: string;
  approvalsChannelId: string;
  auditChannelId: string;
  voiceChannelId: string;
  companyId: string;
  campaignId: string;
  members: WorldMembers;
  /** Every log line the bot wrote (JSON), across restarts. */
  logs: string[];
  /** Stops the bot (as SIGTERM would) and starts a fresh one on the same store and fakes. */
  restart(): Promise<void>;
  /** Starts the bot as `npm start` does, in a child process, on the same store and fakes. */
  spawnChild(): Promise<ChildBot>;
  stop(): Promise<void>;
}

export interface ChildBot {
  process: ChildProcess;
  output: () => string;
  /** Resolves when the child logged `ready`. */
  ready: Promise<void>;
  exited: Promise<number | null>;
}

/** Store kinds to run a suite on; PostgreSQL is marked skipped only outside CI without TEST_DATABASE_URL. */
export function worldStores(): Array<{ name: StoreKind['name']; skip: string | false }> {
  return storeKinds().map((k) => ({ name: k.name, skip: k.skip }));
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const kind = storeKinds().find((k) => k.name === (opts.store ?? 'sqlite'));
  if (kind === undefined) throw new Error(`unknown store kind ${opts.store ?? ''}`);
  const created = await kind.create();
  // v2 identify asks the fake Discord who an OAuth access token belongs to.
  const valentina = await startFakeValentina({ apiKey: API_KEY, verifyIdentity: (provider, token) => discord.oauth.identityCheck(provider, token), ...opts.valentina });
  const discord = await startFakeDiscord({ token: TOKEN, applicationId: APPLICATION_ID });

  // --- Valentina: one company, one campaign, users of every role.
  const state = valentina.state;
  const company = state.addCompany({ name: 'Chicago by Night', ...(opts.companySettings ? { settings: opts.companySettings } : {}) });
  const campaign = state.addCampaign(company.id, { name: 'Blood and Smoke' });
  const discordIds = {
    admin: '300000000000000001',
    storyteller: '300000000000000002',
    player: '300000000000000003',
    player2: '300000000000000004',
    unapproved: '300000000000000005',
    unlinked: '300000000000000006',
  };
  const admin = state.addUser(company.id, { role: 'ADMIN', name_first: 'Ada', name_last: 'Admin', username: 'ada', email: 'ada@example.com', discord_id: discordIds.admin });
  const storyteller = state.addUser(company.id, { role: 'STORYTELLER', name_first: 'Sam', name_last: 'Teller', username: 'sam', email: 'sam@example.com', discord_id: discordIds.storyteller });
  const player = state.addUser(company.id, { role: 'PLAYER', name_first: 'Pia', name_last: 'Player', username: 'pia', email: 'pia@example.com', discord_id: discordIds.player });
  const player2 = state.addUser(company.id, { role: 'PLAYER', name_first: 'Paul', name_last: 'Second', username: 'paul', email: 'paul@example.com', discord_id: discordIds.player2 });
  const unapproved = state.addUser(company.id, { role: 'UNAPPROVED', name_first: 'Una', name_last: 'Waiting', username: 'una', email: 'una@example.com', discord_id: discordIds.unapproved });

  // --- Discord: a guild with text, approvals, audit and voice channels, and those members.
  const names: Record<keyof WorldMembers, string> = { admin: 'ada', storyteller: 'sam', player: 'pia', player2: 'paul', unapproved: 'una', unlinked: 'newcomer' };
  for (const key of Object.keys(discordIds) as Array<keyof WorldMembers>) {
    discord.addUser({ id: discordIds[key], username: names[key], globalName: names[key] });
  }
  const guild = discord.addGuild({
    name: 'Chicago by Night',
    ownerId: discordIds.admin,
    channels: [
      { name: 'general', type: 'text' },
      { name: 'approvals', type: 'text' },
      { name: 'xp-log', type: 'text' },
      { name: 'Elysium', type: 'voice' },
    ],
  });
  const general = guild.channel('general');
  const approvals = guild.channel('approvals');
  const audit = guild.channel('xp-log');
  const voice = guild.channel('Elysium');
  for (const key of Object.keys(discordIds) as Array<keyof WorldMembers>) {
    // Admin gets Manage Server (0x20) and Administrator (0x8); others ordinary member permissions.
    discord.addMember(guild.id, discordIds[key], { permissions: key === 'admin' ? '2147483647' : '2150747136' });
  }

  if (opts.bind ?? true) {
    await created.store.guildSettings.upsert(guild.id, {
      companyId: company.id,
      defaultCampaignId: campaign.id,
      approvalsChannelId: approvals.id,
      auditChannelId: audit.id,
    });
  }

  const cdnHost = new URL(discord.cdnUrl).host;
  const env: Record<string, string> = {
    DISCORD_TOKEN: TOKEN,
    DISCORD_APPLICATION_ID: APPLICATION_ID,
    DISCORD_API_URL: discord.apiUrl,
    VALENTINA_API_URL: valentina.url,
    VALENTINA_API_KEY: API_KEY,
    DATABASE_URL: created.databaseUrl,
    LOG_LEVEL: opts.logLevel ?? 'info',
    ASSET_ALLOWED_HOSTS: cdnHost,
    SHUTDOWN_TIMEOUT_MS: '5000',
    // The operator allows this guild its company (and binds it to the guild for the first run).
    VALENTINA_GUILD_COMPANIES: `${guild.id}=${company.id}`,
    ...(opts.signIn === true ? await signInEnv(discord) : {}),
    ...opts.env,
  };

  // Commands are registered the way an operator does it: the deploy script, never at boot.
  await deployCommands(loadConfig(env));

  const logs: string[] = [];
  const logDestination = { write: (line: string) => logs.push(line) };
  let bot = await startBot(env, { logDestination });
  await bot.ready;

  const member = (key: keyof WorldMembers, userId: string | null): WorldMember => ({ discordId: discordIds[key], userId, name: names[key] });
  const children: ChildBot[] = [];
  const world: World = {
    discord,
    valentina,
    get bot() {
      return bot;
    },
    store: created.store,
    databaseUrl: created.databaseUrl,
    env,
    guildId: guild.id,
    channelId: general.id,
    approvalsChannelId: approvals.id,
    auditChannelId: audit.id,
    voiceChannelId: voice.id,
    companyId: company.id,
    campaignId: campaign.id,
    members: {
      admin: member('admin', admin.id),
      storyteller: member('storyteller', storyteller.id),
      player: member('player', player.id),
      player2: member('player2', player2.id),
      unapproved: member('unapproved', unapproved.id),
      unlinked: member('unlinked', null),
    },
    logs,
    async restart() {
      await bot.stop('restart');
      bot = await startBot(env, { logDestination });
      await bot.ready;
    },
    async spawnChild() {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      const ready = new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('"msg":"ready"')) resolve();
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', (chunk: Buffer) => {
          out += chunk.toString();
        });
        child.once('exit', (code) => reject(new Error(`bot exited with ${code ?? 'signal'} before ready:\n${out}`)));
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const handle: ChildBot = { process: child, output: () => out, ready, exited };
      children.push(handle);
      return handle;
    },
    async stop() {
      for (const c of children) {
        if (c.process.exitCode === null && c.process.signalCode === null) {
          c.process.kill('SIGKILL');
          await c.exited;
        }
      }
      await bot.stop('test end').catch(() => undefined);
      await discord.close();
      await valentina.close();
      await created.store.close();
      await created.cleanup();
    },
  };
  return world;
}

/** A free port for the bot's listener (PUBLIC_URL must name it before the bot starts), registered with the fake app. */
async function signInEnv(discord: FakeDiscord): Promise<Record<string, string>> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const publicUrl = `http://127.0.0.1:${port}`;
  discord.oauth.configure({ clientSecret: CLIENT_SECRET, redirectUris: [`${publicUrl}/oauth/discord/callback`] });
  return { HTTP_PORT: String(port), PUBLIC_URL: publicUrl, DISCORD_CLIENT_SECRET: CLIENT_SECRET };
}

/** Lines the bot logged, parsed. */
export function parsedLogs(world: World): Array<Record<string, unknown>> {
  return world.logs.flatMap((line) => {
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}
