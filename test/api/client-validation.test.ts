import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  RequestValidationError,
  ResponseValidationError,
  ValentinaClient,
  type UserRole,
  type ValentinaLogger,
} from '../../src/api/index.js';
import { IDS, caught, fixture, harness, json } from './helpers/scripted-fetch.js';

describe('RequestValidationError before anything is sent', () => {
  const badAmounts: Array<[string, number]> = [
    ['0', 0],
    ['-1', -1],
    ['1.5', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['2^53', 2 ** 53],
  ];

  it.each(badAmounts)('refuses amount %s for addXp, removeXp and addCoolPoints', async (_label, amount) => {
    const h = harness();
    const users = h.client.users(IDS.company);
    for (const method of [users.addXp, users.removeXp, users.addCoolPoints]) {
      const err = await caught(method.call(users, IDS.user, IDS.campaign, amount, IDS.admin));
      expect(err).toBeInstanceOf(RequestValidationError);
      expect(err).toMatchObject({ field: 'amount' });
    }
    expect(h.calls).toEqual([]);
  });

  it('refuses a non-number amount', async () => {
    const h = harness();
    const amount: unknown = '5';
    const err = await caught(h.client.users(IDS.company).addXp(IDS.user, IDS.campaign, amount as number, IDS.admin));
    expect(err).toBeInstanceOf(RequestValidationError);
    expect(h.calls).toEqual([]);
  });

  const badIds = ['', 'not-an-id', '69a4e3c27d1b8f0e2a5c4b1', '69a4e3c27d1b8f0e2a5c4b19a', 'zza4e3c27d1b8f0e2a5c4b19', '../a4e3c27d1b8f0e2a5c4b19'];

  it.each(badIds)('refuses id %j wherever an id goes', async (bad) => {
    const h = harness();
    const c = h.client;
    const u = c.users(IDS.company);
    const attempts: Array<() => unknown> = [
      () => c.users(bad).get(IDS.user),
      () => u.get(bad),
      () => u.delete(IDS.user, bad),
      () => u.update(IDS.user, { requesting_user_id: bad }),
      () => u.create({ username: 'abc', email: 'a@b.c', role: 'PLAYER', requesting_user_id: bad }),
      () => u.getUnapprovedPage(bad),
      () => u.approveUser(bad, 'PLAYER', IDS.admin),
      () => u.denyUser(IDS.user, bad),
      () => u.merge(IDS.user, bad, IDS.admin),
      () => u.addXp(IDS.user, bad, 1, IDS.admin),
      () => u.addXp(IDS.user, IDS.campaign, 1, bad),
      () => u.getExperience(IDS.user, bad),
      () => u.getAsset(IDS.user, bad),
      () => u.deleteAsset(IDS.user, bad),
      () => u.getNote(IDS.user, bad),
      () => u.updateNote(IDS.user, bad, { title: 'abc', content: 'def' }),
      () => u.deleteQuickroll(IDS.user, bad),
      () => u.createQuickroll(IDS.user, { name: 'abc', trait_ids: [bad] }),
      () => u.iterAllNotes(bad),
      () => c.campaigns(IDS.company, bad).get(IDS.campaign),
      () => c.campaigns(IDS.company, IDS.user).getStatistics(bad),
      () => c.characters(IDS.company, IDS.user, bad).getPage(),
      () => c.characters(IDS.company, IDS.user, IDS.campaign).getPage({ userPlayerId: bad }),
      () => c.characterTraits(IDS.company, IDS.user, IDS.campaign, bad).listAll(),
      () => c.dicerolls(IDS.company, IDS.user).get(bad),
      () => c.dicerolls(IDS.company, IDS.user).getPage({ characterId: bad }),
      () => c.dicerolls(IDS.company, IDS.user).createFromQuickroll({ quickroll_id: bad, character_id: IDS.character }),
      () => c.dicerolls(IDS.company, IDS.user).create({ dice_size: 10, num_dice: 3, character_id: bad }),
      () => c.companies().get(bad),
    ];
    for (const attempt of attempts) {
      expect(await caught(attempt)).toBeInstanceOf(RequestValidationError);
    }
    expect(h.calls).toEqual([]);
  });

  it('refuses out-of-range limit and offset', async () => {
    const h = harness();
    const u = h.client.users(IDS.company);
    for (const attempt of [
      () => u.getPage({ limit: 101 }),
      () => u.getPage({ limit: -1 }),
      () => u.getPage({ limit: 1.5 }),
      () => u.getPage({ offset: -1 }),
      () => u.getNotesPage(IDS.user, { offset: Number.NaN }),
      () => u.iterAll({ limit: 0 }),
      () => u.iterAll({ limit: 101 }),
      () => h.client.companies().getPage({ limit: 1000 }),
    ]) {
      expect(await caught(attempt)).toBeInstanceOf(RequestValidationError);
    }
    expect(h.calls).toEqual([]);
  });

  it('accepts limit 0 and 100', async () => {
    const h = harness();
    h.script(json(200, { items: [], limit: 0, offset: 0, total: 3 }), json(200, fixture('paginated_users')));
    await h.client.users(IDS.company).getPage({ limit: 0 });
    await h.client.users(IDS.company).getPage({ limit: 100 });
    expect(h.calls.map((c) => c.url.searchParams.get('limit'))).toEqual(['0', '100']);
  });

  it('refuses bodies the server would refuse or mishandle', async () => {
    const h = harness();
    const u = h.client.users(IDS.company);
    const role: unknown = 'OVERLORD';
    for (const attempt of [
      () => u.createNote(IDS.user, { title: 'ab', content: 'long enough' }),
      () => u.updateNote(IDS.user, IDS.note, { title: 'Only a title' } as { title: string; content: string }),
      () => u.createQuickroll(IDS.user, { name: 'x'.repeat(51) }),
      () => u.register({ username: 'ab', email: 'a@b.c' }),
      () => u.register({ username: 'abc', email: 'not an email' }),
      () => u.create({ username: 'abc', email: 'a@b.c', role: role as UserRole, requesting_user_id: IDS.admin }),
      () => u.approveUser(IDS.user, 'UNAPPROVED', IDS.admin),
      () => u.getStatistics(IDS.user, { numTopTraits: -1 }),
      () => u.uploadAsset(IDS.user, '', new Uint8Array(1)),
      () => u.uploadAsset(IDS.user, 'a.png', new Uint8Array(1), { contentType: 'image/png\r\nX-Evil: 1' }),
      () => u.createNote(IDS.user, { title: 'abc', content: 'def' }, { idempotencyKey: '' }),
      () => u.createNote(IDS.user, { title: 'abc', content: 'def' }, { idempotencyKey: 'a\nb' }),
      () => h.client.dicerolls(IDS.company, IDS.user).create({ dice_size: 7 as 10, num_dice: 2 }),
    ]) {
      expect(await caught(attempt)).toBeInstanceOf(RequestValidationError);
    }
    expect(h.calls).toEqual([]);
  });

  it('validates client options at construction', () => {
    for (const options of [
      { baseUrl: 'not a url', apiKey: 'k' },
      { baseUrl: 'ftp://127.0.0.1', apiKey: 'k' },
      { baseUrl: 'http://127.0.0.1', apiKey: '' },
      { baseUrl: 'http://127.0.0.1', apiKey: 'k', timeoutMs: 0 },
      { baseUrl: 'http://127.0.0.1', apiKey: 'k', maxRetries: -1 },
    ]) {
      expect(() => new ValentinaClient(options)).toThrow(RequestValidationError);
    }
  });

  it('accepts a base URL with a trailing slash or a path prefix', async () => {
    const h = harness({ baseUrl: 'http://127.0.0.1:8000/valentina/' });
    h.script(json(200, fixture('system_health')));
    await h.client.system().health();
    expect(h.calls[0]?.url.pathname).toBe('/valentina/api/v1/health');
  });
});

describe('response validation', () => {
  it('throws ResponseValidationError with method, path and issues, not the raw body', async () => {
    const h = harness();
    h.script(json(200, { id: 12, username: 'private-name', email: 'secret@example.org', role: 'PLAYER' }));
    const err = await caught(h.client.users(IDS.company).get(IDS.user));
    expect(err).toBeInstanceOf(ResponseValidationError);
    if (!(err instanceof ResponseValidationError)) throw new Error('unreachable');
    expect(err.method).toBe('GET');
    expect(err.path).toBe(`/api/v1/companies/${IDS.company}/users/${IDS.user}`);
    expect(err.status).toBe(200);
    expect(err.issues).toContain('id');
    expect(err.issues).toContain('company_id');
    expect(JSON.stringify(err)).not.toContain('secret@example.org');
    expect(err.message).not.toContain('private-name');
  });

  it('a non-JSON 2xx body is a ResponseValidationError', async () => {
    const h = harness();
    h.script(new Response('<html>ok</html>', { status: 200 }));
    await expect(h.client.users(IDS.company).getNote(IDS.user, IDS.note)).rejects.toBeInstanceOf(ResponseValidationError);
    expect(h.calls).toHaveLength(1);
  });

  it('a page without total is a ResponseValidationError', async () => {
    const h = harness();
    h.script(json(200, { items: [], limit: 10, offset: 0 }));
    await expect(h.client.users(IDS.company).getNotesPage(IDS.user)).rejects.toBeInstanceOf(ResponseValidationError);
  });

  it('tolerates unknown members, newer enum values and members an older server omits', async () => {
    const h = harness();
    const full = fixture('user') as Record<string, unknown>;
    const { lifetime_xp: _xp, lifetime_cool_points: _cp, google_profile: _g, asset_ids: _a, campaign_experience: _ce, ...older } = full;
    h.script(json(200, { ...older, role: 'DEACTIVATED', apple_profile: { id: 'x' }, num_notes: 3 }));
    const user = await h.client.users(IDS.company).get(IDS.user);
    expect(user.role).toBe('DEACTIVATED');
    expect(user.lifetime_xp).toBe(0);
    expect(user.lifetime_cool_points).toBe(0);
    expect(user.asset_ids).toEqual([]);
    expect(user.campaign_experience).toEqual([]);
    expect(user.google_profile.id).toBeNull();
    expect((user as Record<string, unknown>).num_notes).toBe(3);
  });

  it('tolerates newer campaign_experience items and a company without settings', async () => {
    const h = harness();
    const company = fixture('company') as Record<string, unknown>;
    delete company.settings;
    h.script(json(200, { campaign_id: IDS.campaign, xp_current: 1, xp_total: 2, cool_points: 0, id: 'uuid', user_id: 'uuid' }), json(200, company));
    expect(await h.client.users(IDS.company).getExperience(IDS.user, IDS.campaign)).toMatchObject({ xp_current: 1 });
    const parsed = await h.client.companies().get(IDS.company);
    expect(parsed.settings.permission_grant_xp).toBe('UNRESTRICTED');
  });
});

describe('logger interface', () => {
  it('is satisfied by pino', async () => {
    const lines: string[] = [];
    const logger: ValentinaLogger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const h = harness({ logger });
    h.script(json(200, fixture('system_health')));
    await h.client.system().health();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 20, method: 'GET', path: '/api/v1/health', status: 200, msg: 'valentina request' });
  });
});
