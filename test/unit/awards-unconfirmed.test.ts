import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APITimeoutError,
  AuthorizationError,
  ConflictError,
  NotFoundError,
  RateLimitError,
  RequestValidationError,
  ResponseValidationError,
  ServerError,
  ValidationError,
  type CampaignExperience,
} from '../../src/api/index.js';
import { awardFailureError, classifyAwardFailure, RetryableAwardError } from '../../src/domain/awards/award-errors.js';
import {
  AwardService,
  NUDGE_GAP_MS,
  RECOVERY_WINDOW_MS,
  RESEND_GAP_MS,
  SETTLE_DELAYS_MS,
  type AwardApi,
  type AwardRequest,
  type AwardScheduler,
  type ExperienceWriter,
  type LateSettlement,
} from '../../src/domain/awards/award-service.js';
import { planUndo, runUndo, singleUndoResult, UnconfirmedUndoError } from '../../src/domain/awards/undo.js';
import { createStore } from '../../src/store/index.js';
import { renderUnconfirmedNotice } from '../../src/render/award-notice.js';
import { renderSceneReceipt } from '../../src/render/award-receipt.js';
import type { AwardEntry, Store } from '../../src/store/types.js';

interface Call {
  op: 'addXp' | 'removeXp' | 'addCoolPoints';
  userId: string;
  amount: number;
  key: string | undefined;
  replayed: boolean;
}

/**
 * Experience endpoints with the API's idempotency (CONTRACT §1.9): a key answered 2xx is replayed,
 * never re-applied; a non-2xx is not stored. `next` scripts what the coming calls do:
 * `apply-then` applies the award and then loses the answer (throws the error).
 */
type Step = { fail: Error } | { applyThen: Error } | 'ok';

class FakeApi implements AwardApi {
  readonly calls: Call[] = [];
  readonly xp = new Map<string, CampaignExperience>();
  private readonly stored = new Map<string, CampaignExperience>();
  next: Step[] = [];

  users(_companyId: string): ExperienceWriter {
    const op = (name: Call['op']) => (userId: string, campaignId: string, amount: number, _requester: string, options?: { idempotencyKey?: string }) =>
      this.call(name, userId, campaignId, amount, options?.idempotencyKey);
    return { addXp: op('addXp'), removeXp: op('removeXp'), addCoolPoints: op('addCoolPoints') };
  }

  xpOf(userId: string): number {
    return this.xp.get(userId)?.xp_current ?? 0;
  }

  /** Calls that changed XP. */
  applied(): Call[] {
    return this.calls.filter((c) => !c.replayed && c.key !== undefined && this.stored.has(c.key));
  }

  private async call(op: Call['op'], userId: string, campaignId: string, amount: number, key: string | undefined): Promise<CampaignExperience> {
    await Promise.resolve();
    const replay = key === undefined ? undefined : this.stored.get(key);
    this.calls.push({ op, userId, amount, key, replayed: replay !== undefined });
    if (replay !== undefined) return { ...replay };
    const step = this.next.shift() ?? 'ok';
    if (step !== 'ok' && 'fail' in step) throw step.fail;
    const xp = { ...(this.xp.get(userId) ?? { campaign_id: campaignId, xp_current: 0, xp_total: 0, cool_points: 0 }) };
    const sign = op === 'removeXp' ? -1 : 1;
    xp.xp_current += sign * amount;
    if (sign > 0) xp.xp_total += amount;
    this.xp.set(userId, xp);
    if (key !== undefined) this.stored.set(key, { ...xp });
    if (step !== 'ok') throw step.applyThen;
    return { ...xp };
  }
}

/** Records what the service schedules; `fire` runs it, as the timer would. */
class ManualScheduler implements AwardScheduler {
  readonly delays: number[] = [];
  private tasks: Array<{ task: () => Promise<void>; cancelled: boolean }> = [];
  schedule(delayMs: number, task: () => Promise<void>): () => void {
    const slot = { task, cancelled: false };
    this.delays.push(delayMs);
    this.tasks.push(slot);
    return () => {
      slot.cancelled = true;
    };
  }
  live(): number {
    return this.tasks.filter((t) => !t.cancelled).length;
  }
  async fire(): Promise<void> {
    const due = this.tasks.filter((t) => !t.cancelled);
    this.tasks = [];
    for (const t of due) await t.task();
  }
}

