import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RateLimitError, ServerError, ValidationError, type CampaignExperience, type ValentinaClient } from '../../src/api/index.js';
import { AwardService, LEASE_MS, RECOVERY_WINDOW_MS, type AwardApi, type AwardRequest, type AwardScheduler, type ExperienceWriter } from '../../src/domain/awards/award-service.js';
import { readLedger, LEDGER_PAGE_SIZE } from '../../src/domain/awards/ledger.js';
import { mapLimit } from '../../src/domain/awards/map-limit.js';
import { confirmScene, retryScene, SCENE_CONCURRENCY, SCENE_DRAFT_KIND } from '../../src/domain/awards/scene.js';
import { planUndo, reversalOf, runUndo, singleUndoResult, UNDO_WINDOW_MS } from '../../src/domain/awards/undo.js';
import { AlreadyHandledError, ExpiredError, InvalidInputError, PermissionDeniedError } from '../../src/domain/errors.js';
import { createStore } from '../../src/store/index.js';
import type { AwardEntry, GuildSettings, Store } from '../../src/store/types.js';

type Op = 'addXp' | 'removeXp' | 'addCoolPoints';
interface Call {
  op: Op;
  userId: string;
  campaignId: string;
  amount: number;
  requester: string;
  key: string | undefined;
}

/**
 * The experience endpoints as CONTRACT §5 describes them, with the idempotency replay of §1.9
 * (a key seen with a 2xx returns the stored body without applying again). `failures` lets a test
 * fail chosen calls; `beforeApply` sees each call before it takes effect.
 */
class FakeExperienceApi implements AwardApi {
  readonly calls: Call[] = [];
  readonly experience = new Map<string, CampaignExperience>();
  readonly replays = new Map<string, CampaignExperience>();
  failures: Array<(call: Call) => Error | undefined> = [];
  beforeApply: ((call: Call) => Promise<void> | void) | undefined;
  inFlight = 0;
  maxInFlight = 0;
  delayMs = 0;

  users(_companyId: string): ExperienceWriter {
    const op = (name: Op) => (userId: string, campaignId: string, amount: number, requester: string, options?: { idempotencyKey?: string }) =>
      this.call({ op: name, userId, campaignId, amount, requester, key: options?.idempotencyKey });
    return { addXp: op('addXp'), removeXp: op('removeXp'), addCoolPoints: op('addCoolPoints') };
  }

  /** Calls that really changed XP (replays excluded). */
  applied(): Call[] {
    return this.calls.filter((c) => !c.key?.startsWith('replayed:'));
  }

  xpOf(userId: string, campaignId = 'camp'): CampaignExperience {
    return this.experience.get(`${userId}:${campaignId}`) ?? { campaign_id: campaignId, xp_current: 0, xp_total: 0, cool_points: 0 };
  }

  private async call(call: Call): Promise<CampaignExperience> {
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      const replay = call.key === undefined ? undefined : this.replays.get(call.key);
      if (replay !== undefined) {
        this.calls.push({ ...call, key: `replayed:${call.key ?? ''}` });
        return { ...replay };
      }
      await this.beforeApply?.(call);
      for (const failure of this.failures) {
        const err = failure(call);
        if (err !== undefined) {
          this.calls.push(call);
          throw err;
        }
      }
      const xp = { ...this.xpOf(call.userId, call.campaignId) };
      if (call.op === 'addXp') {
        xp.xp_current += call.amount;
        xp.xp_total += call.amount;
      } else if (call.op === 'removeXp') {
        if (xp.xp_current < call.amount) {
          this.calls.push(call);
          throw new ValidationError({ status: 400, title: 'Bad Request', detail: 'User does not have enough XP to complete the action.', method: 'POST', path: '/x', currentXp: xp.xp_current, requiredXp: call.amount });
        }
        xp.xp_current -= call.amount;
      } else {
        xp.cool_points += call.amount;
        xp.xp_current += 10 * call.amount;
        xp.xp_total += 10 * call.amount;
      }
      this.experience.set(`${call.userId}:${call.campaignId}`, xp);
      if (call.key !== undefined) this.replays.set(call.key, { ...xp });
      this.calls.push(call);
      return { ...xp };
    } finally {
      this.inFlight -= 1;
    }
  }
}

