import type { DiceRollRecord } from './models.js';
import type { FakeState } from './state.js';

/**
 * RollStatistics (CONTRACT §2): only non-archived d10 rolls count; OTHER-typed rolls raise
 * `total_rolls` only. Percentages are count / total × 100, 0 without rolls.
 */
export function computeStatistics(state: FakeState, rolls: readonly DiceRollRecord[], numTopTraits: number): object {
  const d10 = rolls.filter((r) => !r.archived && r.dice_size === 10);
  let botches = 0;
  let successes = 0;
  let failures = 0;
  let criticals = 0;
  let difficultySum = 0;
  let difficultyCount = 0;
  let poolSum = 0;
  const traitCounts = new Map<string, number>();
  for (const roll of d10) {
    switch (roll.result?.total_result_type) {
      case 'BOTCH': botches++; break;
      case 'SUCCESS': successes++; break;
      case 'FAILURE': failures++; break;
      case 'CRITICAL': criticals++; break;
      default: break;
    }
    if (roll.difficulty !== null) {
      difficultySum += roll.difficulty;
      difficultyCount++;
    }
    poolSum += roll.num_dice;
    for (const id of roll.trait_ids) traitCounts.set(id, (traitCounts.get(id) ?? 0) + 1);
  }
  const total = d10.length;
  const pct = (n: number): number => (total === 0 ? 0 : (n / total) * 100);
  const topTraits = [...traitCounts.entries()]
    .sort((a, b) => b[1] - a[1])
    .flatMap(([traitId, count]) => {
      const trait = state.traits.get(traitId);
      return trait ? [{ name: trait.name, usage_count: count, trait_id: traitId }] : [];
    })
    .slice(0, Math.max(0, numTopTraits));
  return {
    botches,
    successes,
    failures,
    criticals,
    total_rolls: total,
    average_difficulty: difficultyCount === 0 ? null : difficultySum / difficultyCount,
    average_pool: total === 0 ? null : poolSum / total,
    top_traits: topTraits,
    criticals_percentage: pct(criticals),
    success_percentage: pct(successes),
    failure_percentage: pct(failures),
    botch_percentage: pct(botches),
  };
}
