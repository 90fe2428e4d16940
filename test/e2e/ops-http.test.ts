import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, APPLICATION_ID, TOKEN, startWorld, type World } from './harness.js';
import { finalAnswer } from './support/replies.js';
import { startFakeValentina, type FakeValentina } from '../fakes/valentina/index.js';
import { startBot } from '../../src/main.js';

const METRICS_TOKEN = 'metrics-token-e2e-0123456789';
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('health and metrics listener of the running bot', () => {
  let world: World;
  let base: string;

  beforeAll(async () => {
    world = await startWorld({ env: { HTTP_PORT: '0', METRICS_TOKEN } });
    const address = world.bot.http?.address;
    if (address === undefined) throw new Error('the bot did not start its HTTP listener');
    base = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await world?.stop();
  });

  const scrape = async () => {
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    return res.text();
  };

  it('is alive and ready once the gateway is READY (asking Valentina itself when it has been quiet)', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const res = await fetch(`${base}/readyz`);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean; detail: string }> };
    expect(res.status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.checks.gateway?.detail).toBe('1 of 1 shards READY');
  });

  it('refuses /metrics without the token', async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
  });

  it('counts a slash command, its Valentina calls and the journal, with no id, name or secret in any label', async () => {
    const { storyteller, player } = world.members;
    const h = world.discord.slash('xp', { user: storyteller.discordId, guildId: world.guildId, channelId: world.channelId, subcommand: 'award', options: { member: { user: player.discordId }, amount: 2, reason: 'Pia Player saved us' } });
    await finalAnswer(h);
    // The router counts the interaction when its handler is done (after the audit post).
    await expect.poll(async () => (await scrape()).includes('valentina_bot_interactions_total{command="xp award"'), { timeout: 10_000 }).toBe(true);
    const started = performance.now();
    const text = await scrape();
    const scrapeMs = performance.now() - started;
    process.stdout.write(`metrics scrape: ${scrapeMs.toFixed(1)} ms, ${text.length} bytes\n`);

    expect(text).toMatch(/valentina_bot_interactions_total\{command="xp award",kind="slash",outcome="ok"\} 1/);
    expect(text).toMatch(/valentina_bot_interaction_ack_seconds_count\{command="xp award",kind="slash"\} 1/);
    expect(text).toMatch(/valentina_bot_interaction_duration_seconds_count\{command="xp award",kind="slash"\} 1/);
    expect(text).toContain('operation="POST /companies/{id}/users/{id}/experience/xp/add",status="201"');
    expect(text).toContain('valentina_bot_awards{status="applied"} 1');
    expect(text).toMatch(/valentina_bot_gateway_ping_seconds\{shard="0"\}|# TYPE valentina_bot_gateway_ping_seconds gauge/);

    const labels = [...text.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] ?? '').join('\n');
    for (const secret of [TOKEN, API_KEY, METRICS_TOKEN]) expect(text).not.toContain(secret);
    expect(world.logs.join('\n')).not.toContain(METRICS_TOKEN);
    for (const m of Object.values(world.members)) {
      expect(labels).not.toContain(m.discordId);
      if (m.userId !== null) expect(labels).not.toContain(m.userId);
    }
    for (const id of [world.guildId, world.channelId, world.companyId, world.campaignId, APPLICATION_ID]) expect(labels).not.toContain(id);
    expect(labels).not.toMatch(/Pia|Player|Chicago|Blood/);
    expect(labels).not.toMatch(/\d{17,20}|[0-9a-f]{24}/);
  });

  it('names the store when it stops answering', async () => {
    await world.bot.deps.store.close();
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { down: string[] };
    expect(body.down).toEqual(['store']);
  });
});

/** A Discord whose gateway accepts the connection and never says HELLO: the bot never becomes READY. */
async function startSilentDiscord(): Promise<{ apiUrl: string; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const wsPort = (wss.address() as { port: number }).port;
  const http: Server = createServer((req, res) => {
    if (req.url?.startsWith('/api/v10/gateway/bot')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ url: `ws://127.0.0.1:${wsPort}`, shards: 1, session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 } }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: 'Unknown', code: 0 }));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
  const port = (http.address() as { port: number }).port;
  return {
    apiUrl: `http://127.0.0.1:${port}/api`,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

describe('Docker health check of a bot whose gateway never becomes READY', () => {
  let discord: Awaited<ReturnType<typeof startSilentDiscord>>;
  let valentina: FakeValentina;
  let dataDir: string;

  beforeAll(async () => {
    discord = await startSilentDiscord();
    valentina = await startFakeValentina({ apiKey: API_KEY });
    dataDir = mkdtempSync(join(tmpdir(), 'vbot-health-'));
  });
  afterAll(async () => {
    await discord?.close();
    await valentina?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses to start when its HTTP port is taken (start-up fails, not a bot without health checks)', async () => {
    const taken = createNetServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', () => resolve()));
    const port = (taken.address() as { port: number }).port;
    try {
      const env = { DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: discord.apiUrl, VALENTINA_API_URL: valentina.url, VALENTINA_API_KEY: API_KEY, DATA_DIR: dataDir, HTTP_PORT: String(port), HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'silent' };
      await expect(startBot(env)).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('reports it unhealthy, with /readyz naming the gateway', async () => {
    const port = await freePort();
    const env = {
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: APPLICATION_ID,
      DISCORD_API_URL: discord.apiUrl,
      VALENTINA_API_URL: valentina.url,
      VALENTINA_API_KEY: API_KEY,
      DATA_DIR: dataDir,
      HTTP_PORT: String(port),
      HTTP_HOST: '0.0.0.0',
    };
    const bot = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    bot.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      await expect.poll(() => out.includes('"msg":"http listening"'), { timeout: 20_000, interval: 100 }).toBe(true);
      const res = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { down: string[]; checks: Record<string, { detail: string }> };
      expect(body.down).toEqual(['gateway']);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

      const check = await run(['src/http/healthcheck.ts'], env);
      expect(check.code).toBe(1);
      expect(check.out).toContain('503');
      expect(check.out).toContain('gateway');
    } finally {
      bot.kill('SIGKILL');
    }
  });
});
