import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COOL_POINT_XP_FACTOR, startFakeValentina } from '../fakes/valentina/index.js';
import type { FakeValentina } from '../fakes/valentina/index.js';
import type { PermissionGrantXp } from '../fakes/valentina/models.js';
import { call, obj } from '../fakes/valentina/test-client.js';

let fake: FakeValentina;
let companyId: string;
let campaignId: string;
let ids: { admin: string; storyteller: string; player: string; otherPlayer: string; unapproved: string };

beforeEach(async () => {
  fake = await startFakeValentina();
  companyId = fake.state.addCompany({ name: 'Windy City Chronicles' }).id;
  campaignId = fake.state.addCampaign(companyId, { name: 'Chicago by Night' }).id;
  const add = (role: 'ADMIN' | 'STORYTELLER' | 'PLAYER' | 'UNAPPROVED'): string => fake.state.addUser(companyId, { role }).id;
  ids = { admin: add('ADMIN'), storyteller: add('STORYTELLER'), player: add('PLAYER'), otherPlayer: add('PLAYER'), unapproved: add('UNAPPROVED') };
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

const xp = (action: 'xp/add' | 'xp/remove' | 'cp/add', target: string, requester: string | undefined, amount: number, campaign = campaignId) =>
  call(fake, 'POST', `/companies/${companyId}/users/${target}/experience/${action}`, {
    body: { amount, campaign_id: campaign, ...(requester === undefined ? {} : { requesting_user_id: requester }) },
  });

describe('experience arithmetic (CONTRACT §5)', () => {
  it('adds, converts cool points ×10 and removes; lifetime counters follow the contract example', async () => {
    expect(COOL_POINT_XP_FACTOR).toBe(10);
    const added = await xp('xp/add', ids.player, ids.storyteller, 15);
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ campaign_id: campaignId, xp_current: 15, xp_total: 15, cool_points: 0 });
    const cp = await xp('cp/add', ids.player, ids.storyteller, 2);
    expect(cp.body).toEqual({ campaign_id: campaignId, xp_current: 35, xp_total: 35, cool_points: 2 });
    const removed = await xp('xp/remove', ids.player, ids.storyteller, 10);
    expect(removed.status).toBe(201);
    expect(removed.body).toEqual({ campaign_id: campaignId, xp_current: 25, xp_total: 35, cool_points: 2 });
    const user = fake.state.getUser(ids.player);
    expect(user).toMatchObject({ lifetime_xp: 15, lifetime_cool_points: 2 });
    expect(fake.state.experience(ids.player, campaignId)).toEqual({ campaign_id: campaignId, xp_current: 25, xp_total: 35, cool_points: 2 });
    const got = await call(fake, 'GET', `/companies/${companyId}/users/${ids.player}`);
    expect(obj(got.body)['campaign_experience']).toEqual([{ campaign_id: campaignId, xp_current: 25, xp_total: 35, cool_points: 2 }]);
  });

  it('refuses to remove more XP than available with current_xp/required_xp and no state change', async () => {
    fake.state.setExperience(ids.player, campaignId, { xp_current: 25, xp_total: 35 });
    const res = await xp('xp/remove', ids.player, ids.admin, 40);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      status: 400,
      title: 'Bad Request',
      detail: 'User does not have enough XP to complete the action.',
      instance: `${fake.url}/api/v1/companies/${companyId}/users/${ids.player}/experience/xp/remove`,
      current_xp: 25,
      required_xp: 40,
    });
    expect(fake.state.experience(ids.player, campaignId)?.xp_current).toBe(25);
  });

  it('creates the record lazily on GET, company-scoped campaign else 404', async () => {
    expect(fake.state.experience(ids.player, campaignId)).toBeUndefined();
    const res = await call(fake, 'GET', `/companies/${companyId}/users/${ids.player}/experience/${campaignId}`);
    expect(res).toMatchObject({ status: 200, body: { campaign_id: campaignId, xp_current: 0, xp_total: 0, cool_points: 0 } });
    expect(fake.state.experience(ids.player, campaignId)).toBeDefined();
    const foreign = fake.state.addCampaign(fake.state.addCompany().id);
    const missing = await call(fake, 'GET', `/companies/${companyId}/users/${ids.player}/experience/${foreign.id}`);
    expect(missing.status).toBe(404);
    expect(obj(missing.body)['detail']).toBe('Campaign not found');
  });

  it('looks the body campaign up without company scoping; unknown -> 400', async () => {
    const foreign = fake.state.addCampaign(fake.state.addCompany().id);
    expect((await xp('xp/add', ids.player, ids.admin, 1, foreign.id)).status).toBe(201);
    const unknown = await xp('xp/add', ids.player, ids.admin, 1, 'cccccccccccccccccccccccc');
    expect(unknown.status).toBe(400);
    expect(obj(unknown.body)).toMatchObject({
      detail: 'Campaign cccccccccccccccccccccccc not found',
      invalid_parameters: [{ field: 'body', message: 'One or more fields did not pass validation.' }],
    });
  });

  it('bumps resources_modified_at', async () => {
    let t = Date.parse('2026-03-14T19:00:00Z');
    const clocked = await startFakeValentina({ now: () => new Date(t) });
    try {
      const company = clocked.state.addCompany();
      const campaign = clocked.state.addCampaign(company.id);
      const user = clocked.state.addUser(company.id);
      t += 3000;
      await call(clocked, 'POST', `/companies/${company.id}/users/${user.id}/experience/xp/add`, {
        body: { amount: 3, campaign_id: campaign.id, requesting_user_id: user.id },
      });
      expect(clocked.state.getCompany(company.id)?.resources_modified_at).toBe('2026-03-14T19:00:03Z');
    } finally {
      await clocked.close();
    }
  });
});

