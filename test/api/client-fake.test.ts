import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  AuthorizationError,
  ConflictError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ValentinaClient,
  ValidationError,
  APIConnectionError,
  APITimeoutError,
  ResponseValidationError,
  type ValentinaClientOptions,
} from '../../src/api/index.js';
import { scriptedDice, startFakeValentina, type FakeValentina } from '../fakes/valentina/index.js';
import { caught, drain } from './helpers/scripted-fetch.js';

/*
 * The client against the contract-faithful fake over real HTTP on 127.0.0.1: every method once,
 * with its main error paths. The fake checks each of its responses against the OpenAPI document,
 * so `violations` staying empty means the client was fed contract-shaped answers.
 */

let fake: FakeValentina;
let sleeps: number[];

function client(options: Partial<ValentinaClientOptions> = {}): ValentinaClient {
  return new ValentinaClient({
    baseUrl: fake.url,
    apiKey: fake.apiKey,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0,
    ...options,
  });
}

beforeAll(async () => {
  fake = await startFakeValentina({ random: scriptedDice([10, 9, 7, 4, 2, 1]) });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  expect(fake.violations).toEqual([]);
  sleeps = [];
});
sleeps = [];

function seed() {
  const company = fake.state.addCompany({ name: 'Windy City', settings: { permission_grant_xp: 'STORYTELLER' } });
  const admin = fake.state.addUser(company.id, { role: 'ADMIN', username: 'admin-user' });
  const storyteller = fake.state.addUser(company.id, { role: 'STORYTELLER', username: 'story-teller' });
  const player = fake.state.addUser(company.id, { role: 'PLAYER', username: 'mara-okafor', discord_id: '310907223012884480' });
  const campaign = fake.state.addCampaign(company.id, { name: 'Chicago by Night' });
  const character = fake.state.addCharacter(company.id, campaign.id, {
    user_player_id: player.id,
    name_first: 'Celeste',
    name_last: 'Marchand',
    traits: [
      { name: 'Dexterity', value: 3 },
      { name: 'Firearms', value: 2 },
    ],
  });
  return { company, admin, storyteller, player, campaign, character };
}