const serverError = () => new ServerError({ status: 503, title: 'Service Unavailable', method: 'POST', path: '/x' });
/** A 429 past the client's patience: a definite "not now", nothing applied. */
const rateLimited = () => new RateLimitError({ status: 429, title: 'Too Many Requests', method: 'POST', path: '/x', retryAfterSeconds: 60 });
const silent = { info: () => undefined, warn: () => undefined };

/** Scenes under the default policy never read the company; any API call here is a bug. */
const noApi = {
  companies(): never {
    throw new Error('the STORYTELLER_ONLY policy needs no company read');
  },
} as unknown as ValentinaClient;

function guildSettings(): GuildSettings {
  return {
    guildId: 'g1',
    companyId: 'co',
    defaultCampaignId: 'camp',
    approvalsChannelId: null,
    auditChannelId: null,
    xpPolicy: 'STORYTELLER_ONLY',
    maxAwardAmount: 100,
    updatedAt: 0,
  };
}

/** Background settles run only when a test fires them: no real timers. */
class ManualScheduler implements AwardScheduler {
  private tasks: Array<{ delayMs: number; task: () => Promise<void>; cancelled: boolean }> = [];
  schedule(delayMs: number, task: () => Promise<void>): () => void {
    const slot = { delayMs, task, cancelled: false };
    this.tasks.push(slot);
    return () => {
      slot.cancelled = true;
    };
  }
  async fire(): Promise<void> {
    const due = this.tasks.filter((t) => !t.cancelled);
    this.tasks = [];
    for (const t of due) await t.task();
  }
}

let store: Store;
let api: FakeExperienceApi;
let now: number;
let awards: AwardService;
let scheduler: ManualScheduler;

beforeEach(async () => {
  store = await createStore(':memory:');
  api = new FakeExperienceApi();
  now = 1_700_000_000_000;
  scheduler = new ManualScheduler();
  awards = new AwardService(api, store.awards, () => now, silent, { scheduler });
});
afterEach(async () => {
  await awards.dispose();
  await store.close();
});

function request(over: Partial<AwardRequest> = {}): AwardRequest {
  return {
    key: 'i1:award',
    guildId: 'g1',
    companyId: 'co',
    campaignId: 'camp',
    batchId: null,
    actorUserId: 'st',
    actorDiscordId: 'd-st',
    targetUserId: 'p1',
    targetDiscordId: 'd-p1',
    kind: 'XP_ADD',
    amount: 5,
    reason: 'great scene',
    ...over,
  };
}

describe('AwardService.apply', () => {
  it('journals the award as PENDING before calling the API, then applies it with the same key', async () => {
    const seen: Array<AwardEntry | null> = [];
    api.beforeApply = async (call) => {
      seen.push(await store.awards.getByKey(call.key ?? ''));
    };
    const outcome = await awards.apply(request());
    expect(seen).toHaveLength(1);
    expect(seen[0]?.status).toBe('PENDING');
    expect(seen[0]).toMatchObject({ actorUserId: 'st', targetUserId: 'p1', campaignId: 'camp', amount: 5, reason: 'great scene' });
    expect(api.calls.map((c) => [c.op, c.key, c.requester])).toEqual([['addXp', 'i1:award', 'st']]);
    expect(outcome).toMatchObject({ status: 'applied', fresh: true });
    expect(outcome.entry.status).toBe('APPLIED');
    expect(outcome.entry.result).toEqual({ xpCurrent: 5, xpTotal: 5, coolPoints: 0 });
  });

  it('answers a re-delivery from the journal without a second API call', async () => {
    await awards.apply(request());
    const again = await awards.apply(request());
    expect(again).toMatchObject({ status: 'applied', fresh: false });
    expect(api.calls).toHaveLength(1);
    expect(api.xpOf('p1').xp_current).toBe(5);
  });

  it('shares one API call between overlapping calls for one key', async () => {
    api.delayMs = 20;
    const [a, b] = await Promise.all([awards.apply(request()), awards.apply(request())]);
    expect(api.calls).toHaveLength(1);
    expect([a.fresh, b.fresh].sort()).toEqual([false, true]);
  });

  it('reports an entry another process is applying as pending, without calling the API', async () => {
    await awards.begin(request());
    const outcome = await awards.apply(request());
    expect(outcome.status).toBe('pending');
    expect(api.calls).toHaveLength(0);
  });

  it('marks a definite refusal with a member-safe reason and keeps the error for the caller', async () => {
    api.failures.push(() => rateLimited());
    const outcome = await awards.apply(request());
    expect(outcome.status).toBe('failed');
    if (outcome.status !== 'failed') return;
    expect(outcome.fresh).toBe(true);
    expect(outcome.kind).toBe('retryable');
    expect(outcome.error).toBeInstanceOf(RateLimitError);
    expect(outcome.entry.status).toBe('FAILED');
    expect(outcome.entry.error).toContain('rate limiting');
  });

  it('maps "not enough XP" to the current and required amounts', async () => {
    const outcome = await awards.apply(request({ kind: 'XP_REMOVE', amount: 3 }));
    expect(outcome.status).toBe('failed');
    expect(outcome.entry.error).toBe('Not enough XP: 0 available, 3 needed.');
  });

  it('retries a failed entry with its original key only when asked', async () => {
    api.failures.push(() => (api.calls.length === 0 ? rateLimited() : undefined));
    await awards.apply(request());
    const quiet = await awards.apply(request());
    expect(quiet.status).toBe('failed');
    expect(api.calls).toHaveLength(1);
    const retried = await awards.apply(request(), { retryFailed: true });
    expect(retried).toMatchObject({ status: 'applied', fresh: true });
    expect(api.calls.map((c) => c.key)).toEqual(['i1:award', 'i1:award']);
    expect(api.xpOf('p1').xp_current).toBe(5);
  });

  it('applies cool points as points plus ten XP each', async () => {
    const outcome = await awards.apply(request({ kind: 'CP_ADD', amount: 2 }));
    expect(outcome.entry.result).toEqual({ xpCurrent: 20, xpTotal: 20, coolPoints: 2 });
  });
});

