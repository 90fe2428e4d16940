import type { DiceRollResult, DiceSize, RollResultType } from './models.js';

/** Random source in [0, 1), like Math.random. Inject a scripted one to make rolls deterministic. */
export type RandomSource = () => number;

export function rollDie(size: number, random: RandomSource): number {
  const value = Math.floor(random() * size) + 1;
  // Guard against sources that return exactly 1 (outside the [0,1) contract).
  return Math.min(Math.max(value, 1), size);
}

export function rollDice(count: number, size: number, random: RandomSource): number[] {
  const rolls: number[] = [];
  for (let i = 0; i < count; i++) rolls.push(rollDie(size, random));
  return rolls;
}

const KEYCAP: readonly string[] = ['0️⃣', '1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣', '6️⃣', '7️⃣', '8️⃣', '9️⃣', '🔟'];
const SHORTCODE: readonly string[] = [
  ':zero:', ':one:', ':two:', ':three:', ':four:', ':five:', ':six:', ':seven:', ':eight:', ':nine:', ':keycap_ten:',
];

export function diceEmoji(values: readonly number[]): string {
  return values.map((v) => KEYCAP[v] ?? String(v)).join(' ');
}

export function diceShortcode(values: readonly number[]): string {
  return values.map((v) => SHORTCODE[v] ?? `\`${v}\``).join(' ');
}

export function humanize(total: number): string {
  return total === 1 ? '1 Success' : `${total} Successes`;
}

export interface Score {
  total: number | null;
  type: RollResultType;
}

/**
 * CONTRACT §3.3. d10 with a difficulty: ones and tens cancel pairwise, leftover tens +2,
 * leftover ones -1, other dice at or above the difficulty +1. Other sizes are typed OTHER.
 */
export function scoreRoll(dice: readonly number[], size: DiceSize, difficulty: number | null): Score {
  if (difficulty === null) return { total: null, type: 'OTHER' };
  if (size !== 10) {
    let successes = 0;
    let failures = 0;
    let botches = 0;
    for (const d of dice) {
      if (d === 1) botches++;
      else if (d >= difficulty) successes++;
      else failures++;
    }
    return { total: successes - failures - botches, type: 'OTHER' };
  }
  let ones = 0;
  let tens = 0;
  let successes = 0;
  for (const d of dice) {
    if (d === 1) ones++;
    else if (d === 10) tens++;
    else if (d >= difficulty) successes++;
  }
  const total = successes + 2 * Math.max(tens - ones, 0) - Math.max(ones - tens, 0);
  let type: RollResultType;
  if (total < 0) type = 'BOTCH';
  else if (total === 0) type = 'FAILURE';
  else if (total > dice.length) type = 'CRITICAL';
  else type = 'SUCCESS';
  return { total, type };
}

/** Builds the DiceRoll.result object from already-rolled player and desperation dice. */
export function buildResult(
  playerRoll: readonly number[],
  desperationRoll: readonly number[],
  size: DiceSize,
  difficulty: number | null,
): DiceRollResult {
  const player = [...playerRoll].sort((a, b) => a - b);
  const desperation = [...desperationRoll].sort((a, b) => a - b);
  const all = [...player, ...desperation].sort((a, b) => a - b);
  const score = scoreRoll(all, size, difficulty);
  return {
    total_result: score.total,
    total_result_type: score.type,
    total_result_humanized: score.type === 'OTHER' || score.total === null ? '' : humanize(score.total),
    total_dice_roll: all,
    player_roll: player,
    desperation_roll: desperation,
    total_dice_roll_emoji: diceEmoji(all),
    total_dice_roll_shortcode: diceShortcode(all),
    player_roll_emoji: diceEmoji(player),
    player_roll_shortcode: diceShortcode(player),
    desperation_roll_emoji: diceEmoji(desperation),
    desperation_roll_shortcode: diceShortcode(desperation),
  };
}
