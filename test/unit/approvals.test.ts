import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APIConnectionError, AuthorizationError, NotFoundError, ServerError, V1_MARCH_2026, UserSchema, ValidationError, type User, type ValentinaClient } from '../../src/api/index.js';
import type { Deps } from '../../src/deps.js';
import {
  AdminMergeNeedsConfirmError,
  ApprovalNotAppliedError,
  ApprovalUnsettledError,
  LinkedElsewhereError,
  STALE_CLAIM_MS,
  UNSETTLED_RECOVERY_AFTER_MS,
  recoverUnsettledApprovals,
  alreadyHandledMessage,
  decideApproval,
  mergeScore,
  rankMergeCandidates,
  type ApprovalDecision,
} from '../../src/domain/approvals.js';
import { CompanyDirectory } from '../../src/domain/directory.js';
import { AlreadyHandledError, InvalidInputError, NotFoundInputError } from '../../src/domain/errors.js';
import { IdentityService } from '../../src/domain/identity.js';
import { createLogger } from '../../src/logger.js';
import { createStore } from '../../src/store/index.js';
import { UNSETTLED_OUTCOME, type Store } from '../../src/store/types.js';

const COMPANY = 'c0000000000000000000000c';
const GUILD = '100000000000000001';
const ADMIN = 'a0000000000000000000000a';
const ADMIN_DISCORD = '200000000000000001';
const OTHER_ADMIN_DISCORD = '200000000000000002';
const PENDING = 'b0000000000000000000000b';
const MEMBER = '300000000000000001';
const EXISTING = 'e0000000000000000000000e';

let seq = 0;
function makeUser(fields: Partial<Record<string, unknown>> & { id: string }): User {
  seq += 1;
  return UserSchema.parse({
    username: `user${seq}`,
    email: `user${seq}@example.com`,
    role: 'PLAYER',
    company_id: COMPANY,
    name_first: null,
    name_last: null,
    ...fields,
  });
}

interface Call {
  op: string;
  args: unknown[];
}

/** An in-memory users service with a call log, a latency knob and one-shot failures. */
class FakeUsers {
  readonly users = new Map<string, User>();
  readonly calls: Call[] = [];
  delayMs = 0;
  failNext: Error | undefined;
  /** The next write is applied, then answered with this error (a timeout after the server acted). */
  failAfterApplyNext: Error | undefined;
  /** Reads fail with this error while set. */
  failReads: Error | undefined;

  add(user: User): User {
    this.users.set(user.id, user);
    return user;
  }

  private async step(op: string, args: unknown[]): Promise<void> {
    this.calls.push({ op, args });
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    const fail = this.failNext;
    if (fail !== undefined) {
      this.failNext = undefined;
      throw fail;
    }
  }

  private need(id: string): User {
    const user = this.users.get(id);
    if (user === undefined) throw new NotFoundError({ status: 404, title: 'Not Found', detail: 'User not found', method: 'GET', path: `/users/${id}` });
    return user;
  }

  private afterApply(): void {
    const fail = this.failAfterApplyNext;
    this.failAfterApplyNext = undefined;
    if (fail !== undefined) throw fail;
  }

  writes(op?: string): Call[] {
    return this.calls.filter((c) => c.op !== 'get' && c.op !== 'listAll' && (op === undefined || c.op === op));
  }

  readonly service = {
    get: async (id: string) => {
      this.calls.push({ op: 'get', args: [id] });
      if (this.failReads !== undefined) throw this.failReads;
      return this.need(id);
    },
    approveUser: async (id: string, role: string, requester: string, opts?: { idempotencyKey?: string }) => {
      await this.step('approveUser', [id, role, requester, opts?.idempotencyKey]);
      const user = this.need(id);
      if (user.role !== 'UNAPPROVED') throw new ValidationError({ status: 400, title: 'Bad Request', detail: 'User is not unapproved', method: 'POST', path: 'approve' });
      const approved = { ...user, role: role as User['role'] };
      this.users.set(id, approved);
      this.afterApply();
      return approved;
    },
    denyUser: async (id: string, requester: string, opts?: { idempotencyKey?: string }) => {
      await this.step('denyUser', [id, requester, opts?.idempotencyKey]);
      this.need(id);
      this.users.delete(id);
      this.afterApply();
    },
    merge: async (primary: string, secondary: string, requester: string, opts?: { idempotencyKey?: string }) => {
      await this.step('merge', [primary, secondary, requester, opts?.idempotencyKey]);
      const p = this.need(primary);
      const s = this.need(secondary);
      this.users.delete(secondary);
      const merged = { ...p, discord_profile: { ...p.discord_profile, id: p.discord_profile.id ?? s.discord_profile.id } };
      this.users.set(primary, merged);
      return merged;
    },
    update: async (id: string, request: { discord_profile?: { id?: string | null } }, opts?: { idempotencyKey?: string }) => {
      await this.step('update', [id, request, opts?.idempotencyKey]);
      const user = this.need(id);
      const updated = { ...user, discord_profile: { ...user.discord_profile, ...(request.discord_profile ?? {}) } } as User;
      this.users.set(id, updated);
      return updated;
    },
    listAll: async (filters?: { userRole?: string }) => [...this.users.values()].filter((u) => filters?.userRole === undefined || u.role === filters.userRole),
    listAllUnapproved: async () => [...this.users.values()].filter((u) => u.role === 'UNAPPROVED'),
    iterAll: (): AsyncIterable<User> => {
      const all = [...this.users.values()];
      return (async function* () {
        yield* all;
      })();
    },
  };
}

