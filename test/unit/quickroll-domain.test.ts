import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CharacterSchema, CharacterTraitSchema, ValentinaClient, type Character } from '../../src/api/index.js';
import { chooseCharacter, closestNames, editDistance, MissingTraitsError, rollableCharacters } from '../../src/domain/characters.js';
import { InvalidInputError, NotFoundInputError, PermissionDeniedError } from '../../src/domain/errors.js';
import {
  createQuickroll,
  editQuickroll,
  findQuickroll,
  parseTraitList,
  QuickrollCatalog,
  requireCampaignId,
  resolveTraits,
  suggestTraits,
  type PlayContext,
} from '../../src/domain/quickrolls.js';
import { rerollOpen, rollQuickroll, REROLL_WINDOW_MS } from '../../src/domain/rolls.js';
import { dieValue, startFakeValentina, type FakeValentina } from '../fakes/valentina/index.js';

function character(id: string, name: string, extra: Record<string, unknown> = {}): Character {
  return CharacterSchema.parse({ id, character_class: 'MORTAL', type: 'PLAYER', name, ...extra });
}

describe('chooseCharacter', () => {
  const nadia = character('c1', 'Nadia Volkov', { name_first: 'Nadia', name_nick: 'Nadi' });
  const milo = character('c2', 'Milo Reyes', { name_first: 'Milo' });

  it('picks a member\'s only character when none is named', () => {
    expect(chooseCharacter([nadia], null, 'Blood and Smoke')).toBe(nadia);
    expect(chooseCharacter([nadia], '  ', 'Blood and Smoke')).toBe(nadia);
  });

  it('asks which one when the member plays several', () => {
    expect(() => chooseCharacter([nadia, milo], null, 'Blood and Smoke')).toThrow(InvalidInputError);
    expect(() => chooseCharacter([nadia, milo], null, 'Blood and Smoke')).toThrow(/2 characters.*Nadia Volkov.*Milo Reyes/);
  });

  it('says so when the member plays no character there', () => {
    expect(() => chooseCharacter([], null, 'Blood and Smoke')).toThrow(/no living character in the campaign \*\*Blood and Smoke\*\*/);
  });

  it('finds a character by autocomplete id, full name, first name or nickname, in any case', () => {
    expect(chooseCharacter([nadia, milo], 'c2', 'X')).toBe(milo);
    expect(chooseCharacter([nadia, milo], 'nadia volkov', 'X')).toBe(nadia);
    expect(chooseCharacter([nadia, milo], 'MILO', 'X')).toBe(milo);
    expect(chooseCharacter([nadia, milo], 'nadi', 'X')).toBe(nadia);
  });

  it('answers an unknown character with the closest names', () => {
    expect(() => chooseCharacter([nadia, milo], 'Nadja Volkov', 'X')).toThrow(NotFoundInputError);
    expect(() => chooseCharacter([nadia, milo], 'Nadja Volkov', 'X')).toThrow(/Did you mean \*\*Nadia Volkov\*\*\?/);
  });

  it('lets players roll only living PLAYER characters; staff also their other characters', () => {
    const npc = character('c3', 'Old Bob', { type: 'NPC' });
    const dead = character('c4', 'Gone Gail', { status: 'DEAD' });
    expect(rollableCharacters([nadia, npc, dead], 'PLAYER')).toEqual([nadia]);
    expect(rollableCharacters([nadia, npc, dead], 'STORYTELLER')).toEqual([nadia, npc]);
  });
});