describe('users against the fake', () => {
  it('create, get, update, list, register, approve, deny, merge, delete', async () => {
    const { company, admin, player } = seed();
    const users = client().users(company.id);

    const created = await users.create({ username: 'Night Owl', email: 'owl@example.org', role: 'PLAYER', requesting_user_id: admin.id });
    expect(created.username).toBe('night-owl');
    expect(created.role).toBe('PLAYER');
    expect((await users.get(created.id)).email).toBe('owl@example.org');

    const updated = await users.update(created.id, { name_first: 'Night', requesting_user_id: created.id });
    expect(updated.name_first).toBe('Night');

    const players = await users.getPage({ userRole: 'PLAYER', limit: 1 });
    expect(players.total).toBe(2);
    expect(players.items).toHaveLength(1);
    expect((await users.listAll({ email: 'owl@example.org' })).map((u) => u.id)).toEqual([created.id]);
    const everyone = await drain(users.iterAll({ limit: 2 }));
    expect(everyone.length).toBe(fake.state.listUsers(company.id).length);

    const pending = await users.register({ username: 'newcomer', email: 'new@example.org', discord_profile: { id: '1234', username: 'newbie' } });
    expect(pending.role).toBe('UNAPPROVED');
    const other = await users.register({ username: 'duplicate', email: 'dup@example.org' });
    const unapproved = await users.getUnapprovedPage(admin.id);
    expect(unapproved.items.map((u) => u.id).sort()).toEqual([pending.id, other.id].sort());
    expect((await users.listAllUnapproved(admin.id)).length).toBe(2);
    expect((await drain(users.iterAllUnapproved(admin.id, { limit: 1 }))).length).toBe(2);

    expect(await caught(users.getUnapprovedPage(player.id))).toBeInstanceOf(AuthorizationError);

    const approved = await users.approveUser(pending.id, 'PLAYER', admin.id);
    expect(approved.role).toBe('PLAYER');
    const third = await users.register({ username: 'third-one', email: 'third@example.org' });
    await expect(users.denyUser(third.id, admin.id)).resolves.toBeUndefined();
    expect(await caught(users.get(third.id))).toBeInstanceOf(NotFoundError);

    const merged = await users.merge(approved.id, other.id, admin.id);
    expect(merged.id).toBe(approved.id);

    await users.delete(created.id, admin.id);
    expect(await caught(users.get(created.id))).toBeInstanceOf(NotFoundError);
  });

  it('experience, with the requester rule, cool points ×10 and not-enough-XP', async () => {
    const { company, storyteller, player, campaign } = seed();
    const users = client().users(company.id);
    expect(await users.getExperience(player.id, campaign.id)).toMatchObject({ xp_current: 0, xp_total: 0, cool_points: 0 });
    await users.addXp(player.id, campaign.id, 15, storyteller.id);
    await users.addCoolPoints(player.id, campaign.id, 2, storyteller.id);
    const after = await users.removeXp(player.id, campaign.id, 10, storyteller.id);
    expect(after).toMatchObject({ xp_total: 35, xp_current: 25, cool_points: 2 });
    const user = await users.get(player.id);
    expect(user).toMatchObject({ lifetime_xp: 15, lifetime_cool_points: 2 });

    const tooMuch = await caught(users.removeXp(player.id, campaign.id, 40, storyteller.id));
    expect(tooMuch).toBeInstanceOf(ValidationError);
    expect(tooMuch).toMatchObject({ currentXp: 25, requiredXp: 40 });

    expect(await caught(users.addXp(player.id, campaign.id, 5, player.id))).toBeInstanceOf(AuthorizationError);

    const stats = await users.getStatistics(player.id, { numTopTraits: 3 });
    expect(stats.total_rolls).toBe(0);
  });

  it('notes, quickrolls and assets', async () => {
    const { company, player } = seed();
    const users = client().users(company.id);

    const note = await users.createNote(player.id, { title: 'Session 12', content: 'Met the contact.' });
    expect((await users.getNote(player.id, note.id)).title).toBe('Session 12');
    expect((await users.updateNote(player.id, note.id, { title: 'Session 12b', content: 'Met the contact again.' })).title).toBe('Session 12b');
    expect((await users.getNotesPage(player.id)).total).toBe(1);
    expect((await users.listAllNotes(player.id)).map((n) => n.id)).toEqual([note.id]);
    expect((await drain(users.iterAllNotes(player.id))).length).toBe(1);
    await users.deleteNote(player.id, note.id);
    expect(await caught(users.getNote(player.id, note.id))).toBeInstanceOf(NotFoundError);

    const dex = fake.state.ensureTrait('Dexterity');
    const qr = await users.createQuickroll(player.id, { name: 'Shoot', description: 'Dex + Firearms', trait_ids: [dex.id] });
    expect((await users.getQuickroll(player.id, qr.id)).name).toBe('Shoot');
    expect((await users.updateQuickroll(player.id, qr.id, { description: 'Just dexterity' })).description).toBe('Just dexterity');
    const dup = await caught(users.createQuickroll(player.id, { name: 'Shoot', trait_ids: [dex.id] }));
    expect(dup).toBeInstanceOf(ValidationError);
    expect((await users.getQuickrollsPage(player.id)).items).toHaveLength(1);
    expect((await users.listAllQuickrolls(player.id)).length).toBe(1);
    expect((await drain(users.iterAllQuickrolls(player.id))).length).toBe(1);
    await users.deleteQuickroll(player.id, qr.id);
    expect(await caught(users.getQuickroll(player.id, qr.id))).toBeInstanceOf(NotFoundError);

    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const asset = await users.uploadAsset(player.id, 'portrait.png', bytes);
    expect(asset).toMatchObject({ mime_type: 'image/png', asset_type: 'image', original_filename: 'portrait.png' });
    expect(fake.state.getAsset(asset.id)?.bytes.equals(Buffer.from(bytes))).toBe(true);
    expect((await users.getAsset(player.id, asset.id)).id).toBe(asset.id);
    expect((await users.getAssetsPage(player.id, { assetType: 'image' })).total).toBe(1);
    expect((await users.listAllAssets(player.id)).length).toBe(1);
    expect((await drain(users.iterAllAssets(player.id))).length).toBe(1);
    await users.deleteAsset(player.id, asset.id);
    expect(await caught(users.getAsset(player.id, asset.id))).toBeInstanceOf(NotFoundError);
  });
});

