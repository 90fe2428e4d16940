/**
 * Secrets (issue 6 §5): a full run at LOG_LEVEL=trace with errors on every side (API 4xx/5xx/429,
 * an API that echoes the key, resets, malformed bodies, Discord 5xx/429 and an error body that
 * echoes the token, a configuration failure, a child process started as `npm start`), then a search
 * of everything written or sent: the bot token and the API key appear nowhere, in full, in part
 * (any 12 characters), URL-encoded or base64-encoded.
 *
 * Not searched: request headers, where the token (Authorization, gateway IDENTIFY) and the key
 * (X-API-KEY) must travel.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, TOKEN, parsedLogs, startWorld, type World } from './harness.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { addLinkedMembers } from './support/ledger.js';
import { answerOf, botIdle, collectUnhandledRejections, idStartingWith, memberContext, type MemberKey } from './support/observe.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every form in which a secret could leak: whole, URL- or base64-encoded, or any 12-character piece. */
function leakForms(secret: string): string[] {
  const pieces = Array.from({ length: secret.length - 11 }, (_, i) => secret.slice(i, i + 12));
  return [...new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64'), Buffer.from(`Bot ${secret}`).toString('base64'), ...pieces])];
}

function leaks(where: string, text: string): string[] {
  const found: string[] = [];
  for (const [name, secret] of [
    ['the bot token', TOKEN],
    ['the API key', API_KEY],
  ] as const) {
    const form = leakForms(secret).find((f) => text.includes(f));
    if (form !== undefined) {
      const at = text.indexOf(form);
      found.push(`${name} (as "${form}") in ${where}: …${text.slice(Math.max(0, at - 80), at + form.length + 40)}…`);
    }
  }
  return found;
}

function runProcess(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

describe('secrets never leave the process', () => {
  let world: World;
  const unhandled = collectUnhandledRejections();
  const corpus: Array<[string, string]> = [];

  beforeAll(async () => {
    world = await startWorld({ logLevel: 'trace', env: { API_TIMEOUT_MS: '3000' } });
  });
  afterAll(async () => {
    unhandled.stop();
    await world?.stop();
  });

  it('runs every command family, with errors at the API and at Discord, at LOG_LEVEL=trace', async () => {
    const d = world.discord;
    const v = world.valentina;
    const m = world.members;
    const ctx = (who: MemberKey) => memberContext(world, who);
    const [target, echo, slow] = addLinkedMembers(world, 3, { prefix: 'secret', idBase: '3300000000000' });
    if (target === undefined || echo === undefined || slow === undefined) throw new Error('members');
    const done = async (h: ReturnType<typeof d.slash>) => {
      await h.response(15_000);
      return answerOf(h, 20_000);
    };

    // The happy paths: profile, settings, an award with its audit post, a scene, notes, rolls, stats, assets, admin.
    await done(d.slash('whoami', ctx('player')));
    await done(d.slash('setup', { ...ctx('admin'), subcommand: 'show' }));
    const receipt = await done(d.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: { user: target.discordId }, amount: 3, reason: 'secrets run' } }));
    await done(d.button(idStartingWith(receipt, 'xp:undo:'), { ...ctx('storyteller'), message: receipt.id }));
    await done(d.slash('xp', { ...ctx('storyteller'), subcommand: 'scene', options: { amount: 1 } }));
    const noteModal = await d.slash('note', { ...ctx('player'), subcommand: 'create' }).response();
    await done(d.modalSubmit((noteModal.data as { custom_id: string }).custom_id, { title: 'Secret session', content: 'Nothing to see.' }, ctx('player')));
    const character = v.state.addCharacter(world.companyId, world.campaignId, { user_player_id: m.player.userId ?? '', name_first: 'Nadia', name_last: 'Vex', traits: [{ name: 'Strength', value: 3 }, { name: 'Brawl', value: 2 }] });
    v.state.addQuickroll(m.player.userId ?? '', { name: 'Punch', trait_names: ['Strength', 'Brawl'] });
    await done(d.slash('quickroll', { ...ctx('player'), subcommand: 'roll', options: { name: 'Punch', character: character.id } }));
    await done(d.slash('stats', { ...ctx('player'), subcommand: 'member' }));
    const png = d.addAttachment({ filename: 'portrait.png', contentType: 'image/png', bytes: Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64') });
    await done(d.slash('asset', { ...ctx('player'), subcommand: 'upload', options: { file: { attachment: png } } }));
    await done(d.slash('user', { ...ctx('admin'), subcommand: 'list' }));
    await done(d.slash('approvals', { ...ctx('admin'), subcommand: 'list' }));

    // API errors: a lasting 503, a 401 (the key refused), a 429 past the client's patience, a reset,
    // a malformed body, a 400 whose detail echoes the key, a refusal (not enough XP).
    v.inject({ method: 'GET', pathIncludes: `/users/${m.player2.userId ?? ''}`, status: 503, times: 3 });
    await done(d.slash('whoami', ctx('player2')));
    v.inject({ method: 'GET', pathIncludes: `/users/${m.player.userId ?? ''}`, status: 401, times: 1 });
    await done(d.slash('whoami', ctx('player')));
    v.inject({ method: 'POST', pathIncludes: `/users/${target.userId}/experience`, status: 429, body: { type: 'about:blank', title: 'Too Many Requests', status: 429, retry_after: 99 }, times: 1 });
    await done(d.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: { user: target.discordId }, amount: 1 } }));
    v.inject({ method: 'GET', pathIncludes: `/users/${m.storyteller.userId ?? ''}`, reset: true, times: 3 });
    await done(d.slash('whoami', ctx('storyteller')));
    v.inject({ method: 'GET', pathIncludes: `/users/${m.admin.userId ?? ''}`, malformed: true, times: 1 });
    await done(d.slash('whoami', ctx('admin')));
    v.inject({
      method: 'PATCH',
      pathIncludes: '/users/',
      status: 400,
      body: { type: 'about:blank', title: 'Bad Request', status: 400, detail: `API key ${API_KEY} may not change this user`, instance: `${v.url}/api/v1/x?key=${API_KEY}` },
      times: 1,
    });
    await done(d.slash('user', { ...ctx('admin'), subcommand: 'update', options: { user: echo.userId, 'name-first': 'Echo' } }));
    await done(d.slash('xp', { ...ctx('storyteller'), subcommand: 'remove', options: { member: { user: slow.discordId }, amount: 50 } }));

    // Discord errors: a refusal whose body echoes the token, a 429 on an acknowledgement, a lasting 503 on a post.
    d.inject({ method: 'PATCH', pathIncludes: '/webhooks/', status: 400, body: { message: `Invalid Form Body for Bot ${TOKEN}`, code: 50035, errors: { token: { _errors: [{ code: 'X', message: TOKEN }] } } } });
    await done(d.slash('whoami', ctx('player')));
    d.inject({ method: 'POST', pathIncludes: '/callback', status: 429, retryAfter: 0.2 });
    await done(d.slash('whoami', ctx('player')));
    d.inject({ method: 'POST', pathIncludes: `/channels/${world.auditChannelId}/messages`, status: 503, times: 8 });
    await done(d.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: { user: target.discordId }, amount: 1 } }));
    await botIdle(world);
    d.clearFaults();

    const lines = parsedLogs(world);
    // The run logged at its most verbose (the bot writes nothing below debug), errors with their details.
    expect(lines.filter((l) => l['level'] === 20).length).toBeGreaterThan(20);
    expect(lines.filter((l) => typeof l['level'] === 'number' && l['level'] >= 40 && l['err'] !== undefined).length).toBeGreaterThanOrEqual(5);
    expect(world.logs.join('')).toContain('[REDACTED]');
    corpus.push(['the bot logs', world.logs.join('\n')]);
  }, 90_000);

  it('runs as `npm start` at trace level and stops cleanly', async () => {
    await world.bot.stop('child takes over');
    const child = await world.spawnChild();
    await child.ready;
    const h = world.discord.slash('whoami', memberContext(world, 'player'));
    await answerOf(h);
    world.valentina.inject({ method: 'GET', pathIncludes: `/users/${world.members.player.userId ?? ''}`, status: 500, times: 3 });
    await answerOf(world.discord.slash('whoami', memberContext(world, 'player')), 20_000);
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(child.output()).toContain('"level":20');
    expect(child.output()).toContain('"level":40');
    corpus.push(['the child process output', child.output()]);
  }, 60_000);

  it('fails on a bad configuration without printing a secret, even one put in the wrong variable', async () => {
    const bad = { DISCORD_TOKEN: TOKEN, VALENTINA_API_KEY: API_KEY, DISCORD_APPLICATION_ID: TOKEN, VALENTINA_API_URL: API_KEY, LOG_LEVEL: TOKEN, API_TIMEOUT_MS: API_KEY, DEV_GUILD_ID: API_KEY };
    const { code, out } = await runProcess(bad);
    expect(code).toBe(1);
    expect(out).toContain('Invalid configuration');
    corpus.push(['the process output on a bad configuration', out]);
    let message = '';
    try {
      loadConfig(bad);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
    }
    expect(message).toContain('DISCORD_APPLICATION_ID');
    corpus.push(['the ConfigError', message]);
  }, 30_000);

  it('appears in no log, no reply, nothing sent to Discord and nothing sent to the API', () => {
    const discordSent = world.discord.requests.map((r) => `${r.method} ${r.path}?${new URLSearchParams(r.query).toString()} ${JSON.stringify(r.body ?? null)} ${r.files.map((f) => f.filename).join(',')}`);
    const channels = [world.channelId, world.approvalsChannelId, world.auditChannelId].flatMap((id) => world.discord.messages(id).map((msg) => JSON.stringify(msg)));
    const apiSent = world.valentina.requests.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)} ${JSON.stringify(r.body ?? null)} ${r.idempotencyKey ?? ''}`);
    const all: Array<[string, string]> = [
      ...corpus,
      ['requests to Discord (paths, queries, bodies)', discordSent.join('\n')],
      ['messages in the channels', channels.join('\n')],
      ['requests to the API (paths, queries, bodies)', apiSent.join('\n')],
    ];
    expect(corpus.map(([where]) => where)).toEqual(['the bot logs', 'the child process output', 'the process output on a bad configuration', 'the ConfigError']);
    expect(discordSent.length).toBeGreaterThan(50);
    expect(all.flatMap(([where, text]) => leaks(where, text))).toEqual([]);
    expect(unhandled.seen).toEqual([]);
    console.log(`secrets: searched ${all.reduce((n, [, t]) => n + t.length, 0)} characters in ${all.length} places for ${leakForms(TOKEN).length + leakForms(API_KEY).length} forms of the token and the key`);
  });
});
