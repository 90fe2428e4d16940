import type { Character, DiceRoll, ValentinaClient } from '../api/index.js';
import { characterLabel, chooseCharacter, closestNames, joinAnd, rollableCharacters, traitLines, type TraitLine } from './characters.js';
import { InvalidInputError, NotFoundInputError, UserFacingError } from './errors.js';
import type { PlayContext, QuickrollCatalog } from './quickrolls.js';
import { assertMayRollPrivately, parseComment, parseDifficulty, type RolledPool } from './rolls.js';

import { DESPERATION_MAX, DESPERATION_MIN, POOL_MAX, POOL_MIN, ROLL_TRAITS_MAX } from './roll-limits.js';

export { DESPERATION_MAX, DESPERATION_MIN, POOL_MAX, POOL_MIN, ROLL_TRAITS_MAX };
/** `/roll` rolls ten-sided dice, as every World of Darkness roll does. */
const D10 = 10;

export function parsePool(value: number): number {
  if (!Number.isInteger(value) || value < POOL_MIN || value > POOL_MAX) {
    throw new InvalidInputError(`A pool must be ${POOL_MIN} to ${POOL_MAX} dice; you gave ${value}. Nothing was rolled.`, 'Pool out of range');
  }
  return value;
}

export function parseDesperation(value: number | null): number {
  const desperation = value ?? 0;
  if (!Number.isInteger(desperation) || desperation < DESPERATION_MIN || desperation > DESPERATION_MAX) {
    throw new InvalidInputError(
      `Desperation dice must be ${DESPERATION_MIN} to ${DESPERATION_MAX}; you gave ${desperation}. Nothing was rolled.`,
      'Desperation out of range',
    );
  }
  return desperation;
}

/** Where a roll is made: the acting user, and the campaign it counts in (none when the server has none). */
export interface RollPlace {
  companyId: string;
  userId: string;
  role: string;
  campaign: { id: string; name: string } | null;
}

export interface DicePoolInput {
  pool: number;
  difficulty: number | null;
  desperation: number | null;
  comment: string | null;
  private: boolean;
}

/** Checks a free pool without I/O, so a refusal can answer before anything is deferred. */
export function checkDicePool(input: DicePoolInput): { pool: number; difficulty: number; desperation: number; comment: string | null } {
  return { pool: parsePool(input.pool), difficulty: parseDifficulty(input.difficulty), desperation: parseDesperation(input.desperation), comment: parseComment(input.comment) };
}

/** `/roll dice`: a free d10 pool, made through the API so it counts in the roller's statistics. */
export async function rollDicePool(deps: { api: ValentinaClient }, place: RollPlace, input: DicePoolInput, idempotencyKey: string): Promise<RolledPool> {
  const { pool, difficulty, desperation, comment } = checkDicePool(input);
  assertMayRollPrivately(place.role, input.private);
  const roll = await deps.api.dicerolls(place.companyId, place.userId).create(
    {
      dice_size: D10,
      num_dice: pool,
      difficulty,
      num_desperation_dice: desperation,
      ...(comment === null ? {} : { comment }),
      ...(place.campaign === null ? {} : { campaign_id: place.campaign.id }),
    },
    { idempotencyKey },
  );
  return withCampaign({ roll, quickroll: null, character: null, traits: [], difficulty, comment, private: input.private }, place);
}

function withCampaign(rolled: RolledPool, place: RollPlace): RolledPool {
  return place.campaign === null ? rolled : { ...rolled, campaignName: place.campaign.name };
}

export interface TraitRollInput {
  /** Each a blueprint trait id (autocomplete) or a trait name (typed). */
  traits: readonly string[];
  /** A character id (autocomplete) or name (typed); null picks the member's only character. */
  character: string | null;
  difficulty: number | null;
  comment: string | null;
  private: boolean;
}

export interface RolledTraits extends RolledPool {
  character: Character;
}

/** Trims and drops empty and repeated entries (ids or names, any case). */
export function traitEntries(raw: readonly (string | null)[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const value of raw) {
    const entry = value?.trim() ?? '';
    if (entry === '' || seen.has(entry.toLowerCase())) continue;
    seen.add(entry.toLowerCase());
    out.push(entry);
  }
  return out;
}

/**
 * `/roll traits`: the pool is the sum of the chosen traits of one of the member's characters.
 * Every check is made before the roll (traits known, the character has them, the pool in range),
 * so a refusal never leaves a roll behind.
 */