describe('AwardService.recover', () => {
  it('finishes a young pending award with its key exactly once, even when the API had applied it', async () => {
    // Crash after the API applied it but before the journal heard back.
    await awards.begin(request({ key: 'k-applied' }));
    await api.users('co').addXp('p1', 'camp', 5, 'st', { idempotencyKey: 'k-applied' });
    // Crash between the journal and the API.
    await awards.begin(request({ key: 'k-never-sent', targetUserId: 'p2', targetDiscordId: 'd-p2' }));
    now += 10 * 60_000;

    const reports = await awards.recover({ ownsGuild: () => true });
    expect(reports.map((r) => [r.entry.key, r.outcome])).toEqual([
      ['k-applied', 'applied'],
      ['k-never-sent', 'applied'],
    ]);
    expect(api.xpOf('p1').xp_current).toBe(5);
    expect(api.xpOf('p2').xp_current).toBe(5);
    expect(api.applied().filter((c) => c.key === 'k-applied')).toHaveLength(1);
    expect((await store.awards.getByKey('k-applied'))?.status).toBe('APPLIED');
    expect(await store.awards.listPending()).toEqual([]);
  });

  it('marks entries past the replay window FAILED without calling the API', async () => {
    await awards.begin(request({ key: 'old' }));
    now += RECOVERY_WINDOW_MS;
    const reports = await awards.recover({ ownsGuild: () => true });
    expect(reports.map((r) => r.outcome)).toEqual(['expired']);
    expect(api.calls).toHaveLength(0);
    const entry = await store.awards.getByKey('old');
    expect(entry?.status).toBe('FAILED');
    expect(entry?.error).toContain('one-hour window');
  });

  it('leaves an entry alone while another process holds its lease, and takes it over once the lease ran out', async () => {
    const other = new AwardService(api, store.awards, () => now, silent, { owner: 'other-process' });
    try {
      // The other process journalled it and is (as far as anyone knows) still calling the API.
      await other.begin(request({ key: 'theirs-in-flight' }));
      now += LEASE_MS - 1;
      expect(await awards.recover({ ownsGuild: () => true })).toEqual([]);
      expect(api.calls).toHaveLength(0);
      now += 1;
      const reports = await awards.recover({ ownsGuild: () => true });
      expect(reports.map((r) => [r.entry.key, r.outcome])).toEqual([['theirs-in-flight', 'applied']]);
      expect(api.calls).toHaveLength(1);
      // Two recoveries racing for one expired lease: exactly one gets it.
      await other.begin(request({ key: 'contested', targetUserId: 'p2', targetDiscordId: 'd-p2' }));
      now += LEASE_MS;
      const third = new AwardService(api, store.awards, () => now, silent, { owner: 'third-process' });
      const both = await Promise.all([awards.recover({ ownsGuild: () => true }), third.recover({ ownsGuild: () => true })]);
      expect(both.flat().map((r) => r.entry.key)).toEqual(['contested']);
      expect(api.calls.filter((c) => c.key === 'contested')).toHaveLength(1);
      await third.dispose();
    } finally {
      await other.dispose();
    }
  });

  it("leaves another shard's young entries alone", async () => {
    await awards.begin(request({ key: 'theirs', guildId: 'g-other' }));
    const reports = await awards.recover({ ownsGuild: (g) => g === 'g1' });
    expect(reports).toEqual([]);
    expect(api.calls).toHaveLength(0);
    expect((await store.awards.getByKey('theirs'))?.status).toBe('PENDING');
  });

  it('reports a recovered award the API refuses as failed', async () => {
    await awards.begin(request({ key: 'short', kind: 'XP_REMOVE', amount: 50 }));
    now += LEASE_MS;
    const reports = await awards.recover({ ownsGuild: () => true });
    expect(reports.map((r) => r.outcome)).toEqual(['failed']);
    expect((await store.awards.getByKey('short'))?.error).toContain('Not enough XP');
  });

  it('turns the original UNDONE when a recovered undo applies', async () => {
    const original = (await awards.apply(request())).entry;
    await awards.begin(request({ key: 'i1:award:undo', kind: 'XP_REMOVE', undoOf: original.id }));
    now += LEASE_MS;
    await awards.recover({ ownsGuild: () => true });
    expect((await store.awards.get(original.id))?.status).toBe('UNDONE');
    expect(api.xpOf('p1').xp_current).toBe(0);
  });
});

