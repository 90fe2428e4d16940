import { describe, expect, it } from 'vitest';
import type { ValentinaClient } from '../../src/api/index.js';
import { API_KEY, IDS, drain, fixture, harness, json, jsonBody, only, problem, type Step } from './helpers/scripted-fetch.js';

const C = `/api/v1/companies/${IDS.company}`;
const U = `${C}/users/${IDS.user}`;
const CHARS = `${U}/campaigns/${IDS.campaign}/characters`;

interface WireCase {
  name: string;
  answer: Step;
  run: (client: ValentinaClient) => Promise<unknown>;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

const cases: WireCase[] = [
  {
    name: 'campaigns.getPage',
    answer: json(200, fixture('paginated_campaigns')),
    run: (c) => c.campaigns(IDS.company, IDS.user).getPage({ limit: 50 }),
    method: 'GET',
    path: `${U}/campaigns`,
    query: { limit: '50', offset: '0' },
  },
  {
    name: 'campaigns.get',
    answer: json(200, fixture('campaign')),
    run: (c) => c.campaigns(IDS.company, IDS.user).get(IDS.campaign),
    method: 'GET',
    path: `${U}/campaigns/${IDS.campaign}`,
  },
  {
    name: 'campaigns.getStatistics',
    answer: json(200, fixture('roll_statistics')),
    run: (c) => c.campaigns(IDS.company, IDS.user).getStatistics(IDS.campaign, { numTopTraits: 8 }),
    method: 'GET',
    path: `${U}/campaigns/${IDS.campaign}/statistics`,
    query: { num_top_traits: '8' },
  },
  {
    name: 'characters.getPage with every filter',
    answer: json(200, fixture('paginated_characters')),
    run: (c) =>
      c.characters(IDS.company, IDS.user, IDS.campaign).getPage({
        userPlayerId: IDS.user,
        userCreatorId: IDS.admin,
        characterClass: 'VAMPIRE',
        characterType: 'PLAYER',
        status: 'ALIVE',
        limit: 25,
        offset: 25,
      }),
    method: 'GET',
    path: CHARS,
    query: {
      user_player_id: IDS.user,
      user_creator_id: IDS.admin,
      character_class: 'VAMPIRE',
      character_type: 'PLAYER',
      status: 'ALIVE',
      limit: '25',
      offset: '25',
    },
  },
  {
    name: 'characters.get',
    answer: json(200, fixture('character')),
    run: (c) => c.characters(IDS.company, IDS.user, IDS.campaign).get(IDS.character),
    method: 'GET',
    path: `${CHARS}/${IDS.character}`,
  },
  {
    name: 'characterTraits.getPage',
    answer: json(200, fixture('paginated_character_traits')),
    run: (c) => c.characterTraits(IDS.company, IDS.user, IDS.campaign, IDS.character).getPage({ parentCategoryId: IDS.category }),
    method: 'GET',
    path: `${CHARS}/${IDS.character}/traits`,
    query: { parent_category_id: IDS.category, limit: '10', offset: '0' },
  },
  {
    name: 'dicerolls.getPage uses underscore-free filters',
    answer: json(200, fixture('paginated_dicerolls')),
    run: (c) => c.dicerolls(IDS.company, IDS.user).getPage({ userId: IDS.admin, characterId: IDS.character, campaignId: IDS.campaign, limit: 5 }),
    method: 'GET',
    path: `${U}/dicerolls`,
    query: { userid: IDS.admin, characterid: IDS.character, campaignid: IDS.campaign, limit: '5', offset: '0' },
  },
  {
    name: 'dicerolls.get',
    answer: json(200, fixture('diceroll_quickroll')),
    run: (c) => c.dicerolls(IDS.company, IDS.user).get(IDS.diceroll),
    method: 'GET',
    path: `${U}/dicerolls/${IDS.diceroll}`,
  },
  {
    name: 'dicerolls.create',
    answer: json(201, fixture('diceroll_quickroll')),
    run: (c) =>
      c.dicerolls(IDS.company, IDS.user).create({ dice_size: 10, num_dice: 5, difficulty: 6, comment: 'Shoot', character_id: IDS.character, campaign_id: IDS.campaign }),
    method: 'POST',
    path: `${U}/dicerolls`,
    body: { dice_size: 10, num_dice: 5, difficulty: 6, comment: 'Shoot', character_id: IDS.character, campaign_id: IDS.campaign },
  },
  {
    name: 'dicerolls.createFromQuickroll',
    answer: json(201, fixture('diceroll_quickroll')),
    run: (c) => c.dicerolls(IDS.company, IDS.user).createFromQuickroll({ quickroll_id: IDS.quickroll, character_id: IDS.character, difficulty: 7 }),
    method: 'POST',
    path: `${U}/dicerolls/quickroll`,
    body: { quickroll_id: IDS.quickroll, character_id: IDS.character, difficulty: 7 },
  },
  {
    name: 'companies.getPage',
    answer: json(200, { items: [fixture('company')], limit: 10, offset: 0, total: 1 }),
    run: (c) => c.companies().getPage(),
    method: 'GET',
    path: '/api/v1/companies',
    query: { limit: '10', offset: '0' },
  },
  { name: 'companies.get', answer: json(200, fixture('company')), run: (c) => c.companies().get(IDS.company), method: 'GET', path: C },
  { name: 'system.health', answer: json(200, fixture('system_health')), run: (c) => c.system().health(), method: 'GET', path: '/api/v1/health' },
];

describe('other services on the wire', () => {
  it.each(cases)('$name', async (c) => {
    const h = harness();
    h.script(c.answer);
    await c.run(h.client);
    const call = only(h.calls);
    expect(call.method).toBe(c.method);
    expect(call.url.pathname).toBe(c.path);
    expect(Object.fromEntries(call.url.searchParams)).toEqual(c.query ?? {});
    expect(call.headers.get('x-api-key')).toBe(API_KEY);
    if (c.body === undefined) expect(call.body).toBeUndefined();
    else expect(jsonBody(call)).toEqual(c.body);
    expect(call.headers.has('idempotency-key')).toBe(c.method === 'POST');
  });

  it('iterates campaigns, characters, traits, dice rolls and companies', async () => {
    const h = harness();
    h.script(
      json(200, fixture('paginated_campaigns')),
      json(200, fixture('paginated_characters')),
      json(200, fixture('paginated_character_traits')),
      json(200, fixture('paginated_dicerolls')),
      // That fixture holds 4 of 23 rolls: the client asks for what follows them.
      json(200, { items: [], limit: 100, offset: 4, total: 23 }),
      json(200, { items: [fixture('company')], limit: 100, offset: 0, total: 1 }),
    );
    const campaigns = await drain(h.client.campaigns(IDS.company, IDS.user).iterAll());
    const characters = await h.client.characters(IDS.company, IDS.user, IDS.campaign).listAll({ userPlayerId: IDS.user });
    const traits = await h.client.characterTraits(IDS.company, IDS.user, IDS.campaign, IDS.character).listAll();
    const rolls = await h.client.dicerolls(IDS.company, IDS.user).listAll({ characterId: IDS.character });
    const companies = await h.client.companies().listAll();
    expect(campaigns.length).toBeGreaterThan(0);
    expect(characters[0]?.name_full).toBeTypeOf('string');
    expect(traits[0]?.trait.name).toBeTypeOf('string');
    expect(rolls[0]?.result?.total_result_type).toBeTypeOf('string');
    expect(companies[0]?.settings.permission_grant_xp).toBe('STORYTELLER');
    expect(h.calls.map((c) => c.url.searchParams.get('limit'))).toEqual(['100', '100', '100', '100', '100', '100']);
    expect(h.calls[4]?.url.searchParams.get('offset')).toBe('4');
    expect(h.calls[1]?.url.searchParams.get('user_player_id')).toBe(IDS.user);
    expect(h.calls[3]?.url.searchParams.get('characterid')).toBe(IDS.character);
  });

  it('dicerolls.createFromQuickroll takes a caller idempotency key', async () => {
    const h = harness();
    h.script(json(201, fixture('diceroll_quickroll')), json(201, fixture('diceroll_quickroll')));
    const dice = h.client.dicerolls(IDS.company, IDS.user);
    const roll = await dice.createFromQuickroll({ quickroll_id: IDS.quickroll, character_id: IDS.character }, { idempotencyKey: 'i-1:roll' });
    await dice.create({ dice_size: 10, num_dice: 1 }, { idempotencyKey: 'i-2:roll' });
    expect(h.calls.map((c) => c.headers.get('idempotency-key'))).toEqual(['i-1:roll', 'i-2:roll']);
    expect(roll.result?.total_dice_roll_shortcode).toContain(':keycap_ten:');
    expect(roll.num_dice).toBe(6);
  });
});

describe('system.health', () => {
  it('returns a 500 carrying SystemHealth as an answer, without retrying', async () => {
    const h = harness();
    h.script(json(500, { database_status: 'offline', cache_status: 'online', version: '0.8.0' }));
    const health = await h.client.system().health();
    expect(health).toMatchObject({ database_status: 'offline', cache_status: 'online' });
    expect(h.calls).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
  });

  it('treats a 500 that is not SystemHealth as a server error', async () => {
    const { ServerError } = await import('../../src/api/index.js');
    const h = harness({ maxRetries: 1 });
    h.script(problem(500, { title: 'Internal Server Error' }), problem(500, { title: 'Internal Server Error' }));
    await expect(h.client.system().health()).rejects.toBeInstanceOf(ServerError);
    expect(h.calls).toHaveLength(2);
  });
});
