import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildResult, scoreRoll, scriptedDice, startFakeValentina } from '../fakes/valentina/index.js';
import type { FakeValentina, RandomSource } from '../fakes/valentina/index.js';
import { call, items, obj } from '../fakes/valentina/test-client.js';

describe('scoring (CONTRACT §3.3)', () => {
  const cases: Array<[number[], number | null, number | null, string, string]> = [
    [[2, 4, 7, 7, 9, 10], 6, 5, 'SUCCESS', '5 Successes'],
    [[8, 10, 10], 6, 5, 'CRITICAL', '5 Successes'],
    [[1, 1, 3, 8], 7, -1, 'BOTCH', '-1 Successes'],
    [[1, 7, 10], 6, 1, 'SUCCESS', '1 Success'], // the 1 cancels the whole 10
    [[1, 10], 6, 0, 'FAILURE', '0 Successes'],
    [[1, 1, 8, 10], 6, 0, 'FAILURE', '0 Successes'],
    [[2, 3, 5], 6, 0, 'FAILURE', '0 Successes'],
    [[10], 6, 2, 'CRITICAL', '2 Successes'],
    [[6, 6], 6, 2, 'SUCCESS', '2 Successes'],
    [[5, 9], null, null, 'OTHER', ''],
  ];
  for (const [dice, difficulty, total, type, humanized] of cases) {
    it(`${JSON.stringify(dice)} at ${difficulty} -> ${total} ${type}`, () => {
      const result = buildResult(dice, [], 10, difficulty);
      expect(result).toMatchObject({ total_result: total, total_result_type: type, total_result_humanized: humanized });
    });
  }

  it('scores player and desperation dice as one pool and sorts each list', () => {
    const result = buildResult([8, 3, 6], [10], 10, 6);
    expect(result).toEqual({
      total_result: 4,
      total_result_type: 'SUCCESS',
      total_result_humanized: '4 Successes',
      total_dice_roll: [3, 6, 8, 10],
      player_roll: [3, 6, 8],
      desperation_roll: [10],
      total_dice_roll_emoji: '3️⃣ 6️⃣ 8️⃣ 🔟',
      total_dice_roll_shortcode: ':three: :six: :eight: :keycap_ten:',
      player_roll_emoji: '3️⃣ 6️⃣ 8️⃣',
      player_roll_shortcode: ':three: :six: :eight:',
      desperation_roll_emoji: '🔟',
      desperation_roll_shortcode: ':keycap_ten:',
    });
  });

  it('types other dice sizes OTHER, with out-of-range faces as digits and backticks', () => {
    expect(scoreRoll([17, 1, 5], 20, 10)).toEqual({ total: -1, type: 'OTHER' });
    expect(buildResult([17], [], 20, null)).toMatchObject({
      total_result: null, total_result_type: 'OTHER', total_result_humanized: '', total_dice_roll_emoji: '17', total_dice_roll_shortcode: '`17`',
    });
  });
});