describe('undo', () => {
  const storyteller = { userId: 'st', discordId: 'd-st', role: 'STORYTELLER' };

  it('reverts XP, XP removal and cool points with the right call', () => {
    expect(reversalOf({ kind: 'XP_ADD', amount: 5 })).toEqual({ kind: 'XP_REMOVE', amount: 5 });
    expect(reversalOf({ kind: 'XP_REMOVE', amount: 4 })).toEqual({ kind: 'XP_ADD', amount: 4 });
    expect(reversalOf({ kind: 'CP_ADD', amount: 2 })).toEqual({ kind: 'XP_REMOVE', amount: 20 });
  });

  it('removes the same amount, journals the undo with undoOf, and marks the award UNDONE', async () => {
    const original = (await awards.apply(request())).entry;
    const plan = planUndo([original], storyteller, now + 60_000);
    const [result] = await runUndo(awards, plan, storyteller);
    if (result === undefined) throw new Error('no result');
    const undone = singleUndoResult(result, { campaignName: 'Camp' });
    expect(undone).toMatchObject({ kind: 'XP_REMOVE', amount: 5, undoOf: original.id, status: 'APPLIED', key: 'i1:award:undo' });
    expect(undone.result).toEqual({ xpCurrent: 0, xpTotal: 5, coolPoints: 0 });
    expect((await store.awards.get(original.id))?.status).toBe('UNDONE');
  });

  it('survives two concurrent undo clicks with one API call', async () => {
    const original = (await awards.apply(request())).entry;
    api.delayMs = 20;
    const plan = planUndo([original], storyteller, now);
    const [a, b] = await Promise.all([runUndo(awards, plan, storyteller), runUndo(awards, plan, storyteller)]);
    expect(api.calls.filter((c) => c.op === 'removeXp')).toHaveLength(1);
    const results = [a[0], b[0]].map((r) => {
      if (r === undefined) throw new Error('no result');
      try {
        singleUndoResult(r, { campaignName: 'Camp' });
        return 'undone';
      } catch (err) {
        return err instanceof AlreadyHandledError ? 'already' : 'other';
      }
    });
    expect(results.sort()).toEqual(['already', 'undone']);
  });

  it('refuses a second undo once the first is done', async () => {
    const original = (await awards.apply(request())).entry;
    await runUndo(awards, planUndo([original], storyteller, now), storyteller);
    const reread = await store.awards.get(original.id);
    expect(() => planUndo(reread === null ? [] : [reread], storyteller, now)).toThrow(AlreadyHandledError);
  });

  it('expires ten minutes after the award', async () => {
    const original = (await awards.apply(request())).entry;
    expect(() => planUndo([original], storyteller, original.createdAt + UNDO_WINDOW_MS)).not.toThrow();
    expect(() => planUndo([original], storyteller, original.createdAt + UNDO_WINDOW_MS + 1)).toThrow(ExpiredError);
  });

  it('belongs to the awarder and admins only', async () => {
    const original = (await awards.apply(request())).entry;
    expect(() => planUndo([original], { userId: 'st2', role: 'STORYTELLER' }, now)).toThrow(PermissionDeniedError);
    expect(() => planUndo([original], { userId: 'ad', role: 'ADMIN' }, now)).not.toThrow();
  });

  it('refuses to undo an undo or a failed award', async () => {
    api.failures.push(() => rateLimited());
    const failed = (await awards.apply(request())).entry;
    expect(() => planUndo([failed], storyteller, now)).toThrow(InvalidInputError);
    expect(() => planUndo([{ ...failed, status: 'APPLIED', undoOf: 1 }], storyteller, now)).toThrow(/cannot itself be undone/);
  });

  it('keeps the award applied when the XP was spent meanwhile, and lets the undo be retried', async () => {
    const original = (await awards.apply(request())).entry;
    await api.users('co').removeXp('p1', 'camp', 4, 'st', { idempotencyKey: 'spent' });
    const [result] = await runUndo(awards, planUndo([original], storyteller, now), storyteller);
    if (result === undefined) throw new Error('no result');
    expect(() => singleUndoResult(result, { campaignName: 'Camp' })).toThrow(/only \*\*1 XP\*\* available in \*\*Camp\*\*/);
    expect((await store.awards.get(original.id))?.status).toBe('APPLIED');
    await api.users('co').addXp('p1', 'camp', 4, 'st', { idempotencyKey: 'earned' });
    const [again] = await runUndo(awards, planUndo([original], storyteller, now), storyteller);
    if (again === undefined) throw new Error('no result');
    expect(singleUndoResult(again, { campaignName: 'Camp' }).status).toBe('APPLIED');
    expect((await store.awards.get(original.id))?.status).toBe('UNDONE');
  });

  it('undoes cool points by removing only the converted XP', async () => {
    const original = (await awards.apply(request({ kind: 'CP_ADD', amount: 1 }))).entry;
    const plan = planUndo([original], storyteller, now);
    expect(plan.coolPoints).toBe(true);
    await runUndo(awards, plan, storyteller);
    expect(api.xpOf('p1')).toMatchObject({ xp_current: 0, xp_total: 10, cool_points: 1 });
  });
});

