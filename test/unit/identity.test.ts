import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { V2_JULY_2026, ValentinaClient } from '../../src/api/index.js';
import { IdentityService } from '../../src/domain/identity.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { startFakeValentina, type FakeValentina } from '../fakes/valentina/index.js';

describe('IdentityService', () => {
  let fake: FakeValentina;
  let store: Store;
  let api: ValentinaClient;
  let companyId: string;
  let now = 1_000_000;
  const TTL = 60_000;

  beforeAll(async () => {
    fake = await startFakeValentina();
    store = await createStore(':memory:');
    api = new ValentinaClient({ baseUrl: fake.url, apiKey: fake.apiKey });
    companyId = fake.state.addCompany({ name: 'Coterie' }).id;
    fake.state.addUsers(companyId, 250, (i) => ({ role: 'PLAYER', discord_id: String(400000000000000000n + BigInt(i)) }));
  });
  afterAll(async () => {
    expect(fake.violations).toEqual([]);
    await store.close();
    await fake.close();
  });

  const service = () => new IdentityService(api, store.memberLinks, { ttlMs: TTL, now: () => now, log: pino({ level: 'silent' }) });
  const calls = () => fake.requests.length;

  it('walks the user list once on a cold miss, coalescing concurrent callers', async () => {
    const identity = service();
    const before = calls();
    const results = await Promise.all([
      identity.resolve(companyId, '400000000000000007'),
      identity.resolve(companyId, '400000000000000008'),
      identity.resolve(companyId, '400000000000000009'),
    ]);
    expect(results.map((r) => r?.role)).toEqual(['PLAYER', 'PLAYER', 'PLAYER']);
    // One company probe and three pages of 100 users.
    expect(calls() - before).toBe(4);
  });

  it('answers warm resolutions from memory and the store with no API call', async () => {
    const identity = service();
    const before = calls();
    expect((await identity.resolve(companyId, '400000000000000010'))?.userId).toBeDefined();
    expect(await identity.resolve(companyId, '400000000000000010')).not.toBeNull();
    expect(calls() - before).toBe(0);
  });

  it('remembers a miss, then probes resources_modified_at instead of walking again', async () => {
    const identity = service();
    const before = calls();
    expect(await identity.resolve(companyId, '499999999999999999')).toBeNull();
    const afterWalk = calls();
    expect(await identity.resolve(companyId, '499999999999999999')).toBeNull();
    expect(calls()).toBe(afterWalk);
    now += 20_000;
    expect(await identity.resolve(companyId, '499999999999999998')).toBeNull();
    // Only the change probe: the company did not change, so no walk.
    expect(calls() - afterWalk).toBe(1);
    expect(afterWalk - before).toBeGreaterThan(1);
  });

  it('re-checks a stale link with one GET and drops it when the profile moved', async () => {
    const identity = service();
    await identity.resolve(companyId, '400000000000000011');
    now += TTL + 1;
    const before = calls();
    expect((await identity.resolve(companyId, '400000000000000011'))?.role).toBe('PLAYER');
    expect(calls() - before).toBe(1);

    const user = fake.state.findUserByDiscordId('400000000000000012');
    await identity.resolve(companyId, '400000000000000012');
    now += TTL + 1;
    if (user === undefined) throw new Error('seed missing');
    user.discord_profile.id = '400000000000009999';
    fake.state.touchCompany(companyId);
    expect(await identity.resolve(companyId, '400000000000000012')).toBeNull();
    expect((await identity.resolve(companyId, '400000000000009999'))?.userId).toBe(user.id);
  });

  it('sees a new user after invalidation (approval, link, merge)', async () => {
    const identity = service();
    expect(await identity.resolve(companyId, '488888888888888888')).toBeNull();
    const added = fake.state.addUser(companyId, { role: 'STORYTELLER', discord_id: '488888888888888888' });
    await identity.invalidateCompany(companyId);
    expect((await identity.resolve(companyId, '488888888888888888'))?.userId).toBe(added.id);
  });

  it('keeps a stale link when its re-check times out or is rate limited, and drops it only on a 404', async () => {
    const identity = service();
    const discordId = '400000000000000020';
    const userId = (await identity.resolve(companyId, discordId))?.userId;
    expect(userId).toBeDefined();
    const noRetryApi = new ValentinaClient({ baseUrl: fake.url, apiKey: fake.apiKey, maxRetries: 0, timeoutMs: 200 });
    const strict = new IdentityService(noRetryApi, store.memberLinks, { ttlMs: TTL, now: () => now, log: pino({ level: 'silent' }) });
    const walks = () => fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/companies/${companyId}/users`)).length;
    const walksBefore = walks();

    now += TTL + 1;
    fake.inject({ method: 'GET', pathIncludes: `/users/${userId}`, status: 429 });
    expect((await strict.resolve(companyId, discordId))?.userId).toBe(userId);
    now += 10_000;
    fake.inject({ method: 'GET', pathIncludes: `/users/${userId}`, delayMs: 500 });
    expect((await strict.resolve(companyId, discordId))?.userId).toBe(userId);
    now += 10_000;
    fake.inject({ method: 'GET', pathIncludes: `/users/${userId}`, status: 503 });
    expect((await strict.resolve(companyId, discordId))?.userId).toBe(userId);
    expect(walks()).toBe(walksBefore);
    expect(await store.memberLinks.get(companyId, discordId)).not.toBeNull();

    now += 10_000;
    fake.inject({ method: 'GET', pathIncludes: `/users/${userId}`, status: 404 });
    await strict.resolve(companyId, discordId);
    expect(walks()).toBeGreaterThan(walksBefore);
  });

  it('links neither of two approved users with one Discord id, and reports the conflict once', async () => {
    const conflictId = '477777777777777777';
    const first = fake.state.addUser(companyId, { role: 'ADMIN', username: 'was-admin', discord_id: conflictId });
    const second = fake.state.addUser(companyId, { role: 'PLAYER', username: 'now-player', discord_id: conflictId });
    const reported: string[][] = [];
    const identity = service();
    identity.onConflict(async (c) => {
      reported.push(c.users.map((u) => u.id));
    });
    await identity.invalidateCompany(companyId);
    expect(await identity.resolve(companyId, conflictId)).toBeNull();
    expect(identity.conflictFor(companyId, conflictId)?.users.map((u) => u.id)).toEqual([first.id, second.id]);
    const walksBefore = fake.requests.length;
    await identity.invalidateCompany(companyId);
    now += 20_000;
    expect(await identity.resolve(companyId, conflictId)).toBeNull();
    expect(fake.requests.length).toBeGreaterThan(walksBefore);
    await new Promise((r) => setImmediate(r));
    expect(reported).toEqual([[first.id, second.id]]);
    // An unapproved duplicate next to one approved user is no conflict: the approved one wins.
    first.role = 'UNAPPROVED';
    await identity.invalidateCompany(companyId);
    now += 20_000;
    expect((await identity.resolve(companyId, conflictId))?.userId).toBe(second.id);
    expect(identity.conflictFor(companyId, conflictId)).toBeNull();
  });
});

describe('IdentityService on v2', () => {
  let fake: FakeValentina;
  let store: Store;
  let api: ValentinaClient;
  let companyId: string;
  let now = 1_000_000;
  const TTL = 60_000;

  beforeAll(async () => {
    fake = await startFakeValentina({ version: 'v2' });
    store = await createStore(':memory:');
    api = new ValentinaClient({ baseUrl: fake.url, apiKey: fake.apiKey, wire: V2_JULY_2026 });
    companyId = fake.state.addCompany({ name: 'Coterie' }).id;
    fake.state.addUsers(companyId, 5000, (i) => ({ role: 'PLAYER', discord_id: String(400000000000000000n + BigInt(i)) }));
  });
  afterAll(async () => {
    expect(fake.violations).toEqual([]);
    await store.close();
    await fake.close();
  });

  const service = () => new IdentityService(api, store.memberLinks, { ttlMs: TTL, now: () => now, log: pino({ level: 'silent' }) });
  const sent = () => fake.requests.map((r) => `${r.method} ${r.path}`);

  it('resolves a cold member of a 5,000-user company with one lookup call, then from memory', async () => {
    const identity = service();
    const before = fake.requests.length;
    const link = await identity.resolve(companyId, '400000000000004321');
    expect(link?.userId).toBe(fake.state.findUserByDiscordId('400000000000004321')?.id);
    expect(sent().slice(before)).toEqual(['GET /api/v1/users/lookup']);
    expect(await identity.resolve(companyId, '400000000000004321')).toEqual(link);
    expect(fake.requests.length - before).toBe(1);
  });

  it('keeps only the guild company and prefers the approved user of a duplicate', async () => {
    const other = fake.state.addCompany({ name: 'Elsewhere' });
    fake.state.addUser(other.id, { role: 'ADMIN', discord_id: '455555555555555555' });
    const identity = service();
    expect(await identity.resolve(companyId, '455555555555555555')).toBeNull();
    const pending = fake.state.addUser(companyId, { role: 'UNAPPROVED', discord_id: '466666666666666666' });
    const approved = fake.state.addUser(companyId, { role: 'STORYTELLER', discord_id: '466666666666666666' });
    const link = await identity.resolve(companyId, '466666666666666666');
    expect(link).toMatchObject({ userId: approved.id, role: 'STORYTELLER' });
    expect(link?.userId).not.toBe(pending.id);
  });

  it('remembers a miss briefly, then asks again', async () => {
    const identity = service();
    const before = fake.requests.length;
    expect(await identity.resolve(companyId, '499999999999999999')).toBeNull();
    expect(await identity.resolve(companyId, '499999999999999999')).toBeNull();
    expect(fake.requests.length - before).toBe(1);
    now += 20_000;
    const added = fake.state.addUser(companyId, { role: 'PLAYER', discord_id: '499999999999999999' });
    expect((await identity.resolve(companyId, '499999999999999999'))?.userId).toBe(added.id);
  });

  it('re-resolves a link stored under v1 (ObjectId), even a fresh one, without ever sending the old id', async () => {
    const user = fake.state.addUser(companyId, { role: 'PLAYER', discord_id: '477777777777777777' });
    await store.memberLinks.upsert({ companyId, discordUserId: '477777777777777777', userId: '68c2a1b51f3b7e9a5c6d2e11', role: 'PLAYER', resolvedAt: now });
    const before = fake.requests.length;
    const link = await service().resolve(companyId, '477777777777777777');
    expect(link?.userId).toBe(user.id);
    expect(sent().slice(before)).toEqual(['GET /api/v1/users/lookup']);
    expect(fake.requests.slice(before).some((r) => r.path.includes('68c2a1b51f3b7e9a5c6d2e11'))).toBe(false);
    expect((await store.memberLinks.get(companyId, '477777777777777777'))?.userId).toBe(user.id);
  });

  it('links neither of two approved users carrying one Discord id, and reports the conflict once', async () => {
    const first = fake.state.addUser(companyId, { role: 'ADMIN', username: 'v2-first', discord_id: '488888888888888881' });
    const second = fake.state.addUser(companyId, { role: 'PLAYER', username: 'v2-second', discord_id: '488888888888888881' });
    const identity = service();
    const reported: string[][] = [];
    identity.onConflict(async (c) => {
      reported.push(c.users.map((u) => u.name));
    });
    expect(await identity.resolve(companyId, '488888888888888881')).toBeNull();
    now += 20_000;
    expect(await identity.resolve(companyId, '488888888888888881')).toBeNull();
    await new Promise((r) => setImmediate(r));
    expect(identity.conflictFor(companyId, '488888888888888881')?.users.map((u) => u.id).sort()).toEqual([first.id, second.id].sort());
    expect(reported).toHaveLength(1);
    expect(reported[0]?.join(' ')).toContain('v2-first');
  });
});
