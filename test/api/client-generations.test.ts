import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthorizationError,
  IdGenerationMismatchError,
  UnprocessableEntityError,
  ServerError,
  ConflictError,
  NotFoundError,
  UnsupportedOperationError,
  ValentinaClient,
  ValidationError,
  WIRE_PROFILES,
} from '../../src/api/index.js';
import { scriptedDice, startFakeValentina, tokenTable, type FakeGeneration, type FakeValentina } from '../fakes/valentina/index.js';
import { caught, drain } from './helpers/scripted-fetch.js';

/*
 * Every operation the bot uses, on both generations, against the contract fake of that
 * generation over real HTTP. The surface is the same; the wire (ids, actor placement, routes,
 * shapes) differs, and the fake checks each of its answers against that generation's document.
 */

const PNG = new Uint8Array(Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex'));
const DISCORD_ID = '310907223012884480';

let fake: FakeValentina | undefined;

afterEach(async () => {
  expect(fake?.violations ?? []).toEqual([]);
  await fake?.close();
  fake = undefined;
});

async function world(version: FakeGeneration) {
  const f = await startFakeValentina({
    version,
    random: scriptedDice([10, 9, 7, 4, 2, 1]),
    verifyIdentity: tokenTable({
      'tok-player': { id: DISCORD_ID, username: 'mara', email: 'mara@example.com', verified: true },
      'tok-new': { id: '800000000000000001', username: 'newcomer', email: 'newcomer@example.net', verified: true },
      'tok-down': 'unavailable',
    }),
  });
  fake = f;
  const company = f.state.addCompany({ name: 'Windy City', settings: { permission_grant_xp: 'STORYTELLER' } });
  const admin = f.state.addUser(company.id, { role: 'ADMIN', username: 'admin-user', discord_id: '184405311681986560' });
  const storyteller = f.state.addUser(company.id, { role: 'STORYTELLER', username: 'story-teller' });
  const player = f.state.addUser(company.id, { role: 'PLAYER', username: 'mara-okafor', discord_id: DISCORD_ID });
  const campaign = f.state.addCampaign(company.id, { name: 'Chicago by Night' });
  const character = f.state.addCharacter(company.id, campaign.id, {
    user_player_id: player.id, name_first: 'Celeste', name_last: 'Marchand',
    traits: [{ name: 'Dexterity', value: 3 }, { name: 'Firearms', value: 2 }],
  });
  const client = new ValentinaClient({ baseUrl: f.url, apiKey: f.apiKey, wire: WIRE_PROFILES[version], sleep: async () => {}, random: () => 0 });
  return { f, client, company, admin, storyteller, player, campaign, character };
}

describe.each(['v1', 'v2'] as const)('the client on %s', (version) => {
  it('reads users, companies, settings and health', async () => {
    const { client, company, player } = await world(version);
    expect(client.apiVersion).toBe(version);
    const users = client.users(company.id);
    expect((await users.get(player.id)).discord_profile.id).toBe(DISCORD_ID);
    expect((await users.listAll({ userRole: 'ADMIN' })).map((u) => u.username)).toEqual(['admin-user']);
    expect(await drain(users.iterAll({ limit: 1 }))).toHaveLength(3);
    expect((await client.companies().get(company.id)).name).toBe('Windy City');
    expect((await client.companies().getSettings(company.id)).permission_grant_xp).toBe('STORYTELLER');
    expect((await client.companies().listAll()).map((c) => c.id)).toEqual([company.id]);
    const health = await client.system().health();
    expect(health.version).toBe(version === 'v2' ? '0.27.0' : '0.8.0');
  });

  it('creates, updates, approves, denies, merges and deletes users as an acting admin', async () => {
    const { f, client, company, admin } = await world(version);
    const users = client.users(company.id);
    const made = await users.create({ username: 'new-player', email: 'np@example.com', role: 'PLAYER', requesting_user_id: admin.id });
    const renamed = await users.update(made.id, { name_first: 'Nia', requesting_user_id: admin.id });
    expect(renamed.name_first).toBe('Nia');
    const pending = f.state.addUser(company.id, { role: 'UNAPPROVED', username: 'pending-one' });
    const pending2 = f.state.addUser(company.id, { role: 'UNAPPROVED', username: 'pending-two' });
    const pending3 = f.state.addUser(company.id, { role: 'UNAPPROVED', username: 'pending-three' });
    expect((await users.listAllUnapproved(admin.id)).map((u) => u.id).sort()).toEqual([pending.id, pending2.id, pending3.id].sort());
    expect((await users.approveUser(pending.id, 'PLAYER', admin.id)).role).toBe('PLAYER');
    await users.denyUser(pending2.id, admin.id);
    expect(f.state.getUser(pending2.id)?.archived).toBe(true);
    expect((await users.merge(made.id, pending3.id, admin.id)).id).toBe(made.id);
    await users.delete(made.id, admin.id);
    expect(await caught(users.get(made.id))).toBeInstanceOf(NotFoundError);
  });

  it('awards, removes and converts experience; refuses too little XP as a ValidationError', async () => {
    const { client, company, storyteller, player, campaign } = await world(version);
    const users = client.users(company.id);
    expect((await users.addXp(player.id, campaign.id, 5, storyteller.id)).xp_current).toBe(5);
    expect((await users.addCoolPoints(player.id, campaign.id, 1, storyteller.id)).xp_current).toBe(15);
    expect((await users.removeXp(player.id, campaign.id, 4, storyteller.id)).xp_current).toBe(11);
    expect((await users.getExperience(player.id, campaign.id)).xp_total).toBe(15);
    const short = await caught(users.removeXp(player.id, campaign.id, 100, storyteller.id));
    expect(short).toBeInstanceOf(ValidationError);
    // v1 says how much XP there is; v2 does not, so the client reads the balance: the same error either way.
    expect((short as ValidationError).currentXp).toBe(11);
    expect((short as ValidationError).requiredXp).toBe(100);
    expect(await caught(users.addXp(player.id, campaign.id, 1, player.id))).toBeInstanceOf(AuthorizationError);
  });

  it('uploads, lists, reads and deletes assets', async () => {
    const { client, company, player } = await world(version);
    const users = client.users(company.id);
    const asset = await users.uploadAsset(player.id, 'map.png', PNG, { contentType: 'image/png', idempotencyKey: 'i-1:upload' });
    expect(asset.parent_type).toBe('user');
    expect(asset.parent_id).toBe(player.id);
    expect(asset.uploaded_by).toBe(player.id);
    expect((await users.listAllAssets(player.id)).map((a) => a.id)).toEqual([asset.id]);
    expect((await users.getAsset(player.id, asset.id)).mime_type).toBe('image/png');
    await users.deleteAsset(player.id, asset.id);
    expect(await users.listAllAssets(player.id)).toEqual([]);
  });

  it('creates, reads, updates and deletes notes', async () => {
    const { client, company, player } = await world(version);
    const users = client.users(company.id);
    const note = await users.createNote(player.id, { title: 'Haven', content: 'Under the L tracks' });
    expect((await users.updateNote(player.id, note.id, { title: 'New haven', content: 'Above the river' })).title).toBe('New haven');
    expect((await users.getNote(player.id, note.id)).content).toBe('Above the river');
    expect(await drain(users.iterAllNotes(player.id))).toHaveLength(1);
    await users.deleteNote(player.id, note.id);
    expect(await users.listAllNotes(player.id)).toEqual([]);
  });

  it('manages quickrolls and rolls one for a character', async () => {
    const { f, client, company, player, campaign, character } = await world(version);
    const users = client.users(company.id);
    const traitIds = ['Dexterity', 'Firearms'].map((n) => f.state.ensureTrait(n).id);
    const qr = await users.createQuickroll(player.id, { name: 'Shoot', trait_ids: traitIds });
    expect(qr.description).toBeNull();
    const described = await users.updateQuickroll(player.id, qr.id, { description: 'Aim and fire' });
    expect(described.description).toBe('Aim and fire');
    expect((await users.updateQuickroll(player.id, qr.id, { description: null })).description).toBeNull();
    expect((await users.listAllQuickrolls(player.id)).map((q) => q.name)).toEqual(['Shoot']);
    expect((await users.getQuickroll(player.id, qr.id)).trait_ids).toEqual(traitIds);

    const chars = await client.characters(company.id, player.id, campaign.id).listAll({ userPlayerId: player.id });
    expect(chars.map((c) => c.name)).toEqual(['Celeste Marchand']);
    expect((await client.characters(company.id, player.id, campaign.id).get(character.id)).user_player_id).toBe(player.id);
    const traits = await client.characterTraits(company.id, player.id, campaign.id, character.id).listAll();
    expect(traits.map((t) => [t.trait.name, t.value])).toEqual([['Dexterity', 3], ['Firearms', 2]]);
    const category = traits[0]?.trait.parent_category_id ?? '';
    expect(await client.characterTraits(company.id, player.id, campaign.id, character.id).listAll({ parentCategoryId: category })).toHaveLength(2);

    const dice = client.dicerolls(company.id, player.id);
    const roll = await dice.createFromQuickroll({ quickroll_id: qr.id, character_id: character.id, difficulty: 6 }, { idempotencyKey: 'i-2:roll' });
    expect(roll.num_dice).toBe(5);
    expect(roll.user_id).toBe(player.id);
    const free = await dice.create({ dice_size: 10, num_dice: 2, difficulty: 6 }, { idempotencyKey: 'i-3:roll' });
    expect((await dice.get(free.id)).id).toBe(free.id);
    expect((await dice.listAll({ userId: player.id })).map((r) => r.id).sort()).toEqual([roll.id, free.id].sort());
    await users.deleteQuickroll(player.id, qr.id);
    expect(await users.listAllQuickrolls(player.id)).toEqual([]);
  });

  it('reads campaigns and statistics', async () => {
    const { f, client, company, player, campaign } = await world(version);
    f.state.addDiceRoll(company.id, player.id, { player_roll: [7, 8], difficulty: 6, campaign_id: campaign.id });
    expect((await client.campaigns(company.id, player.id).listAll()).map((c) => c.name)).toEqual(['Chicago by Night']);
    expect((await client.campaigns(company.id, player.id).get(campaign.id)).name).toBe('Chicago by Night');
    expect((await client.campaigns(company.id, player.id).getStatistics(campaign.id)).total_rolls).toBe(1);
    expect((await client.users(company.id).getStatistics(player.id)).successes).toBe(1);
  });

  it('finds users by Discord id and by email (v2: one lookup call; v1: a walk of companies and users)', async () => {
    const { f, client, company, player } = await world(version);
    const other = f.state.addCompany({ name: 'Sunday Sabbat' });
    const twin = f.state.addUser(other.id, { role: 'UNAPPROVED', discord_id: DISCORD_ID });
    const before = f.requests.length;
    const found = await client.userLookup().byDiscordId(DISCORD_ID);
    expect(found).toEqual([
      { company_id: company.id, company_name: 'Windy City', user_id: player.id, role: 'PLAYER' },
      { company_id: other.id, company_name: 'Sunday Sabbat', user_id: twin.id, role: 'UNAPPROVED' },
    ]);
    // v2: GET /users/lookup; v1: companies + one users page per company.
    expect(f.requests.length - before).toBe(version === 'v2' ? 1 : 3);
    const email = f.state.getUser(player.id)?.email ?? '';
    expect((await client.userLookup().byEmail(email)).map((r) => r.user_id)).toEqual([player.id]);
  });

  it('refuses an id of the other generation before sending', async () => {
    const { f, client, company } = await world(version);
    const foreign = version === 'v2' ? '68c2a1b51f3b7e9a5c6d2e11' : '019d6fdf-1868-77f5-970a-156e8f0f9d8c';
    const before = f.requests.length;
    const err = await caught(client.users(company.id).get(foreign));
    expect(err).toBeInstanceOf(IdGenerationMismatchError);
    expect(err).toMatchObject({ idGeneration: version === 'v2' ? 'v1' : 'v2', clientGeneration: version, field: 'userId' });
    expect(await caught(client.users(foreign).listAll())).toBeInstanceOf(IdGenerationMismatchError);
    expect(f.requests.length).toBe(before);
  });
});

describe('operations of one generation only', () => {
  it('v2: identify matches, creates, and maps the identity error codes', async () => {
    const { client, company, player } = await world('v2');
    const identity = client.auth(company.id);
    const matched = await identity.identify({ provider: 'discord', token: 'tok-player' });
    expect(matched).toMatchObject({ resolution: 'matched', user: { id: player.id } });
    const createdUser = await identity.identify({ provider: 'discord', token: 'tok-new' });
    expect(createdUser.resolution).toBe('created');
    expect(createdUser.user.role).toBe('UNAPPROVED');
    const refused = await caught(identity.identify({ provider: 'discord', token: 'forged' }));
    expect(refused).toBeInstanceOf(UnprocessableEntityError);
    expect(refused).toMatchObject({ status: 422, code: 'TOKEN_VERIFICATION_FAILED' });
    const down = await caught(identity.identify({ provider: 'discord', token: 'tok-down' }));
    expect(down).toBeInstanceOf(ServerError);
    expect(down).toMatchObject({ status: 503, code: 'PROVIDER_UNAVAILABLE' });
  });

  it('v2: links and unlinks identities; register and profile writes are unsupported', async () => {
    const { f, client, company, storyteller, admin } = await world('v2');
    const users = client.users(company.id);
    const linked = await users.linkIdentity(storyteller.id, { provider: 'discord', token: 'tok-new' }, storyteller.id);
    expect(linked.discord_profile.id).toBe('800000000000000001');
    const taken = await caught(users.linkIdentity(admin.id, { provider: 'discord', token: 'tok-player' }, admin.id));
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken).toMatchObject({ code: 'IDENTITY_ALREADY_LINKED' });
    expect(await caught(users.unlinkIdentity(storyteller.id, 'discord', storyteller.id))).toMatchObject({ code: 'LAST_IDENTITY' });
    const before = f.requests.length;
    expect(await caught(users.register({ username: 'someone', email: 's@example.com' }))).toBeInstanceOf(UnsupportedOperationError);
    const write = await caught(users.update(admin.id, { requesting_user_id: admin.id, discord_profile: { id: '1' } }));
    expect(write).toBeInstanceOf(UnsupportedOperationError);
    expect(f.requests.length).toBe(before);
  });

  it('v2: uploads are images up to 5 MiB, refused before sending otherwise', async () => {
    const { f, client, company, player } = await world('v2');
    const users = client.users(company.id);
    const before = f.requests.length;
    const text = await caught(users.uploadAsset(player.id, 'notes.txt', new TextEncoder().encode('hello'), { contentType: 'text/plain' }));
    expect(text).toMatchObject({ name: 'RequestValidationError', field: 'content' });
    const big = new Uint8Array(5 * 1024 * 1024);
    big.set(PNG);
    expect(await caught(users.uploadAsset(player.id, 'huge.png', big))).toMatchObject({ field: 'content', message: expect.stringContaining('too large') });
    expect(f.requests.length).toBe(before);
  });

  it('v1: identify and identities are unsupported; register still works', async () => {
    const { f, client, company, admin } = await world('v1');
    const before = f.requests.length;
    expect(await caught(client.auth(company.id).identify({ provider: 'discord', token: 't' }))).toBeInstanceOf(UnsupportedOperationError);
    expect(await caught(client.users(company.id).linkIdentity(admin.id, { provider: 'discord', token: 't' }, admin.id))).toBeInstanceOf(UnsupportedOperationError);
    expect(await caught(client.users(company.id).unlinkIdentity(admin.id, 'discord', admin.id))).toMatchObject({ operation: 'users.unlinkIdentity', apiVersion: 'v1' });
    expect(f.requests.length).toBe(before);
    const user = await client.users(company.id).register({ username: 'walk-in', email: 'w@example.com', discord_profile: { id: '900000000000000009' } });
    expect(user.role).toBe('UNAPPROVED');
  });

  it('v2: one interaction key acting for two users is two writes, the same user retrying is one', async () => {
    const { f, client, company, storyteller, admin, player, campaign } = await world('v2');
    const users = client.users(company.id);
    // Same caller key, same body, same path: only the acting user differs.
    await users.addXp(player.id, campaign.id, 3, storyteller.id, { idempotencyKey: 'interaction-1:xp' });
    await users.addXp(player.id, campaign.id, 3, admin.id, { idempotencyKey: 'interaction-1:xp' });
    expect(f.state.experience(player.id, campaign.id)?.xp_current).toBe(6);
    await users.addXp(player.id, campaign.id, 3, admin.id, { idempotencyKey: 'interaction-1:xp' });
    expect(f.state.experience(player.id, campaign.id)?.xp_current).toBe(6);
    const keys = f.requests.filter((r) => r.path.endsWith('/xp/add')).map((r) => r.idempotencyKey);
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[1]).toBe(keys[2]);
  });
});
