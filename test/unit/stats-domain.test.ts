import { describe, expect, it } from 'vitest';
import { RollStatisticsSchema } from '../../src/api/index.js';
import { hideTopTraits, parseTop, summarize } from '../../src/domain/statistics.js';
import { renderStatsEmbed } from '../../src/render/stats-embed.js';
import { COLORS, EMBED_LIMITS } from '../../src/render/theme.js';

const stats = RollStatisticsSchema.parse({
  criticals: 1,
  successes: 2,
  failures: 1,
  botches: 0,
  total_rolls: 4,
  average_pool: 5.25,
  average_difficulty: 6,
  top_traits: [
    { name: 'Strength', usage_count: 3, trait_id: 't1' },
    { name: 'Brawl', usage_count: 1, trait_id: 't2' },
  ],
  criticals_percentage: 25,
  success_percentage: 50,
  failure_percentage: 25,
  botch_percentage: 0,
});

describe('statistics', () => {
  it('accepts top 1–10 (default 5) and refuses anything else', () => {
    expect(parseTop(null)).toBe(5);
    expect(parseTop(1)).toBe(1);
    expect(parseTop(10)).toBe(10);
    for (const bad of [0, 11, 2.5, -1]) expect(() => parseTop(bad)).toThrow(/from 1 to 10/);
  });

  it('hides a storyteller\'s or admin\'s top traits from players only', () => {
    expect(hideTopTraits('PLAYER', 'STORYTELLER')).toBe(true);
    expect(hideTopTraits('PLAYER', 'ADMIN')).toBe(true);
    expect(hideTopTraits('PLAYER', 'PLAYER')).toBe(false);
    expect(hideTopTraits('STORYTELLER', 'ADMIN')).toBe(false);
    expect(hideTopTraits('PLAYER', null)).toBe(false);
  });

  it('renders counts with percentages, the averages and the top traits, with the chart as the image', () => {
    const embed = renderStatsEmbed(summarize(stats, 'pia', 'member', false), 'roll-stats.png');
    const fields = Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({ Criticals: '**1** (25%)', Successes: '**2** (50%)', Failures: '**1** (25%)', Botches: '**0** (0%)' });
    expect(fields['Top traits']).toBe('1. Strength · 3 rolls\n2. Brawl · 1 roll');
    expect(embed.description).toBe('**4** rolls · average pool **5.3** · average difficulty **6**');
    expect(embed.image?.url).toBe('attachment://roll-stats.png');
    expect(embed.title?.length).toBeLessThanOrEqual(EMBED_LIMITS.title);
  });

  it('explains why traits are hidden instead of listing them', () => {
    const embed = renderStatsEmbed(summarize(stats, 'sam', 'member', true));
    expect(embed.fields?.find((f) => f.name === 'Top traits')?.value).toMatch(/Hidden/);
    expect(JSON.stringify(embed)).not.toContain('Strength');
  });

  it('gives a member without rolls a friendly empty state and no image', () => {
    const empty = summarize(RollStatisticsSchema.parse({}), 'newbie', 'member', false);
    expect(empty.empty).toBe(true);
    const embed = renderStatsEmbed(empty);
    expect(embed.color).toBe(COLORS.neutral);
    expect(embed.description).toMatch(/No rolls yet/);
    expect(embed.image).toBeUndefined();
    expect(embed.fields).toBeUndefined();
  });

  it('counts a member with only non-d10 rolls as empty (nothing to chart)', () => {
    expect(summarize(RollStatisticsSchema.parse({ total_rolls: 3 }), 'x', 'member', false).empty).toBe(true);
  });
});