const timeout = () => new APITimeoutError({ method: 'POST', path: '/x', timeoutMs: 300 });
const reset = () => new APIConnectionError({ method: 'POST', path: '/x', cause: { name: 'Error', message: 'socket hang up', code: 'ECONNRESET' } });
const unavailable = () => new ServerError({ status: 503, title: 'Service Unavailable', method: 'POST', path: '/x' });
const problem = { method: 'POST' as const, path: '/x' };
const silent = { info: () => undefined, warn: () => undefined };
const ORIGIN = { channelId: '500000000000000001' };

let store: Store;
let api: FakeApi;
let now: number;
let scheduler: ManualScheduler;
let awards: AwardService;
let reports: LateSettlement[];

beforeEach(async () => {
  store = await createStore(':memory:');
  api = new FakeApi();
  now = 1_700_000_000_000;
  scheduler = new ManualScheduler();
  awards = new AwardService(api, store.awards, () => now, silent, { scheduler });
  reports = [];
  awards.onLateSettlement(async (s) => {
    reports.push(s);
  });
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
    reason: null,
    ...over,
  };
}

async function statusOf(key: string): Promise<string | undefined> {
  return (await store.awards.getByKey(key))?.status;
}

describe('classifying a failed award call', () => {
  it('calls 4xx and refusals before sending definite, 429 retryable, and everything else unconfirmed', () => {
    expect(classifyAwardFailure(new ValidationError({ status: 400, title: 'Bad', currentXp: 1, requiredXp: 5, ...problem }))).toBe('refused');
    expect(classifyAwardFailure(new AuthorizationError({ status: 403, title: 'Forbidden', ...problem }))).toBe('refused');
    expect(classifyAwardFailure(new NotFoundError({ status: 404, title: 'Not Found', ...problem }))).toBe('refused');
    expect(classifyAwardFailure(new ConflictError({ status: 409, title: 'Conflict', ...problem }))).toBe('refused');
    expect(classifyAwardFailure(new RequestValidationError('amount', 'must be positive'))).toBe('refused');
    expect(classifyAwardFailure(new RateLimitError({ status: 429, title: 'Too Many Requests', ...problem }))).toBe('retryable');
    expect(classifyAwardFailure(unavailable())).toBe('unconfirmed');
    expect(classifyAwardFailure(timeout())).toBe('unconfirmed');
    expect(classifyAwardFailure(reset())).toBe('unconfirmed');
    expect(classifyAwardFailure(new ResponseValidationError({ status: 201, issues: 'xp_current: expected number', ...problem }))).toBe('unconfirmed');
    expect(classifyAwardFailure(new Error('unexpected'))).toBe('unconfirmed');
  });

  it('offers a retry for a single award refused for now, and only when asked', () => {
    const outcome = { fresh: true, message: 'rate limited', kind: 'retryable', error: new RateLimitError({ status: 429, title: 'x', ...problem }), entry: { id: 12, key: 'k' } };
    const context = { targetMention: '<@1>', campaignName: 'Camp', amount: 5 };
    const offered = awardFailureError(outcome, { ...context, offerRetry: true });
    expect(offered).toBeInstanceOf(RetryableAwardError);
    expect(offered instanceof RetryableAwardError ? offered.entryId : 0).toBe(12);
    expect(awardFailureError(outcome, context)).toBeInstanceOf(RateLimitError);
  });
});

