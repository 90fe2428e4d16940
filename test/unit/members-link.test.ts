import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ValentinaClient } from '../../src/api/index.js';
import { CompanyDirectory } from '../../src/domain/directory.js';
import { IdentityService } from '../../src/domain/identity.js';
import { linkMember, type DiscordIdentity } from '../../src/domain/members.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';
import { startFakeValentina, type FakeValentina } from '../fakes/valentina/index.js';

describe('linkMember', () => {
  let fake: FakeValentina;
  let store: Store;
  let companyId: string;
  let adminId: string;
  const sleeps: number[] = [];
  const log = pino({ level: 'silent' });

  beforeAll(async () => {
    fake = await startFakeValentina();
    store = await createStore(':memory:');
    companyId = fake.state.addCompany({ name: 'Links' }).id;
    adminId = fake.state.addUser(companyId, { role: 'ADMIN', discord_id: '530000000000000000' }).id;
  });
  afterAll(async () => {
    expect(fake.violations).toEqual([]);
    await store.close();
    await fake.close();
  });

  function deps() {
    const api = new ValentinaClient({ baseUrl: fake.url, apiKey: fake.apiKey, maxRetries: 0 });
    const clock = {
      now: () => Date.now(),
      sleep: async (ms: number) => {
        sleeps.push(ms);
      },
    };
    return { api, clock, log, identity: new IdentityService(api, store.memberLinks, { ttlMs: 60_000, now: clock.now, log }), directory: new CompanyDirectory(api, clock.now) };
  }
  const member = (id: string): DiscordIdentity => ({ id, username: 'mover', globalName: 'Mover', avatarId: null, avatarUrl: null, discriminator: null });
  const discordOf = (userId: string) => fake.state.getUser(userId)?.discord_profile.id ?? null;

  it('clears the id on the previous user before setting it on the new one', async () => {
    const old = fake.state.addUser(companyId, { role: 'ADMIN', discord_id: '530000000000000001' });
    const target = fake.state.addUser(companyId, { role: 'PLAYER' });
    const { previousUserId } = await linkMember(deps(), companyId, adminId, target.id, member('530000000000000001'), 'k1');
    expect(previousUserId).toBe(old.id);
    expect([discordOf(old.id), discordOf(target.id)]).toEqual([null, '530000000000000001']);
    const patches = fake.requests.filter((r) => r.method === 'PATCH').slice(-2).map((r) => r.path.split('/').pop());
    expect(patches).toEqual([old.id, target.id]);
  });

  it('puts the previous profile back when setting the new user is refused', async () => {
    const old = fake.state.addUser(companyId, { role: 'STORYTELLER', discord_id: '530000000000000002' });
    const target = fake.state.addUser(companyId, { role: 'PLAYER' });
    fake.inject({ method: 'PATCH', pathIncludes: `/users/${target.id}`, status: 403 });
    await expect(linkMember(deps(), companyId, adminId, target.id, member('530000000000000002'), 'k2')).rejects.toThrow();
    expect([discordOf(old.id), discordOf(target.id)]).toEqual(['530000000000000002', null]);
  });

  it('reads an unconfirmed write back after a safe wait before undoing anything', async () => {
    const old = fake.state.addUser(companyId, { role: 'PLAYER', discord_id: '530000000000000003' });
    const target = fake.state.addUser(companyId, { role: 'PLAYER' });
    // The socket dies after the request was sent: Valentina may have applied it (here: not).
    fake.inject({ method: 'PATCH', pathIncludes: `/users/${target.id}`, reset: true });
    sleeps.length = 0;
    await expect(linkMember(deps(), companyId, adminId, target.id, member('530000000000000003'), 'k3')).rejects.toThrow();
    expect(sleeps).toEqual([15_000]);
    expect([discordOf(old.id), discordOf(target.id)]).toEqual(['530000000000000003', null]);

    // Applied but unanswered (a slow server past the timeout): the read-back finds it linked.
    const slowApi = new ValentinaClient({ baseUrl: fake.url, apiKey: fake.apiKey, maxRetries: 0, timeoutMs: 150 });
    fake.inject({ method: 'PATCH', pathIncludes: `/users/${target.id}`, delayMs: 400 });
    const d = { ...deps(), api: slowApi, clock: { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, Math.min(ms, 600))) } };
    const { user } = await linkMember(d, companyId, adminId, target.id, member('530000000000000003'), 'k4');
    expect(user.id).toBe(target.id);
    expect([discordOf(old.id), discordOf(target.id)]).toEqual([null, '530000000000000003']);
  });
});
