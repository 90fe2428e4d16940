import { describe, expect, it } from 'vitest';
import {
  ApiVersionError,
  V2_JULY_2026,
  ValentinaClient,
  profileForServerVersion,
  type ValentinaClient as Client,
} from '../../src/api/index.js';
import { API_KEY, BASE_URL, caught, fixture, harness, json, jsonBody, noContent, only, type RecordedCall } from './helpers/scripted-fetch.js';
import { V2_IDS as IDS } from './helpers/v2-ids.js';
import { readFileSync } from 'node:fs';

const v2fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../docs/valentina-api/v2/fixtures/${name}.json`, import.meta.url), 'utf8')) as unknown;

const C = `/api/v1/companies/${IDS.company}`;
const U = `${C}/users/${IDS.user}`;
const OBO = 'on-behalf-of';

interface WireCase {
  name: string;
  fixture: string;
  status?: number;
  run: (c: Client) => Promise<unknown>;
  method: string;
  path: string;
  query?: Record<string, string>;
  /** The acting user sent in On-Behalf-Of; undefined = header absent. */
  actor?: string;
}

/* What each operation the bot uses puts on the v2 wire (CONTRACT-v2 §3, §7). */
const cases: WireCase[] = [
  { name: 'users.get (header optional: not sent)', fixture: 'user', run: (c) => c.users(IDS.company).get(IDS.user), method: 'GET', path: U },
  { name: 'users.create', fixture: 'user', status: 201, run: (c) => c.users(IDS.company).create({ username: 'abc', email: 'a@b.co', role: 'PLAYER', requesting_user_id: IDS.admin, discord_profile: { id: '1' } }), method: 'POST', path: `${C}/users`, actor: IDS.admin },
  { name: 'users.update', fixture: 'user', run: (c) => c.users(IDS.company).update(IDS.user, { name_first: 'Nia', requesting_user_id: IDS.admin }), method: 'PATCH', path: U, actor: IDS.admin },
  { name: 'users.getUnapprovedPage', fixture: 'paginated_users_unapproved', run: (c) => c.users(IDS.company).getUnapprovedPage(IDS.admin), method: 'GET', path: `${C}/users/unapproved`, query: { limit: '10', offset: '0' }, actor: IDS.admin },
  { name: 'users.approveUser', fixture: 'user', status: 201, run: (c) => c.users(IDS.company).approveUser(IDS.unapproved, 'PLAYER', IDS.admin), method: 'POST', path: `${C}/users/${IDS.unapproved}/approve`, actor: IDS.admin },
  { name: 'users.merge', fixture: 'user', status: 201, run: (c) => c.users(IDS.company).merge(IDS.user, IDS.unapproved, IDS.admin), method: 'POST', path: `${C}/users/merge`, actor: IDS.admin },
  { name: 'users.addXp', fixture: 'campaign_experience', status: 201, run: (c) => c.users(IDS.company).addXp(IDS.user, IDS.campaign, 5, IDS.admin), method: 'POST', path: `${U}/experience/xp/add`, actor: IDS.admin },
  { name: 'users.getExperience', fixture: 'campaign_experience', run: (c) => c.users(IDS.company).getExperience(IDS.user, IDS.campaign), method: 'GET', path: `${U}/experience/${IDS.campaign}` },
  { name: 'users.createNote', fixture: 'note', status: 201, run: (c) => c.users(IDS.company).createNote(IDS.user, { title: 'abc', content: 'defg' }), method: 'POST', path: `${U}/notes` },
  { name: 'users.uploadAsset (actor defaults to the owner)', fixture: 'asset', status: 201, run: (c) => c.users(IDS.company).uploadAsset(IDS.user, 'a.png', new Uint8Array(Buffer.from('89504e470d0a1a0a', 'hex'))), method: 'POST', path: `${U}/assets/upload`, actor: IDS.user },
  { name: 'users.createQuickroll as an admin', fixture: 'quickroll', status: 201, run: (c) => c.users(IDS.company).createQuickroll(IDS.user, { name: 'Shoot', trait_ids: [IDS.trait] }, { actingUserId: IDS.admin }), method: 'POST', path: `${U}/quickrolls`, actor: IDS.admin },
  { name: 'campaigns.getPage (company level, no header)', fixture: 'paginated_campaigns', run: (c) => c.campaigns(IDS.company, IDS.user).getPage(), method: 'GET', path: `${C}/campaigns`, query: { limit: '10', offset: '0' } },
  { name: 'campaigns.getStatistics', fixture: 'roll_statistics', run: (c) => c.campaigns(IDS.company, IDS.user).getStatistics(IDS.campaign), method: 'GET', path: `${C}/campaigns/${IDS.campaign}/statistics`, query: { num_top_traits: '5' } },
  { name: 'characters.getPage (campaign as a filter)', fixture: 'paginated_characters', run: (c) => c.characters(IDS.company, IDS.user, IDS.campaign).getPage({ userPlayerId: IDS.user }), method: 'GET', path: `${C}/characters`, query: { campaign_id: IDS.campaign, user_player_id: IDS.user, limit: '10', offset: '0' }, actor: IDS.user },
  { name: 'characters.get', fixture: 'character', run: (c) => c.characters(IDS.company, IDS.user, IDS.campaign).get(IDS.character), method: 'GET', path: `${C}/characters/${IDS.character}`, actor: IDS.user },
  { name: 'characterTraits.getPage (category_id)', fixture: 'paginated_character_traits', run: (c) => c.characterTraits(IDS.company, IDS.user, IDS.campaign, IDS.character).getPage({ parentCategoryId: IDS.category }), method: 'GET', path: `${C}/characters/${IDS.character}/traits`, query: { category_id: IDS.category, limit: '10', offset: '0' }, actor: IDS.user },
  { name: 'dicerolls.createFromQuickroll', fixture: 'diceroll_quickroll', status: 201, run: (c) => c.dicerolls(IDS.company, IDS.user).createFromQuickroll({ quickroll_id: IDS.quickroll, character_id: IDS.character }), method: 'POST', path: `${C}/dicerolls/quickroll`, actor: IDS.user },
  { name: 'dicerolls.getPage (filters keep their names)', fixture: 'paginated_dicerolls', run: (c) => c.dicerolls(IDS.company, IDS.user).getPage({ userId: IDS.user }), method: 'GET', path: `${C}/dicerolls`, query: { userid: IDS.user, limit: '10', offset: '0' }, actor: IDS.user },
  { name: 'auth.identify (200, no header)', fixture: 'identify_response_created', run: (c) => c.auth(IDS.company).identify({ provider: 'discord', token: 'access-token' }), method: 'POST', path: `${C}/auth/identify` },
  { name: 'userLookup.byDiscordId (bare array)', fixture: 'user_lookup_results', run: (c) => c.userLookup().byDiscordId('310907223012884480'), method: 'GET', path: '/api/v1/users/lookup', query: { discord_id: '310907223012884480' } },
  { name: 'users.linkIdentity (200)', fixture: 'user', run: (c) => c.users(IDS.company).linkIdentity(IDS.user, { provider: 'discord', token: 't' }, IDS.user), method: 'POST', path: `${U}/identities`, actor: IDS.user },
  { name: 'users.unlinkIdentity (200 with the user)', fixture: 'user', run: (c) => c.users(IDS.company).unlinkIdentity(IDS.user, 'discord', IDS.admin), method: 'DELETE', path: `${U}/identities/discord`, actor: IDS.admin },
];

describe('the v2 wire of every operation the bot uses', () => {
  it.each(cases)('$name', async (c) => {
    const h = harness({ wire: V2_JULY_2026 });
    h.script(json(c.status ?? 200, v2fixture(c.fixture)));
    await c.run(h.client);
    const call = only(h.calls);
    expect(call.method).toBe(c.method);
    expect(call.url.pathname).toBe(c.path);
    expect(Object.fromEntries(call.url.searchParams)).toEqual(c.query ?? {});
    expect(call.headers.get(OBO) ?? undefined).toBe(c.actor);
    // No v1 actor member ever travels on v2.
    expect(call.url.searchParams.has('requesting_user_id')).toBe(false);
    if (call.body !== undefined && call.headers.get('content-type') === 'application/json') {
      expect(jsonBody(call)).not.toHaveProperty('requesting_user_id');
      expect(jsonBody(call)).not.toHaveProperty('discord_profile');
    }
  });

  it('deny and delete carry the actor in the header and deny sends no body', async () => {
    const h = harness({ wire: V2_JULY_2026 });
    h.script(json(201, null), noContent());
    await h.client.users(IDS.company).denyUser(IDS.unapproved, IDS.admin);
    await h.client.users(IDS.company).delete(IDS.user, IDS.admin);
    const [deny, del] = h.calls as [RecordedCall, RecordedCall];
    expect(deny.body).toBeUndefined();
    expect(deny.headers.get(OBO)).toBe(IDS.admin);
    expect(del.headers.get(OBO)).toBe(IDS.admin);
    expect(del.url.search).toBe('');
  });

  it('a cleared quickroll description is sent as "" (v2 refuses null)', async () => {
    const h = harness({ wire: V2_JULY_2026 });
    h.script(json(200, v2fixture('quickroll')));
    await h.client.users(IDS.company).updateQuickroll(IDS.user, IDS.quickroll, { description: null });
    expect(jsonBody(only(h.calls))).toEqual({ description: '' });
  });
});

describe('the not-enough-XP refusal on v2', () => {
  const refusal = () => json(400, v2fixture('problem_400_not_enough_xp'));
  const removeXp = (c: Client) => c.users(IDS.company).removeXp(IDS.user, IDS.campaign, 40, IDS.admin);

  it('is completed with the current XP read once after the refusal', async () => {
    const h = harness({ wire: V2_JULY_2026 });
    h.script(refusal(), json(200, v2fixture('campaign_experience')));
    const err = await caught(removeXp(h.client));
    expect(err).toMatchObject({ name: 'ValidationError', status: 400, currentXp: 25, requiredXp: 40 });
    expect(h.calls.map((c) => `${c.method} ${c.url.pathname}`)).toEqual([`POST ${U}/experience/xp/remove`, `GET ${U}/experience/${IDS.campaign}`]);
  });

  it('is thrown as the server sent it when the read fails too', async () => {
    const h = harness({ wire: V2_JULY_2026, maxRetries: 0 });
    h.script(refusal(), json(404, { status: 404, title: 'Not Found', detail: 'Campaign not found' }));
    const err = await caught(removeXp(h.client));
    expect(err).toMatchObject({ name: 'ValidationError', currentXp: undefined, detail: 'User does not have enough XP to complete the action.' });
  });
});

describe('idempotency keys on v2', () => {
  const addXp = (c: Client, actor: string, key: string) => c.users(IDS.company).addXp(IDS.user, IDS.campaign, 5, actor, { idempotencyKey: key });

  it('derive the sent key from the caller key, the operation and the acting user', async () => {
    const h = harness({ wire: V2_JULY_2026 });
    for (let i = 0; i < 4; i++) h.script(json(201, v2fixture('campaign_experience')));
    await addXp(h.client, IDS.admin, 'interaction-1:xp');
    await addXp(h.client, IDS.user, 'interaction-1:xp');
    await addXp(h.client, IDS.admin, 'interaction-1:xp');
    await h.client.users(IDS.company).removeXp(IDS.user, IDS.campaign, 5, IDS.admin, { idempotencyKey: 'interaction-1:xp' });
    const [a, b, c, d] = h.calls.map((x) => x.headers.get('idempotency-key'));
    expect(a).not.toBe('interaction-1:xp');
    expect(a).toMatch(/^vk2-[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(a).toBe(c);
    expect(a).not.toBe(d);
  });

  it('are kept on every retry of one call', async () => {
    const h = harness({ wire: V2_JULY_2026 });
    h.script(json(503, { status: 503, title: 'Service Unavailable' }), json(201, v2fixture('campaign_experience')));
    await addXp(h.client, IDS.admin, 'interaction-2:xp');
    const [first, second] = h.calls.map((x) => x.headers.get('idempotency-key'));
    expect(first).toBe(second);
  });

  it('stay verbatim on v1, whose body already names the actor', async () => {
    const h = harness();
    h.script(json(201, fixture('campaign_experience')));
    await h.client.users('68c2a0d41f3b7e9a5c6d2e10').addXp('69a4e3c27d1b8f0e2a5c4b19', '68d0f1e23a4b5c6d7e8f9012', 5, '68c2a1b51f3b7e9a5c6d2e11', { idempotencyKey: 'interaction-1:xp' });
    expect(only(h.calls).headers.get('idempotency-key')).toBe('interaction-1:xp');
  });
});

describe('choosing the profile at start', () => {
  it.each([
    ['0.8.0', 'v1'], ['0.8.4', 'v1'], ['0.9.3', 'v1'], ['0.15.0', 'v2'], ['0.23.1', 'v2'], ['0.27.0', 'v2'], ['1.2.0', 'v2'],
  ] as const)('server %s speaks %s', (version, expected) => {
    expect(profileForServerVersion(version).version).toBe(expected);
  });

  it.each(['0.12.0', '0.10.5', '0.14.9', '0.7.2', 'garbage', '', undefined])('server %s is refused with the setting to force one', (version) => {
    const err = (() => {
      try {
        profileForServerVersion(version);
      } catch (e: unknown) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ApiVersionError);
    expect((err as ApiVersionError).message).toContain('VALENTINA_API_VERSION=v1');
    if (version !== undefined) expect((err as ApiVersionError).message).toContain(`version ${version}`);
    expect((err as ApiVersionError).found).toBe(version);
  });

  function connectWith(health: Response | undefined, apiVersion?: 'auto' | 'v1' | 'v2') {
    const calls: string[] = [];
    const fetch = async (url: string): Promise<Response> => {
      calls.push(url);
      if (health === undefined) throw new Error('no call expected');
      return health;
    };
    const client = ValentinaClient.connect({ baseUrl: BASE_URL, apiKey: API_KEY, fetch, sleep: async () => {}, ...(apiVersion === undefined ? {} : { apiVersion }) });
    return { client, calls };
  }

  it('auto reads GET /api/v1/health once and picks the profile', async () => {
    const v1 = connectWith(json(200, { database_status: 'online', cache_status: 'online', version: '0.9.1' }));
    expect((await v1.client).apiVersion).toBe('v1');
    expect(v1.calls).toEqual([`${BASE_URL}/api/v1/health`]);
    const v2 = connectWith(json(200, v2fixture('system_health')));
    expect((await v2.client).apiVersion).toBe('v2');
    // An unhealthy server still says which version it is.
    const sick = connectWith(json(500, v2fixture('system_health_unhealthy')));
    expect((await sick.client).apiVersion).toBe('v2');
  });

  it('auto fails start-up clearly on a version no profile speaks', async () => {
    const odd = connectWith(json(200, { database_status: 'online', cache_status: 'online', version: '0.12.0' }));
    const err = await caught(odd.client);
    expect(err).toBeInstanceOf(ApiVersionError);
    expect((err as Error).message).toMatch(/version 0\.12\.0.*VALENTINA_API_VERSION=v1 or VALENTINA_API_VERSION=v2/s);
  });

  it('a forced version asks nothing', async () => {
    const forced = connectWith(undefined, 'v2');
    expect((await forced.client).apiVersion).toBe('v2');
    expect(forced.calls).toEqual([]);
  });
});
