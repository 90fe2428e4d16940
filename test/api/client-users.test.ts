import { describe, expect, it } from 'vitest';
import type { UsersService } from '../../src/api/index.js';
import { API_KEY, IDS, fixture, harness, json, jsonBody, noContent, only, type Step } from './helpers/scripted-fetch.js';

const C = `/api/v1/companies/${IDS.company}`;
const U = `${C}/users/${IDS.user}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface WireCase {
  name: string;
  answer: Step;
  run: (users: UsersService) => Promise<unknown>;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

const user = () => json(200, fixture('user'));
const created = (name: string) => json(201, fixture(name));
const page = (name: string) => json(200, fixture(name));

const cases: WireCase[] = [
  { name: 'get', answer: user(), run: (u) => u.get(IDS.user), method: 'GET', path: U },
  {
    name: 'create',
    answer: created('user'),
    run: (u) =>
      u.create({ username: 'mara-okafor', email: 'mara@example.net', role: 'PLAYER', name_first: 'Mara', requesting_user_id: IDS.admin, discord_profile: { id: '310907223012884480' } }),
    method: 'POST',
    path: `${C}/users`,
    body: { username: 'mara-okafor', email: 'mara@example.net', role: 'PLAYER', name_first: 'Mara', discord_profile: { id: '310907223012884480' }, requesting_user_id: IDS.admin },
  },
  {
    name: 'register',
    answer: created('user'),
    run: (u) => u.register({ username: 'nightowl', email: 'nightowl@example.org' }),
    method: 'POST',
    path: `${C}/users/register`,
    body: { username: 'nightowl', email: 'nightowl@example.org' },
  },
  {
    name: 'update',
    answer: user(),
    run: (u) => u.update(IDS.user, { name_last: 'Okafor', requesting_user_id: IDS.user }),
    method: 'PATCH',
    path: U,
    body: { name_last: 'Okafor', requesting_user_id: IDS.user },
  },
  {
    name: 'delete',
    answer: noContent(),
    run: (u) => u.delete(IDS.user, IDS.admin),
    method: 'DELETE',
    path: U,
    query: { requesting_user_id: IDS.admin },
  },
  {
    name: 'getPage with filters',
    answer: page('paginated_users'),
    run: (u) => u.getPage({ userRole: 'PLAYER', email: 'a+b@example.net', limit: 5, offset: 10 }),
    method: 'GET',
    path: `${C}/users`,
    query: { user_role: 'PLAYER', email: 'a+b@example.net', limit: '5', offset: '10' },
  },
  {
    name: 'getPage defaults',
    answer: page('paginated_users'),
    run: (u) => u.getPage(),
    method: 'GET',
    path: `${C}/users`,
    query: { limit: '10', offset: '0' },
  },
  {
    name: 'getUnapprovedPage puts requesting_user_id in the query',
    answer: page('paginated_users_unapproved'),
    run: (u) => u.getUnapprovedPage(IDS.admin, { limit: 20 }),
    method: 'GET',
    path: `${C}/users/unapproved`,
    query: { requesting_user_id: IDS.admin, limit: '20', offset: '0' },
  },
  {
    name: 'approveUser',
    answer: created('user'),
    run: (u) => u.approveUser(IDS.unapproved, 'PLAYER', IDS.admin),
    method: 'POST',
    path: `${C}/users/${IDS.unapproved}/approve`,
    body: { role: 'PLAYER', requesting_user_id: IDS.admin },
  },
  {
    name: 'denyUser ignores the null body',
    answer: json(201, null),
    run: (u) => u.denyUser(IDS.unapproved, IDS.admin),
    method: 'POST',
    path: `${C}/users/${IDS.unapproved}/deny`,
    body: { requesting_user_id: IDS.admin },
  },
  {
    name: 'merge',
    answer: created('user'),
    run: (u) => u.merge(IDS.user, IDS.unapproved, IDS.admin),
    method: 'POST',
    path: `${C}/users/merge`,
    body: { primary_user_id: IDS.user, secondary_user_id: IDS.unapproved, requesting_user_id: IDS.admin },
  },
  {
    name: 'getStatistics default',
    answer: json(200, fixture('roll_statistics')),
    run: (u) => u.getStatistics(IDS.user),
    method: 'GET',
    path: `${U}/statistics`,
    query: { num_top_traits: '5' },
  },
  {
    name: 'getStatistics numTopTraits',
    answer: json(200, fixture('roll_statistics')),
    run: (u) => u.getStatistics(IDS.user, { numTopTraits: 3 }),
    method: 'GET',
    path: `${U}/statistics`,
    query: { num_top_traits: '3' },
  },
  {
    name: 'getExperience',
    answer: json(200, fixture('campaign_experience')),
    run: (u) => u.getExperience(IDS.user, IDS.campaign),
    method: 'GET',
    path: `${U}/experience/${IDS.campaign}`,
  },
  {
    name: 'addXp',
    answer: created('campaign_experience'),
    run: (u) => u.addXp(IDS.user, IDS.campaign, 15, IDS.admin),
    method: 'POST',
    path: `${U}/experience/xp/add`,
    body: { amount: 15, campaign_id: IDS.campaign, requesting_user_id: IDS.admin },
  },
  {
    name: 'removeXp',
    answer: created('campaign_experience'),
    run: (u) => u.removeXp(IDS.user, IDS.campaign, 10, IDS.admin),
    method: 'POST',
    path: `${U}/experience/xp/remove`,
    body: { amount: 10, campaign_id: IDS.campaign, requesting_user_id: IDS.admin },
  },
  {
    name: 'addCoolPoints',
    answer: created('campaign_experience'),
    run: (u) => u.addCoolPoints(IDS.user, IDS.campaign, 2, IDS.admin),
    method: 'POST',
    path: `${U}/experience/cp/add`,
    body: { amount: 2, campaign_id: IDS.campaign, requesting_user_id: IDS.admin },
  },
  {
    name: 'getAssetsPage',
    answer: page('paginated_assets'),
    run: (u) => u.getAssetsPage(IDS.user, { limit: 3, offset: 6, assetType: 'image' }),
    method: 'GET',
    path: `${U}/assets`,
    query: { asset_type: 'image', limit: '3', offset: '6' },
  },
  { name: 'getAsset', answer: json(200, fixture('asset')), run: (u) => u.getAsset(IDS.user, IDS.asset), method: 'GET', path: `${U}/assets/${IDS.asset}` },
  { name: 'deleteAsset', answer: noContent(), run: (u) => u.deleteAsset(IDS.user, IDS.asset), method: 'DELETE', path: `${U}/assets/${IDS.asset}` },
  {
    name: 'getNotesPage',
    answer: page('paginated_notes'),
    run: (u) => u.getNotesPage(IDS.user, { limit: 2 }),
    method: 'GET',
    path: `${U}/notes`,
    query: { limit: '2', offset: '0' },
  },
  { name: 'getNote', answer: json(200, fixture('note')), run: (u) => u.getNote(IDS.user, IDS.note), method: 'GET', path: `${U}/notes/${IDS.note}` },
  {
    name: 'createNote',
    answer: created('note'),
    run: (u) => u.createNote(IDS.user, { title: 'Session 12 recap', content: 'Met the contact.' }),
    method: 'POST',
    path: `${U}/notes`,
    body: { title: 'Session 12 recap', content: 'Met the contact.' },
  },
  {
    name: 'updateNote sends both members',
    answer: json(200, fixture('note')),
    run: (u) => u.updateNote(IDS.user, IDS.note, { title: 'New title', content: 'Same content' }),
    method: 'PATCH',
    path: `${U}/notes/${IDS.note}`,
    body: { title: 'New title', content: 'Same content' },
  },
  { name: 'deleteNote', answer: noContent(), run: (u) => u.deleteNote(IDS.user, IDS.note), method: 'DELETE', path: `${U}/notes/${IDS.note}` },
  {
    name: 'getQuickrollsPage',
    answer: page('paginated_quickrolls'),
    run: (u) => u.getQuickrollsPage(IDS.user),
    method: 'GET',
    path: `${U}/quickrolls`,
    query: { limit: '10', offset: '0' },
  },
  {
    name: 'getQuickroll',
    answer: json(200, fixture('quickroll')),
    run: (u) => u.getQuickroll(IDS.user, IDS.quickroll),
    method: 'GET',
    path: `${U}/quickrolls/${IDS.quickroll}`,
  },
  {
    name: 'createQuickroll',
    answer: created('quickroll'),
    run: (u) => u.createQuickroll(IDS.user, { name: 'Shoot', description: 'Dex + Firearms', trait_ids: [IDS.trait] }),
    method: 'POST',
    path: `${U}/quickrolls`,
    body: { name: 'Shoot', description: 'Dex + Firearms', trait_ids: [IDS.trait] },
  },
  {
    name: 'updateQuickroll (partial)',
    answer: json(200, fixture('quickroll')),
    run: (u) => u.updateQuickroll(IDS.user, IDS.quickroll, { name: 'Shoot again' }),
    method: 'PATCH',
    path: `${U}/quickrolls/${IDS.quickroll}`,
    body: { name: 'Shoot again' },
  },
  {
    name: 'deleteQuickroll',
    answer: noContent(),
    run: (u) => u.deleteQuickroll(IDS.user, IDS.quickroll),
    method: 'DELETE',
    path: `${U}/quickrolls/${IDS.quickroll}`,
  },
];

describe('UsersService on the wire', () => {
  it.each(cases)('$name', async (c) => {
    const h = harness();
    h.script(c.answer);
    await c.run(h.client.users(IDS.company));
    const call = only(h.calls);
    expect(call.method).toBe(c.method);
    expect(`${call.url.origin}${call.url.pathname}`).toBe(`http://127.0.0.1:8000${c.path}`);
    expect(Object.fromEntries(call.url.searchParams)).toEqual(c.query ?? {});
    expect(call.headers.get('x-api-key')).toBe(API_KEY);
    if (c.body === undefined) {
      expect(call.body).toBeUndefined();
    } else {
      expect(call.headers.get('content-type')).toBe('application/json');
      expect(jsonBody(call)).toEqual(c.body);
    }
    if (c.method === 'POST' || c.method === 'PATCH') {
      expect(call.headers.get('idempotency-key')).toMatch(UUID);
    } else {
      expect(call.headers.has('idempotency-key')).toBe(false);
    }
  });

  it('returns parsed models', async () => {
    const h = harness();
    h.script(json(200, fixture('user')), json(201, fixture('campaign_experience')));
    const users = h.client.users(IDS.company);
    const u = await users.get(IDS.user);
    expect(u.username).toBe('mara-okafor');
    expect(u.discord_profile.id).toBe('310907223012884480');
    expect(u.campaign_experience[0]?.xp_current).toBe(25);
    const xp = await users.addXp(IDS.user, IDS.campaign, 1, IDS.admin);
    expect(xp).toMatchObject({ campaign_id: IDS.campaign, xp_current: 25, xp_total: 35, cool_points: 2 });
  });

  it('denyUser resolves to undefined even with a null body', async () => {
    const h = harness();
    h.script(json(201, null));
    await expect(h.client.users(IDS.company).denyUser(IDS.unapproved, IDS.admin)).resolves.toBeUndefined();
  });

  it('URL-encodes path segments through one helper', async () => {
    // A non-hex id is refused by the v1 profile, so use a permissive profile to see the encoding.
    const { V1_MARCH_2026 } = await import('../../src/api/index.js');
    const h = harness({ wire: { ...V1_MARCH_2026, isValidId: (id) => id.length > 0 } });
    h.script(json(200, fixture('user')));
    await h.client.users('acme/../x').get('a b?c#d');
    const call = only(h.calls);
    expect(call.url.pathname).toBe('/api/v1/companies/acme%2F..%2Fx/users/a%20b%3Fc%23d');
    expect(call.url.search).toBe('');
  });

  it('sends a User-Agent and accepts problem+json', async () => {
    const h = harness({ userAgent: 'bot-under-test/1' });
    h.script(json(200, fixture('user')));
    await h.client.users(IDS.company).get(IDS.user);
    const call = only(h.calls);
    expect(call.headers.get('user-agent')).toBe('bot-under-test/1');
    expect(call.headers.get('accept')).toContain('application/problem+json');
  });

  it('uses a caller-provided Idempotency-Key on every mutating method', async () => {
    const h = harness();
    const users = h.client.users(IDS.company);
    const key = { idempotencyKey: 'interaction-123:xp' };
    const runs: Array<[Step, () => Promise<unknown>]> = [
      [json(201, fixture('user')), () => users.create({ username: 'abc', email: 'a@b.c', role: 'PLAYER', requesting_user_id: IDS.admin }, key)],
      [json(201, fixture('user')), () => users.register({ username: 'abc', email: 'a@b.c' }, key)],
      [json(200, fixture('user')), () => users.update(IDS.user, { requesting_user_id: IDS.user }, key)],
      [json(201, fixture('user')), () => users.approveUser(IDS.user, 'PLAYER', IDS.admin, key)],
      [json(201, null), () => users.denyUser(IDS.user, IDS.admin, key)],
      [json(201, fixture('user')), () => users.merge(IDS.user, IDS.unapproved, IDS.admin, key)],
      [json(201, fixture('campaign_experience')), () => users.addXp(IDS.user, IDS.campaign, 1, IDS.admin, key)],
      [json(201, fixture('campaign_experience')), () => users.removeXp(IDS.user, IDS.campaign, 1, IDS.admin, key)],
      [json(201, fixture('campaign_experience')), () => users.addCoolPoints(IDS.user, IDS.campaign, 1, IDS.admin, key)],
      [json(201, fixture('asset')), () => users.uploadAsset(IDS.user, 'a.png', new Uint8Array([1]), key)],
      [json(201, fixture('note')), () => users.createNote(IDS.user, { title: 'abc', content: 'def' }, key)],
      [json(200, fixture('note')), () => users.updateNote(IDS.user, IDS.note, { title: 'abc', content: 'def' }, key)],
      [json(201, fixture('quickroll')), () => users.createQuickroll(IDS.user, { name: 'abc' }, key)],
      [json(200, fixture('quickroll')), () => users.updateQuickroll(IDS.user, IDS.quickroll, { name: 'abc' }, key)],
    ];
    for (const [answer, run] of runs) {
      h.script(answer);
      await run();
    }
    expect(h.calls).toHaveLength(runs.length);
    for (const call of h.calls) expect(call.headers.get('idempotency-key')).toBe('interaction-123:xp');
  });

  it('generates a different Idempotency-Key per call', async () => {
    const h = harness();
    h.script(json(201, fixture('note')), json(201, fixture('note')));
    const users = h.client.users(IDS.company);
    await users.createNote(IDS.user, { title: 'abc', content: 'def' });
    await users.createNote(IDS.user, { title: 'abc', content: 'def' });
    const [a, b] = h.calls.map((c) => c.headers.get('idempotency-key'));
    expect(a).toMatch(UUID);
    expect(b).toMatch(UUID);
    expect(a).not.toBe(b);
  });
});