describe('campaigns, characters, dice, companies and health against the fake', () => {
  it('reads campaigns, characters and traits, and rolls a quickroll', async () => {
    const { company, player, campaign, character } = seed();
    const api = client();
    const campaigns = api.campaigns(company.id, player.id);
    expect((await campaigns.get(campaign.id)).name).toBe('Chicago by Night');
    expect((await campaigns.getPage()).items.map((c) => c.id)).toContain(campaign.id);
    expect((await campaigns.listAll()).length).toBeGreaterThan(0);
    expect((await drain(campaigns.iterAll({ limit: 1 }))).length).toBe((await campaigns.getPage({ limit: 0 })).total);

    const characters = api.characters(company.id, player.id, campaign.id);
    const mine = await characters.listAll({ userPlayerId: player.id });
    expect(mine.map((c) => c.id)).toEqual([character.id]);
    expect((await characters.getPage({ status: 'ALIVE', characterClass: 'VAMPIRE' })).total).toBe(1);
    expect((await drain(characters.iterAll())).length).toBe(1);
    expect((await characters.get(character.id)).name).toBe('Celeste Marchand');

    const traits = api.characterTraits(company.id, player.id, campaign.id, character.id);
    const all = await traits.listAll();
    expect(all.map((t) => t.trait.name).sort()).toEqual(['Dexterity', 'Firearms']);
    expect((await traits.getPage({ limit: 1 })).items).toHaveLength(1);
    expect((await drain(traits.iterAll())).length).toBe(2);

    const qr = await api.users(company.id).createQuickroll(player.id, { name: 'Shoot', trait_ids: all.map((t) => t.trait.id) });
    const dice = api.dicerolls(company.id, player.id);
    const roll = await dice.createFromQuickroll({ quickroll_id: qr.id, character_id: character.id, difficulty: 6 }, { idempotencyKey: 'interaction-1:roll' });
    expect(roll.num_dice).toBe(5);
    expect(roll.campaign_id).toBe(campaign.id);
    expect(roll.result?.total_dice_roll).toHaveLength(5);
    // Same key, same body: the server replays instead of rolling again.
    const replay = await dice.createFromQuickroll({ quickroll_id: qr.id, character_id: character.id, difficulty: 6 }, { idempotencyKey: 'interaction-1:roll' });
    expect(replay.id).toBe(roll.id);
    const clash = await caught(dice.createFromQuickroll({ quickroll_id: qr.id, character_id: character.id, difficulty: 7 }, { idempotencyKey: 'interaction-1:roll' }));
    expect(clash).toBeInstanceOf(ConflictError);

    const free = await dice.create({ dice_size: 10, num_dice: 3, difficulty: 6, character_id: character.id, campaign_id: campaign.id, comment: 'Dodge' });
    expect(free.comment).toBe('Dodge');
    expect((await dice.get(free.id)).id).toBe(free.id);
    expect((await dice.getPage({ characterId: character.id })).total).toBe(2);
    expect((await dice.listAll({ userId: player.id })).length).toBe(2);
    expect((await drain(dice.iterAll({ campaignId: campaign.id, limit: 1 }))).length).toBe(2);

    const stats = await campaigns.getStatistics(campaign.id, { numTopTraits: 2 });
    expect(stats.total_rolls).toBe(2);
    expect(stats.top_traits.length).toBeLessThanOrEqual(2);
  });

  it('companies and health', async () => {
    const { company } = seed();
    const api = client();
    const got = await api.companies().get(company.id);
    expect(got.settings.permission_grant_xp).toBe('STORYTELLER');
    expect((await api.companies().getPage({ limit: 100 })).items.map((c) => c.id)).toContain(company.id);
    expect((await api.companies().listAll()).length).toBeGreaterThan(0);
    expect((await drain(api.companies().iterAll({ limit: 1 }))).length).toBeGreaterThan(0);

    expect(await api.system().health()).toMatchObject({ database_status: 'online', cache_status: 'online' });
    fake.state.setHealth({ cache_status: 'offline' });
    expect(await api.system().health()).toMatchObject({ cache_status: 'offline' });
    fake.state.setHealth({ cache_status: 'online' });
  });
});

