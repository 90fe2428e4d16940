import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { OpenApiValidator, startFakeValentina } from '../fakes/valentina/index.js';
import type { FakeValentina, FakeValentinaOptions } from '../fakes/valentina/index.js';
import { call, obj } from '../fakes/valentina/test-client.js';

let fake: FakeValentina;
let t = 0;

async function start(opts: FakeValentinaOptions = {}): Promise<{ companyId: string; userId: string; campaignId: string }> {
  t = Date.parse('2026-03-14T19:00:00Z');
  fake = await startFakeValentina({ now: () => new Date(t), ...opts });
  const companyId = fake.state.addCompany().id;
  const userId = fake.state.addUser(companyId, { role: 'STORYTELLER' }).id;
  const campaignId = fake.state.addCampaign(companyId).id;
  return { companyId, userId, campaignId };
}

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

describe('idempotency (CONTRACT §1.9)', () => {
  it('replays a stored 2xx without re-executing, and 409s the same key with another body', async () => {
    const { companyId, userId, campaignId } = await start();
    const path = `/companies/${companyId}/users/${userId}/experience/xp/add`;
    const body = { amount: 5, campaign_id: campaignId, requesting_user_id: userId };
    const headers = { 'Idempotency-Key': '7d0f3c1e-9a44-4f3e-8b8e-2f6c0b1d5a77' };
    const first = await call(fake, 'POST', path, { body, headers });
    const replay = await call(fake, 'POST', path, { body, headers });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.text).toBe(first.text);
    expect(replay.headers.get('content-type')).toBe('application/json');
    expect(fake.state.experience(userId, campaignId)?.xp_current).toBe(5);

    const conflict = await call(fake, 'POST', path, { body: { ...body, amount: 6 }, headers });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toEqual({
      status: 409,
      title: 'Conflict',
      detail: "Idempotency key '7d0f3c1e-9a44-4f3e-8b8e-2f6c0b1d5a77' was previously used with a different request body. Each unique request must use a unique idempotency key.",
      instance: `${fake.url}/api/v1${path}`,
    });

    // Another API key, another path, or no key at all: executed again.
    fake.state.addApiKey('second-key', { companyIds: [companyId] });
    expect((await call(fake, 'POST', path, { body, headers, apiKey: 'second-key' })).status).toBe(201);
    expect((await call(fake, 'POST', path, { body })).status).toBe(201);
    expect(fake.state.experience(userId, campaignId)?.xp_current).toBe(15);
    expect(fake.requests.filter((r) => r.idempotencyKey !== undefined)).toHaveLength(4);
  });

  it('does not store non-2xx outcomes, and expires entries after an hour', async () => {
    const { companyId, userId, campaignId } = await start();
    const path = `/companies/${companyId}/users/${userId}/experience/xp/remove`;
    const body = { amount: 5, campaign_id: campaignId, requesting_user_id: userId };
    const headers = { 'Idempotency-Key': 'k-1' };
    expect((await call(fake, 'POST', path, { body, headers })).status).toBe(400);
    fake.state.setExperience(userId, campaignId, { xp_current: 20 });
    expect((await call(fake, 'POST', path, { body, headers })).status).toBe(201);
    expect((await call(fake, 'POST', path, { body, headers })).status).toBe(201);
    expect(fake.state.experience(userId, campaignId)?.xp_current).toBe(15);
    t += 3_600_001;
    expect((await call(fake, 'POST', path, { body, headers })).status).toBe(201);
    expect(fake.state.experience(userId, campaignId)?.xp_current).toBe(10);
  });

  it('ignores the header on GET and DELETE', async () => {
    const { companyId, userId } = await start();
    const note = fake.state.addNote(userId, { title: 'abc', content: 'defg' });
    const headers = { 'Idempotency-Key': 'same' };
    expect((await call(fake, 'DELETE', `/companies/${companyId}/users/${userId}/notes/${note.id}`, { headers })).status).toBe(204);
    expect((await call(fake, 'DELETE', `/companies/${companyId}/users/${userId}/notes/${note.id}`, { headers })).status).toBe(404);
  });
});

