import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APIConnectionError, NotFoundError, ServerError, UserSchema, V1_MARCH_2026, type User, type ValentinaClient } from '../../src/api/index.js';
import type { Deps } from '../../src/deps.js';
import { CompanyDirectory } from '../../src/domain/directory.js';
import { AlreadyHandledError, InvalidInputError, PermissionDeniedError } from '../../src/domain/errors.js';
import { IdentityService } from '../../src/domain/identity.js';
import {
  assertKeepsAnAdmin,
  createCompanyUser,
  deleteCompanyUser,
  pageOf,
  parseNewUser,
  parseUserPatch,
  prepareDeletion,
  updateCompanyUser,
  userChoices,
} from '../../src/domain/user-admin.js';
import { OutcomeUnknownError, WriteNotAppliedError } from '../../src/domain/write-settle.js';
import { createLogger } from '../../src/logger.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/types.js';

const COMPANY = 'c0000000000000000000000c';
const ADMIN = 'a0000000000000000000000a';
const ADMIN_DISCORD = '200000000000000001';

let seq = 0;
function makeUser(fields: Partial<Record<string, unknown>> & { id: string }): User {
  seq += 1;
  return UserSchema.parse({ username: `user${seq}`, email: `user${seq}@example.com`, role: 'PLAYER', company_id: COMPANY, name_first: null, name_last: null, ...fields });
}

/** Users service double: a map plus the writes it received. */
class FakeUsers {
  readonly users = new Map<string, User>();
  readonly writes: { op: string; args: unknown[] }[] = [];
  /** The next write is applied, then answered with this error (the server acted; the answer was lost). */
  failAfterApply: Error | undefined;
  /** The next write fails with this error before anything is applied. */
  failBefore: Error | undefined;
  /** Reads fail with this error while set. */
  failReads: Error | undefined;

  private before(): void {
    const fail = this.failBefore;
    this.failBefore = undefined;
    if (fail !== undefined) throw fail;
  }

  private after<T>(value: T): T {
    const fail = this.failAfterApply;
    this.failAfterApply = undefined;
    if (fail !== undefined) throw fail;
    return value;
  }

  add(user: User): User {
    this.users.set(user.id, user);
    return user;
  }

  private need(id: string): User {
    const user = this.users.get(id);
    if (user === undefined) throw new NotFoundError({ status: 404, title: 'Not Found', detail: 'User not found', method: 'GET', path: `/users/${id}` });
    return user;
  }

  private async *iterAll(): AsyncIterable<User> {
    yield* [...this.users.values()];
  }

  readonly service = {
    get: async (id: string) => {
      if (this.failReads !== undefined) throw this.failReads;
      return this.need(id);
    },
    listAll: async (filters: { userRole?: string; email?: string } = {}) => {
      if (this.failReads !== undefined) throw this.failReads;
      return [...this.users.values()].filter((u) => (filters.userRole === undefined || u.role === filters.userRole) && (filters.email === undefined || u.email === filters.email));
    },
    iterAll: () => this.iterAll(),
    create: async (request: Record<string, unknown>, opts?: { idempotencyKey?: string }) => {
      this.writes.push({ op: 'create', args: [request, opts?.idempotencyKey] });
      this.before();
      return this.after(this.add(makeUser({ id: `n${this.users.size}`.padEnd(24, '0'), ...request })));
    },
    update: async (id: string, request: Record<string, unknown>, opts?: { idempotencyKey?: string }) => {
      this.writes.push({ op: 'update', args: [id, request, opts?.idempotencyKey] });
      this.before();
      const { requesting_user_id: _ignored, ...fields } = request;
      return this.after(this.add({ ...this.need(id), ...fields } as User));
    },
    delete: async (id: string, requester: string) => {
      this.writes.push({ op: 'delete', args: [id, requester] });
      this.before();
      this.need(id);
      this.users.delete(id);
      this.after(undefined);
    },
  };
}

