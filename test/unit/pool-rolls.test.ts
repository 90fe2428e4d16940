import { describe, expect, it } from 'vitest';
import { CharacterSchema, DiceRollSchema } from '../../src/api/index.js';
import { parseDesperation, parsePool, traitChoices, traitEntries } from '../../src/domain/pool-rolls.js';
import { InvalidInputError } from '../../src/domain/errors.js';
import { renderRollMessage } from '../../src/render/roll-embed.js';

describe('free pools', () => {
  it('takes 1–50 dice and 0–10 desperation dice, and says what is allowed otherwise', () => {
    expect(parsePool(1)).toBe(1);
    expect(parsePool(50)).toBe(50);
    for (const bad of [0, 51, -1, 2.5]) expect(() => parsePool(bad)).toThrow(InvalidInputError);
    expect(() => parsePool(51)).toThrow('A pool must be 1 to 50 dice; you gave 51. Nothing was rolled.');
    expect(parseDesperation(null)).toBe(0);
    expect(parseDesperation(10)).toBe(10);
    expect(() => parseDesperation(11)).toThrow('Desperation dice must be 0 to 10');
  });
});

describe('trait options', () => {
  const lines = [
    { traitId: 'a', name: 'Strength', value: 3 },
    { traitId: 'b', name: 'Brawl', value: 2 },
    { traitId: 'c', name: 'Stealth', value: 1 },
  ];
  it('drops empty and repeated entries, any case', () => {
    expect(traitEntries(['Strength', null, ' ', 'strength', 'Brawl '])).toEqual(['Strength', 'Brawl']);
  });
  it('offers traits with their values, prefix matches first, without those already picked', () => {
    expect(traitChoices(lines, 'st', [])).toEqual([
      { name: 'Stealth · 1', value: 'c' },
      { name: 'Strength · 3', value: 'a' },
    ]);
    expect(traitChoices(lines, '', ['a', 'brawl']).map((c) => c.value)).toEqual(['c']);
  });
});

describe('roll embed of a free pool', () => {
  const roll = DiceRollSchema.parse({
    id: '65f000000000000000000009',
    date_created: '2026-03-14T19:22:05Z',
    difficulty: 6,
    dice_size: 10,
    num_dice: 2,
    num_desperation_dice: 3,
    trait_ids: [],
    result: {
      total_result: -1,
      total_result_type: 'BOTCH',
      total_result_humanized: '-1 Successes',
      player_roll: [6, 7],
      desperation_roll: [1, 1, 1],
      player_roll_emoji: '6️⃣ 7️⃣',
      desperation_roll_emoji: '1️⃣ 1️⃣ 1️⃣',
    },
  });

  it('shows the desperation dice apart, names the campaign, and has no traits field', () => {
    const message = renderRollMessage({ roll, quickroll: null, character: null, traits: [], difficulty: 6, comment: null, private: false, campaignName: 'Blood and Smoke' }, '<@1>', { reroll: 'roll:reroll:1:1:2' });
    expect(message.content).toBe('🎲 <@1> rolled 2 dice + 3 desperation (diff 6): -1 Successes — Botch');
    const embed = message.embeds[0];
    expect(embed?.description).toBe('<@1> rolled **2 dice + 3 desperation**\n\n6️⃣ 7️⃣\nDesperation: 1️⃣ 1️⃣ 1️⃣');
    expect(Object.fromEntries((embed?.fields ?? []).map((f) => [f.name, f.value]))).toEqual({ Pool: '2 dice + 3 desperation', Difficulty: '6', Campaign: 'Blood and Smoke' });
    expect(embed?.footer?.text).toBe('Dice roll');
  });

  it('puts Save as quickroll next to Re-roll on a trait roll', () => {
    const character = CharacterSchema.parse({ id: 'c1', character_class: 'VAMPIRE', type: 'PLAYER', name: 'Nadia Volkov' });
    const message = renderRollMessage(
      { roll, quickroll: null, character, traits: [{ traitId: 't', name: 'Strength', value: 2 }], difficulty: 6, comment: null, private: false },
      '<@1>',
      { reroll: 'roll:reroll:1:1:2', saveAsQuickroll: 'roll:save:1:1:2' },
    );
    const labels = message.components.flatMap((row) => row.components).map((c) => ('label' in c ? c.label : ''));
    expect(labels).toEqual(['Re-roll', 'Save as quickroll']);
    expect(message.embeds[0]?.footer?.text).toBe('Trait roll');
  });
});
