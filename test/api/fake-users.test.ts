import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeValentina } from '../fakes/valentina/index.js';
import type { FakeValentina } from '../fakes/valentina/index.js';
import { call, items, obj } from '../fakes/valentina/test-client.js';

let fake: FakeValentina;
let companyId: string;
let adminId: string;
let playerId: string;

beforeEach(async () => {
  fake = await startFakeValentina();
  const company = fake.state.addCompany({ name: 'Windy City Chronicles' });
  companyId = company.id;
  adminId = fake.state.addUser(companyId, { role: 'ADMIN', name_first: 'Ada', name_last: 'Admin' }).id;
  playerId = fake.state.addUser(companyId, { role: 'PLAYER', discord_id: '310907223012884480' }).id;
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

const C = (): string => `/companies/${companyId}`;

describe('authentication and company access', () => {
  it('answers 401 without a key and with an unknown key, as problem+json with the full URL as instance', async () => {
    const missing = await call(fake, 'GET', `${C()}/users`, { apiKey: null, query: { limit: 5 } });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(missing.body).toEqual({
      status: 401,
      title: 'Unauthorized',
      detail: 'API key not provided',
      instance: `${fake.url}/api/v1${C()}/users?limit=5`,
    });
    const wrong = await call(fake, 'GET', '/health', { apiKey: 'nope' });
    expect(wrong.status).toBe(401);
    expect(obj(wrong.body)['detail']).toBe('Unauthorized API key');
  });

  it('404s an unknown company and 403s a company the key has no rights on', async () => {
    const unknown = await call(fake, 'GET', '/companies/0123456789abcdef01234567/users');
    expect(unknown.status).toBe(404);
    expect(obj(unknown.body)['detail']).toBe("Company '0123456789abcdef01234567' not found");
    const other = fake.state.addCompany({ name: 'Elsewhere', grantAccess: false });
    const denied = await call(fake, 'GET', `/companies/${other.id}`);
    expect(denied.status).toBe(403);
    expect(obj(denied.body)['detail']).toBe('No rights to access this resource');
  });

  it('400s a malformed id', async () => {
    const res = await call(fake, 'GET', '/companies/not-an-id/users');
    expect(res.status).toBe(400);
    expect(obj(res.body)['invalid_parameters']).toEqual([expect.objectContaining({ field: 'company_id' })]);
  });

  it('lists only the companies visible to the key, and gets one with settings', async () => {
    fake.state.addCompany({ name: 'Hidden', grantAccess: false });
    const list = await call(fake, 'GET', '/companies');
    expect(list.status).toBe(200);
    expect(items(list.body).map((c) => c['name'])).toEqual(['Windy City Chronicles']);
    const one = await call(fake, 'GET', C());
    expect(obj(obj(one.body)['settings'])['permission_grant_xp']).toBe('UNRESTRICTED');
    expect(one.headers.get('cache-control')).toBe('private, max-age=60');
  });

  it('reports health, and 500 with the same JSON when something is offline', async () => {
    const up = await call(fake, 'GET', '/health');
    expect(up).toMatchObject({ status: 200, body: { database_status: 'online', cache_status: 'online', version: '0.8.0' } });
    fake.state.setHealth({ cache_status: 'offline' });
    const down = await call(fake, 'GET', '/health');
    expect(down.status).toBe(500);
    expect(down.headers.get('content-type')).toBe('application/json');
    expect(obj(down.body)['cache_status']).toBe('offline');
  });
});

describe('listing users', () => {
  it('pages in insertion order with the envelope echoing limit/offset', async () => {
    fake.state.addUsers(companyId, 23);
    const page = await call(fake, 'GET', `${C()}/users`, { query: { limit: 10, offset: 20 } });
    expect(page.status).toBe(200);
    expect(obj(page.body)).toMatchObject({ limit: 10, offset: 20, total: 25 });
    expect(items(page.body)).toHaveLength(5);
    const first = await call(fake, 'GET', `${C()}/users`);
    expect(items(first.body)[0]?.['id']).toBe(adminId);
    expect(obj(first.body)['limit']).toBe(10);
    const zero = await call(fake, 'GET', `${C()}/users`, { query: { limit: 0 } });
    expect(obj(zero.body)).toMatchObject({ items: [], total: 25, limit: 0 });
    const beyond = await call(fake, 'GET', `${C()}/users`, { query: { offset: 99 } });
    expect(obj(beyond.body)).toMatchObject({ items: [], total: 25 });
  });

  it('rejects limit > 100, negative limit and negative offset', async () => {
    for (const query of [{ limit: 101 }, { limit: -1 }, { offset: -1 }, { limit: 'ten' }]) {
      const res = await call(fake, 'GET', `${C()}/users`, { query });
      expect(res.status).toBe(400);
      expect(obj(res.body)['invalid_parameters']).toHaveLength(1);
    }
  });

  it('filters by role and exact email', async () => {
    fake.state.addUser(companyId, { role: 'UNAPPROVED', email: 'night.owl@example.org' });
    const byRole = await call(fake, 'GET', `${C()}/users`, { query: { user_role: 'UNAPPROVED' } });
    expect(items(byRole.body).map((u) => u['email'])).toEqual(['night.owl@example.org']);
    const byEmail = await call(fake, 'GET', `${C()}/users`, { query: { email: 'Night.Owl@example.org' } });
    expect(obj(byEmail.body)['total']).toBe(0);
    const badRole = await call(fake, 'GET', `${C()}/users`, { query: { user_role: 'GOD' } });
    expect(badRole.status).toBe(400);
  });

  it('serves 5,000 seeded users quickly', async () => {
    const started = performance.now();
    fake.state.addUsers(companyId, 5000, (i) => ({ discord_id: String(100000000000000000n + BigInt(i)) }));
    expect(performance.now() - started).toBeLessThan(2000);
    const page = await call(fake, 'GET', `${C()}/users`, { query: { limit: 100, offset: 4900 } });
    expect(obj(page.body)['total']).toBe(5002);
    expect(items(page.body)).toHaveLength(100);
  });
});

describe('user management', () => {
  it('creates users only for an ADMIN requester, with the requester in the body', async () => {
    const body = { username: 'Mara Okafor!', email: 'mara@example.net', role: 'STORYTELLER', name_first: 'Mara', name_last: 'Okafor' };
    const created = await call(fake, 'POST', `${C()}/users`, { body: { ...body, requesting_user_id: adminId } });
    expect(created.status).toBe(201);
    const user = obj(created.body);
    expect(user).toMatchObject({ username: 'mara-okafor', role: 'STORYTELLER', company_id: companyId, lifetime_xp: 0 });
    expect(user['requesting_user_id']).toBeUndefined();
    expect(user['discord_profile']).toEqual({
      id: null, username: null, global_name: null, avatar_id: null, avatar_url: null, discriminator: null, email: null, verified: null,
    });
    expect(fake.state.getCompany(companyId)?.user_ids).toContain(user['id']);

    const asPlayer = await call(fake, 'POST', `${C()}/users`, { body: { ...body, requesting_user_id: playerId } });
    expect(asPlayer.status).toBe(403);
    expect(obj(asPlayer.body)['detail']).toBe('Requesting user is not authorized to manage this user');

    const unknown = await call(fake, 'POST', `${C()}/users`, { body: { ...body, requesting_user_id: 'aaaaaaaaaaaaaaaaaaaaaaaa' } });
    expect(unknown.status).toBe(400);
    expect(obj(unknown.body)['detail']).toBe('User aaaaaaaaaaaaaaaaaaaaaaaa not found');

    const missing = await call(fake, 'POST', `${C()}/users`, { body });
    expect(missing.status).toBe(400);
    expect(obj(missing.body)).toMatchObject({
      detail: 'Validation failed for one or more fields.',
      invalid_parameters: [expect.objectContaining({ field: 'requesting_user_id' })],
    });

    const badEmail = await call(fake, 'POST', `${C()}/users`, { body: { ...body, email: 'nope', requesting_user_id: adminId } });
    expect(badEmail.status).toBe(400);
    expect(obj(badEmail.body)['invalid_parameters']).toEqual([expect.objectContaining({ field: 'email' })]);
  });

  it('accepts a requester from another company', async () => {
    const other = fake.state.addCompany({ name: 'Other' });
    const foreignAdmin = fake.state.addUser(other.id, { role: 'ADMIN' });
    const res = await call(fake, 'POST', `${C()}/users`, {
      body: { username: 'xyz', email: 'x@example.com', role: 'PLAYER', requesting_user_id: foreignAdmin.id },
    });
    expect(res.status).toBe(201);
  });

  it('registers users as UNAPPROVED without a requester', async () => {
    const res = await call(fake, 'POST', `${C()}/users/register`, {
      body: { username: 'nightowl', email: 'owl@example.org', role: 'ADMIN', discord_profile: { id: '902113458760302602', username: 'nightowl' } },
    });
    expect(res.status).toBe(201);
    expect(obj(res.body)).toMatchObject({ role: 'UNAPPROVED', discord_profile: { id: '902113458760302602', username: 'nightowl', avatar_id: null } });
  });

  it('lists unapproved users for admins only, with requesting_user_id in the query', async () => {
    fake.state.addUser(companyId, { role: 'UNAPPROVED' });
    const missing = await call(fake, 'GET', `${C()}/users/unapproved`);
    expect(missing.status).toBe(400);
    expect(obj(missing.body)['invalid_parameters']).toEqual([{ field: 'body', message: 'One or more fields did not pass validation.' }]);
    const asPlayer = await call(fake, 'GET', `${C()}/users/unapproved`, { query: { requesting_user_id: playerId } });
    expect(asPlayer.status).toBe(403);
    const asAdmin = await call(fake, 'GET', `${C()}/users/unapproved`, { query: { requesting_user_id: adminId } });
    expect(obj(asAdmin.body)['total']).toBe(1);
  });

  it('approves (201 User) and denies (201 null) unapproved users; permission is checked before state', async () => {
    const a = fake.state.addUser(companyId, { role: 'UNAPPROVED' });
    const b = fake.state.addUser(companyId, { role: 'UNAPPROVED' });
    const playerTriesApprovingPlayer = await call(fake, 'POST', `${C()}/users/${playerId}/approve`, {
      body: { role: 'PLAYER', requesting_user_id: playerId },
    });
    expect(playerTriesApprovingPlayer.status).toBe(403);
    const toUnapproved = await call(fake, 'POST', `${C()}/users/${a.id}/approve`, { body: { role: 'UNAPPROVED', requesting_user_id: adminId } });
    expect(toUnapproved.status).toBe(400);
    const approved = await call(fake, 'POST', `${C()}/users/${a.id}/approve`, { body: { role: 'PLAYER', requesting_user_id: adminId } });
    expect(approved.status).toBe(201);
    expect(obj(approved.body)['role']).toBe('PLAYER');
    const again = await call(fake, 'POST', `${C()}/users/${a.id}/approve`, { body: { role: 'PLAYER', requesting_user_id: adminId } });
    expect(again.status).toBe(400);

    const denied = await call(fake, 'POST', `${C()}/users/${b.id}/deny`, { body: { requesting_user_id: adminId } });
    expect(denied.status).toBe(201);
    expect(denied.text).toBe('null');
    expect(fake.state.getUser(b.id)?.archived).toBe(true);
    const gone = await call(fake, 'GET', `${C()}/users/${b.id}`);
    expect(gone.status).toBe(404);
    expect(obj(gone.body)['detail']).toBe('User not found');
  });

  it('merges an unapproved secondary into the primary', async () => {
    const secondary = fake.state.addUser(companyId, { role: 'UNAPPROVED', google_profile: { id: 'g-1', email: 'g@example.com' } });
    const notUnapproved = await call(fake, 'POST', `${C()}/users/merge`, {
      body: { primary_user_id: playerId, secondary_user_id: adminId, requesting_user_id: adminId },
    });
    expect(notUnapproved.status).toBe(400);
    const same = await call(fake, 'POST', `${C()}/users/merge`, {
      body: { primary_user_id: playerId, secondary_user_id: playerId, requesting_user_id: adminId },
    });
    expect(same.status).toBe(400);
    const missing = await call(fake, 'POST', `${C()}/users/merge`, {
      body: { primary_user_id: playerId, secondary_user_id: 'bbbbbbbbbbbbbbbbbbbbbbbb', requesting_user_id: adminId },
    });
    expect(missing.status).toBe(404);
    const merged = await call(fake, 'POST', `${C()}/users/merge`, {
      body: { primary_user_id: playerId, secondary_user_id: secondary.id, requesting_user_id: adminId },
    });
    expect(merged.status).toBe(201);
    expect(obj(merged.body)).toMatchObject({ id: playerId, google_profile: { id: 'g-1' } });
    expect(fake.state.getUser(secondary.id)?.archived).toBe(true);
  });

  it('updates self or as admin, merging profiles member by member; a player may raise its own role', async () => {
    const self = await call(fake, 'PATCH', `${C()}/users/${playerId}`, {
      body: { requesting_user_id: playerId, discord_profile: { username: 'maravex' }, role: 'ADMIN' },
    });
    expect(self.status).toBe(200);
    expect(obj(self.body)).toMatchObject({ role: 'ADMIN', discord_profile: { id: '310907223012884480', username: 'maravex' } });
    const other = fake.state.addUser(companyId, { role: 'PLAYER' });
    const foreign = await call(fake, 'PATCH', `${C()}/users/${adminId}`, { body: { requesting_user_id: other.id, name_first: 'Evil' } });
    expect(foreign.status).toBe(403);
    const shortName = await call(fake, 'PATCH', `${C()}/users/${other.id}`, { body: { requesting_user_id: adminId, name_first: 'X' } });
    expect(shortName.status).toBe(400);
    expect(obj(shortName.body)).toMatchObject({ detail: 'A validation error occurred.', invalid_parameters: [{ field: ['name_first'] }] });
  });

  it('deletes with requesting_user_id in the query: 204, empty body, archived and removed from the company', async () => {
    const other = fake.state.addUser(companyId, { role: 'PLAYER' });
    const denied = await call(fake, 'DELETE', `${C()}/users/${playerId}`, { query: { requesting_user_id: other.id } });
    expect(denied.status).toBe(403);
    const missing = await call(fake, 'DELETE', `${C()}/users/${playerId}`);
    expect(missing.status).toBe(400);
    const res = await call(fake, 'DELETE', `${C()}/users/${playerId}`, { query: { requesting_user_id: adminId } });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(fake.state.getCompany(companyId)?.user_ids).not.toContain(playerId);
    expect(fake.state.listUsers(companyId).map((u) => u.id)).not.toContain(playerId);
  });

  it('bumps resources_modified_at on audited mutations', async () => {
    let t = Date.parse('2026-03-14T19:00:00Z');
    const clock = await startFakeValentina({ now: () => new Date(t) });
    try {
      const company = clock.state.addCompany();
      const admin = clock.state.addUser(company.id, { role: 'ADMIN' });
      t += 65_000;
      const res = await call(clock, 'PATCH', `/companies/${company.id}/users/${admin.id}`, { body: { requesting_user_id: admin.id, name_last: 'Moved' } });
      expect(res.status).toBe(200);
      expect(clock.state.getCompany(company.id)?.resources_modified_at).toBe('2026-03-14T19:01:05Z');
      expect(obj(res.body)['date_modified']).toBe('2026-03-14T19:01:05Z');
      expect(clock.violations).toEqual([]);
    } finally {
      await clock.close();
    }
  });
});
