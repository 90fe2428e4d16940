import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  AuthenticationError,
  AuthorizationError,
  ConflictError,
  NotFoundError,
  RateLimitError,
  RequestValidationError,
  ResponseValidationError,
  ServerError,
  ValentinaClient,
  ValentinaError,
  ValidationError,
} from '../../src/api/index.js';
import { API_KEY, IDS, caught, fixture, harness, json, problem } from './helpers/scripted-fetch.js';

function expectNoKey(err: unknown): void {
  const forms = [
    JSON.stringify(err),
    String(err),
    inspect(err, { depth: 10, showHidden: true }),
    err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : '',
  ];
  for (const text of forms) expect(text).not.toContain(API_KEY);
}

describe('error mapping', () => {
  it.each([
    ['problem_400_field_validation', ValidationError],
    ['problem_400_model_validation', ValidationError],
    ['problem_400_service_rule', ValidationError],
    ['problem_400_not_enough_xp', ValidationError],
    ['problem_401', AuthenticationError],
    ['problem_403_role_guard_no_detail', AuthorizationError],
    ['problem_403_xp', AuthorizationError],
    ['problem_404', NotFoundError],
    ['problem_409_idempotency', ConflictError],
  ] as const)('%s becomes %s, with no retry', async (name, cls) => {
    const body = fixture(name) as { status: number; title: string; detail?: string; instance: string };
    const h = harness();
    h.script(json(body.status, body));
    const err = await caught(h.client.users(IDS.company).get(IDS.user));
    expect(err).toBeInstanceOf(cls);
    expect(err).toBeInstanceOf(APIError);
    expect(err).toBeInstanceOf(ValentinaError);
    if (!(err instanceof APIError)) throw new Error('unreachable');
    expect(err.status).toBe(body.status);
    expect(err.title).toBe(body.title);
    expect(err.detail).toBe(body.detail);
    expect(err.instance).toBe(body.instance);
    expect(err.method).toBe('GET');
    expect(err.path).toBe(`/api/v1/companies/${IDS.company}/users/${IDS.user}`);
    expect(h.calls).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
    expectNoKey(err);
  });

  it('keeps invalid_parameters with string and array fields', async () => {
    const h = harness();
    h.script(json(400, fixture('problem_400_model_validation')), json(400, fixture('problem_400_field_validation')));
    const a = await caught(h.client.users(IDS.company).createNote(IDS.user, { title: 'abc', content: 'def' }));
    const b = await caught(h.client.users(IDS.company).get(IDS.user));
    expect(a).toBeInstanceOf(ValidationError);
    expect(b).toBeInstanceOf(ValidationError);
    if (!(a instanceof APIError) || !(b instanceof APIError)) throw new Error('unreachable');
    expect(a.invalidParameters).toEqual([{ field: ['title'], message: 'String should have at least 3 characters' }]);
    expect(b.invalidParameters[0]?.field).toBe('email');
  });

  it('exposes current_xp and required_xp of the not-enough-XP 400', async () => {
    const h = harness();
    h.script(json(400, fixture('problem_400_not_enough_xp')));
    const err = await caught(h.client.users(IDS.company).removeXp(IDS.user, IDS.campaign, 40, IDS.admin));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err).toMatchObject({ currentXp: 25, requiredXp: 40, status: 400 });
  });

  it('a 403 without detail still has a useful message', async () => {
    const h = harness();
    h.script(json(403, fixture('problem_403_role_guard_no_detail')));
    const err = await caught(h.client.users(IDS.company).getNotesPage(IDS.unapproved));
    expect(err).toBeInstanceOf(AuthorizationError);
    if (!(err instanceof APIError)) throw new Error('unreachable');
    expect(err.detail).toBeUndefined();
    expect(err.message).toContain('403');
    expect(err.message).toContain('Forbidden');
  });

  it.each([
    [400, ValidationError],
    [401, AuthenticationError],
    [403, AuthorizationError],
    [404, NotFoundError],
    [409, ConflictError],
    [413, APIError],
  ] as const)('a non-JSON %i body still maps to its class and is not retried', async (status, cls) => {
    const h = harness();
    h.script(new Response('<html>nginx says no</html>', { status, statusText: 'Nope', headers: { 'content-type': 'text/html' } }));
    const err = await caught(h.client.users(IDS.company).get(IDS.user));
    expect(err).toBeInstanceOf(cls);
    expect(err).toMatchObject({ status, title: 'Nope', detail: undefined, invalidParameters: [] });
    expect(h.calls).toHaveLength(1);
  });

  it('413 is a plain APIError, not a subclass', async () => {
    const h = harness();
    h.script(problem(413, { title: 'Request Entity Too Large' }));
    const err = await caught(h.client.users(IDS.company).uploadAsset(IDS.user, 'big.png', new Uint8Array(4)));
    expect(err).toBeInstanceOf(APIError);
    expect(err).not.toBeInstanceOf(ValidationError);
    expect(err).not.toBeInstanceOf(ServerError);
  });

  it('an empty 500 body becomes ServerError after retries', async () => {
    const h = harness({ maxRetries: 1 });
    h.script(new Response('', { status: 502 }), new Response('', { status: 503 }));
    const err = await caught(h.client.users(IDS.company).get(IDS.user));
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toMatchObject({ status: 503, title: 'HTTP 503' });
  });

  it('a problem body with odd member types keeps what it can', async () => {
    const h = harness();
    h.script(json(404, { status: '404', title: 7, detail: 'Note not found', invalid_parameters: 'nope' }));
    const err = await caught(h.client.users(IDS.company).getNote(IDS.user, IDS.note));
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ status: 404, detail: 'Note not found', invalidParameters: [] });
  });

  it('RateLimitError carries retryAfterSeconds', async () => {
    const h = harness({ maxRetries: 0 });
    h.script(json(429, fixture('problem_429')));
    const err = await caught(h.client.users(IDS.company).get(IDS.user));
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ status: 429, retryAfterSeconds: 1.21 });
  });

  it('a network failure is an APIConnectionError with a summarised cause', async () => {
    const h = harness({ maxRetries: 0 });
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' });
    h.script(new TypeError('fetch failed', { cause }));
    const err = await caught(h.client.users(IDS.company).get(IDS.user));
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(err).not.toBeInstanceOf(APITimeoutError);
    expect(err).not.toBeInstanceOf(APIError);
    expect(err).toMatchObject({ method: 'GET', cause: { name: 'TypeError', message: 'fetch failed', code: 'ECONNREFUSED' } });
    if (!(err instanceof Error)) throw new Error('unreachable');
    expect(err.message).toContain('ECONNREFUSED');
  });
});

