import { ValidationError, type Character, type DiceRoll, type Quickroll, type ValentinaClient } from '../api/index.js';
import { characterLabel, chooseCharacter, matchTraits, MissingTraitsError, rollableCharacters, type TraitLine } from './characters.js';
import { ExpiredError, InvalidInputError, NotFoundInputError, PermissionDeniedError } from './errors.js';
import { findQuickroll, type PlayContext, type QuickrollCatalog } from './quickrolls.js';
import { isStaff } from './roles.js';

import { COMMENT_MAX, DIFFICULTY_DEFAULT, DIFFICULTY_MAX, DIFFICULTY_MIN } from './roll-limits.js';

export { COMMENT_MAX, DIFFICULTY_DEFAULT, DIFFICULTY_MAX, DIFFICULTY_MIN };
/** How long the roller may press Re-roll on a result. */
export const REROLL_WINDOW_MS = 60_000;

export type Outcome = 'critical' | 'success' | 'failure' | 'botch' | 'other';

export function outcomeOf(roll: Pick<DiceRoll, 'result'>): Outcome {
  switch (roll.result?.total_result_type) {
    case 'CRITICAL':
      return 'critical';
    case 'SUCCESS':
      return 'success';
    case 'FAILURE':
      return 'failure';
    case 'BOTCH':
      return 'botch';
    default:
      return 'other';
  }
}

export function parseDifficulty(value: number | null): number {
  const difficulty = value ?? DIFFICULTY_DEFAULT;
  if (!Number.isInteger(difficulty) || difficulty < DIFFICULTY_MIN || difficulty > DIFFICULTY_MAX) {
    throw new InvalidInputError(`Difficulty must be a whole number from ${DIFFICULTY_MIN} to ${DIFFICULTY_MAX} (default ${DIFFICULTY_DEFAULT}); you gave ${difficulty}. Nothing was rolled.`);
  }
  return difficulty;
}

export function parseComment(raw: string | null): string | null {
  if (raw === null) return null;
  const comment = raw.trim();
  if (comment === '') return null;
  if (comment.length > COMMENT_MAX) {
    throw new InvalidInputError(`A roll comment may be at most ${COMMENT_MAX} characters; yours has ${comment.length}. Nothing was rolled.`);
  }
  return comment;
}

/** Players' rolls are public so the table sees them (a player hiding rolls is the cheat to prevent). */
export function assertMayRollPrivately(role: string, wantsPrivate: boolean): void {
  if (wantsPrivate && !isStaff(role)) {
    throw new PermissionDeniedError('roll privately', 'Only storytellers and admins may; players roll in the open. Nothing was rolled.');
  }
}

/** Whether a Re-roll press at `now` still falls inside the window opened by a roll at `rolledAt`. */
export function rerollOpen(rolledAt: number, now: number): boolean {
  return now - rolledAt <= REROLL_WINDOW_MS;
}

export function assertRerollOpen(rolledAt: number, now: number): void {
  if (!rerollOpen(rolledAt, now)) {
    throw new ExpiredError(`Re-roll is only offered for ${REROLL_WINDOW_MS / 1000} seconds after a roll. Roll again with \`/quickroll roll\`.`);
  }
}

export interface RollInput {
  /** A quickroll id (autocomplete) or name (typed). */
  quickroll: string;
  /** A character id (autocomplete) or name (typed); null picks the member's only character. */
  character: string | null;
  difficulty: number | null;
  comment: string | null;
  private: boolean;
}

/** Any roll the bot shows: a quickroll, a free pool (`/roll dice`) or traits picked for one roll (`/roll traits`). */
export interface RolledPool {
  roll: DiceRoll;
  /** The quickroll rolled; null for `/roll`. */
  quickroll: Pick<Quickroll, 'id' | 'name'> | null;
  /** Who rolled; null for a free pool. */
  character: Character | null;
  traits: TraitLine[];
  difficulty: number;
  comment: string | null;
  private: boolean;
  /** The campaign the roll counts in, named on the result. */
  campaignName?: string;
}