describe('parseNewUser', () => {
  it('lists every problem at once and says nothing was changed', () => {
    const err = (() => {
      try {
        parseNewUser({ username: 'ab', email: 'not-an-email', nameFirst: 'A', nameLast: 'x'.repeat(51), role: 'UNAPPROVED' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(InvalidInputError);
    const text = (err as Error).message;
    expect(text).toMatch(/Username\*\* must be 3 to 50/);
    expect(text).toMatch(/Email\*\* must be a valid address/);
    expect(text).toMatch(/First name\*\* must be 2 to 50 characters \(got 1\)/);
    expect(text).toMatch(/Last name\*\* must be 2 to 50 characters \(got 51\)/);
    expect(text).toMatch(/Role\*\* must be Admin, Storyteller or Player/);
    expect(text).toMatch(/Nothing was changed/);
  });

  it('trims and accepts valid input', () => {
    expect(parseNewUser({ username: ' ann ', email: ' ann@example.com', nameFirst: 'Ann ', nameLast: 'Lee', role: 'STORYTELLER' })).toEqual({
      username: 'ann',
      email: 'ann@example.com',
      nameFirst: 'Ann',
      nameLast: 'Lee',
      role: 'STORYTELLER',
    });
  });
});

describe('parseUserPatch', () => {
  const none = { role: null, email: null, username: null, nameFirst: null, nameLast: null };
  it('wants at least one field', () => {
    expect(() => parseUserPatch(none)).toThrow(/Give at least one thing to change/);
  });
  it('checks lengths and email syntax', () => {
    expect(() => parseUserPatch({ ...none, nameLast: 'Q' })).toThrow(/Last name\*\* must be 2 to 50/);
    expect(() => parseUserPatch({ ...none, username: 'x'.repeat(51) })).toThrow(/Username\*\* must be 3 to 50/);
    expect(() => parseUserPatch({ ...none, email: 'a@b' })).toThrow(/Email/);
    expect(() => parseUserPatch({ ...none, role: 'UNAPPROVED' })).toThrow(/Role/);
  });
  it('keeps only the given fields', () => {
    expect(parseUserPatch({ ...none, role: 'ADMIN', nameFirst: ' Jo ' })).toEqual({ role: 'ADMIN', nameFirst: 'Jo' });
  });
});

describe('pageOf', () => {
  const users = Array.from({ length: 23 }, (_, i) => makeUser({ id: `p${i}` }));
  it('pages by ten and clamps out-of-range pages', () => {
    expect(pageOf(users, 0)).toMatchObject({ page: 0, pages: 3, total: 23 });
    expect(pageOf(users, 2).items).toHaveLength(3);
    expect(pageOf(users, 99).page).toBe(2);
    expect(pageOf(users, -4).page).toBe(0);
    expect(pageOf([], 3)).toMatchObject({ page: 0, pages: 1, total: 0, items: [] });
  });
});

describe('userChoices', () => {
  it('returns up to 25 matches and a keep-typing hint when there are more', () => {
    const many = Array.from({ length: 30 }, (_, i) => makeUser({ id: `u${i}`, name_first: 'Sam', name_last: `Number${i}` }));
    const choices = userChoices(many, 'sam', (u) => u.id);
    expect(choices).toHaveLength(25);
    expect(choices[24]).toEqual({ name: '…6 more: keep typing a name or email', value: '?' });
    expect(userChoices(many.slice(0, 3), '', (u) => u.id).map((c) => c.value)).toEqual(['u0', 'u1', 'u2']);
  });
});

describe('user administration use cases', () => {
  let store: Store;
  let users: FakeUsers;
  let deps: Pick<Deps, 'api' | 'identity' | 'directory' | 'clock'>;
  const sleeps: number[] = [];

  beforeEach(async () => {
    store = await createStore(':memory:');
    users = new FakeUsers();
    const api = { wire: V1_MARCH_2026, apiVersion: 'v1', users: () => users.service, companies: () => ({ get: async () => ({ resources_modified_at: null }) }) } as unknown as ValentinaClient;
    const log = createLogger({ level: 'silent', secrets: [] });
    sleeps.length = 0;
    const clock = {
      now: () => 0,
      sleep: async (ms: number) => {
        sleeps.push(ms);
      },
    };
    deps = { api, clock, directory: new CompanyDirectory(api, () => 0), identity: new IdentityService(api, store.memberLinks, { ttlMs: 60_000, now: () => 0, log }) };
    users.add(makeUser({ id: ADMIN, role: 'ADMIN', username: 'boss', discord_profile: { id: ADMIN_DISCORD } }));
  });

  afterEach(async () => {
    await store.close();
  });

  it('refuses to demote the last admin with a Discord account, and changes nothing', async () => {
    users.add(makeUser({ id: 'a1', role: 'ADMIN' }));
    const err = await updateCompanyUser(deps, { companyId: COMPANY, requestingUserId: ADMIN, userId: ADMIN, patch: { role: 'PLAYER' }, idempotencyKey: 'k' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermissionDeniedError);
    expect((err as Error).message).toMatch(/last Admin with a Discord account/);
    expect(users.writes).toEqual([]);
  });

  it('demotes an admin when another linked admin remains, and refreshes the stored role', async () => {
    const other = users.add(makeUser({ id: 'a2', role: 'ADMIN', discord_profile: { id: '200000000000000002' } }));
    await deps.identity.linkUser(COMPANY, other);
    const { user, changed } = await updateCompanyUser(deps, { companyId: COMPANY, requestingUserId: ADMIN, userId: 'a2', patch: { role: 'STORYTELLER' }, idempotencyKey: 'i1:user-update' });
    expect(user.role).toBe('STORYTELLER');
    expect(changed).toEqual(['role: Admin → Storyteller']);
    expect(users.writes).toEqual([{ op: 'update', args: ['a2', { requesting_user_id: ADMIN, role: 'STORYTELLER' }, 'i1:user-update'] }]);
    expect(await store.memberLinks.get(COMPANY, '200000000000000002')).toMatchObject({ role: 'STORYTELLER' });
  });

  it('says when nothing would change, and refuses role changes for pending registrations', async () => {
    users.add(makeUser({ id: 'p1', role: 'PLAYER', email: 'same@example.com' }));
    await expect(updateCompanyUser(deps, { companyId: COMPANY, requestingUserId: ADMIN, userId: 'p1', patch: { email: 'same@example.com', role: 'PLAYER' }, idempotencyKey: 'k' })).rejects.toThrow(/Nothing to change/);
    users.add(makeUser({ id: 'u1', role: 'UNAPPROVED' }));
    await expect(updateCompanyUser(deps, { companyId: COMPANY, requestingUserId: ADMIN, userId: 'u1', patch: { role: 'PLAYER' }, idempotencyKey: 'k' })).rejects.toThrow(/\/approvals list/);
    expect(users.writes).toEqual([]);
  });

  it('lets an admin without a Discord account be demoted', async () => {
    const loose = users.add(makeUser({ id: 'a3', role: 'ADMIN' }));
    await expect(assertKeepsAnAdmin(deps, COMPANY, loose, 'demote')).resolves.toBeUndefined();
  });

  it('needs your username typed before deleting yourself', async () => {
    users.add(makeUser({ id: 'a4', role: 'ADMIN', discord_profile: { id: '200000000000000004' } }));
    expect((await prepareDeletion(deps, { companyId: COMPANY, actorUserId: 'a4', userId: ADMIN })).self).toBe(false);
    expect((await prepareDeletion(deps, { companyId: COMPANY, actorUserId: ADMIN, userId: ADMIN })).self).toBe(true);
    await expect(deleteCompanyUser(deps, { companyId: COMPANY, actorUserId: ADMIN, userId: ADMIN })).rejects.toThrow(/type your username `boss` exactly/);
    await expect(deleteCompanyUser(deps, { companyId: COMPANY, actorUserId: ADMIN, userId: ADMIN, confirmText: 'bos' })).rejects.toThrow(/Nothing was deleted/);
    expect(users.writes).toEqual([]);
    await deleteCompanyUser(deps, { companyId: COMPANY, actorUserId: ADMIN, userId: ADMIN, confirmText: ' BOSS ' });
    expect(users.writes).toEqual([{ op: 'delete', args: [ADMIN, ADMIN] }]);
  });

  it('refuses to delete the last linked admin even when typed', async () => {
    await expect(prepareDeletion(deps, { companyId: COMPANY, actorUserId: ADMIN, userId: ADMIN })).rejects.toBeInstanceOf(PermissionDeniedError);
    await expect(deleteCompanyUser(deps, { companyId: COMPANY, actorUserId: ADMIN, userId: ADMIN, confirmText: 'boss' })).rejects.toThrow(/last Admin/);
    expect(users.writes).toEqual([]);
  });

  it('deletes someone else, forgets their link, and answers a second confirm with already deleted', async () => {
    const player = users.add(makeUser({ id: 'p2', discord_profile: { id: '300000000000000002' } }));
    await deps.identity.linkUser(COMPANY, player);
    const deleted = await deleteCompanyUser(deps, { companyId: COMPANY, actorUserId: ADMIN, userId: 'p2' });
    expect(deleted.id).toBe('p2');
    expect(await store.memberLinks.get(COMPANY, '300000000000000002')).toBeNull();
    await expect(deleteCompanyUser(deps, { companyId: COMPANY, actorUserId: ADMIN, userId: 'p2' })).rejects.toBeInstanceOf(AlreadyHandledError);
    expect(users.writes).toHaveLength(1);
  });

  it('creates a user linked to a member, and refuses a member who is already linked', async () => {
    const member = { id: '300000000000000009', username: 'newbie', globalName: 'Newbie', avatarId: null, avatarUrl: null, discriminator: null };
    const user = await createCompanyUser(deps, {
      companyId: COMPANY,
      requestingUserId: ADMIN,
      user: { username: 'newbie', email: 'new@example.com', nameFirst: 'New', nameLast: 'Bie', role: 'PLAYER' },
      member,
      idempotencyKey: 'i5:user-create',
    });
    expect(users.writes[0]).toMatchObject({ op: 'create', args: [{ role: 'PLAYER', requesting_user_id: ADMIN, discord_profile: { id: member.id } }, 'i5:user-create'] });
    expect(await store.memberLinks.get(COMPANY, member.id)).toMatchObject({ userId: user.id });
    await expect(
      createCompanyUser(deps, {
        companyId: COMPANY,
        requestingUserId: ADMIN,
        user: { username: 'again', email: 'again@example.com', nameFirst: 'Ag', nameLast: 'Ain', role: 'PLAYER' },
        member,
        idempotencyKey: 'i6:user-create',
      }),
    ).rejects.toThrow(/already linked/);
    expect(users.writes).toHaveLength(1);
  });

  describe('a write Valentina does not confirm', () => {
    const lost = () => new APIConnectionError({ method: 'PATCH', path: 'users', cause: { name: 'SocketError', message: 'other side closed' } });
    const outage = () => new ServerError({ status: 503, title: 'Service Unavailable', method: 'DELETE', path: 'users' });

    it('an update applied but unanswered is read back after 15 s and answered as done', async () => {
      users.add(makeUser({ id: 'q1', role: 'PLAYER', discord_profile: { id: '300000000000000011' } }));
      users.failAfterApply = lost();
      const { user } = await updateCompanyUser(deps, { companyId: COMPANY, requestingUserId: ADMIN, userId: 'q1', patch: { role: 'STORYTELLER' }, idempotencyKey: 'k1' });
      expect(user.role).toBe('STORYTELLER');
      expect(sleeps).toEqual([15_000]);
      expect(users.writes.filter((w) => w.op === 'update')).toHaveLength(1);
      expect(await store.memberLinks.get(COMPANY, '300000000000000011')).toMatchObject({ role: 'STORYTELLER' });
    });

    it('a delete that was not applied says so and that it is safe to run again', async () => {
      users.add(makeUser({ id: 'q2', role: 'PLAYER' }));
      users.failBefore = outage();
      await expect(deleteCompanyUser(deps, { companyId: COMPANY, actorUserId: ADMIN, userId: 'q2' })).rejects.toBeInstanceOf(WriteNotAppliedError);
      expect(users.users.has('q2')).toBe(true);
    });

    it('a creation whose outcome cannot be read back says what to check, never to simply retry', async () => {
      users.failAfterApply = lost();
      const created = createCompanyUser(deps, {
        companyId: COMPANY,
        requestingUserId: ADMIN,
        user: { username: 'ghost', email: 'ghost@example.com', nameFirst: 'Gho', nameLast: 'St', role: 'PLAYER' },
        member: null,
        idempotencyKey: 'k3',
      });
      users.failReads = outage();
      const err = await created.catch((e: unknown) => e);
      users.failReads = undefined;
      expect(err).toBeInstanceOf(OutcomeUnknownError);
      expect((err as Error).message).toMatch(/Look for ghost@example.com with `\/user list`/);
      expect((err as Error).message).toMatch(/Do not simply run it again/);
    });
  });
});