describe('the API key never leaks', () => {
  const echo = `the key was ${API_KEY} and ${encodeURIComponent(API_KEY)}`;

  it('from an error body that echoes it', async () => {
    const h = harness();
    h.script(
      json(400, {
        status: 400,
        title: `Bad ${API_KEY}`,
        detail: echo,
        instance: `http://127.0.0.1:8000/api/v1/x?k=${API_KEY}`,
        invalid_parameters: [{ field: API_KEY, message: echo }, { field: ['body', API_KEY], message: 'x' }],
      }),
    );
    const err = await caught(h.client.users(IDS.company).get(IDS.user));
    expect(err).toBeInstanceOf(ValidationError);
    expectNoKey(err);
    expect(JSON.stringify(err)).toContain('[REDACTED]');
  });

  it('from a network error whose message contains it', async () => {
    const h = harness({ maxRetries: 0 });
    h.script(new TypeError(`Headers.append: "${API_KEY}\n" is an invalid header value.`, { cause: new Error(echo) }));
    const err = await caught(h.client.users(IDS.company).get(IDS.user));
    expect(err).toBeInstanceOf(APIConnectionError);
    expectNoKey(err);
  });

  it('from timeouts, rate limits, server errors and response validation errors', async () => {
    const h = harness({ maxRetries: 0 });
    h.script(
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      json(429, { status: 429, title: 'Too Many Requests', detail: echo, retry_after: 99 }),
      json(500, { status: 500, title: 'Internal Server Error', detail: echo }),
      json(200, { id: 5, username: API_KEY }),
    );
    const users = h.client.users(IDS.company);
    const errors = [await caught(users.get(IDS.user)), await caught(users.get(IDS.user)), await caught(users.get(IDS.user)), await caught(users.get(IDS.user))];
    expect(errors[0]).toBeInstanceOf(APITimeoutError);
    expect(errors[1]).toBeInstanceOf(RateLimitError);
    expect(errors[2]).toBeInstanceOf(ServerError);
    expect(errors[3]).toBeInstanceOf(ResponseValidationError);
    for (const err of errors) expectNoKey(err);
  });

  it('from request validation errors and the constructor', async () => {
    const h = harness();
    const errors = [
      await caught(h.client.users(IDS.company).addXp(IDS.user, IDS.campaign, 0, API_KEY)),
      await caught(h.client.users(API_KEY).get(IDS.user)),
      await caught(() => new ValentinaClient({ baseUrl: 'http://127.0.0.1:1', apiKey: `${API_KEY}\n` })),
      await caught(() => new ValentinaClient({ baseUrl: `http://user:${API_KEY}@127.0.0.1:1`, apiKey: API_KEY })),
    ];
    for (const err of errors) {
      expect(err).toBeInstanceOf(RequestValidationError);
      expectNoKey(err);
    }
    expect(h.calls).toEqual([]);
  });

  it('from the client object itself and from log lines', async () => {
    const h = harness({ maxRetries: 1 });
    h.script(json(503, { status: 503, title: 'Service Unavailable' }), json(503, { status: 503, title: 'Service Unavailable' }));
    await caught(h.client.users(IDS.company).get(IDS.user));
    expect(inspect(h.client, { depth: 10, showHidden: true })).not.toContain(API_KEY);
    expect(JSON.stringify(h.logs)).not.toContain(API_KEY);
    expect(JSON.stringify(h.logs).toLowerCase()).not.toContain('x-api-key');
  });
});