export async function rollTraits(
  deps: { api: ValentinaClient; quickrolls: QuickrollCatalog },
  ctx: PlayContext,
  input: TraitRollInput,
  idempotencyKey: string,
): Promise<RolledTraits> {
  const difficulty = parseDifficulty(input.difficulty);
  const comment = parseComment(input.comment);
  assertMayRollPrivately(ctx.role, input.private);
  const entries = traitEntries(input.traits);
  if (entries.length === 0) throw new InvalidInputError('Give at least one trait, picked from the list while typing. Nothing was rolled.', 'No traits');
  const characters = rollableCharacters(await deps.quickrolls.characters(ctx.companyId, ctx.userId, ctx.campaignId), ctx.role);
  const character = chooseCharacter(characters, input.character, ctx.campaignName);
  const lines = traitLines(await deps.quickrolls.traits(ctx.companyId, ctx.userId, ctx.campaignId, character.id));
  const traits = await resolveCharacterTraits(deps.quickrolls, ctx, character, entries, lines);
  const pool = traits.reduce((sum, t) => sum + t.value, 0);
  if (pool < POOL_MIN) {
    throw new InvalidInputError(`${joinAnd(traits.map((t) => `**${t.name}**`))} of **${characterLabel(character)}** add up to no dice. Nothing was rolled.`, 'No dice');
  }
  if (pool > POOL_MAX) {
    throw new InvalidInputError(`These traits add up to ${pool} dice; a pool may have at most ${POOL_MAX}. Nothing was rolled.`, 'Pool out of range');
  }
  const roll: DiceRoll = await deps.api.dicerolls(ctx.companyId, ctx.userId).create(
    {
      dice_size: D10,
      num_dice: pool,
      difficulty,
      trait_ids: traits.map((t) => t.traitId),
      character_id: character.id,
      campaign_id: ctx.campaignId,
      ...(comment === null ? {} : { comment }),
    },
    { idempotencyKey },
  );
  return { roll, quickroll: null, character, traits, difficulty, comment, private: input.private, campaignName: ctx.campaignName };
}

/**
 * The character's traits named by the entries. A trait one of the member's other characters has
 * is "lacked"; a name no character has is unknown, with the closest of this character's traits.
 */
async function resolveCharacterTraits(
  catalog: QuickrollCatalog,
  ctx: PlayContext,
  character: Character,
  entries: readonly string[],
  lines: readonly TraitLine[],
): Promise<TraitLine[]> {
  const resolved: TraitLine[] = [];
  const missing: string[] = [];
  for (const entry of entries) {
    const lower = entry.toLowerCase();
    const found = lines.find((t) => t.traitId === entry) ?? lines.find((t) => t.name.toLowerCase() === lower);
    if (found === undefined) missing.push(entry);
    else if (!resolved.some((r) => r.traitId === found.traitId)) resolved.push(found);
  }
  if (missing.length === 0) return resolved;
  const known = await catalog.traitNames(ctx).catch(() => new Map<string, string>());
  const knownByName = new Map([...known.values()].map((name) => [name.toLowerCase(), name]));
  const lacked: string[] = [];
  const unknown: string[] = [];
  for (const entry of missing) {
    const name = known.get(entry) ?? knownByName.get(entry.toLowerCase());
    if (name === undefined) unknown.push(entry);
    else lacked.push(name);
  }
  const who = characterLabel(character);
  if (unknown.length > 0) {
    const hints = unknown.map((u) => {
      const close = closestNames(u, lines.map((t) => t.name), 2);
      return close.length > 0 ? `"${u}" (did you mean ${close.map((c) => `**${c}**`).join(' or ')}?)` : `"${u}"`;
    });
    throw new NotFoundInputError(
      `Unknown trait${unknown.length === 1 ? '' : 's'} for **${who}**: ${hints.join(', ')}. Nothing was rolled. Pick traits from the list while typing.`,
    );
  }
  throw new UserFacingError(`**${who}** lacks ${joinAnd(lacked.map((l) => `**${l}**`))}. Nothing was rolled. Pick another character or other traits.`, 'Missing traits');
}

/** Autocomplete entries for one trait option: the character's traits with their values, minus those already chosen. */
export function traitChoices(lines: readonly TraitLine[], focused: string, chosen: readonly string[], max = 25): { name: string; value: string }[] {
  const taken = new Set(chosen.map((c) => c.trim().toLowerCase()));
  const query = focused.trim().toLowerCase();
  const unique = [...new Map(lines.map((t) => [t.traitId, t])).values()]
    .filter((t) => !taken.has(t.traitId.toLowerCase()) && !taken.has(t.name.toLowerCase()))
    .sort((a, b) => a.name.localeCompare(b.name));
  const starts = unique.filter((t) => t.name.toLowerCase().startsWith(query));
  const inner = unique.filter((t) => !t.name.toLowerCase().startsWith(query) && t.name.toLowerCase().includes(query));
  return [...starts, ...inner].slice(0, max).map((t) => ({ name: `${t.name} · ${t.value}`.slice(0, 100), value: t.traitId }));
}