describe('rate limiting (CONTRACT §1.8)', () => {
  it('is off by default: no RateLimit headers', async () => {
    await start();
    const res = await call(fake, 'GET', '/health');
    expect(res.headers.get('ratelimit')).toBeNull();
    expect(res.headers.get('ratelimit-policy')).toBeNull();
  });

  it('sends policy headers on every response and a 429 problem with retry_after, no Retry-After', async () => {
    const { companyId } = await start({ rateLimit: { name: 'burst', capacity: 3, refillPerSecond: 0.5 } });
    const seen: Array<string | null> = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(fake, 'GET', `/companies/${companyId}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-policy')).toBe('"burst";q=3;w=6');
      seen.push(res.headers.get('ratelimit'));
    }
    expect(seen).toEqual(['"burst";r=2;t=0', '"burst";r=1;t=0', '"burst";r=0;t=2']);
    const limited = await call(fake, 'GET', `/companies/${companyId}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(limited.headers.get('ratelimit')).toBe('"burst";r=0;t=2');
    expect(limited.body).toEqual({
      status: 429,
      title: 'Too Many Requests',
      detail: 'You are being rate limited.',
      instance: `${fake.url}/api/v1/companies/${companyId}`,
      retry_after: 2,
    });
    t += 1500;
    expect(obj((await call(fake, 'GET', '/health')).body)['retry_after']).toBe(0.5);
    t += 500;
    expect((await call(fake, 'GET', '/health')).status).toBe(200);
  });

  it('rounds retry_after up to two decimals, lets 401s through untouched and honours the testing bypass', async () => {
    await start({ rateLimit: { capacity: 1, refillPerSecond: 3 } });
    expect((await call(fake, 'GET', '/health')).status).toBe(200);
    const unauth = await call(fake, 'GET', '/health', { apiKey: 'wrong' });
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('ratelimit')).toBeNull();
    const bypass = await call(fake, 'GET', '/health', { headers: { 'X-Testing-Ignore-Rate-Limit': 'true' } });
    expect(bypass.status).toBe(200);
    const limited = await call(fake, 'GET', '/health');
    expect(limited.status).toBe(429);
    expect(obj(limited.body)['retry_after']).toBe(0.34);
    expect(limited.headers.get('ratelimit-policy')).toBe('"default";q=1;w=1');
  });

  it('comma-joins several policies, can be reconfigured at runtime, and counts idempotent replays', async () => {
    const { companyId, userId } = await start();
    fake.setRateLimit([{ name: 'burst', capacity: 2, refillPerSecond: 1 }, { name: 'hourly', capacity: 1000, refillPerSecond: 0.27 }]);
    const path = `/companies/${companyId}/users/${userId}/notes`;
    const headers = { 'Idempotency-Key': 'note-1' };
    const first = await call(fake, 'POST', path, { body: { title: 'abc', content: 'defg' }, headers });
    expect(first.headers.get('ratelimit-policy')).toBe('"burst";q=2;w=2, "hourly";q=1000;w=3704');
    expect(first.headers.get('ratelimit')).toBe('"burst";r=1;t=0, "hourly";r=999;t=0');
    const replay = await call(fake, 'POST', path, { body: { title: 'abc', content: 'defg' }, headers });
    expect(replay.status).toBe(201);
    expect(replay.headers.get('ratelimit')).toBe('"burst";r=0;t=1, "hourly";r=998;t=0');
    const limited = await call(fake, 'GET', path);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('ratelimit')).toBe('"burst";r=0;t=1');
    fake.setRateLimit(false);
    expect((await call(fake, 'GET', path)).status).toBe(200);
  });
});

