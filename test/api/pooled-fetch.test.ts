import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APIConnectionError, APITimeoutError, AuthorizationError, NotFoundError, RateLimitError, ValentinaClient } from '../../src/api/index.js';
import { createPooledFetch, type PooledFetch } from '../../src/api/pooled-fetch.js';
import { startFakeValentina, type FakeValentina } from '../fakes/valentina/index.js';
import { caught } from './helpers/scripted-fetch.js';

/* The Valentina client on the bounded undici pool the bot uses in production, against the contract fake. */

let fake: FakeValentina;
let pooled: PooledFetch;

function client(options: { timeoutMs?: number; maxRetryWaitMs?: number } = {}): ValentinaClient {
  return new ValentinaClient({ baseUrl: fake.url, apiKey: fake.apiKey, fetch: pooled.fetch, sleep: async () => undefined, random: () => 0, ...options });
}

beforeAll(async () => {
  fake = await startFakeValentina();
  pooled = createPooledFetch();
});
afterAll(async () => {
  await pooled.close();
  await fake.close();
});
afterEach(() => {
  expect(fake.violations).toEqual([]);
});

function seed() {
  const company = fake.state.addCompany({ name: 'Pooled', settings: { permission_grant_xp: 'STORYTELLER' } });
  const storyteller = fake.state.addUser(company.id, { role: 'STORYTELLER', username: 'story-teller' });
  const player = fake.state.addUser(company.id, { role: 'PLAYER', username: 'pia' });
  const campaign = fake.state.addCampaign(company.id, { name: 'Chicago by Night' });
  return { company, storyteller, player, campaign };
}

describe('pooled fetch', () => {
  it('reads, writes with a JSON body, and maps error statuses as the global fetch does', async () => {
    const { company, storyteller, player, campaign } = seed();
    const users = client().users(company.id);
    expect((await users.get(player.id)).username).toBe('pia');
    const xp = await users.addXp(player.id, campaign.id, 4, storyteller.id);
    expect(xp).toMatchObject({ xp_current: 4, xp_total: 4 });
    expect(await caught(users.get('0123456789abcdef01234567'))).toBeInstanceOf(NotFoundError);
    expect(await caught(users.addXp(player.id, campaign.id, 5, player.id))).toBeInstanceOf(AuthorizationError);
  });

  it('retries a reset read and a 5xx write with the same Idempotency-Key, never a reset write, and surfaces 429 with its wait', async () => {
    const { company, storyteller, player, campaign } = seed();
    fake.inject({ method: 'GET', pathIncludes: `/users/${player.id}`, reset: true });
    const beforeRead = fake.requests.length;
    expect((await client().users(company.id).get(player.id)).id).toBe(player.id);
    expect(fake.requests.slice(beforeRead).filter((r) => r.path.endsWith(`/users/${player.id}`))).toHaveLength(2);

    fake.inject({ method: 'POST', pathIncludes: '/experience/xp/add', status: 503 });
    const before = fake.requests.length;
    await client().users(company.id).addXp(player.id, campaign.id, 1, storyteller.id);
    const attempts = fake.requests.slice(before).filter((r) => r.path.endsWith('/xp/add'));
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.idempotencyKey).toBeDefined();
    expect(new Set(attempts.map((r) => r.idempotencyKey)).size).toBe(1);

    // A write whose socket died after sending may have been applied: the pooled client does not re-send it either.
    fake.inject({ method: 'POST', pathIncludes: '/experience/xp/add', reset: true });
    const beforeReset = fake.requests.length;
    expect(await caught(client().users(company.id).addXp(player.id, campaign.id, 1, storyteller.id))).toBeInstanceOf(APIConnectionError);
    expect(fake.requests.slice(beforeReset).filter((r) => r.path.endsWith('/xp/add'))).toHaveLength(1);

    fake.setRateLimit({ name: 'hourly', capacity: 1, refillPerSecond: 0.01 });
    try {
      const users = client({ maxRetryWaitMs: 5_000 }).users(company.id);
      await users.get(player.id);
      const err = await caught(users.get(player.id));
      expect(err).toBeInstanceOf(RateLimitError);
      expect((err as RateLimitError).retryAfterSeconds).toBeGreaterThan(5);
    } finally {
      fake.setRateLimit(false);
    }
  });

  it('times out a request that gets no answer', async () => {
    const { company, player } = seed();
    // Every attempt (the first and its retries) stalls past the timeout; only this user's path.
    fake.inject({ method: 'GET', pathIncludes: `/users/${player.id}`, delayMs: 1_000, times: 10 });
    const err = await caught(client({ timeoutMs: 200 }).users(company.id).get(player.id));
    expect(err).toBeInstanceOf(APITimeoutError);
  });
});

describe('pooled fetch connection bound', () => {
  let server: Server;
  let sockets = 0;
  let url = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      // Slow answers keep every connection busy, so an unbounded pool would open one per request.
      setTimeout(() => res.end('{"ok":true}'), 50);
    });
    server.on('connection', () => {
      sockets += 1;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('opens at most its connection bound however many requests are in flight; the rest queue', async () => {
    const small = createPooledFetch({ connections: 4 });
    try {
      const answers = await Promise.all(Array.from({ length: 60 }, () => small.fetch(url, { method: 'GET' }).then((r) => r.json())));
      expect(answers).toHaveLength(60);
      expect(answers.every((a) => JSON.stringify(a) === '{"ok":true}')).toBe(true);
      expect(sockets).toBeLessThanOrEqual(4);
    } finally {
      await small.close();
    }
  });
});