function fakeApi(users: FakeUsers): ValentinaClient {
  return { wire: V1_MARCH_2026, apiVersion: 'v1', users: () => users.service, companies: () => ({ get: async () => ({ resources_modified_at: null }) }) } as unknown as ValentinaClient;
}

describe('decideApproval', () => {
  let store: Store;
  let users: FakeUsers;
  let now: number;
  let deps: Pick<Deps, 'api' | 'store' | 'identity' | 'directory' | 'clock' | 'log'>;
  let invalidations: number;

  beforeEach(async () => {
    store = await createStore(':memory:');
    users = new FakeUsers();
    now = 1_000_000;
    invalidations = 0;
    const api = fakeApi(users);
    const log = createLogger({ level: 'silent', secrets: [] });
    const directory = new CompanyDirectory(api, () => now);
    const invalidate = directory.invalidateUsers.bind(directory);
    directory.invalidateUsers = (companyId: string) => {
      invalidations += 1;
      invalidate(companyId);
    };
    deps = {
      api,
      store,
      log,
      clock: { now: () => now },
      directory,
      identity: new IdentityService(api, store.memberLinks, { ttlMs: 60_000, now: () => now, log }),
    };
    users.add(makeUser({ id: ADMIN, role: 'ADMIN', discord_profile: { id: ADMIN_DISCORD } }));
    users.add(makeUser({ id: PENDING, role: 'UNAPPROVED', name_first: 'Nora', name_last: 'Vale', email: 'nora@example.com', discord_profile: { id: MEMBER, username: 'nora' } }));
    await store.approvalCards.upsert({ guildId: GUILD, userId: PENDING, channelId: '400', messageId: '500', status: 'PENDING', handledByDiscordId: null, outcome: null }, now);
  });

  afterEach(async () => {
    await store.close();
  });

  const decide = (decision: ApprovalDecision, actorDiscordId = ADMIN_DISCORD, key = 'i1') =>
    decideApproval(deps, { guildId: GUILD, companyId: COMPANY, actor: { userId: ADMIN, discordId: actorDiscordId }, pendingUserId: PENDING, decision, idempotencyKey: key });

  it('approves once, records the receipt and links the member with the new role', async () => {
    const receipt = await decide({ kind: 'APPROVE', role: 'PLAYER' });
    expect(users.writes()).toEqual([{ op: 'approveUser', args: [PENDING, 'PLAYER', ADMIN, 'i1:approve'] }]);
    expect(receipt.status).toBe('APPROVED');
    expect(receipt.outcome).toBe('PLAYER');
    expect(receipt.card).toMatchObject({ status: 'APPROVED', outcome: 'PLAYER', handledByDiscordId: ADMIN_DISCORD, messageId: '500' });
    expect(await store.memberLinks.get(COMPANY, MEMBER)).toMatchObject({ userId: PENDING, role: 'PLAYER' });
    expect(invalidations).toBe(1);
  });

  it('lets exactly one of many concurrent clicks call the API; the others hear who has it', async () => {
    users.delayMs = 30;
    const actors = [ADMIN_DISCORD, OTHER_ADMIN_DISCORD, ADMIN_DISCORD, OTHER_ADMIN_DISCORD, ADMIN_DISCORD];
    const results = await Promise.allSettled(actors.map((a, i) => decide({ kind: 'APPROVE', role: 'STORYTELLER' }, a, `click${i}`)));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(4);
    for (const err of lost) {
      expect(err).toBeInstanceOf(AlreadyHandledError);
      expect((err as Error).message).toMatch(/being handled by <@\d+>|already handled by <@\d+>/);
    }
    expect(users.writes('approveUser')).toHaveLength(1);
  });

  it('answers a late second click with the decision and who made it, without any API write', async () => {
    await decide({ kind: 'APPROVE', role: 'PLAYER' });
    const err = await decide({ kind: 'DENY' }, OTHER_ADMIN_DISCORD, 'i2').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlreadyHandledError);
    expect((err as Error).message).toBe(`This registration was already handled by <@${ADMIN_DISCORD}>: approved as Player.`);
    expect(users.writes()).toHaveLength(1);
  });

  it('releases the claim when the API refuses, says why, and lets someone retry', async () => {
    users.failNext = new AuthorizationError({ status: 403, title: 'Forbidden', method: 'POST', path: 'approve' });
    const err = await decide({ kind: 'APPROVE', role: 'PLAYER' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/Valentina refused this/);
    expect((err as Error).message).toMatch(/open again/);
    expect((await store.approvalCards.get(GUILD, PENDING))?.status).toBe('PENDING');
    const receipt = await decide({ kind: 'APPROVE', role: 'PLAYER' }, OTHER_ADMIN_DISCORD, 'i2');
    expect(receipt.handledByDiscordId).toBe(OTHER_ADMIN_DISCORD);
    expect(users.writes('approveUser')).toHaveLength(2);
  });

  describe('a decision Valentina does not confirm', () => {
    const sleeps: number[] = [];
    let shown: string[];
    const decideUnsettled = (decision: ApprovalDecision, key = 'u1') =>
      decideApproval(
        deps,
        { guildId: GUILD, companyId: COMPANY, actor: { userId: ADMIN, discordId: ADMIN_DISCORD }, pendingUserId: PENDING, decision, idempotencyKey: key },
        {
          onUnsettled: async (pending) => {
            shown.push(pending.id);
          },
        },
      );
    beforeEach(() => {
      sleeps.length = 0;
      shown = [];
      deps.clock = {
        now: () => now,
        sleep: async (ms: number) => {
          sleeps.push(ms);
          // While it waits, another admin's click is told it is being checked.
          const other = await decide({ kind: 'DENY' }, OTHER_ADMIN_DISCORD, 'meanwhile').catch((e: unknown) => e);
          expect((other as Error).message).toMatch(/checking with Valentina/);
        },
      };
    });
    const reset = () => new APIConnectionError({ method: 'POST', path: 'approve', cause: { name: 'SocketError', message: 'other side closed' } });

    it('applied but unanswered: reads the user back after 15 s and finishes with one write', async () => {
      users.failAfterApplyNext = reset();
      const receipt = await decideUnsettled({ kind: 'APPROVE', role: 'STORYTELLER' });
      expect(sleeps).toEqual([15_000]);
      expect(shown).toEqual([PENDING]);
      expect(receipt).toMatchObject({ status: 'APPROVED', outcome: 'STORYTELLER' });
      expect(receipt.card).toMatchObject({ status: 'APPROVED', handledByDiscordId: ADMIN_DISCORD });
      expect(users.writes('approveUser')).toHaveLength(1);
      expect(await store.memberLinks.get(COMPANY, MEMBER)).toMatchObject({ role: 'STORYTELLER' });
    });

    it('a 5xx that was not applied: the card reopens for a new decision with a clear note', async () => {
      users.failNext = new ServerError({ status: 503, title: 'Service Unavailable', method: 'POST', path: 'deny' });
      await expect(decideUnsettled({ kind: 'DENY' })).rejects.toBeInstanceOf(ApprovalNotAppliedError);
      expect(shown).toEqual([PENDING]);
      expect((await store.approvalCards.get(GUILD, PENDING))?.status).toBe('PENDING');
      deps.clock = { now: () => now };
      expect((await decide({ kind: 'APPROVE', role: 'PLAYER' }, OTHER_ADMIN_DISCORD, 'after')).status).toBe('APPROVED');
    });

    it('a deny applied but unanswered settles as denied', async () => {
      users.failAfterApplyNext = reset();
      expect((await decideUnsettled({ kind: 'DENY' })).status).toBe('DENIED');
      expect((await store.approvalCards.get(GUILD, PENDING))?.status).toBe('DENIED');
    });

    it('when even the read-back fails, says the outcome is unknown and keeps the card claimed', async () => {
      users.failAfterApplyNext = reset();
      deps.clock = {
        now: () => now,
        sleep: async () => {
          users.failReads = new ServerError({ status: 502, title: 'Bad Gateway', method: 'GET', path: 'users' });
        },
      };
      await expect(decideUnsettled({ kind: 'APPROVE', role: 'PLAYER' })).rejects.toBeInstanceOf(ApprovalUnsettledError);
      users.failReads = undefined;
      expect(await store.approvalCards.get(GUILD, PENDING)).toMatchObject({ status: 'HANDLING', outcome: `${UNSETTLED_OUTCOME}:APPROVE:PLAYER` });
    });

    it('a later recovery pass settles a card its process left unsettled: applied, or reopened', async () => {
      const stuck = async (fail: 'after' | 'before') => {
        if (fail === 'after') users.failAfterApplyNext = reset();
        else users.failNext = new ServerError({ status: 503, title: 'Service Unavailable', method: 'POST', path: 'approve' });
        deps.clock = {
          now: () => now,
          sleep: async () => {
            users.failReads = new ServerError({ status: 502, title: 'Bad Gateway', method: 'GET', path: 'users' });
          },
        };
        await expect(decideUnsettled({ kind: 'APPROVE', role: 'STORYTELLER' }, `stuck-${fail}`)).rejects.toBeInstanceOf(ApprovalUnsettledError);
        users.failReads = undefined;
      };
      const recover = () => recoverUnsettledApprovals(deps, { ownsGuild: (g) => g === GUILD, companyOf: async () => COMPANY });

      await stuck('after');
      // Too recent: the process that made it may still be checking.
      expect(await recover()).toEqual([]);
      now += UNSETTLED_RECOVERY_AFTER_MS + 1;
      const [applied] = await recover();
      expect(applied).toMatchObject({ outcome: 'applied', card: { status: 'APPROVED', outcome: 'STORYTELLER', handledByDiscordId: ADMIN_DISCORD } });
      expect(await store.memberLinks.get(COMPANY, MEMBER)).toMatchObject({ userId: PENDING, role: 'STORYTELLER' });
      expect(users.writes('approveUser')).toHaveLength(1);
      expect(await recover()).toEqual([]);

      const other = users.add(makeUser({ id: 'd0000000000000000000000d', role: 'UNAPPROVED', discord_profile: { id: '300000000000000009' } }));
      await store.approvalCards.upsert({ guildId: GUILD, userId: other.id, channelId: '400', messageId: '501', status: 'PENDING', handledByDiscordId: null, outcome: null }, now);
      users.failNext = new ServerError({ status: 503, title: 'Service Unavailable', method: 'POST', path: 'approve' });
      deps.clock = {
        now: () => now,
        sleep: async () => {
          users.failReads = new ServerError({ status: 502, title: 'Bad Gateway', method: 'GET', path: 'users' });
        },
      };
      await expect(
        decideApproval(deps, { guildId: GUILD, companyId: COMPANY, actor: { userId: ADMIN, discordId: ADMIN_DISCORD }, pendingUserId: other.id, decision: { kind: 'DENY' }, idempotencyKey: 'stuck-deny' }),
      ).rejects.toBeInstanceOf(ApprovalUnsettledError);
      users.failReads = undefined;
      now += UNSETTLED_RECOVERY_AFTER_MS + 1;
      const [reopened] = await recover();
      expect(reopened).toMatchObject({ outcome: 'not-applied', decision: { kind: 'DENY' }, card: { status: 'PENDING', handledByDiscordId: null } });
      expect(users.users.has(other.id)).toBe(true);
    });
  });

  it('denies, forgets the member link and records the receipt', async () => {
    await deps.identity.linkUser(COMPANY, users.users.get(PENDING) as User);
    const receipt = await decide({ kind: 'DENY' });
    expect(users.writes()).toEqual([{ op: 'denyUser', args: [PENDING, ADMIN, 'i1:deny'] }]);
    expect(receipt).toMatchObject({ status: 'DENIED', user: null });
    expect(await store.memberLinks.get(COMPANY, MEMBER)).toBeNull();
  });

  it('merges into an existing user and moves the member onto it when it had another Discord id', async () => {
    users.add(makeUser({ id: EXISTING, role: 'PLAYER', name_first: 'Nora', name_last: 'Vale', discord_profile: { id: '399999999999999999' } }));
    const receipt = await decide({ kind: 'MERGE', primaryUserId: EXISTING });
    expect(users.writes().map((c) => c.op)).toEqual(['merge', 'update']);
    expect(users.writes('merge')[0]?.args).toEqual([EXISTING, PENDING, ADMIN, 'i1:merge']);
    const update = users.writes('update')[0];
    expect(update?.args[0]).toBe(EXISTING);
    expect(update?.args[1]).toMatchObject({ requesting_user_id: ADMIN, discord_profile: { id: MEMBER, username: 'nora' } });
    expect(receipt).toMatchObject({ status: 'MERGED', outcome: expect.stringContaining('Nora Vale') });
    expect(receipt.warnings.join(' ')).toMatch(/<@399999999999999999>/);
    expect(await store.memberLinks.get(COMPANY, MEMBER)).toMatchObject({ userId: EXISTING, role: 'PLAYER' });
  });

  it('merges without an update when the primary already carries the member', async () => {
    users.add(makeUser({ id: EXISTING, role: 'STORYTELLER', discord_profile: { id: MEMBER } }));
    const receipt = await decide({ kind: 'MERGE', primaryUserId: EXISTING });
    expect(users.writes().map((c) => c.op)).toEqual(['merge']);
    expect(receipt.warnings).toEqual([]);
    expect(await store.memberLinks.get(COMPANY, MEMBER)).toMatchObject({ userId: EXISTING, role: 'STORYTELLER' });
  });

  it('refuses to approve a registration whose member already acts as another approved user', async () => {
    users.add(makeUser({ id: EXISTING, role: 'ADMIN', discord_profile: { id: MEMBER } }));
    const err = await decide({ kind: 'APPROVE', role: 'PLAYER' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LinkedElsewhereError);
    expect((err as LinkedElsewhereError).linkedUser.id).toBe(EXISTING);
    expect(users.writes()).toEqual([]);
    expect((await store.approvalCards.get(GUILD, PENDING))?.status).toBe('PENDING');
    // Merging it into that user stays possible.
    expect((await decide({ kind: 'MERGE', primaryUserId: EXISTING, adminConfirmed: true }, ADMIN_DISCORD, 'i2')).status).toBe('MERGED');
  });

  it('refuses to merge into the acting admin\'s own user', async () => {
    await expect(decide({ kind: 'MERGE', primaryUserId: ADMIN, adminConfirmed: true })).rejects.toThrow(/into your own user/);
    expect(users.writes()).toEqual([]);
    expect((await store.approvalCards.get(GUILD, PENDING))?.status).toBe('PENDING');
  });

  it('merges into an ADMIN only with the explicit confirm, and never takes the last linked Admin off their account', async () => {
    users.add(makeUser({ id: EXISTING, role: 'ADMIN', discord_profile: { id: '399999999999999999' } }));
    await expect(decide({ kind: 'MERGE', primaryUserId: EXISTING })).rejects.toBeInstanceOf(AdminMergeNeedsConfirmError);
    expect(users.writes()).toEqual([]);
    // With the acting admin unlinked in Valentina, EXISTING is the last Admin with a Discord account.
    const admin = users.users.get(ADMIN);
    if (admin === undefined) throw new Error('seed');
    users.users.set(ADMIN, { ...admin, discord_profile: { ...admin.discord_profile, id: null } });
    await expect(decide({ kind: 'MERGE', primaryUserId: EXISTING, adminConfirmed: true }, ADMIN_DISCORD, 'i2')).rejects.toThrow(/last Admin with a Discord account/);
    expect(users.writes()).toEqual([]);
    users.users.set(ADMIN, admin);
    const receipt = await decide({ kind: 'MERGE', primaryUserId: EXISTING, adminConfirmed: true }, ADMIN_DISCORD, 'i3');
    expect(receipt.status).toBe('MERGED');
    expect(users.writes().map((c) => c.op)).toEqual(['merge', 'update']);
  });

  it('refuses to merge into another pending registration and reopens the card', async () => {
    users.add(makeUser({ id: EXISTING, role: 'UNAPPROVED' }));
    await expect(decide({ kind: 'MERGE', primaryUserId: EXISTING })).rejects.toBeInstanceOf(InvalidInputError);
    expect(users.writes()).toEqual([]);
    expect((await store.approvalCards.get(GUILD, PENDING))?.status).toBe('PENDING');
  });

  it('says so when the registration was approved outside Discord, without writing', async () => {
    users.add({ ...(users.users.get(PENDING) as User), role: 'PLAYER' });
    const err = await decide({ kind: 'APPROVE', role: 'PLAYER' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AlreadyHandledError);
    expect((err as Error).message).toMatch(/already approved \(Player\)/);
    expect(users.writes()).toEqual([]);
    expect((await store.approvalCards.get(GUILD, PENDING))?.status).toBe('PENDING');
  });

  it('says so when the registration no longer exists', async () => {
    users.users.delete(PENDING);
    await expect(decide({ kind: 'DENY' })).rejects.toBeInstanceOf(NotFoundInputError);
    expect((await store.approvalCards.get(GUILD, PENDING))?.status).toBe('PENDING');
  });

  it('decides registrations that never had a card (listed by /approvals)', async () => {
    const outside = users.add(makeUser({ id: 'f0000000000000000000000f', role: 'UNAPPROVED' }));
    const receipt = await decideApproval(deps, {
      guildId: GUILD,
      companyId: COMPANY,
      actor: { userId: ADMIN, discordId: ADMIN_DISCORD },
      pendingUserId: outside.id,
      decision: { kind: 'APPROVE', role: 'PLAYER' },
      idempotencyKey: 'i9',
    });
    expect(receipt.card).toMatchObject({ status: 'APPROVED', channelId: '', messageId: '' });
  });

  it('releases a claim left behind by a crash once it is older than the stale limit', async () => {
    expect(await store.approvalCards.claim(GUILD, PENDING, OTHER_ADMIN_DISCORD, now)).toBe(true);
    await expect(decide({ kind: 'APPROVE', role: 'PLAYER' })).rejects.toThrow(/being handled by <@200000000000000002>/);
    now += STALE_CLAIM_MS + 1;
    const receipt = await decide({ kind: 'APPROVE', role: 'PLAYER' }, ADMIN_DISCORD, 'i3');
    expect(receipt.status).toBe('APPROVED');
    expect(users.writes('approveUser')).toHaveLength(1);
  });
});

describe('alreadyHandledMessage', () => {
  const card = { guildId: GUILD, userId: PENDING, channelId: '1', messageId: '2', updatedAt: 0 };
  it('names who handled it and how', () => {
    expect(alreadyHandledMessage({ ...card, status: 'HANDLING', handledByDiscordId: '9', outcome: null })).toBe('This registration is being handled by <@9> right now.');
    expect(alreadyHandledMessage({ ...card, status: 'APPROVED', handledByDiscordId: '9', outcome: 'STORYTELLER' })).toMatch(/approved as Storyteller/);
    expect(alreadyHandledMessage({ ...card, status: 'DENIED', handledByDiscordId: '9', outcome: 'denied' })).toMatch(/by <@9>: denied/);
    expect(alreadyHandledMessage({ ...card, status: 'MERGED', handledByDiscordId: '9', outcome: 'Ann Lee (ann)' })).toMatch(/merged into Ann Lee \(ann\)/);
  });
});

describe('rankMergeCandidates', () => {
  const pending = makeUser({ id: PENDING, role: 'UNAPPROVED', email: 'Nora@Example.com', name_first: 'Nora', name_last: 'Vale', discord_profile: { id: MEMBER } });
  const sameEmail = makeUser({ id: 'e1', email: 'nora@example.com', name_first: 'N', name_last: 'Other' });
  const sameName = makeUser({ id: 'e2', name_first: 'Nora', name_last: 'Vale' });
  const sameLast = makeUser({ id: 'e3', name_first: 'Bob', name_last: 'Vale' });
  const stranger = makeUser({ id: 'e4', name_first: 'Aaron', name_last: 'Zed' });
  const otherPending = makeUser({ id: 'e5', role: 'UNAPPROVED', email: 'nora@example.com' });

  it('puts the likeliest duplicates first and leaves out pending users and the registrant', () => {
    const { items, total } = rankMergeCandidates(pending, [stranger, sameLast, otherPending, sameName, pending, sameEmail]);
    expect(items.map((u) => u.id)).toEqual(['e1', 'e2', 'e3', 'e4']);
    expect(total).toBe(4);
    expect(mergeScore(pending, sameEmail)).toBeGreaterThan(mergeScore(pending, sameName));
  });

  it('narrows by a query and caps the list', () => {
    expect(rankMergeCandidates(pending, [stranger, sameLast, sameName], 'aaron').items.map((u) => u.id)).toEqual(['e4']);
    const many = Array.from({ length: 40 }, (_, i) => makeUser({ id: `m${i}` }));
    const ranked = rankMergeCandidates(pending, many);
    expect(ranked.items).toHaveLength(25);
    expect(ranked.total).toBe(40);
  });
});
