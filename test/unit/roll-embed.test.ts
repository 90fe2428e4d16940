import { describe, expect, it } from 'vitest';
import { CharacterSchema, DiceRollSchema, QuickrollSchema, type RollResultType } from '../../src/api/index.js';
import type { RolledQuickroll } from '../../src/domain/rolls.js';
import { renderRollEmbed, renderRollMessage, renderRollSummary } from '../../src/render/roll-embed.js';
import { COLORS, EMBED_LIMITS } from '../../src/render/theme.js';

const KEYCAP = ['0️⃣', '1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣', '6️⃣', '7️⃣', '8️⃣', '9️⃣', '🔟'];

function rolled(type: RollResultType, total: number, dice: number[], overrides: Partial<Pick<RolledQuickroll, 'comment' | 'private'>> = {}): RolledQuickroll {
  const humanized = total === 1 ? '1 Success' : `${total} Successes`;
  const roll = DiceRollSchema.parse({
    id: '65f000000000000000000001',
    date_created: '2026-03-14T19:22:05Z',
    difficulty: 6,
    dice_size: 10,
    num_dice: dice.length,
    comment: 'Quick roll: Punch',
    trait_ids: ['t1', 't2'],
    result: {
      total_result: total,
      total_result_type: type,
      total_result_humanized: humanized,
      player_roll: dice,
      player_roll_emoji: dice.map((d) => KEYCAP[d] ?? String(d)).join(' '),
    },
  });
  return {
    roll,
    quickroll: QuickrollSchema.parse({ id: 'q1', name: 'Punch', trait_ids: ['t1', 't2'] }),
    character: CharacterSchema.parse({ id: 'c1', character_class: 'VAMPIRE', type: 'PLAYER', name: 'Nadia Volkov' }),
    traits: [
      { traitId: 't1', name: 'Strength', value: 3 },
      { traitId: 't2', name: 'Brawl', value: 2 },
    ],
    difficulty: 6,
    comment: overrides.comment ?? null,
    private: overrides.private ?? false,
  };
}

describe('renderRollEmbed', () => {
  it.each([
    ['CRITICAL', 7, [10, 10, 7, 8, 9], COLORS.critical, 'Critical success'],
    ['SUCCESS', 3, [2, 6, 7, 8, 3], COLORS.success, 'Success'],
    ['FAILURE', 0, [2, 3, 4, 5, 3], COLORS.neutral, 'Failure'],
    ['BOTCH', -1, [1, 2, 3, 4, 5], COLORS.botch, 'Botch'],
  ] as const)('colours a %s roll and names the outcome', (type, total, dice, color, label) => {
    const embed = renderRollEmbed(rolled(type, total, [...dice]), '<@1>');
    expect(embed.color).toBe(color);
    expect(embed.title).toContain(label);
    expect(embed.title).toContain(`${total} Successes`);
  });

  it('gives each outcome its own colour', () => {
    const colours = (['CRITICAL', 'SUCCESS', 'FAILURE', 'BOTCH'] as const).map((t) => renderRollEmbed(rolled(t, 1, [6]), '<@1>').color);
    expect(new Set(colours).size).toBe(4);
  });

  it('shows the dice as the API\'s emoji, the pool, the difficulty and the traits with their values', () => {
    const embed = renderRollEmbed(rolled('SUCCESS', 3, [2, 6, 7, 8, 3]), '<@1>');
    expect(embed.description).toContain('2️⃣ 6️⃣ 7️⃣ 8️⃣ 3️⃣');
    expect(embed.description).toContain('**Punch**');
    expect(embed.description).toContain('**Nadia Volkov**');
    const fields = Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({ Pool: '5 dice', Difficulty: '6', Traits: 'Strength 3 + Brawl 2' });
    expect(fields['Comment']).toBeUndefined();
    expect(embed.timestamp).toBe('2026-03-14T19:22:05.000Z');
  });

  it('shows the member\'s comment (not the API\'s default one) and marks private rolls', () => {
    const embed = renderRollEmbed(rolled('SUCCESS', 1, [6], { comment: 'Punch the ghoul', private: true }), '<@1>');
    expect(embed.fields?.find((f) => f.name === 'Comment')?.value).toBe('Punch the ghoul');
    expect(embed.footer?.text).toMatch(/private/i);
  });

  it('stays within Discord\'s embed limits with very long input', () => {
    const long = rolled('SUCCESS', 3, Array.from({ length: 2000 }, () => 7), { comment: 'x'.repeat(5000) });
    long.traits = Array.from({ length: 300 }, (_, i) => ({ traitId: `t${i}`, name: `Trait with a rather long name ${i}`, value: 5 }));
    long.quickroll = { ...long.quickroll, name: 'Q'.repeat(300) };
    const embed = renderRollEmbed(long, '<@1>');
    expect((embed.title ?? '').length).toBeLessThanOrEqual(EMBED_LIMITS.title);
    expect((embed.description ?? '').length).toBeLessThanOrEqual(EMBED_LIMITS.description);
    for (const field of embed.fields ?? []) {
      expect(field.name.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldName);
      expect(field.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
    }
    const total = (embed.title ?? '').length + (embed.description ?? '').length + (embed.footer?.text.length ?? 0) +
      (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(6000);
    expect(renderRollSummary(long, '<@1>').length).toBeLessThanOrEqual(2000);
  });
});

describe('renderRollSummary', () => {
  it('says who rolled what, the pool, the difficulty and the result on one line', () => {
    expect(renderRollSummary(rolled('SUCCESS', 3, [2, 6, 7, 8, 3]), '<@42>')).toBe(
      '🎲 <@42> rolled Strength + Brawl for Nadia Volkov (5 dice, diff 6): 3 Successes — Success',
    );
    expect(renderRollSummary(rolled('BOTCH', -1, [1]), '<@42>')).toBe('🎲 <@42> rolled Strength + Brawl for Nadia Volkov (1 die, diff 6): -1 Successes — Botch');
  });

  it('never breaks onto a second line, whatever the names contain', () => {
    const r = rolled('FAILURE', 0, [2, 3]);
    r.character = { ...r.character, name: 'Nadia\nVolkov' };
    expect(renderRollSummary(r, '<@42>')).not.toContain('\n');
  });
});

describe('renderRollMessage', () => {
  it('adds a Re-roll button only when asked', () => {
    const with_ = renderRollMessage(rolled('SUCCESS', 1, [6]), '<@1>', 'quickroll:reroll:1:1:123');
    expect(with_.components).toHaveLength(1);
    expect(JSON.stringify(with_.components)).toContain('quickroll:reroll:1:1:123');
    expect(with_.content.startsWith('🎲')).toBe(true);
    expect(renderRollMessage(rolled('SUCCESS', 1, [6]), '<@1>').components).toEqual([]);
  });
});
