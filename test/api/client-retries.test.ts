import { describe, expect, it } from 'vitest';
import { APIConnectionError, APITimeoutError, RateLimitError, ServerError, type APIError } from '../../src/api/index.js';
import { IDS, caught, fixture, harness, json, problem, type Step } from './helpers/scripted-fetch.js';

const rateLimited = (body: Record<string, unknown> = {}, headers: Record<string, string> = {}): Step =>
  problem(429, { title: 'Too Many Requests', detail: 'You are being rate limited.', ...body }, headers);
const unavailable = (): Step => problem(503, { title: 'Service Unavailable' });
const networkDown = (): Step => new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
const refused = (): Step => new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) });
const timedOut = (): Step => new DOMException('The operation was aborted due to timeout', 'TimeoutError');

describe('429 handling', () => {
  it('waits for the body retry_after, then retries', async () => {
    const h = harness();
    h.script(rateLimited({ retry_after: 1.21 }), json(200, fixture('user')));
    const user = await h.client.users(IDS.company).get(IDS.user);
    expect(user.id).toBe(IDS.user);
    expect(h.sleeps).toEqual([1210]);
    expect(h.calls).toHaveLength(2);
  });

  it('waits for the RateLimit header t= of the exhausted policy', async () => {
    const h = harness();
    h.script(rateLimited({}, { RateLimit: '"burst";r=0;t=3, "hourly";r=250;t=9', 'RateLimit-Policy': '"burst";q=30;w=60' }), json(200, fixture('user')));
    await h.client.users(IDS.company).get(IDS.user);
    expect(h.sleeps).toEqual([3000]);
  });

  it('honours a Retry-After header if one ever appears', async () => {
    const h = harness();
    h.script(rateLimited({}, { 'Retry-After': '2' }), json(200, fixture('user')));
    await h.client.users(IDS.company).get(IDS.user);
    expect(h.sleeps).toEqual([2000]);
  });

  it('falls back to backoff when the 429 gives no hint', async () => {
    const h = harness();
    h.script(rateLimited(), json(200, fixture('user')));
    await h.client.users(IDS.company).get(IDS.user);
    expect(h.sleeps).toEqual([500]);
  });

  it('throws RateLimitError at once, without sleeping, when the wait exceeds maxRetryWaitMs', async () => {
    const h = harness({ maxRetryWaitMs: 10_000 });
    h.script(rateLimited({ retry_after: 42.5 }, { RateLimit: '"hourly";r=0;t=43' }));
    const err = await caught(h.client.users(IDS.company).addXp(IDS.user, IDS.campaign, 5, IDS.admin));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ retryAfterSeconds: 42.5 });
    expect(h.sleeps).toEqual([]);
    expect(h.calls).toHaveLength(1);
    expect(h.logs.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('counts 429 retries toward maxRetries', async () => {
    const h = harness({ maxRetries: 2 });
    h.script(rateLimited({ retry_after: 1 }), rateLimited({ retry_after: 1 }), rateLimited({ retry_after: 1 }));
    const err = await caught(h.client.users(IDS.company).get(IDS.user));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(h.calls).toHaveLength(3);
    expect(h.sleeps).toEqual([1000, 1000]);
  });

  it('maxRetries 0 means a single attempt', async () => {
    const h = harness({ maxRetries: 0 });
    h.script(rateLimited({ retry_after: 1 }));
    await expect(h.client.users(IDS.company).get(IDS.user)).rejects.toBeInstanceOf(RateLimitError);
    expect(h.calls).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
  });
});

describe('5xx, network errors and timeouts', () => {
  it('retries 5xx with exponential backoff and then gives up', async () => {
    const h = harness({ maxRetries: 3, random: () => 0 });
    h.script(unavailable(), unavailable(), unavailable(), unavailable());
    const err = await caught(h.client.users(IDS.company).get(IDS.user));
    expect(err).toBeInstanceOf(ServerError);
    expect((err as APIError).status).toBe(503);
    expect(h.calls).toHaveLength(4);
    expect(h.sleeps).toEqual([500, 1000, 2000]);
  });

  it('applies jitter from the injected random source', async () => {
    const h = harness({ maxRetries: 2, random: () => 0.8 });
    h.script(unavailable(), unavailable(), json(200, fixture('user')));
    await h.client.users(IDS.company).get(IDS.user);
    expect(h.sleeps).toEqual([400, 800]);
  });

  it('caps backoff at 8 s', async () => {
    const h = harness({ maxRetries: 6, random: () => 0 });
    h.script(unavailable(), unavailable(), unavailable(), unavailable(), unavailable(), unavailable(), json(200, fixture('user')));
    await h.client.users(IDS.company).get(IDS.user);
    expect(h.sleeps).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it('recovers when a retry succeeds', async () => {
    const h = harness();
    h.script(unavailable(), json(200, fixture('user')));
    await expect(h.client.users(IDS.company).get(IDS.user)).resolves.toMatchObject({ id: IDS.user });
    expect(h.calls).toHaveLength(2);
  });

  it('retries network errors, then throws APIConnectionError', async () => {
    const h = harness({ maxRetries: 2 });
    h.script(networkDown(), networkDown(), networkDown());
    const err = await caught(h.client.users(IDS.company).get(IDS.user));
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(h.calls).toHaveLength(3);
    expect(h.sleeps).toEqual([500, 1000]);
  });

  it('retries timeouts, then throws APITimeoutError', async () => {
    const h = harness({ maxRetries: 1, timeoutMs: 1234 });
    h.script(timedOut(), timedOut());
    const err = await caught(h.client.users(IDS.company).get(IDS.user));
    expect(err).toBeInstanceOf(APITimeoutError);
    expect(err).toMatchObject({ timeoutMs: 1234 });
    expect(h.calls).toHaveLength(2);
  });

  it('aborts a stalled request through the per-attempt signal', async () => {
    const h = harness({ maxRetries: 0, timeoutMs: 20 });
    h.script(
      (call) =>
        new Promise<Response>((_resolve, reject) => {
          call.signal?.addEventListener('abort', () => reject(call.signal?.reason));
        }),
    );
    const err = await caught(h.client.users(IDS.company).get(IDS.user));
    expect(err).toBeInstanceOf(APITimeoutError);
  });

  it('each attempt gets a fresh signal', async () => {
    const h = harness();
    h.script(unavailable(), json(200, fixture('user')));
    await h.client.users(IDS.company).get(IDS.user);
    const [a, b] = h.calls;
    expect(a?.signal).toBeInstanceOf(AbortSignal);
    expect(b?.signal).toBeInstanceOf(AbortSignal);
    expect(a?.signal).not.toBe(b?.signal);
  });

  it.each([400, 401, 403, 404, 409])('never retries %i', async (status) => {
    const h = harness({ maxRetries: 5 });
    h.script(problem(status, { title: 'No' }), json(200, fixture('user')));
    await expect(h.client.users(IDS.company).get(IDS.user)).rejects.toMatchObject({ status });
    expect(h.calls).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
  });
});

describe('writes whose outcome is ambiguous', () => {
  it('sends a timed-out write once and reports it as an ambiguous APITimeoutError', async () => {
    const h = harness({ maxRetries: 3 });
    h.script(timedOut(), json(201, fixture('campaign_experience')));
    const err = await caught(h.client.users(IDS.company).addXp(IDS.user, IDS.campaign, 5, IDS.admin));
    expect(err).toBeInstanceOf(APITimeoutError);
    expect((err as APITimeoutError).ambiguousWrite).toBe(true);
    expect(h.calls).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
  });

  it('sends a write whose connection was lost mid-request once', async () => {
    const h = harness({ maxRetries: 3 });
    h.script(networkDown(), json(201, fixture('campaign_experience')));
    const err = await caught(h.client.users(IDS.company).addXp(IDS.user, IDS.campaign, 5, IDS.admin));
    expect(err).toBeInstanceOf(APIConnectionError);
    expect((err as APIConnectionError).ambiguousWrite).toBe(true);
    expect(h.calls).toHaveLength(1);
  });

  it('re-sends a write whose connection was refused (it never reached the server)', async () => {
    const h = harness({ maxRetries: 3 });
    h.script(refused(), json(201, fixture('campaign_experience')));
    await h.client.users(IDS.company).addXp(IDS.user, IDS.campaign, 5, IDS.admin);
    expect(h.calls).toHaveLength(2);
  });

  it('a refused write that never got through is not ambiguous', async () => {
    const h = harness({ maxRetries: 1 });
    h.script(refused(), refused());
    const err = await caught(h.client.users(IDS.company).addXp(IDS.user, IDS.campaign, 5, IDS.admin));
    expect((err as APIConnectionError).ambiguousWrite).toBe(false);
    expect(h.calls).toHaveLength(2);
  });

  it('a timed-out read is still retried', async () => {
    const h = harness({ maxRetries: 1 });
    h.script(timedOut(), json(200, fixture('user')));
    await expect(h.client.users(IDS.company).get(IDS.user)).resolves.toMatchObject({ id: IDS.user });
    expect(h.calls).toHaveLength(2);
  });
});

describe('idempotency across retries', () => {
  it('reuses one generated Idempotency-Key and the same body on every retry', async () => {
    const h = harness({ maxRetries: 3 });
    h.script(unavailable(), refused(), rateLimited({ retry_after: 0.5 }), json(201, fixture('campaign_experience')));
    await h.client.users(IDS.company).addXp(IDS.user, IDS.campaign, 15, IDS.admin);
    expect(h.calls).toHaveLength(4);
    const keys = new Set(h.calls.map((c) => c.headers.get('idempotency-key')));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(h.calls.map((c) => c.body)).size).toBe(1);
  });

  it('reuses a caller-provided key on every retry', async () => {
    const h = harness();
    h.script(unavailable(), json(200, fixture('note')));
    await h.client.users(IDS.company).updateNote(IDS.user, IDS.note, { title: 'abc', content: 'def' }, { idempotencyKey: 'int-9:note' });
    expect(h.calls.map((c) => c.headers.get('idempotency-key'))).toEqual(['int-9:note', 'int-9:note']);
  });

  it('a retried upload sends byte-identical multipart bodies', async () => {
    const h = harness();
    h.script(unavailable(), json(201, fixture('asset')));
    await h.client.users(IDS.company).uploadAsset(IDS.user, 'a.png', new Uint8Array([1, 2, 3]));
    const [a, b] = h.calls;
    expect(a?.body).toBe(b?.body);
    expect(a?.headers.get('content-type')).toBe(b?.headers.get('content-type'));
    expect(a?.headers.get('idempotency-key')).toBe(b?.headers.get('idempotency-key'));
  });

  it('GET and DELETE carry no Idempotency-Key, even when retried', async () => {
    const h = harness();
    h.script(unavailable(), new Response(null, { status: 204 }));
    await h.client.users(IDS.company).deleteNote(IDS.user, IDS.note);
    for (const call of h.calls) expect(call.headers.has('idempotency-key')).toBe(false);
  });
});

describe('logging', () => {
  it('one debug line per attempt and one warn when giving up, without headers or query', async () => {
    const h = harness({ maxRetries: 2 });
    h.script(unavailable(), networkDown(), unavailable());
    await caught(h.client.users(IDS.company).getUnapprovedPage(IDS.admin));
    const debug = h.logs.filter((l) => l.level === 'debug');
    const warn = h.logs.filter((l) => l.level === 'warn');
    expect(debug.map((l) => l.obj)).toEqual([
      { method: 'GET', path: `/api/v1/companies/${IDS.company}/users/unapproved`, attempt: 1, status: 503, delayMs: 500 },
      { method: 'GET', path: `/api/v1/companies/${IDS.company}/users/unapproved`, attempt: 2, error: 'network', delayMs: 1000 },
      { method: 'GET', path: `/api/v1/companies/${IDS.company}/users/unapproved`, attempt: 3, status: 503 },
    ]);
    expect(warn).toHaveLength(1);
    expect(warn[0]?.obj).toMatchObject({ attempt: 3, status: 503 });
    expect(JSON.stringify(h.logs)).not.toContain(IDS.admin);
  });

  it('a successful call logs one debug line and nothing else', async () => {
    const h = harness();
    h.script(json(200, fixture('user')));
    await h.client.users(IDS.company).get(IDS.user);
    expect(h.logs).toEqual([
      { level: 'debug', obj: { method: 'GET', path: `/api/v1/companies/${IDS.company}/users/${IDS.user}`, attempt: 1, status: 200 }, msg: 'valentina request' },
    ]);
  });
});