describe('did-you-mean', () => {
  it('ranks plausible typos and partial names, and drops unrelated ones', () => {
    expect(closestNames('punhc', ['Punch', 'Shoot', 'Dodge'])).toEqual(['Punch']);
    expect(closestNames('sho', ['Punch', 'Shoot', 'Shove'])).toEqual(['Shoot', 'Shove']);
    expect(closestNames('zzzzzz', ['Punch', 'Shoot'])).toEqual([]);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('names the closest quickrolls when one is unknown', () => {
    const list = [
      { id: 'q1', name: 'Punch', description: null, user_id: 'u', trait_ids: [] },
      { id: 'q2', name: 'Shoot', description: null, user_id: 'u', trait_ids: [] },
    ];
    expect(findQuickroll(list, 'q2').name).toBe('Shoot');
    expect(findQuickroll(list, ' punch ').name).toBe('Punch');
    expect(() => findQuickroll(list, 'Pnuch')).toThrow(/no quickroll called "Pnuch"\. Did you mean \*\*Punch\*\*\?/);
    expect(() => findQuickroll([], 'Punch')).toThrow(/no quickrolls yet.*\/quickroll create/);
  });
});

describe('trait lists', () => {
  const pool = [
    { traitId: 't1', name: 'Strength', value: 3 },
    { traitId: 't2', name: 'Brawl', value: 2 },
    { traitId: 't3', name: 'Stamina', value: 2 },
    { traitId: 't4', name: 'Dexterity', value: 4 },
  ];

  it('parses a comma-separated list, dropping blanks and repeats', () => {
    expect(parseTraitList('Strength, brawl ,, STRENGTH,')).toEqual(['Strength', 'brawl']);
  });

  it('resolves every entry by name (any case) or id and refuses unknown ones naming them', () => {
    expect(resolveTraits('strength, t2', pool).map((t) => t.traitId)).toEqual(['t1', 't2']);
    expect(() => resolveTraits('Strength, Brwal, Occult', pool)).toThrow(/Unknown traits: "Brwal" \(did you mean \*\*Brawl\*\*\?\), "Occult"/);
    expect(() => resolveTraits(' , ', pool)).toThrow(/at least one trait/);
  });

  it('suggests one more trait per choice, keeping what was already picked', () => {
    expect(suggestTraits('', pool).map((c) => c.value)).toEqual(['Brawl', 'Dexterity', 'Stamina', 'Strength']);
    expect(suggestTraits('Strength, st', pool).map((c) => c.value)).toEqual(['Strength, Stamina']);
    expect(suggestTraits('Brawl,', pool).map((c) => c.value)).toEqual(['Brawl, Dexterity', 'Brawl, Stamina', 'Brawl, Strength']);
    for (const choice of suggestTraits('x'.repeat(95) + ', ', pool)) expect(choice.value.length).toBeLessThanOrEqual(100);
  });

  it('needs the guild to have a default campaign', () => {
    expect(() => requireCampaignId(null)).toThrow(/\/setup campaign/);
    expect(requireCampaignId('abc')).toBe('abc');
  });

  it('keeps the re-roll window at 60 seconds', () => {
    expect(rerollOpen(1_000, 1_000 + REROLL_WINDOW_MS)).toBe(true);
    expect(rerollOpen(1_000, 1_001 + REROLL_WINDOW_MS)).toBe(false);
  });
});

describe('rollQuickroll against the fake Valentina', () => {
  let fake: FakeValentina;
  let api: ValentinaClient;
  let faces: number[] = [];
  let now = 1_000_000;
  let catalog: QuickrollCatalog;
  let player: PlayContext;
  let twoChars: PlayContext;
  let storyteller: PlayContext;
  let ids: { punch: string; shoot: string; nadia: string; milo: string; mira: string; stPunch: string };

  const rollsStored = () => fake.state.listDiceRolls().length;
  const requestsDuring = async (work: () => Promise<unknown>) => {
    const before = fake.requests.length;
    await work();
    return fake.requests.slice(before);
  };

  beforeAll(async () => {
    fake = await startFakeValentina({ random: () => dieValue(faces.shift() ?? 7) });
    const s = fake.state;
    const company = s.addCompany({ name: 'Chicago by Night' });
    const campaign = s.addCampaign(company.id, { name: 'Blood and Smoke' });
    const pia = s.addUser(company.id, { role: 'PLAYER' });
    const paul = s.addUser(company.id, { role: 'PLAYER' });
    const sam = s.addUser(company.id, { role: 'STORYTELLER' });
    const nadia = s.addCharacter(company.id, campaign.id, {
      user_player_id: pia.id, name_first: 'Nadia', name_last: 'Volkov',
      traits: [{ name: 'Strength', value: 3 }, { name: 'Brawl', value: 2 }],
    });
    const milo = s.addCharacter(company.id, campaign.id, { user_player_id: paul.id, name_first: 'Milo', name_last: 'Reyes', traits: [{ name: 'Dexterity', value: 2 }, { name: 'Firearms', value: 3 }] });
    s.addCharacter(company.id, campaign.id, { user_player_id: paul.id, name_first: 'Mira', name_last: 'Reyes', traits: [{ name: 'Dexterity', value: 4 }] });
    const mira = [...s.characters.values()].find((c) => c.name_first === 'Mira');
    const sams = s.addCharacter(company.id, campaign.id, { user_player_id: sam.id, type: 'STORYTELLER', name_first: 'The', name_last: 'Prince', traits: [{ name: 'Strength', value: 5 }, { name: 'Brawl', value: 4 }] });
    void sams;
    const punch = s.addQuickroll(pia.id, { name: 'Punch', trait_names: ['Strength', 'Brawl'] });
    const shoot = s.addQuickroll(paul.id, { name: 'Shoot', trait_names: ['Dexterity', 'Firearms'] });
    const stPunch = s.addQuickroll(sam.id, { name: 'Punch', trait_names: ['Strength', 'Brawl'] });
    ids = { punch: punch.id, shoot: shoot.id, nadia: nadia.id, milo: milo.id, mira: mira?.id ?? '', stPunch: stPunch.id };
    api = new ValentinaClient({ baseUrl: fake.url, apiKey: fake.apiKey, maxRetries: 0 });
    const base = { companyId: company.id, campaignId: campaign.id, campaignName: campaign.name };
    player = { ...base, userId: pia.id, role: 'PLAYER' };
    twoChars = { ...base, userId: paul.id, role: 'PLAYER' };
    storyteller = { ...base, userId: sam.id, role: 'STORYTELLER' };
  });

  afterAll(async () => {
    expect(fake.violations).toEqual([]);
    await fake.close();
  });

  beforeEach(() => {
    catalog = new QuickrollCatalog(api, () => now);
  });

  const deps = () => ({ api, quickrolls: catalog });
  const input = (quickroll: string, extra: Partial<Parameters<typeof rollQuickroll>[2]> = {}) => ({
    quickroll, character: null, difficulty: null, comment: null, private: false, ...extra,
  });

  it('rolls for the member\'s only character with the pool of its traits, scored by the API', async () => {
    faces = [10, 7, 6, 3, 1];
    const rolled = await rollQuickroll(deps(), player, input('punch', { comment: 'At the ghoul' }), 'i1:roll');
    expect(rolled.character.id).toBe(ids.nadia);
    expect(rolled.roll.num_dice).toBe(5);
    expect(rolled.traits.map((t) => `${t.name} ${t.value}`)).toEqual(['Strength 3', 'Brawl 2']);
    expect(rolled.difficulty).toBe(6);
    expect(rolled.roll.result?.total_result_type).toBe('SUCCESS');
    expect(rolled.roll.result?.player_roll_emoji).toBe('1️⃣ 3️⃣ 6️⃣ 7️⃣ 🔟');
    expect(fake.state.getDiceRoll(rolled.roll.id)?.comment).toBe('At the ghoul');
  });

  it('spends exactly one API call on a warm roll, and none on warm lookups', async () => {
    await catalog.quickrolls(player.companyId, player.userId);
    await catalog.characters(player.companyId, player.userId, player.campaignId);
    await catalog.traits(player.companyId, player.userId, player.campaignId, ids.nadia);
    const lookups = await requestsDuring(async () => {
      await catalog.quickrolls(player.companyId, player.userId);
      await catalog.characters(player.companyId, player.userId, player.campaignId);
    });
    expect(lookups).toEqual([]);
    const roll = await requestsDuring(() => rollQuickroll(deps(), player, input('Punch'), 'i2:roll'));
    expect(roll.map((r) => `${r.method} ${r.path.replace(/^.*\/users\/[0-9a-f]+/, 'U')}`)).toEqual(['POST U/dicerolls/quickroll']);
    expect(roll[0]?.idempotencyKey).toBe('i2:roll');
  });

  it('once the cache has expired answers from it at once and refreshes it with one background load', async () => {
    const cached = await catalog.quickrolls(player.companyId, player.userId);
    now += 61_000;
    const before = fake.requests.length;
    const stale = await Promise.all([catalog.quickrolls(player.companyId, player.userId), catalog.quickrolls(player.companyId, player.userId)]);
    expect(stale[0]).toBe(cached);
    expect(stale[1]).toBe(cached);
    await vi.waitFor(async () => expect(await catalog.quickrolls(player.companyId, player.userId)).not.toBe(cached));
    expect(fake.requests.length - before).toBe(1);
  });

  it('waits for the API once the cache is older than the stale bound', async () => {
    await catalog.quickrolls(player.companyId, player.userId);
    now += 11 * 60_000;
    const again = await requestsDuring(() => catalog.quickrolls(player.companyId, player.userId));
    expect(again).toHaveLength(1);
  });

  it('refuses a difficulty outside 2–10 before any API call', async () => {
    for (const difficulty of [1, 11, 0, -3]) {
      const sent = await requestsDuring(() => expect(rollQuickroll(deps(), player, input('Punch', { difficulty }), 'x').then(() => 'rolled')).rejects.toThrow(/Difficulty must be a whole number from 2 to 10/));
      expect(sent).toEqual([]);
    }
  });

  it('refuses a player\'s private roll and rolls nothing; lets a storyteller roll privately', async () => {
    const before = rollsStored();
    await expect(rollQuickroll(deps(), player, input('Punch', { private: true }), 'p1:roll')).rejects.toThrow(PermissionDeniedError);
    expect(rollsStored()).toBe(before);
    const rolled = await rollQuickroll(deps(), storyteller, input('Punch', { private: true }), 'p2:roll');
    expect(rolled.private).toBe(true);
    expect(rolled.character.type).toBe('STORYTELLER');
    expect(rollsStored()).toBe(before + 1);
  });

  it('asks a member with two characters which one, and rolls for the one named', async () => {
    await expect(rollQuickroll(deps(), twoChars, input('Shoot'), 'c1:roll')).rejects.toThrow(/2 characters/);
    const rolled = await rollQuickroll(deps(), twoChars, input('Shoot', { character: 'Milo Reyes' }), 'c2:roll');
    expect(rolled.character.id).toBe(ids.milo);
    expect(rolled.roll.num_dice).toBe(5);
  });

  it('names the traits a character lacks and rolls nothing (checked before the API)', async () => {
    const before = rollsStored();
    const err = await rollQuickroll(deps(), twoChars, input('Shoot', { character: ids.mira }), 'm1:roll').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingTraitsError);
    expect((err as MissingTraitsError).missing).toEqual(['Firearms']);
    expect((err as Error).message).toMatch(/\*\*Mira Reyes\*\* lacks \*\*Firearms\*\*, which the quickroll \*\*Shoot\*\* needs/);
    expect(rollsStored()).toBe(before);
  });

  it('turns the API\'s "does not have the traits" 400 into the same answer when the cache was stale', async () => {
    const q = fake.state.addQuickroll(player.userId, { name: 'Sneak', trait_names: ['Stealth'] });
    // Warm cache says Nadia has Stealth; the API knows she does not any more.
    const traits = await catalog.traits(player.companyId, player.userId, player.campaignId, ids.nadia);
    const stealth = fake.state.ensureTrait('Stealth');
    traits.push(CharacterTraitSchema.parse({ id: 'ct-stale', character_id: ids.nadia, value: 2, trait: { id: stealth.id, name: 'Stealth' } }));
    const err = await rollQuickroll(deps(), player, input(q.id), 's1:roll').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingTraitsError);
    expect((err as Error).message).toMatch(/lacks/);
  });

  it('refuses an unknown quickroll with did-you-mean, without rolling', async () => {
    const sent = await requestsDuring(() => expect(rollQuickroll(deps(), player, input('Pnuch'), 'u1:roll')).rejects.toThrow(/Did you mean \*\*Punch\*\*/));
    expect(sent.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('refuses a duplicate name (any case) before the API, and an edit that changes nothing', async () => {
    await expect(createQuickroll(deps(), player, { name: 'PUNCH', description: null, traits: [{ traitId: 'x', name: 'x', value: 1 }] }, 'k1')).rejects.toThrow(/already have a quickroll called \*\*Punch\*\*/);
    const list = await catalog.quickrolls(player.companyId, player.userId);
    const punch = findQuickroll(list, 'Punch');
    await expect(editQuickroll(deps(), player, punch, {}, 'k2')).rejects.toThrow(/Nothing to change/);
  });

  it('creates a quickroll with blueprint trait ids and shows it in the next list', async () => {
    const traits = await catalog.traits(player.companyId, player.userId, player.campaignId, ids.nadia);
    await catalog.quickrolls(player.companyId, player.userId);
    const pool = traits.map((t) => ({ traitId: t.trait.id, name: t.trait.name, value: t.value }));
    const created = await createQuickroll(deps(), player, { name: 'Grapple', description: 'Hold them down', traits: resolveTraits('Strength', pool) }, 'k3');
    expect(fake.state.getQuickroll(created.id)?.trait_ids).toEqual([fake.state.traitByName('Strength')?.id]);
    expect((await catalog.quickrolls(player.companyId, player.userId)).map((q) => q.name)).toContain('Grapple');
  });
});