describe('uploadAsset', () => {
  async function upload(content: Uint8Array | Blob, filename: string, contentType?: string) {
    const h = harness();
    h.script(json(201, fixture('asset')));
    const asset = await h.client.users(IDS.company).uploadAsset(IDS.user, filename, content, contentType === undefined ? {} : { contentType });
    const call = only(h.calls);
    const raw = call.rawBody;
    if (!(raw instanceof Uint8Array)) throw new Error('expected a byte body');
    const form = await new Response(raw, { headers: { 'content-type': call.headers.get('content-type') ?? '' } }).formData();
    const file = form.get('data');
    if (!(file instanceof Blob)) throw new Error('no file part named data');
    return { call, asset, form, file };
  }

  it('sends one multipart part named data with the type guessed from the filename', async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    const { call, asset, form, file } = await upload(bytes, 'portrait.PNG');
    expect(call.method).toBe('POST');
    expect(call.url.pathname).toBe(`/api/v1/companies/${IDS.company}/users/${IDS.user}/assets/upload`);
    expect(call.headers.get('content-type')).toMatch(/^multipart\/form-data; boundary=/);
    expect([...form.keys()]).toEqual(['data']);
    expect(file.type).toBe('image/png');
    expect(file instanceof File ? file.name : undefined).toBe('portrait.PNG');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
    expect(asset.public_url).toMatch(/^https:/);
  });

  it('falls back to application/octet-stream', async () => {
    const { file } = await upload(new Uint8Array([1, 2]), 'mystery.blob');
    expect(file.type).toBe('application/octet-stream');
  });

  it('honours an explicit contentType and accepts a Blob', async () => {
    const { file } = await upload(new Blob(['hello'], { type: 'text/plain' }), 'note.bin', 'text/markdown');
    expect(file.type).toBe('text/markdown');
    expect(await file.text()).toBe('hello');
  });

  it("uses a Blob's own type when no contentType is given", async () => {
    const { file } = await upload(new Blob(['{}'], { type: 'application/json' }), 'data.bin');
    expect(file.type).toBe('application/json');
  });

  it('escapes quotes in the filename', async () => {
    const { call, file } = await upload(new Uint8Array([1]), 'my "best"\r\npic.jpg');
    expect(call.body).toContain('filename="my %22best%22%0D%0Apic.jpg"');
    // A standard multipart parser undoes the escaping.
    expect(file instanceof File ? file.name : undefined).toBe('my "best"\r\npic.jpg');
  });
});