describe('scenes', () => {
  const storyteller = { userId: 'st', discordId: 'd-st', role: 'STORYTELLER', companyId: 'co', guildId: 'g1', settings: guildSettings() };
  const deps = () => ({ awards, store, clock: { now: () => now }, api: noApi });

  async function draft(id: string, members: number, over: Record<string, unknown> = {}): Promise<void> {
    const targets = Array.from({ length: members }, (_, i) => ({ discordId: `d-m${i}`, userId: `m${String(i).padStart(2, '0')}` }));
    await store.drafts.put({
      id,
      guildId: 'g1',
      ownerDiscordId: 'd-st',
      kind: SCENE_DRAFT_KIND,
      payload: {
        kind: 'XP_ADD',
        amount: 3,
        reason: 'the heist',
        companyId: 'co',
        campaignId: 'camp',
        campaignName: 'Camp',
        rule: { policy: 'STORYTELLER_ONLY', companyRule: null },
        targets,
        problems: [],
        ...over,
      },
      expiresAt: now + 60_000,
    });
  }

  it('journals every member before the first API call, with keys from the draft', async () => {
    await draft('s1', 5);
    let pendingAtFirstCall = -1;
    api.beforeApply = async () => {
      if (pendingAtFirstCall < 0) pendingAtFirstCall = (await store.awards.listPending()).length;
    };
    const run = await confirmScene(deps(), 's1', 'g1', storyteller);
    expect(pendingAtFirstCall).toBe(5);
    expect(run.entries.map((e) => e.status)).toEqual(Array(5).fill('APPLIED'));
    expect(run.entries.map((e) => e.key)).toEqual(['s1:m00', 's1:m01', 's1:m02', 's1:m03', 's1:m04']);
    expect(new Set(run.entries.map((e) => e.batchId))).toEqual(new Set(['s1']));
    expect(run.freshlyApplied).toHaveLength(5);
  });

  it('awards 25 members with at most the configured concurrency', async () => {
    await draft('s25', 25);
    api.delayMs = 5;
    await confirmScene(deps(), 's25', 'g1', storyteller);
    expect(api.calls).toHaveLength(25);
    expect(api.maxInFlight).toBeLessThanOrEqual(SCENE_CONCURRENCY);
    expect(api.maxInFlight).toBeGreaterThan(1);
  });

  it('lets only one of two Confirm clicks run the scene', async () => {
    await draft('s2', 6);
    api.delayMs = 10;
    const results = await Promise.allSettled([confirmScene(deps(), 's2', 'g1', storyteller), confirmScene(deps(), 's2', 'g1', storyteller)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected');
    expect(rejected?.status === 'rejected' ? rejected.reason : undefined).toBeInstanceOf(AlreadyHandledError);
    expect(api.calls).toHaveLength(6);
    for (let i = 0; i < 6; i++) expect(api.xpOf(`m0${i}`).xp_current).toBe(3);
  });

  it('reports partial failures and retries only them, never doubling the others', async () => {
    await draft('s3', 4);
    let failing = true;
    api.failures.push((c) => (failing && (c.userId === 'm01' || c.userId === 'm03') ? rateLimited() : undefined));
    const run = await confirmScene(deps(), 's3', 'g1', storyteller);
    expect(run.entries.map((e) => [e.targetUserId, e.status])).toEqual([
      ['m00', 'APPLIED'],
      ['m01', 'FAILED'],
      ['m02', 'APPLIED'],
      ['m03', 'FAILED'],
    ]);
    failing = false;
    const before = api.calls.length;
    const retried = await retryScene(deps(), 's3', storyteller);
    expect(api.calls.slice(before).map((c) => c.key).sort()).toEqual(['s3:m01', 's3:m03']);
    expect(retried.entries.map((e) => e.status)).toEqual(['APPLIED', 'APPLIED', 'APPLIED', 'APPLIED']);
    expect(retried.freshlyApplied.map((e) => e.targetUserId).sort()).toEqual(['m01', 'm03']);
    for (const id of ['m00', 'm01', 'm02', 'm03']) expect(api.xpOf(id).xp_current).toBe(3);
    await expect(retryScene(deps(), 's3', storyteller)).rejects.toThrow(AlreadyHandledError);
  });

  it('keeps an award the API applied but did not confirm waiting, never re-sent by Retry failed, and settles it once', async () => {
    await draft('s4', 1);
    // The API applied it, but the answer was lost (here: the first call throws a 503 after applying).
    api.failures.push((c) => {
      if (c.key === 's4:m00' && !api.replays.has('s4:m00')) {
        api.experience.set('m00:camp', { campaign_id: 'camp', xp_current: 3, xp_total: 3, cool_points: 0 });
        api.replays.set('s4:m00', { campaign_id: 'camp', xp_current: 3, xp_total: 3, cool_points: 0 });
        return serverError();
      }
      return undefined;
    });
    const run = await confirmScene(deps(), 's4', 'g1', storyteller);
    expect(run.entries[0]?.status).toBe('PENDING');
    expect(run.freshlyApplied).toEqual([]);
    await expect(retryScene(deps(), 's4', storyteller)).rejects.toThrow(/waiting for Valentina/);
    expect(api.calls).toHaveLength(1);
    now += 15_000;
    await scheduler.fire();
    expect((await store.awards.getByKey('s4:m00'))?.status).toBe('APPLIED');
    expect(api.calls.map((c) => c.key)).toEqual(['s4:m00', 'replayed:s4:m00']);
    expect(api.xpOf('m00').xp_current).toBe(3);
  });

  it('refuses a scene with nobody to award, and an expired draft', async () => {
    await draft('s5', 0);
    await expect(confirmScene(deps(), 's5', 'g1', storyteller)).rejects.toThrow(InvalidInputError);
    await expect(confirmScene(deps(), 'missing', 'g1', storyteller)).rejects.toThrow(ExpiredError);
  });

  it('refuses a confirm by someone the policy no longer allows', async () => {
    await draft('s6', 2);
    await expect(confirmScene(deps(), 's6', 'g1', { ...storyteller, userId: 'p', discordId: 'd-p', role: 'PLAYER' })).rejects.toThrow(/role changed/);
    expect(api.calls).toHaveLength(0);
  });

  it('refuses to confirm a draft made for the company the server used before a rebind', async () => {
    await draft('s7', 2);
    await expect(confirmScene(deps(), 's7', 'g1', { ...storyteller, companyId: 'other-co' })).rejects.toThrow(ExpiredError);
    expect(api.calls).toHaveLength(0);
  });

  describe('Retry failed', () => {
    async function sceneWithFailures(id: string): Promise<void> {
      await draft(id, 3);
      api.failures.push((c) => (c.userId === 'm01' && !api.replays.has(c.key ?? '') ? rateLimited() : undefined));
      await confirmScene(deps(), id, 'g1', storyteller);
    }

    it('never re-sends an award that was never confirmed, even hours later', async () => {
      await draft('r1', 2);
      // m00 applied but never confirmed, until the replay window ran out: FAILED, ambiguous.
      api.failures.push((c) => (c.userId === 'm00' ? serverError() : undefined));
      await confirmScene(deps(), 'r1', 'g1', storyteller);
      await store.awards.markFailed('r1:m00', 'never confirmed', now, 'ambiguous');
      now += 2 * 3_600_000;
      const before = api.calls.length;
      await expect(retryScene(deps(), 'r1', storyteller)).rejects.toThrow(/may or may not have been applied/);
      expect(api.calls.length).toBe(before);
    });

    it('refuses a definite failure once the replay window is over', async () => {
      await sceneWithFailures('r2');
      now += RECOVERY_WINDOW_MS;
      const before = api.calls.length;
      await expect(retryScene(deps(), 'r2', storyteller)).rejects.toThrow(ExpiredError);
      expect(api.calls.length).toBe(before);
    });

    it("re-checks the presser's rights: a storyteller demoted since the scene cannot retry it", async () => {
      await sceneWithFailures('r3');
      const before = api.calls.length;
      await expect(retryScene(deps(), 'r3', { ...storyteller, role: 'PLAYER' })).rejects.toThrow(PermissionDeniedError);
      expect(api.calls.length).toBe(before);
    });

    it("refuses another guild's or another company's scene", async () => {
      await sceneWithFailures('r4');
      await expect(retryScene(deps(), 'r4', { ...storyteller, companyId: 'other-co' })).rejects.toThrow(/not in this server/);
      await expect(retryScene(deps(), 'r4', { ...storyteller, guildId: 'g2' })).rejects.toThrow(/not in this server/);
    });

    it('two presses at once send each failed award once', async () => {
      await sceneWithFailures('r5');
      api.failures.length = 0;
      const before = api.calls.length;
      await Promise.allSettled([retryScene(deps(), 'r5', storyteller), retryScene(deps(), 'r5', storyteller)]);
      expect(api.calls.slice(before).map((c) => c.key)).toEqual(['r5:m01']);
      expect(api.xpOf('m01').xp_current).toBe(3);
    });
  });
});

describe('ledger', () => {
  it('pages newest first and clamps a page past the end', async () => {
    for (let i = 0; i < 23; i++) {
      now += 1_000;
      await awards.apply(request({ key: `k${i}`, targetUserId: i % 2 === 0 ? 'p1' : 'p2' }));
    }
    const filter = { guildId: 'g1', companyId: 'co', targetUserId: null, campaignId: null };
    const first = await readLedger({ store }, filter, 0);
    expect(first).toMatchObject({ total: 23, page: 0, pages: 3 });
    expect(first.items).toHaveLength(LEDGER_PAGE_SIZE);
    expect(first.items[0]?.key).toBe('k22');
    const last = await readLedger({ store }, filter, 99);
    expect(last.page).toBe(2);
    expect(last.items.map((e) => e.key)).toEqual(['k2', 'k1', 'k0']);
    const mine = await readLedger({ store }, { ...filter, targetUserId: 'p2' }, 0);
    expect(mine.total).toBe(11);
  });
});

describe('mapLimit', () => {
  it('keeps input order and the concurrency bound', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 3, 2, 4, 0], 2, async (n) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, n));
      running -= 1;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 30, 20, 40, 0]);
    expect(peak).toBe(2);
  });
});