describe('an award Valentina does not confirm', () => {
  it('applied before a timeout: stays PENDING, is settled in the background with the same key, applied once, reported once', async () => {
    api.next = [{ applyThen: timeout() }];
    const outcome = await awards.apply(request(), { origin: ORIGIN });
    expect(outcome).toMatchObject({ status: 'unconfirmed', fresh: true });
    expect(await statusOf('i1:award')).toBe('PENDING');
    expect(api.xpOf('p1')).toBe(5);
    expect(scheduler.delays).toEqual([SETTLE_DELAYS_MS[0]]);
    expect(awards.isWaiting('i1:award')).toBe(true);

    now += 15_000;
    await scheduler.fire();
    const entry = await store.awards.getByKey('i1:award');
    expect(entry?.status).toBe('APPLIED');
    expect(entry?.result).toEqual({ xpCurrent: 5, xpTotal: 5, coolPoints: 0 });
    expect(api.calls.map((c) => [c.key, c.replayed])).toEqual([
      ['i1:award', false],
      ['i1:award', true],
    ]);
    expect(api.applied()).toHaveLength(1);
    expect(api.xpOf('p1')).toBe(5);
    expect(reports.map((r) => [r.outcome, r.entry.key, r.origin])).toEqual([['applied', 'i1:award', ORIGIN]]);
    expect(awards.isWaiting('i1:award')).toBe(false);
    expect(scheduler.live()).toBe(0);
  });

  it('a 5xx that applied nothing: settled later with the same key and applied exactly once', async () => {
    api.next = [{ fail: unavailable() }];
    expect((await awards.apply(request())).status).toBe('unconfirmed');
    expect(api.xpOf('p1')).toBe(0);
    now += 15_000;
    await scheduler.fire();
    expect(await statusOf('i1:award')).toBe('APPLIED');
    expect(api.calls.map((c) => c.key)).toEqual(['i1:award', 'i1:award']);
    expect(api.xpOf('p1')).toBe(5);
    expect(reports.map((r) => r.outcome)).toEqual(['applied']);
    expect(reports[0]?.origin).toBeNull();
  });

  it('connection resets: backs off 15 s, 1 min, 5 min, 15 min …, never FAILED while in the window, then gives up', async () => {
    api.next = Array.from({ length: 20 }, () => ({ fail: reset() }));
    const created = now;
    expect((await awards.apply(request(), { origin: ORIGIN })).status).toBe('unconfirmed');
    for (let i = 0; i < 20 && awards.isWaiting('i1:award'); i++) {
      expect(await statusOf('i1:award')).toBe('PENDING');
      now += scheduler.delays.at(-1) ?? 0;
      await scheduler.fire();
    }
    expect(scheduler.delays.slice(0, 6)).toEqual([15_000, 60_000, 300_000, 900_000, 900_000, 900_000]);
    const entry = await store.awards.getByKey('i1:award');
    expect(entry?.status).toBe('FAILED');
    expect(entry?.error).toContain('/xp show');
    // Every call was made inside the replay window, and none after giving up.
    expect(now - created).toBeLessThan(RECOVERY_WINDOW_MS);
    expect(api.calls.every((c) => c.key === 'i1:award')).toBe(true);
    expect(api.calls).toHaveLength(scheduler.delays.length + 1);
    expect(reports.map((r) => [r.outcome, r.origin])).toEqual([['expired', ORIGIN]]);
    expect(scheduler.live()).toBe(0);
  });

  it('an unreadable 2xx is settled with the same key too', async () => {
    api.next = [{ applyThen: new ResponseValidationError({ status: 201, issues: 'xp_current: expected number', ...problem }) }];
    expect((await awards.apply(request())).status).toBe('unconfirmed');
    now += 15_000;
    await scheduler.fire();
    expect(await statusOf('i1:award')).toBe('APPLIED');
    expect(api.applied()).toHaveLength(1);
  });

  it('a definite answer on a later attempt ends it FAILED and reports it', async () => {
    api.next = [{ fail: timeout() }, { fail: new ValidationError({ status: 400, title: 'Bad Request', detail: 'Campaign is archived.', ...problem }) }];
    await awards.apply(request());
    now += 15_000;
    await scheduler.fire();
    expect(await statusOf('i1:award')).toBe('FAILED');
    expect(reports.map((r) => r.outcome)).toEqual(['failed']);
  });

  it('refusals fail at once, without a background settle', async () => {
    api.next = [{ fail: new AuthorizationError({ status: 403, title: 'Forbidden', ...problem }) }];
    const outcome = await awards.apply(request());
    expect(outcome).toMatchObject({ status: 'failed', kind: 'refused' });
    expect(scheduler.delays).toEqual([]);
  });

  it('answers a re-delivery while waiting as unconfirmed, without calling the API', async () => {
    api.next = [{ applyThen: timeout() }];
    await awards.apply(request());
    const again = await awards.apply(request());
    expect(again).toMatchObject({ status: 'unconfirmed', fresh: false });
    expect(api.calls).toHaveLength(1);
  });

  it('serves every waiting award with one timer, a few at a time', async () => {
    api.next = Array.from({ length: 6 }, () => ({ fail: timeout() }));
    for (let i = 0; i < 6; i++) await awards.apply(request({ key: `k${i}`, targetUserId: `p${i}` }));
    expect(scheduler.live()).toBe(1);
    now += 15_000;
    await scheduler.fire();
    for (let i = 0; i < 6; i++) expect(api.xpOf(`p${i}`)).toBe(5);
    expect(reports).toHaveLength(6);
    expect(scheduler.live()).toBe(0);
  });

  it('tries a waiting award early once another award for the company succeeds', async () => {
    api.next = [{ fail: unavailable() }];
    await awards.apply(request());
    now += 500;
    await awards.apply(request({ key: 'other', targetUserId: 'p2' }));
    expect(scheduler.live()).toBe(1);
    expect(scheduler.delays.at(-1)).toBe(NUDGE_GAP_MS - 500);
    now += NUDGE_GAP_MS;
    await scheduler.fire();
    expect(await statusOf('i1:award')).toBe('APPLIED');
  });

  it('never re-sends a call that may still be running sooner than the resend gap, nudged or not', async () => {
    api.next = [{ fail: timeout() }];
    await awards.apply(request());
    now += 500;
    await awards.apply(request({ key: 'other', targetUserId: 'p2' }));
    // The nudge may not bring it before RESEND_GAP_MS after the timed-out call started.
    expect(scheduler.delays.at(-1)).toBeGreaterThanOrEqual(RESEND_GAP_MS - 500);
  });

  it('an award Valentina applied whose journal write failed: applied for the member, journalled later, never re-sent', async () => {
    const markApplied = store.awards.markApplied.bind(store.awards);
    let failWrites = 1;
    store.awards.markApplied = async (key, result, at) => {
      if (failWrites-- > 0) throw new Error('database is locked');
      return markApplied(key, result, at);
    };
    const outcome = await awards.apply(request(), { origin: ORIGIN });
    expect(outcome).toMatchObject({ status: 'applied', fresh: true });
    expect(outcome.entry.result).toEqual({ xpCurrent: 5, xpTotal: 5, coolPoints: 0 });
    expect(await statusOf('i1:award')).toBe('PENDING');
    now += SETTLE_DELAYS_MS[0] ?? 0;
    await scheduler.fire();
    expect(await statusOf('i1:award')).toBe('APPLIED');
    expect(api.calls).toHaveLength(1);
    // The member already saw the receipt: no late one.
    expect(reports).toEqual([]);
  });

  it('on dispose, gives its lease up so another process finishes the award, but not before it was due', async () => {
    api.next = [{ applyThen: timeout() }];
    await awards.apply(request());
    await awards.dispose();
    const next = new AwardService(api, store.awards, () => now, silent, { scheduler: new ManualScheduler(), owner: 'next-process' });
    // Too early: the timed-out call may still be running at Valentina.
    now += 1_000;
    expect(await next.recover({ ownsGuild: () => true })).toEqual([]);
    now += SETTLE_DELAYS_MS[0] ?? 0;
    expect((await next.recover({ ownsGuild: () => true })).map((r) => r.outcome)).toEqual(['applied']);
    expect(api.applied()).toHaveLength(1);
    await next.dispose();
  });

  it('stops on dispose, leaving the entry PENDING for start-up recovery, which applies it once', async () => {
    api.next = [{ applyThen: timeout() }];
    await awards.apply(request());
    await awards.dispose();
    expect(scheduler.live()).toBe(0);
    expect(await statusOf('i1:award')).toBe('PENDING');

    const next = new AwardService(api, store.awards, () => now, silent, { scheduler: new ManualScheduler(), owner: 'next-process' });
    now += 60_000;
    const recovered = await next.recover({ ownsGuild: () => true });
    expect(recovered.map((r) => r.outcome)).toEqual(['applied']);
    expect(api.applied()).toHaveLength(1);
    expect(api.xpOf('p1')).toBe(5);
    await next.dispose();
  });

  it('an undo Valentina does not confirm is waited for, and turns the award UNDONE once settled', async () => {
    const original = (await awards.apply(request())).entry;
    const storyteller = { userId: 'st', discordId: 'd-st', role: 'STORYTELLER' };
    api.next = [{ applyThen: timeout() }];
    const [result] = await runUndo(awards, planUndo([original], storyteller, now), storyteller, ORIGIN);
    if (result === undefined) throw new Error('no result');
    expect(() => singleUndoResult(result, { campaignName: 'Camp' })).toThrow(UnconfirmedUndoError);
    expect((await store.awards.get(original.id))?.status).toBe('APPLIED');
    now += 15_000;
    await scheduler.fire();
    expect((await store.awards.get(original.id))?.status).toBe('UNDONE');
    expect(api.xpOf('p1')).toBe(0);
    expect(reports.map((r) => [r.outcome, r.entry.undoOf])).toEqual([['applied', original.id]]);
  });
});