describe('pagination helpers', () => {
  const usersPage = (ids: string[], offset: number, total: number, limit = 2) => {
    const base = fixture('user') as Record<string, unknown>;
    return json(200, { items: ids.map((id) => ({ ...base, id })), limit, offset, total });
  };

  it('iterAll walks the offsets and stops at total', async () => {
    const h = harness();
    h.script(usersPage(['a1', 'a2'], 0, 5), usersPage(['a3', 'a4'], 2, 5), usersPage(['a5'], 4, 5));
    const ids: string[] = [];
    for await (const u of h.client.users(IDS.company).iterAll({ limit: 2, userRole: 'PLAYER' })) ids.push(u.id);
    expect(ids).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(h.calls.map((c) => [c.url.searchParams.get('offset'), c.url.searchParams.get('limit'), c.url.searchParams.get('user_role')])).toEqual([
      ['0', '2', 'PLAYER'],
      ['2', '2', 'PLAYER'],
      ['4', '2', 'PLAYER'],
    ]);
  });

  it('advances by the items received, so a server capping pages below the limit skips nobody', async () => {
    const h = harness();
    h.script(usersPage(['a1', 'a2'], 0, 5, 3), usersPage(['a3', 'a4'], 2, 5, 3), usersPage(['a5'], 4, 5, 3));
    const ids: string[] = [];
    for await (const u of h.client.users(IDS.company).iterAll({ limit: 3 })) ids.push(u.id);
    expect(ids).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(h.calls.map((c) => c.url.searchParams.get('offset'))).toEqual(['0', '2', '4']);
  });

  it('stops on an empty page even when total claims more', async () => {
    const h = harness();
    h.script(usersPage(['a1', 'a2'], 0, 10), usersPage([], 2, 10));
    const all = await h.client.users(IDS.company).listAll();
    expect(all.map((u) => u.id)).toEqual(['a1', 'a2']);
    expect(h.calls).toHaveLength(2);
    expect(h.calls[0]?.url.searchParams.get('limit')).toBe('100');
  });

  it('makes a single call for an empty list', async () => {
    const h = harness();
    h.script(json(200, fixture('paginated_empty')));
    expect(await h.client.users(IDS.company).listAllNotes(IDS.user)).toEqual([]);
    expect(h.calls).toHaveLength(1);
  });

  it('streams: the next page is fetched only when the consumer gets there', async () => {
    const h = harness();
    h.script(usersPage(['a1', 'a2'], 0, 4), usersPage(['a3', 'a4'], 2, 4));
    const it = h.client.users(IDS.company).iterAll({ limit: 2 })[Symbol.asyncIterator]();
    await it.next();
    await it.next();
    expect(h.calls).toHaveLength(1);
    await it.next();
    expect(h.calls).toHaveLength(2);
    await it.return?.();
  });

  it('every list family iterates with its own route', async () => {
    const h = harness();
    const users = h.client.users(IDS.company);
    h.script(json(200, fixture('paginated_users_unapproved')));
    expect((await users.listAllUnapproved(IDS.admin)).length).toBeGreaterThan(0);
    h.script(json(200, fixture('paginated_assets')));
    expect((await users.listAllAssets(IDS.user)).length).toBeGreaterThan(0);
    h.script(json(200, fixture('paginated_quickrolls')));
    expect((await users.listAllQuickrolls(IDS.user)).length).toBeGreaterThan(0);
    h.script(json(200, fixture('paginated_notes')));
    expect((await users.listAllNotes(IDS.user)).length).toBeGreaterThan(0);
    expect(h.calls.map((c) => c.url.pathname.split('/').slice(-1)[0])).toEqual(['unapproved', 'assets', 'quickrolls', 'notes']);
    expect(h.calls[0]?.url.searchParams.get('requesting_user_id')).toBe(IDS.admin);
  });
});