describe('dice roll routes', () => {
  let fake: FakeValentina;
  let dice: number[];
  let companyId: string;
  let campaignId: string;
  let userId: string;
  let characterId: string;
  let dexterityId: string;
  let firearmsId: string;

  beforeEach(async () => {
    dice = [];
    // Faces are consumed from `dice` in order; a test pushes the faces it wants rolled.
    const random: RandomSource = () => {
      const face = dice.shift();
      if (face === undefined) throw new Error('test rolled more dice than scripted');
      return (face - 0.5) / 10;
    };
    fake = await startFakeValentina({ random });
    companyId = fake.state.addCompany().id;
    campaignId = fake.state.addCampaign(companyId, { name: 'Chicago by Night' }).id;
    userId = fake.state.addUser(companyId, { role: 'PLAYER' }).id;
    const character = fake.state.addCharacter(companyId, campaignId, {
      user_player_id: userId,
      name_first: 'Celeste',
      name_last: 'Marchand',
      name_nick: 'Vex',
      traits: [{ name: 'Dexterity', value: 3 }, { name: 'Firearms', value: 3 }, { name: 'Wits', value: 2 }],
    });
    characterId = character.id;
    dexterityId = fake.state.traitByName('Dexterity')?.id ?? '';
    firearmsId = fake.state.traitByName('Firearms')?.id ?? '';
  });

  afterEach(async () => {
    expect(fake.violations).toEqual([]);
    await fake.close();
  });

  const U = (): string => `/companies/${companyId}/users/${userId}`;

  it('rolls a quickroll: pool from the character traits, d10, difficulty 6, default comment', async () => {
    const shoot = fake.state.addQuickroll(userId, { name: 'Shoot', trait_ids: [dexterityId, firearmsId] });
    dice.push(9, 2, 10, 7, 4, 7);
    const res = await call(fake, 'POST', `${U()}/dicerolls/quickroll`, {
      body: { quickroll_id: shoot.id, character_id: characterId, num_desperation_dice: 2 },
    });
    expect(res.status).toBe(201);
    expect(obj(res.body)).toMatchObject({
      difficulty: 6,
      dice_size: 10,
      num_dice: 6,
      num_desperation_dice: 0,
      comment: 'Quick roll: Shoot',
      trait_ids: [dexterityId, firearmsId],
      user_id: userId,
      character_id: characterId,
      campaign_id: campaignId,
      company_id: companyId,
      result: {
        total_result: 5,
        total_result_type: 'SUCCESS',
        total_result_humanized: '5 Successes',
        player_roll: [2, 4, 7, 7, 9, 10],
        desperation_roll: [],
        total_dice_roll_shortcode: ':two: :four: :seven: :seven: :nine: :keycap_ten:',
      },
    });
    expect(dice).toEqual([]);
  });

  it('adds only the traits the character has, and honours difficulty and comment', async () => {
    const roll = fake.state.addQuickroll(userId, { name: 'Dodge', trait_names: ['Wits', 'Athletics'] });
    dice.push(1, 1);
    const res = await call(fake, 'POST', `${U()}/dicerolls/quickroll`, {
      body: { quickroll_id: roll.id, character_id: characterId, difficulty: 8, comment: 'duck!' },
    });
    expect(obj(res.body)).toMatchObject({
      num_dice: 2, difficulty: 8, comment: 'duck!',
      result: { total_result: -2, total_result_type: 'BOTCH', total_result_humanized: '-2 Successes' },
    });
  });

  it('400s a quickroll the character has no traits for, and unknown quickroll/character ids', async () => {
    const roll = fake.state.addQuickroll(userId, { name: 'Rituals', trait_names: ['Blood Sorcery'] });
    const none = await call(fake, 'POST', `${U()}/dicerolls/quickroll`, { body: { quickroll_id: roll.id, character_id: characterId } });
    expect(none.status).toBe(400);
    expect(obj(none.body)).toMatchObject({
      detail: 'This character does not have the traits required to roll this quick roll',
      invalid_parameters: [{ field: 'body', message: 'One or more fields did not pass validation.' }],
    });
    const unknownQr = await call(fake, 'POST', `${U()}/dicerolls/quickroll`, {
      body: { quickroll_id: 'aaaaaaaaaaaaaaaaaaaaaaaa', character_id: characterId },
    });
    expect(obj(unknownQr.body)['detail']).toBe('Quick roll aaaaaaaaaaaaaaaaaaaaaaaa not found');
    const unknownChar = await call(fake, 'POST', `${U()}/dicerolls/quickroll`, {
      body: { quickroll_id: roll.id, character_id: 'bbbbbbbbbbbbbbbbbbbbbbbb' },
    });
    expect(obj(unknownChar.body)['detail']).toBe('Character bbbbbbbbbbbbbbbbbbbbbbbb not found');
    const missing = await call(fake, 'POST', `${U()}/dicerolls/quickroll`, { body: { quickroll_id: roll.id } });
    expect(missing.status).toBe(400);
    expect(obj(missing.body)['invalid_parameters']).toEqual([expect.objectContaining({ field: 'character_id' })]);
  });

  it('refuses rolls for an unapproved path user (403, no detail)', async () => {
    const newbie = fake.state.addUser(companyId, { role: 'UNAPPROVED' });
    const res = await call(fake, 'POST', `/companies/${companyId}/users/${newbie.id}/dicerolls`, { body: { dice_size: 10, num_dice: 1 } });
    expect(res.status).toBe(403);
    expect(obj(res.body)['detail']).toBeUndefined();
  });

  it('creates free-form rolls with desperation dice, reads them back and lists company-wide with filters', async () => {
    dice.push(8, 3, 6, 10);
    const res = await call(fake, 'POST', `${U()}/dicerolls`, {
      body: { dice_size: 10, num_dice: 3, num_desperation_dice: 1, difficulty: 6, campaign_id: campaignId },
    });
    expect(res.status).toBe(201);
    const roll = obj(res.body);
    expect(roll).toMatchObject({ comment: null, character_id: null, trait_ids: [], result: { total_result: 4, desperation_roll: [10] } });
    const got = await call(fake, 'GET', `${U()}/dicerolls/${String(roll['id'])}`);
    expect(got.body).toEqual(roll);
    const missing = await call(fake, 'GET', `${U()}/dicerolls/cccccccccccccccccccccccc`);
    expect(missing.status).toBe(404);
    expect(obj(missing.body)['detail']).toBe('Dice roll cccccccccccccccccccccccc not found');

    const other = fake.state.addUser(companyId, { role: 'STORYTELLER' });
    fake.state.addDiceRoll(companyId, other.id, { player_roll: [17], dice_size: 20, difficulty: null });
    const all = await call(fake, 'GET', `${U()}/dicerolls`);
    expect(obj(all.body)['total']).toBe(2);
    const mine = await call(fake, 'GET', `${U()}/dicerolls`, { query: { userid: other.id } });
    expect(items(mine.body).map((r) => r['dice_size'])).toEqual([20]);
    const byCampaign = await call(fake, 'GET', `${U()}/dicerolls`, { query: { campaignid: campaignId } });
    expect(obj(byCampaign.body)['total']).toBe(1);

    dice.push(5);
    const d20 = await call(fake, 'POST', `${U()}/dicerolls`, { body: { dice_size: 20, num_dice: 1 } });
    expect(obj(d20.body)).toMatchObject({ difficulty: null, result: { total_result: null, total_result_type: 'OTHER', player_roll: [10] } });
  });

  it('validates free-form bodies: dice size enum, unknown campaign', async () => {
    const size = await call(fake, 'POST', `${U()}/dicerolls`, { body: { dice_size: 12, num_dice: 1 } });
    expect(size.status).toBe(400);
    expect(obj(size.body)['invalid_parameters']).toEqual([expect.objectContaining({ field: 'dice_size' })]);
    const campaign = await call(fake, 'POST', `${U()}/dicerolls`, {
      body: { dice_size: 10, num_dice: 1, campaign_id: 'dddddddddddddddddddddddd' },
    });
    expect(obj(campaign.body)['detail']).toBe('Campaign dddddddddddddddddddddddd not found');
  });

  it('computes user and campaign statistics from stored d10 rolls', async () => {
    const s = fake.state;
    s.addDiceRoll(companyId, userId, { player_roll: [8, 10, 10], difficulty: 6, trait_ids: [dexterityId], campaign_id: campaignId });
    s.addDiceRoll(companyId, userId, { player_roll: [7], difficulty: 6, trait_ids: [dexterityId, firearmsId], campaign_id: campaignId });
    s.addDiceRoll(companyId, userId, { player_roll: [1, 3], difficulty: 7 });
    s.addDiceRoll(companyId, userId, { player_roll: [5], difficulty: null });
    s.addDiceRoll(companyId, userId, { player_roll: [17], dice_size: 20, difficulty: 10 });
    s.addDiceRoll(companyId, userId, { player_roll: [9], difficulty: 6, archived: true });
    const stats = await call(fake, 'GET', `${U()}/statistics`);
    expect(stats.status).toBe(200);
    const body = obj(stats.body);
    expect(body).toMatchObject({
      total_rolls: 4, criticals: 1, successes: 1, botches: 1, failures: 0,
      average_pool: 7 / 4,
      criticals_percentage: 25, success_percentage: 25, botch_percentage: 25, failure_percentage: 0,
      top_traits: [
        { name: 'Dexterity', usage_count: 2, trait_id: dexterityId },
        { name: 'Firearms', usage_count: 1, trait_id: firearmsId },
      ],
    });
    expect(body['average_difficulty']).toBeCloseTo(19 / 3);
    const top1 = await call(fake, 'GET', `${U()}/statistics`, { query: { num_top_traits: 1 } });
    expect(obj(top1.body)['top_traits']).toHaveLength(1);

    const campaignStats = await call(fake, 'GET', `${U()}/campaigns/${campaignId}/statistics`);
    expect(obj(campaignStats.body)).toMatchObject({ total_rolls: 2, criticals: 1, successes: 1, average_difficulty: 6 });

    const lonely = s.addUser(companyId, { role: 'PLAYER' });
    const empty = await call(fake, 'GET', `/companies/${companyId}/users/${lonely.id}/statistics`);
    expect(obj(empty.body)).toMatchObject({ total_rolls: 0, average_pool: null, average_difficulty: null, success_percentage: 0, top_traits: [] });
  });

  it('scriptedDice rolls the given faces', async () => {
    const scripted = await startFakeValentina({ random: scriptedDice([10, 10, 1]) });
    try {
      const company = scripted.state.addCompany();
      const user = scripted.state.addUser(company.id);
      const res = await call(scripted, 'POST', `/companies/${company.id}/users/${user.id}/dicerolls`, {
        body: { dice_size: 10, num_dice: 3, difficulty: 6 },
      });
      expect(obj(obj(res.body)['result'])).toMatchObject({ player_roll: [1, 10, 10], total_result: 2, total_result_type: 'SUCCESS' });
      expect(scripted.violations).toEqual([]);
    } finally {
      await scripted.close();
    }
  });
});
