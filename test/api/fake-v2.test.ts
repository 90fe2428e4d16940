import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeValentina, tokenTable } from '../fakes/valentina/index.js';
import type { FakeValentina } from '../fakes/valentina/index.js';
import { call, items, obj } from '../fakes/valentina/test-client.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const OBJECT_ID = '68c2a1b51f3b7e9a5c6d2e11';

let fake: FakeValentina;
let companyId: string;
let adminId: string;
let stId: string;
let playerId: string;

beforeEach(async () => {
  fake = await startFakeValentina({
    version: 'v2',
    verifyIdentity: tokenTable({
      'tok-known': { id: '310907223012884480', username: 'ravenna', email: 'ravenna@example.com', verified: true },
      'tok-email': { id: '733021558823911444', username: 'linkme', email: 'Linked@Example.com', verified: true },
      'tok-new': { id: '800000000000000001', username: 'newcomer', email: 'newcomer@example.net', verified: true },
      'tok-noemail': { id: '800000000000000002', username: 'quiet', email: null, verified: false },
      'tok-down': 'unavailable',
    }),
  });
  const company = fake.state.addCompany({ name: 'Windy City Chronicles' });
  companyId = company.id;
  adminId = fake.state.addUser(companyId, { role: 'ADMIN', username: 'ada' }).id;
  stId = fake.state.addUser(companyId, { role: 'STORYTELLER', username: 'sol' }).id;
  playerId = fake.state.addUser(companyId, { role: 'PLAYER', username: 'ravenna', discord_id: '310907223012884480' }).id;
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

const C = (): string => `/companies/${companyId}`;
const as = (userId: string): Record<string, string> => ({ 'On-Behalf-Of': userId });

describe('v2 fake: identifiers, tenancy and health', () => {
  it('mints UUID v7 ids and reports a 0.27 server with the v2 health members', async () => {
    expect(companyId).toMatch(UUID);
    expect(playerId).toMatch(UUID);
    const health = await call(fake, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(obj(health.body)['version']).toBe('0.27.0');
    expect(Object.keys(obj(health.body))).toEqual(expect.arrayContaining(['uptime', 'database_latency_ms', 'cache_latency_ms']));
    expect(health.headers.get('x-request-id')).toMatch(/^req_[\w-]{22}$/);
  });

  it('checks its answers against the v2 document (a v1-shaped user does not pass)', async () => {
    const v1Shaped = obj((await call(fake, 'GET', `${C()}/users/${adminId}`)).body);
    expect(fake.validator?.validateSchema('User', v1Shaped)).toBeNull();
    const { num_quickrolls: _n, ...withoutCounts } = v1Shaped;
    expect(fake.validator?.validateSchema('User', { ...withoutCounts, asset_ids: [] })).toMatch(/num_quickrolls/);
  });

  it('403s unknown, malformed and foreign companies alike (no existence check for ordinary keys)', async () => {
    for (const id of ['019d0000-0000-7000-8000-000000000000', OBJECT_ID]) {
      const res = await call(fake, 'GET', `/companies/${id}/users`);
      expect(res.status).toBe(403);
      expect(obj(res.body)['detail']).toBe('No rights to access this resource');
      expect(obj(res.body)['request_id']).toMatch(/^req_/);
    }
  });

  it('400s a v1 ObjectId in a path', async () => {
    const res = await call(fake, 'GET', `${C()}/users/${OBJECT_ID}`);
    expect(res.status).toBe(400);
    expect(obj(res.body)['invalid_parameters']).toEqual([expect.objectContaining({ field: 'user_id' })]);
  });

  it('serialises users with null profiles, counts and no asset_ids', async () => {
    const res = await call(fake, 'GET', `${C()}/users/${adminId}`);
    const user = obj(res.body);
    expect(user['discord_profile']).toBeNull();
    expect(user['apple_profile']).toBeNull();
    expect(user['num_quickrolls']).toBe(0);
    expect('asset_ids' in user).toBe(false);
    const player = obj((await call(fake, 'GET', `${C()}/users/${playerId}`)).body);
    expect(obj(player['discord_profile'])['id']).toBe('310907223012884480');
  });
});

describe('v2 fake: On-Behalf-Of', () => {
  it('400s a required route without the header, naming the header', async () => {
    const res = await call(fake, 'GET', `${C()}/dicerolls`);
    expect(res.status).toBe(400);
    expect(obj(res.body)['detail']).toBe(`Missing required header parameter 'on-behalf-of' for path /api/v1${C()}/dicerolls`);
  });

  it('404s a v1 ObjectId or unknown user as the actor, 403s UNAPPROVED and DEACTIVATED actors', async () => {
    const objectId = await call(fake, 'GET', `${C()}/users/unapproved`, { headers: as(OBJECT_ID) });
    expect(objectId.status).toBe(404);
    expect(obj(objectId.body)['detail']).toBe(`User '${OBJECT_ID}' not found`);
    const pending = fake.state.addUser(companyId, { role: 'UNAPPROVED' });
    const unapproved = await call(fake, 'GET', `${C()}/users/${playerId}`, { headers: as(pending.id) });
    expect(unapproved.status).toBe(403);
    expect(obj(unapproved.body)['detail']).toBe('User has not been approved yet');
    const gone = fake.state.addUser(companyId, { role: 'DEACTIVATED' });
    const deactivated = await call(fake, 'GET', `${C()}/users/${playerId}/statistics`, { headers: as(gone.id) });
    expect(obj(deactivated.body)['detail']).toBe('User account is deactivated');
  });

  it('ignores the header where the contract says so (campaigns, company)', async () => {
    const pending = fake.state.addUser(companyId, { role: 'UNAPPROVED' });
    expect((await call(fake, 'GET', `${C()}/campaigns`, { headers: as(pending.id) })).status).toBe(200);
    expect((await call(fake, 'GET', C(), { headers: as('garbage') })).status).toBe(200);
  });

  it('lists the unapproved only for an ADMIN actor', async () => {
    fake.state.addUser(companyId, { role: 'UNAPPROVED' });
    expect((await call(fake, 'GET', `${C()}/users/unapproved`, { headers: as(stId) })).status).toBe(403);
    const ok = await call(fake, 'GET', `${C()}/users/unapproved`, { headers: as(adminId) });
    expect(items(ok.body)).toHaveLength(1);
  });
});

describe('v2 fake: company-level campaigns, characters and dice', () => {
  it('lists characters by campaign filter and hides STORYTELLER characters from players', async () => {
    const campaign = fake.state.addCampaign(companyId, { name: 'Chicago by Night' });
    const other = fake.state.addCampaign(companyId, { name: 'Elsewhere' });
    fake.state.addCharacter(companyId, campaign.id, { user_player_id: playerId, name_first: 'Celeste' });
    fake.state.addCharacter(companyId, campaign.id, { user_player_id: stId, type: 'STORYTELLER', name_first: 'Prince' });
    fake.state.addCharacter(companyId, other.id, { user_player_id: playerId, name_first: 'Elsa' });
    const asPlayer = await call(fake, 'GET', `${C()}/characters`, { headers: as(playerId), query: { campaign_id: campaign.id } });
    expect(items(asPlayer.body).map((c) => c['name_first'])).toEqual(['Celeste']);
    const asSt = await call(fake, 'GET', `${C()}/characters`, { headers: as(stId), query: { campaign_id: campaign.id } });
    expect(items(asSt.body).map((c) => c['name_first'])).toEqual(['Celeste', 'Prince']);
  });

  it('renames the traits filter to category_id and renders trait dates with +00:00', async () => {
    const campaign = fake.state.addCampaign(companyId);
    const pc = fake.state.addCharacter(companyId, campaign.id, {
      user_player_id: playerId, traits: [{ name: 'Dexterity', value: 3 }],
    });
    fake.state.addTraitBlueprint({ name: 'Occult', parent_category_name: 'Knowledges' });
    const res = await call(fake, 'GET', `${C()}/characters/${pc.id}/traits`);
    const [trait] = items(res.body);
    expect(trait?.['date_created']).toMatch(/\+00:00$/);
    const category = obj(trait?.['trait'])['category_id'];
    const filtered = await call(fake, 'GET', `${C()}/characters/${pc.id}/traits`, { query: { category_id: String(category) } });
    expect(items(filtered.body)).toHaveLength(1);
  });

  it('rolls as the acting user at company level, lists newest first, honours desperation dice on quickrolls', async () => {
    const campaign = fake.state.addCampaign(companyId);
    const pc = fake.state.addCharacter(companyId, campaign.id, { user_player_id: playerId, traits: [{ name: 'Wits', value: 2 }] });
    const qr = fake.state.addQuickroll(playerId, { name: 'Think', trait_names: ['Wits'] });
    const first = await call(fake, 'POST', `${C()}/dicerolls`, { headers: as(playerId), body: { dice_size: 10, num_dice: 2, difficulty: 6 } });
    expect(first.status).toBe(201);
    expect(obj(first.body)['user_id']).toBe(playerId);
    const second = await call(fake, 'POST', `${C()}/dicerolls/quickroll`, {
      headers: as(playerId), body: { quickroll_id: qr.id, character_id: pc.id, num_desperation_dice: 1 },
    });
    expect(obj(second.body)['num_desperation_dice']).toBe(1);
    expect(obj(second.body)['num_dice']).toBe(2);
    const list = await call(fake, 'GET', `${C()}/dicerolls`, { headers: as(playerId), query: { userid: playerId } });
    expect(items(list.body).map((r) => r['id'])).toEqual([obj(second.body)['id'], obj(first.body)['id']]);
  });
});

describe('v2 fake: identify, lookup and identities', () => {
  const identify = (token: string, extra: Record<string, unknown> = {}) =>
    call(fake, 'POST', `${C()}/auth/identify`, { body: { provider: 'discord', token, ...extra } });

  it('matches a linked user, links by verified email, creates an UNAPPROVED user otherwise (all 200)', async () => {
    const matched = await identify('tok-known');
    expect(matched.status).toBe(200);
    expect(obj(matched.body)['resolution']).toBe('matched');
    expect(obj(obj(matched.body)['user'])['id']).toBe(playerId);

    const target = fake.state.addUser(companyId, { role: 'PLAYER', email: 'linked@example.com' });
    const linked = await identify('tok-email');
    expect(obj(linked.body)['resolution']).toBe('linked');
    expect(fake.state.getUser(target.id)?.discord_profile.id).toBe('733021558823911444');

    const createdRes = await identify('tok-new');
    const user = obj(obj(createdRes.body)['user']);
    expect(obj(createdRes.body)['resolution']).toBe('created');
    expect(user['role']).toBe('UNAPPROVED');
    expect(user['username']).toBe('newcomer');
  });

  it('answers the identity error codes', async () => {
    const rejected = await identify('bad-token');
    expect(rejected.status).toBe(422);
    expect(obj(rejected.body)).toMatchObject({ code: 'TOKEN_VERIFICATION_FAILED', title: 'Unprocessable Content' });
    const down = await identify('tok-down');
    expect(down.status).toBe(503);
    expect(obj(down.body)['code']).toBe('PROVIDER_UNAVAILABLE');
    const noEmail = await identify('tok-noemail');
    expect(obj(noEmail.body)['code']).toBe('EMAIL_REQUIRED');
    const withEmail = await identify('tok-noemail', { email: 'quiet@example.org' });
    expect(obj(withEmail.body)['resolution']).toBe('created');
  });

  it('looks users up by Discord id and by email across visible companies, as a bare array', async () => {
    const other = fake.state.addCompany({ name: 'Sunday Sabbat' });
    const twin = fake.state.addUser(other.id, { role: 'UNAPPROVED', discord_id: '310907223012884480' });
    fake.state.addUser(fake.state.addCompany({ name: 'Hidden', grantAccess: false }).id, { discord_id: '310907223012884480' });
    const res = await call(fake, 'GET', '/users/lookup', { query: { discord_id: '310907223012884480' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      { company_id: companyId, company_name: 'Windy City Chronicles', user_id: playerId, role: 'PLAYER' },
      { company_id: other.id, company_name: 'Sunday Sabbat', user_id: twin.id, role: 'UNAPPROVED' },
    ]);
    const email = fake.state.getUser(adminId)?.email ?? '';
    const byEmail = await call(fake, 'GET', '/users/lookup', { query: { email } });
    expect(byEmail.body).toEqual([expect.objectContaining({ user_id: adminId })]);
    const none = await call(fake, 'GET', '/users/lookup', { query: { discord_id: '1', email } });
    expect(none.status).toBe(400);
  });

  it('links and unlinks identities with their conflict codes', async () => {
    const link = (userId: string, actorId: string, token: string) =>
      call(fake, 'POST', `${C()}/users/${userId}/identities`, { headers: as(actorId), body: { provider: 'discord', token } });
    expect((await link(stId, playerId, 'tok-new')).status).toBe(403);
    const taken = await link(stId, stId, 'tok-known');
    expect(taken.status).toBe(409);
    expect(obj(taken.body)['code']).toBe('IDENTITY_ALREADY_LINKED');
    const ok = await link(stId, stId, 'tok-new');
    expect(ok.status).toBe(200);
    expect(obj(obj(ok.body)['discord_profile'])['id']).toBe('800000000000000001');
    const last = await call(fake, 'DELETE', `${C()}/users/${stId}/identities/discord`, { headers: as(stId) });
    expect(last.status).toBe(409);
    expect(obj(last.body)['code']).toBe('LAST_IDENTITY');
    const missing = await call(fake, 'DELETE', `${C()}/users/${adminId}/identities/google`, { headers: as(adminId) });
    expect(obj(missing.body)['code']).toBe('IDENTITY_NOT_LINKED');
  });
});

describe('v2 fake: user rules, experience and resources', () => {
  it('approves only with an ADMIN actor, refuses an UNAPPROVED initial role, protects the last admin', async () => {
    const pending = fake.state.addUser(companyId, { role: 'UNAPPROVED' });
    const bySt = await call(fake, 'POST', `${C()}/users/${pending.id}/approve`, { headers: as(stId), body: { role: 'PLAYER' } });
    expect(bySt.status).toBe(403);
    const approved = await call(fake, 'POST', `${C()}/users/${pending.id}/approve`, { headers: as(adminId), body: { role: 'PLAYER' } });
    expect(approved.status).toBe(201);
    const bad = await call(fake, 'POST', `${C()}/users`, { headers: as(adminId), body: { username: 'abc', email: 'a@b.co', role: 'UNAPPROVED' } });
    expect(obj(bad.body)['detail']).toBe('Cannot create a user with initial role UNAPPROVED');
    const demote = await call(fake, 'PATCH', `${C()}/users/${adminId}`, { headers: as(adminId), body: { role: 'PLAYER' } });
    expect(demote.status).toBe(409);
    const deny = await call(fake, 'POST', `${C()}/users/${fake.state.addUser(companyId, { role: 'UNAPPROVED' }).id}/deny`, { headers: as(adminId) });
    expect(deny.status).toBe(201);
    expect(deny.body).toBeNull();
  });

  it('experience: cool points raise lifetime XP too; not-enough-XP has no current/required members', async () => {
    const campaign = fake.state.addCampaign(companyId);
    const body = { amount: 2, campaign_id: campaign.id };
    const cp = await call(fake, 'POST', `${C()}/users/${playerId}/experience/cp/add`, { headers: as(stId), body });
    expect(obj(cp.body)).toMatchObject({ xp_current: 20, cool_points: 2, user_id: playerId });
    expect(fake.state.getUser(playerId)?.lifetime_xp).toBe(20);
    const remove = await call(fake, 'POST', `${C()}/users/${playerId}/experience/xp/remove`, { headers: as(stId), body: { ...body, amount: 50 } });
    expect(remove.status).toBe(400);
    expect(Object.keys(obj(remove.body)).sort()).toEqual(['detail', 'instance', 'request_id', 'status', 'title']);
    const missing = await call(fake, 'POST', `${C()}/users/${playerId}/experience/xp/add`, { body });
    expect(missing.status).toBe(400);
  });

  it('quickrolls need an owner or ADMIN actor and a trait; description "" is stored', async () => {
    const trait = fake.state.ensureTrait('Wits');
    const byOther = await call(fake, 'POST', `${C()}/users/${playerId}/quickrolls`, { headers: as(stId), body: { name: 'Think', trait_ids: [trait.id] } });
    expect(byOther.status).toBe(403);
    const none = await call(fake, 'POST', `${C()}/users/${playerId}/quickrolls`, { headers: as(playerId), body: { name: 'Think', trait_ids: [] } });
    expect(obj(none.body)['detail']).toBe('Quick roll must have at least one trait');
    const made = await call(fake, 'POST', `${C()}/users/${playerId}/quickrolls`, { headers: as(playerId), body: { name: 'Think', trait_ids: [trait.id] } });
    expect(obj(made.body)['description']).toBe('');
  });

  it('uploads images only and records the uploader; notes are scoped to the path user and patch partially', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const form = (bytes: Buffer, name: string): FormData => {
      const f = new FormData();
      f.append('upload', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), name);
      return f;
    };
    const refused = await call(fake, 'POST', `${C()}/users/${playerId}/assets/upload`, { headers: as(playerId), body: form(Buffer.from('hello'), 'a.png') });
    expect(refused.status).toBe(400);
    expect(obj(refused.body)['invalid_parameters']).toEqual([expect.objectContaining({ field: 'upload' })]);
    const ok = await call(fake, 'POST', `${C()}/users/${playerId}/assets/upload`, { headers: as(adminId), body: form(png, 'Map.PNG') });
    expect(obj(ok.body)).toMatchObject({ asset_type: 'image', mime_type: 'image/png', uploaded_by_id: adminId, user_parent_id: playerId });

    const note = fake.state.addNote(playerId, { title: 'Haven', content: 'Under the L tracks' });
    expect((await call(fake, 'GET', `${C()}/users/${stId}/notes/${note.id}`)).status).toBe(404);
    const patched = await call(fake, 'PATCH', `${C()}/users/${playerId}/notes/${note.id}`, { body: { title: 'New haven' } });
    expect(obj(patched.body)).toMatchObject({ title: 'New haven', content: 'Under the L tracks', user_id: playerId, company_id: companyId });
  });

  it('company settings carry the v2 members', async () => {
    const company = obj((await call(fake, 'GET', C())).body);
    expect(obj(company['settings'])).toMatchObject({ permission_manage_npc: 'UNRESTRICTED', permission_recoup_xp: 'UNRESTRICTED' });
    expect('user_ids' in company).toBe(false);
  });
});
