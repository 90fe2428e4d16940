import { describe, expect, it } from 'vitest';
import { routeTemplate, type ApiAttemptEvent } from '../../src/api/index.js';
import { V1_MARCH_2026 } from '../../src/api/index.js';
import { API_KEY, IDS, fixture, harness, json, problem } from './helpers/scripted-fetch.js';

const isId = (s: string) => V1_MARCH_2026.isValidId(s);

describe('routeTemplate', () => {
  it('replaces every id segment, keeps the literal words, drops the query', () => {
    expect(routeTemplate('POST', `/companies/${IDS.company}/users/${IDS.user}/experience/xp/add`, isId)).toBe('POST /companies/{id}/users/{id}/experience/xp/add');
    expect(routeTemplate('GET', `/companies/${IDS.company}/users?limit=10&email=a%40b.c`, isId)).toBe('GET /companies/{id}/users');
    expect(routeTemplate('GET', '/health', isId)).toBe('GET /health');
  });

  it('treats anything that is not a plain word as an id (UUIDs, numbers, encoded text, all-letter ObjectIds)', () => {
    expect(routeTemplate('GET', '/companies/0f8fad5b-d9cb-469f-a165-70867728950e/users/42', isId)).toBe('GET /companies/{id}/users/{id}');
    expect(routeTemplate('GET', '/notes/Pia%20Player', isId)).toBe('GET /notes/{id}');
    expect(routeTemplate('GET', '/users/abcdefabcdefabcdefabcdef', isId)).toBe('GET /users/{id}');
  });
});

describe('client observer', () => {
  it('reports every attempt with its route template, status and attempt number', async () => {
    const events: ApiAttemptEvent[] = [];
    const h = harness({ observer: { onAttempt: (e) => events.push(e) } });
    h.script(problem(429, { title: 'Too Many Requests', retry_after: 0.01 }), json(200, fixture('user')));
    await h.client.users(IDS.company).get(IDS.user);
    expect(events.map(({ operation, status, attempt }) => ({ operation, status, attempt }))).toEqual([
      { operation: 'GET /companies/{id}/users/{id}', status: 429, attempt: 1 },
      { operation: 'GET /companies/{id}/users/{id}', status: 200, attempt: 2 },
    ]);
    expect(events.every((e) => e.durationMs >= 0)).toBe(true);
    expect(JSON.stringify(events)).not.toContain(IDS.user);
    expect(JSON.stringify(events)).not.toContain(API_KEY);
  });

  it('reports network failures, and a throwing observer never fails the request', async () => {
    const events: ApiAttemptEvent[] = [];
    const h = harness({
      maxRetries: 1,
      observer: {
        onAttempt(e) {
          events.push(e);
          throw new Error('observer bug');
        },
      },
    });
    h.script(new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }), json(200, fixture('user')));
    const user = await h.client.users(IDS.company).get(IDS.user);
    expect(user.id).toBe(IDS.user);
    expect(events.map((e) => e.status)).toEqual(['network', 200]);
  });
});
