import type { Character, CharacterTrait } from '../api/index.js';
import { InvalidInputError, NotFoundInputError, UserFacingError } from './errors.js';
import { isStaff } from './roles.js';

/** A character's name as members know it: first and last name, else the nickname, else the id. */
export function characterLabel(character: Pick<Character, 'id' | 'name' | 'name_first' | 'name_last' | 'name_nick'>): string {
  const computed = character.name.trim();
  if (computed !== '') return computed;
  const parts = [character.name_first, character.name_last].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  if (parts.length > 0) return parts.join(' ');
  return character.name_nick ?? character.id;
}

/**
 * The characters a member may roll for: living ones they play. Players roll only PLAYER
 * characters; storytellers and admins also the storyteller characters and NPCs they play.
 */
export function rollableCharacters(characters: readonly Character[], role: string): Character[] {
  return characters.filter((c) => c.status !== 'DEAD' && (c.type === 'PLAYER' || isStaff(role)));
}

/**
 * Picks the character for a roll or a trait list. Nothing given: the only candidate is chosen
 * automatically; several ask the member to choose. Given: an id from autocomplete, or a name typed.
 */
export function chooseCharacter(candidates: readonly Character[], input: string | null, campaignName: string): Character {
  const query = input?.trim() ?? '';
  const names = candidates.map((c) => `**${characterLabel(c)}**`);
  if (query === '') {
    const [only, ...rest] = candidates;
    if (only === undefined) {
      throw new NotFoundInputError(
        `You play no living character in the campaign **${campaignName}**, so there is nothing to roll for. ` +
          'A storyteller can assign you a character in Valentina.',
      );
    }
    if (rest.length === 0) return only;
    throw new InvalidInputError(
      `You play ${candidates.length} characters in **${campaignName}**: ${names.join(', ')}. Pick one with the \`character\` option.`,
    );
  }
  const byId = candidates.find((c) => c.id === query);
  if (byId !== undefined) return byId;
  const lower = query.toLowerCase();
  const byName = candidates.filter((c) =>
    [characterLabel(c), c.name_full, c.name_first, c.name_nick].some((n) => typeof n === 'string' && n.trim().toLowerCase() === lower),
  );
  const [match, ...others] = byName;
  if (match !== undefined && others.length === 0) return match;
  if (match !== undefined) {
    throw new InvalidInputError(`Several of your characters are called "${query}". Pick one from the list while typing.`);
  }
  const suggestions = closestNames(query, candidates.map(characterLabel));
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((s) => `**${s}**`).join(' or ')}?` : '';
  const yours = candidates.length === 0 ? ' You play no living character there.' : ` Your characters there: ${names.join(', ')}.`;
  throw new NotFoundInputError(`You have no character called "${query}" in **${campaignName}**.${hint}${yours}`);
}

/** One trait of a character, named for display. `traitId` is the blueprint trait id that quickrolls store. */
export interface TraitLine {
  traitId: string;
  name: string;
  value: number;
}

export function traitLines(traits: readonly CharacterTrait[]): TraitLine[] {
  return traits.map((t) => ({ traitId: t.trait.id, name: t.trait.name, value: t.value }));
}

/** Splits a quickroll's traits into those the character has (in the quickroll's order) and those it lacks. */
export function matchTraits(traitIds: readonly string[], traits: readonly CharacterTrait[]): { present: TraitLine[]; missingIds: string[] } {
  const byBlueprint = new Map(traitLines(traits).map((t) => [t.traitId, t]));
  const present: TraitLine[] = [];
  const missingIds: string[] = [];
  for (const id of traitIds) {
    const line = byBlueprint.get(id);
    if (line === undefined) missingIds.push(id);
    else present.push(line);
  }
  return { present, missingIds };
}

export class MissingTraitsError extends UserFacingError {
  constructor(
    readonly characterName: string,
    readonly quickrollName: string,
    readonly missing: readonly string[],
  ) {
    const list = missing.length === 0 ? 'the traits' : joinAnd(missing.map((m) => `**${m}**`));
    super(
      `**${characterName}** lacks ${list}, which the quickroll **${quickrollName}** needs. Nothing was rolled. ` +
        'Roll it for another character, or change its traits with `/quickroll edit`.',
      'Missing traits',
    );
  }
}

export function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] ?? ''}`;
}

/**
 * "Did you mean …?": the known names closest to what was typed (edit distance, ignoring case),
 * best first, only those close enough to be a plausible typo or a partial name.
 */
export function closestNames(query: string, names: readonly string[], max = 3): string[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [];
  const scored: { name: string; score: number }[] = [];
  for (const name of new Set(names)) {
    const n = name.toLowerCase();
    const distance = editDistance(q, n);
    const contains = n.includes(q) || q.includes(n);
    const allowed = Math.max(2, Math.floor(Math.max(q.length, n.length) / 3));
    if (contains || distance <= allowed) scored.push({ name, score: contains ? Math.min(distance, 1) : distance });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((s) => s.name);
}

/** Levenshtein distance with one rolling row. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