describe('what members see of an unconfirmed award', () => {
  const entry = (over: Partial<AwardEntry>): AwardEntry => ({
    id: 9,
    key: 'k',
    guildId: 'g1',
    companyId: 'co',
    campaignId: 'camp',
    batchId: 'b',
    actorUserId: 'st',
    actorDiscordId: '100000000000000001',
    targetUserId: 'p1',
    targetDiscordId: '100000000000000002',
    kind: 'XP_ADD',
    amount: 3,
    reason: null,
    status: 'APPLIED',
    result: { xpCurrent: 3, xpTotal: 3, coolPoints: 0 },
    error: null,
    failure: null,
    undoOf: null,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    ...over,
  });

  it('a private notice that does not invite a second award', () => {
    const text = JSON.stringify(renderUnconfirmedNotice(entry({ status: 'PENDING', result: null }), 'Camp'));
    expect(text).toContain('Not confirmed yet');
    expect(text).toContain('can only be applied once');
    expect(text).toContain('do not award it again');
  });

  it('a scene receipt lists a waiting member as waiting, and offers Retry failed only for failures', () => {
    const waitingOnly = renderSceneReceipt({
      entries: [entry({}), entry({ id: 10, targetDiscordId: '100000000000000003', status: 'PENDING', result: null })],
      campaignName: 'Camp',
      retryId: 'xp:scene-retry:1:1:b',
      undoId: 'xp:undo-scene:1:_:b',
    });
    const text = JSON.stringify(waitingOnly.embeds);
    expect(text).toContain('⏳ <@100000000000000003>: waiting for Valentina');
    expect(text).toContain('1 waiting for Valentina');
    expect(text).not.toContain('failed');
    expect(JSON.stringify(waitingOnly.components)).not.toContain('scene-retry');
    const withFailure = renderSceneReceipt({
      entries: [entry({ status: 'FAILED', result: null, error: 'rate limited', failure: 'definite' }), entry({ id: 10, status: 'PENDING', result: null })],
      campaignName: 'Camp',
      retryId: 'xp:scene-retry:1:1:b',
    });
    expect(JSON.stringify(withFailure.components)).toContain('Retry failed (1)');
    // An award never confirmed may have been applied: it is listed, never offered for retry.
    const neverConfirmed = renderSceneReceipt({
      entries: [entry({ status: 'FAILED', result: null, error: 'never confirmed', failure: 'ambiguous' }), entry({ id: 10 })],
      campaignName: 'Camp',
      retryId: 'xp:scene-retry:1:1:b',
    });
    expect(JSON.stringify(neverConfirmed.components)).not.toContain('scene-retry');
  });
});