describe('who may grant XP (permission_grant_xp)', () => {
  const cases: Array<[PermissionGrantXp, keyof typeof ids, keyof typeof ids, number]> = [
    ['UNRESTRICTED', 'otherPlayer', 'player', 201],
    ['UNRESTRICTED', 'unapproved', 'player', 201],
    ['STORYTELLER', 'storyteller', 'player', 201],
    ['STORYTELLER', 'admin', 'player', 201],
    ['STORYTELLER', 'player', 'player', 403],
    ['STORYTELLER', 'otherPlayer', 'player', 403],
    ['PLAYER', 'player', 'player', 201],
    ['PLAYER', 'otherPlayer', 'player', 403],
    ['PLAYER', 'storyteller', 'player', 201],
  ];
  for (const [rule, requester, target, status] of cases) {
    it(`${rule}: ${requester} -> ${target} answers ${status} for add, remove and cool points`, async () => {
      fake.state.setCompanySettings(companyId, { permission_grant_xp: rule });
      fake.state.setExperience(ids[target], campaignId, { xp_current: 100 });
      for (const action of ['xp/add', 'xp/remove', 'cp/add'] as const) {
        const res = await xp(action, ids[target], ids[requester], 1);
        expect(res.status).toBe(status);
        if (status === 403) expect(obj(res.body)['detail']).toBe('User not authorized to grant or remove XP for this user');
      }
    });
  }

  it('accepts a requester from another company under UNRESTRICTED', async () => {
    const foreigner = fake.state.addUser(fake.state.addCompany().id, { role: 'PLAYER' });
    expect((await xp('xp/add', ids.player, foreigner.id, 1)).status).toBe(201);
  });

  it('400s a missing or unknown requester', async () => {
    const missing = await xp('xp/add', ids.player, undefined, 1);
    expect(missing.status).toBe(400);
    expect(obj(missing.body)['invalid_parameters']).toEqual([expect.objectContaining({ field: 'requesting_user_id' })]);
    const unknown = await xp('xp/add', ids.player, 'dddddddddddddddddddddddd', 1);
    expect(unknown.status).toBe(400);
    expect(obj(unknown.body)['detail']).toBe('User dddddddddddddddddddddddd not found');
  });
});

describe('UA-guard on the target', () => {
  it('400s an unknown path user with the server text', async () => {
    const res = await xp('xp/add', 'eeeeeeeeeeeeeeeeeeeeeeee', ids.admin, 1);
    expect(res.status).toBe(400);
    expect(obj(res.body)['detail']).toBe("User 'eeeeeeeeeeeeeeeeeeeeeeee' not found on this server.");
  });

  it('403s an UNAPPROVED target and a target of another company, without detail', async () => {
    const unapproved = await xp('xp/add', ids.unapproved, ids.admin, 1);
    expect(unapproved.status).toBe(403);
    expect(unapproved.body).toEqual({
      status: 403,
      title: 'Forbidden',
      instance: `${fake.url}/api/v1/companies/${companyId}/users/${ids.unapproved}/experience/xp/add`,
    });
    const foreigner = fake.state.addUser(fake.state.addCompany().id, { role: 'PLAYER' });
    const foreign = await xp('xp/add', foreigner.id, ids.admin, 1);
    expect(foreign.status).toBe(403);
    expect(obj(foreign.body)['detail']).toBeUndefined();
  });

  it('runs before body validation and requester checks', async () => {
    const res = await call(fake, 'POST', `/companies/${companyId}/users/${ids.unapproved}/experience/xp/add`, { body: { amount: 'x' } });
    expect(res.status).toBe(403);
  });
});
