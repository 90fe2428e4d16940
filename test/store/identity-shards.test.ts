/**
 * Two bot processes (two IdentityService instances with their own memory) over one shared store
 * and one Valentina: a role or link change made through one is seen by the other within seconds.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ValentinaClient } from '../../src/api/index.js';
import { decideApproval } from '../../src/domain/approvals.js';
import { CompanyDirectory } from '../../src/domain/directory.js';
import { IDENTITY_MEMORY_MS, IdentityService } from '../../src/domain/identity.js';
import { linkMember, registerMember, type DiscordIdentity } from '../../src/domain/members.js';
import { deleteCompanyUser, updateCompanyUser } from '../../src/domain/user-admin.js';
import { startFakeValentina, type FakeValentina } from '../fakes/valentina/index.js';
import { storeKinds, type StoreHandle } from './harness.js';

const TTL = 15 * 60_000;
const log = pino({ level: 'silent' });

function member(id: string, username: string): DiscordIdentity {
  return { id, username, globalName: username, avatarId: null, avatarUrl: null, discriminator: null };
}

for (const kind of storeKinds()) {
  describe.skipIf(kind.skip !== false)(`identity shared by two processes on ${kind.name}`, () => {
    let fake: FakeValentina;
    let handle: StoreHandle;
    let api: ValentinaClient;
    let companyId: string;
    let adminId: string;
    let now = 5_000_000;
    let seq = 0;

    type Proc = ReturnType<typeof proc>;
    function proc() {
      const clock = { now: () => now };
      return {
        api,
        store: handle.store,
        clock,
        log,
        identity: new IdentityService(api, handle.store.memberLinks, { ttlMs: TTL, now: clock.now, log }),
        directory: new CompanyDirectory(api, clock.now),
      };
    }
    let a: Proc;
    let b: Proc;

    const nextDiscordId = () => `52000000000000${String((seq += 1)).padStart(4, '0')}`;
    /** Past the memory lifetime: from here on only the shared store may answer. */
    const seconds = () => {
      now += IDENTITY_MEMORY_MS;
    };

    beforeAll(async () => {
      fake = await startFakeValentina();
      handle = await kind.create();
      api = new ValentinaClient({ baseUrl: fake.url, apiKey: fake.apiKey });
      companyId = fake.state.addCompany({ name: 'Shards' }).id;
      adminId = fake.state.addUser(companyId, { role: 'ADMIN', username: 'boss', discord_id: '529999999999999999' }).id;
      a = proc();
      b = proc();
    });
    afterAll(async () => {
      expect(fake.violations).toEqual([]);
      await handle.cleanup();
      await fake.close();
    });

    it('a demotion through one process reaches the other within seconds, not at the TTL', async () => {
      const discordId = nextDiscordId();
      const target = fake.state.addUser(companyId, { role: 'ADMIN', username: 'demoted', discord_id: discordId });
      expect((await a.identity.resolve(companyId, discordId))?.role).toBe('ADMIN');
      expect((await b.identity.resolve(companyId, discordId))?.role).toBe('ADMIN');
      await updateCompanyUser(a, { companyId, requestingUserId: adminId, userId: target.id, patch: { role: 'PLAYER' }, idempotencyKey: `demote-${discordId}` });
      expect((await a.identity.resolve(companyId, discordId))?.role).toBe('PLAYER');
      seconds();
      expect((await b.identity.resolve(companyId, discordId))?.role).toBe('PLAYER');
    });

    it('a deletion through one process unlinks the member in the other', async () => {
      const discordId = nextDiscordId();
      const target = fake.state.addUser(companyId, { role: 'STORYTELLER', username: 'leaving', discord_id: discordId });
      expect((await b.identity.resolve(companyId, discordId))?.userId).toBe(target.id);
      await deleteCompanyUser(a, { companyId, actorUserId: adminId, userId: target.id });
      seconds();
      expect(await b.identity.resolve(companyId, discordId)).toBeNull();
    });

    it('a /link through one process replaces the other\'s remembered miss', async () => {
      const discordId = nextDiscordId();
      const target = fake.state.addUser(companyId, { role: 'PLAYER', username: 'unlinked' });
      expect(await b.identity.resolve(companyId, discordId)).toBeNull();
      await linkMember(a, companyId, adminId, target.id, member(discordId, 'linkme'), `link-${discordId}`);
      seconds();
      expect((await b.identity.resolve(companyId, discordId))?.userId).toBe(target.id);
    });

    it('a registration and its approval through one process reach the other', async () => {
      const discordId = nextDiscordId();
      expect(await b.identity.resolve(companyId, discordId)).toBeNull();
      const pending = await registerMember(a, companyId, member(discordId, 'newbie'), { email: 'newbie@example.com', nameFirst: 'New', nameLast: 'Bie' }, `reg-${discordId}`);
      seconds();
      expect((await b.identity.resolve(companyId, discordId))?.role).toBe('UNAPPROVED');
      await decideApproval(a, {
        guildId: 'g-shards',
        companyId,
        actor: { userId: adminId, discordId: '529999999999999999' },
        pendingUserId: pending.id,
        decision: { kind: 'APPROVE', role: 'STORYTELLER' },
        idempotencyKey: `approve-${discordId}`,
      });
      seconds();
      expect((await b.identity.resolve(companyId, discordId))?.role).toBe('STORYTELLER');
    });

    it('a merge through one process moves the member in the other', async () => {
      const discordId = nextDiscordId();
      const existing = fake.state.addUser(companyId, { role: 'PLAYER', username: 'veteran', email: 'vet@example.com' });
      const pending = await registerMember(a, companyId, member(discordId, 'vet'), { email: 'vet@example.com', nameFirst: 'Vet', nameLast: 'Eran' }, `reg-${discordId}`);
      seconds();
      expect((await b.identity.resolve(companyId, discordId))?.userId).toBe(pending.id);
      await decideApproval(a, {
        guildId: 'g-shards',
        companyId,
        actor: { userId: adminId, discordId: '529999999999999999' },
        pendingUserId: pending.id,
        decision: { kind: 'MERGE', primaryUserId: existing.id },
        idempotencyKey: `merge-${discordId}`,
      });
      seconds();
      expect(await b.identity.resolve(companyId, discordId)).toMatchObject({ userId: existing.id, role: 'PLAYER' });
    });
  });
}