describe('fault injection, latency and the request log', () => {
  it('answers injected statuses for `times` matching requests, then behaves normally', async () => {
    const { companyId } = await start();
    fake.inject({ method: 'GET', pathIncludes: '/health', status: 503, times: 2 });
    expect((await call(fake, 'GET', `/companies/${companyId}`)).status).toBe(200);
    expect((await call(fake, 'GET', '/health')).status).toBe(503);
    const second = await call(fake, 'GET', '/health');
    expect(second.status).toBe(503);
    expect(second.headers.get('content-type')).toBe('application/problem+json');
    expect((await call(fake, 'GET', '/health')).status).toBe(200);
    fake.inject({ status: 500, body: { custom: true } });
    expect((await call(fake, 'GET', '/health')).body).toEqual({ custom: true });
  });

  it('resets the socket', async () => {
    await start();
    fake.inject({ reset: true });
    await expect(call(fake, 'GET', '/health')).rejects.toThrow();
    expect((await call(fake, 'GET', '/health')).status).toBe(200);
    expect(fake.requests.map((r) => r.status)).toEqual([0, 200]);
  });

  it('delays one request, or all of them with setLatency', async () => {
    await start();
    fake.inject({ delayMs: 120 });
    let started = performance.now();
    expect((await call(fake, 'GET', '/health')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    fake.setLatency(60);
    started = performance.now();
    await call(fake, 'GET', '/health');
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
  });

  it('tolerates clients that give up while a response is delayed', async () => {
    await start();
    fake.setLatency(150);
    await expect(fetch(`${fake.url}/api/v1/health`, { headers: { 'X-API-KEY': fake.apiKey }, signal: AbortSignal.timeout(30) })).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 200));
    fake.setLatency(0);
    expect((await call(fake, 'GET', '/health')).status).toBe(200);
  });

  it('sends a malformed 200 that the validator catches (injected responses are not recorded as violations)', async () => {
    const { companyId, userId } = await start();
    fake.inject({ pathIncludes: `/users/${userId}`, malformed: true });
    const res = await call(fake, 'GET', `/companies/${companyId}/users/${userId}`);
    expect(res.status).toBe(200);
    const validator = fake.validator;
    if (!validator) throw new Error('validation is on by default');
    const error = validator.validateResponse('GET', '/api/v1/companies/{company_id}/users/{user_id}', 200, 'application/json', res.body);
    expect(error).toMatch(/must have required property/);
    const good = await call(fake, 'GET', `/companies/${companyId}/users/${userId}`);
    expect(validator.validateResponse('GET', '/api/v1/companies/{company_id}/users/{user_id}', 200, 'application/json', good.body)).toBeNull();
    expect(validator.validateResponse('GET', '/api/v1/companies/{company_id}/users/{user_id}', 418, 'application/json', {})).toMatch(/not documented/);
    expect(validator.validateResponse('DELETE', '/api/v1/companies/{company_id}/users/{user_id}', 204, 'application/json', {})).toMatch(/no body/);
    expect(validator.validateResponse('GET', '/api/v1/health', 200, 'application/problem+json', {})).toMatch(/content type/);
  });

  it('logs every request with method, path, query, status, idempotency key and JSON body', async () => {
    const { companyId, userId } = await start();
    await call(fake, 'GET', `/companies/${companyId}/users`, { query: { limit: 5 } });
    await call(fake, 'POST', `/companies/${companyId}/users/${userId}/notes`, { body: { title: 'abc', content: 'defg' }, headers: { 'Idempotency-Key': 'k' } });
    expect(fake.requests).toEqual([
      { method: 'GET', path: `/api/v1/companies/${companyId}/users`, query: { limit: '5' }, status: 200, at: t },
      {
        method: 'POST', path: `/api/v1/companies/${companyId}/users/${userId}/notes`, query: {}, status: 201, at: t,
        idempotencyKey: 'k', body: { title: 'abc', content: 'defg' },
      },
    ]);
  });

  it('404s unknown routes as problem+json', async () => {
    await start();
    const res = await call(fake, 'GET', '/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('the OpenAPI validator', () => {
  const FIXTURES = new URL('../../docs/valentina-api/fixtures/', import.meta.url);
  const read = (name: string): unknown => JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
  const validator = new OpenApiValidator();

  it('accepts the shared fixtures and rejects a corrupted one', async () => {
    await start();
    const pairs: Array<[string, string]> = [
      ['user.json', 'User'], ['company.json', 'Company'], ['campaign.json', 'Campaign'], ['character.json', 'Character'],
      ['character_trait.json', 'CharacterTrait'], ['diceroll_quickroll.json', 'DiceRoll'], ['note.json', 'Note'],
      ['quickroll.json', 'Quickroll'], ['asset.json', 'Asset'], ['roll_statistics.json', 'RollStatistics'],
      ['paginated_users.json', 'PaginatedUser'], ['paginated_dicerolls.json', 'PaginatedDiceRoll'],
      ['problem_429.json', 'RateLimitProblem'], ['problem_400_not_enough_xp.json', 'NotEnoughXPProblem'],
    ];
    for (const [file, schema] of pairs) expect(validator.validateSchema(schema, read(file)), file).toBeNull();
    const user = obj(read('user.json'));
    expect(validator.validateSchema('User', { ...user, discord_profile: { id: 310907223012884480 } })).not.toBeNull();
    expect(validator.validateSchema('User', { ...user, role: 'GOD' })).toMatch(/allowed values/);
    // The xp/remove 400 accepts the not-enough-XP body despite its overlapping oneOf.
    expect(validator.validateResponse('POST', '/api/v1/companies/{company_id}/users/{user_id}/experience/xp/remove', 400,
      'application/problem+json', read('problem_400_not_enough_xp.json'))).toBeNull();
  });
});