describe('transport behaviour against the fake', () => {
  it('a wrong API key is an AuthenticationError', async () => {
    const { company, player } = seed();
    const err = await caught(client({ apiKey: 'wrong-key' }).users(company.id).get(player.id));
    expect(err).toBeInstanceOf(AuthenticationError);
  });

  it('waits out a real 429 from the token bucket and succeeds', async () => {
    const { company, player } = seed();
    fake.setRateLimit({ name: 'burst', capacity: 1, refillPerSecond: 50 });
    try {
      const users = client({ sleep: async (ms) => { sleeps.push(ms); await new Promise((r) => setTimeout(r, ms)); } }).users(company.id);
      await users.get(player.id);
      await users.get(player.id);
      expect(sleeps.length).toBe(1);
      expect(sleeps[0]).toBeGreaterThan(0);
      expect(sleeps[0]).toBeLessThanOrEqual(100);
    } finally {
      fake.setRateLimit(false);
    }
  });

  it('throws RateLimitError at once when the bucket needs longer than maxRetryWaitMs', async () => {
    const { company, player } = seed();
    fake.setRateLimit({ name: 'hourly', capacity: 1, refillPerSecond: 0.01 });
    try {
      const users = client({ maxRetryWaitMs: 5_000 }).users(company.id);
      await users.get(player.id);
      const err = await caught(users.get(player.id));
      expect(err).toBeInstanceOf(RateLimitError);
      expect((err as RateLimitError).retryAfterSeconds).toBeGreaterThan(5);
      expect(sleeps).toEqual([]);
    } finally {
      fake.setRateLimit(false);
    }
  });

  it('retries a 500, keeping the Idempotency-Key', async () => {
    const { company, player, campaign, storyteller } = seed();
    fake.inject({ method: 'POST', pathIncludes: '/experience/xp/add', status: 500, times: 2 });
    const before = fake.requests.length;
    const xp = await client().users(company.id).addXp(player.id, campaign.id, 3, storyteller.id);
    expect(xp.xp_current).toBe(3);
    const attempts = fake.requests.slice(before);
    expect(attempts).toHaveLength(3);
    expect(sleeps).toEqual([500, 1000]);
  });

  it('does not re-send a write whose socket was reset mid-request', async () => {
    const { company, player, campaign, storyteller } = seed();
    fake.inject({ method: 'POST', pathIncludes: '/experience/xp/add', reset: true });
    const before = fake.requests.length;
    const err = await caught(client().users(company.id).addXp(player.id, campaign.id, 3, storyteller.id));
    expect(err).toBeInstanceOf(APIConnectionError);
    expect(fake.requests.slice(before)).toHaveLength(1);
  });

  it('a write slower than the timeout is sent once and applied once', async () => {
    const { company, player, campaign, storyteller } = seed();
    fake.inject({ method: 'POST', pathIncludes: '/experience/xp/add', delayMs: 300 });
    const err = await caught(client({ timeoutMs: 200 }).users(company.id).addXp(player.id, campaign.id, 5, storyteller.id));
    expect(err).toBeInstanceOf(APITimeoutError);
    // Let the slow server finish what it was doing.
    await new Promise((r) => setTimeout(r, 250));
    const xp = await client().users(company.id).getExperience(player.id, campaign.id);
    expect(xp.xp_current).toBe(5);
    expect(sleeps).toEqual([]);
  });

  it('gives up on persistent 5xx with ServerError', async () => {
    const { company, player } = seed();
    fake.inject({ method: 'GET', pathIncludes: `/users/${player.id}`, status: 503, times: 3 });
    expect(await caught(client().users(company.id).get(player.id))).toBeInstanceOf(ServerError);
  });

  it('a malformed body is a ResponseValidationError', async () => {
    const { company, player } = seed();
    fake.inject({ method: 'GET', pathIncludes: `/users/${player.id}`, malformed: true });
    expect(await caught(client().users(company.id).get(player.id))).toBeInstanceOf(ResponseValidationError);
  });

  it('a stalled answer times out and is retried', async () => {
    const { company, player } = seed();
    fake.inject({ method: 'GET', pathIncludes: `/users/${player.id}`, delayMs: 300 });
    const user = await client({ timeoutMs: 100 }).users(company.id).get(player.id);
    expect(user.id).toBe(player.id);
    expect(sleeps).toEqual([500]);
  });

  it('nothing listening is an APIConnectionError', async () => {
    const dead = new ValentinaClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k', maxRetries: 0 });
    expect(await caught(dead.system().health())).toBeInstanceOf(APIConnectionError);
  });
});