export interface RolledQuickroll extends RolledPool {
  quickroll: Quickroll;
  character: Character;
}

/**
 * Rolls one of the member's quickrolls for one of their characters. Everything that can be
 * checked before the roll is (difficulty, privacy, quickroll, character, traits), so a refusal
 * never leaves a roll behind. Warm, the only API call is the roll.
 */
export async function rollQuickroll(
  deps: { api: ValentinaClient; quickrolls: QuickrollCatalog },
  ctx: PlayContext,
  input: RollInput,
  idempotencyKey: string,
): Promise<RolledQuickroll> {
  const difficulty = parseDifficulty(input.difficulty);
  const comment = parseComment(input.comment);
  assertMayRollPrivately(ctx.role, input.private);
  const [quickrolls, characters] = await Promise.all([
    deps.quickrolls.quickrolls(ctx.companyId, ctx.userId),
    deps.quickrolls.characters(ctx.companyId, ctx.userId, ctx.campaignId),
  ]);
  const quickroll = findQuickroll(quickrolls, input.quickroll);
  const character = chooseCharacter(rollableCharacters(characters, ctx.role), input.character, ctx.campaignName);
  if (quickroll.trait_ids.length === 0) {
    throw new InvalidInputError(`The quickroll **${quickroll.name}** has no traits, so it has no dice. Add some with \`/quickroll edit\`.`);
  }
  const traits = await deps.quickrolls.traits(ctx.companyId, ctx.userId, ctx.campaignId, character.id);
  const { present, missingIds } = matchTraits(quickroll.trait_ids, traits);
  if (missingIds.length > 0) throw await missingTraits(deps.quickrolls, ctx, character, quickroll, missingIds);

  let roll: DiceRoll;
  try {
    roll = await deps.api.dicerolls(ctx.companyId, ctx.userId).createFromQuickroll(
      { quickroll_id: quickroll.id, character_id: character.id, difficulty, ...(comment === null ? {} : { comment }) },
      { idempotencyKey },
    );
  } catch (err) {
    throw await explainRollRefusal(err, deps.quickrolls, ctx, character, quickroll);
  }
  return { roll, quickroll, character, traits: present, difficulty, comment, private: input.private, campaignName: ctx.campaignName };
}

async function missingTraits(
  catalog: QuickrollCatalog,
  ctx: PlayContext,
  character: Character,
  quickroll: Quickroll,
  missingIds: readonly string[],
): Promise<MissingTraitsError> {
  // The quickroll stores only ids; the names come from the member's other characters, when one has the trait.
  const names = await catalog.traitNames(ctx).catch(() => new Map<string, string>());
  const labels = missingIds.map((id) => names.get(id) ?? 'a trait none of your characters has');
  return new MissingTraitsError(characterLabel(character), quickroll.name, [...new Set(labels)]);
}

/** Maps the API's 400s for a quickroll roll (stale caches, traits changed meanwhile) to answers a member can act on. */
async function explainRollRefusal(
  err: unknown,
  catalog: QuickrollCatalog,
  ctx: PlayContext,
  character: Character,
  quickroll: Quickroll,
): Promise<unknown> {
  if (!(err instanceof ValidationError)) return err;
  const detail = err.detail ?? '';
  if (/does not have the traits/i.test(detail)) return missingTraits(catalog, ctx, character, quickroll, quickroll.trait_ids);
  if (/quick ?roll .* not found/i.test(detail)) {
    catalog.invalidateQuickrolls(ctx.companyId, ctx.userId);
    return new NotFoundInputError(`The quickroll **${quickroll.name}** no longer exists. See yours with \`/quickroll list\`.`);
  }
  if (/character .* not found/i.test(detail)) {
    return new NotFoundInputError(`The character **${characterLabel(character)}** no longer exists in Valentina.`);
  }
  return err;
}
