import type { Character, CharacterTrait, Quickroll, ValentinaClient } from '../api/index.js';
import { chooseCharacter, closestNames, rollableCharacters, traitLines, type TraitLine } from './characters.js';
import { InvalidInputError, NotFoundInputError, UserFacingError } from './errors.js';
import type { Logger } from '../logger.js';
import { listCacheOptions, SwrCache } from './swr-cache.js';

const MAX_ENTRIES = 5_000;
/** Trait names for labels come from at most this many of a member's characters. */
const NAME_INDEX_CHARACTERS = 10;

export const QUICKROLL_NAME_MIN = 3;
export const QUICKROLL_NAME_MAX = 50;
export const QUICKROLL_DESCRIPTION_MIN = 3;
export const QUICKROLL_DESCRIPTION_MAX = 200;
export const QUICKROLL_TRAITS_MAX = 10;
/** Discord caps an autocomplete choice's name and value at 100 characters. */
const CHOICE_MAX = 100;

/** Where a member plays: the guild's company and default campaign, as the acting user. */
export interface PlayContext {
  companyId: string;
  userId: string;
  role: string;
  campaignId: string;
  campaignName: string;
}

/** Characters and rolls belong to a campaign: the guild's default one. */
export function requireCampaignId(defaultCampaignId: string | null): string {
  if (defaultCampaignId === null) {
    throw new UserFacingError(
      'This server has no default campaign yet, and characters and rolls belong to one. An admin can set it with `/setup campaign`.',
      'No campaign',
    );
  }
  return defaultCampaignId;
}

/**
 * What quickroll commands read on every keystroke and roll: a member's quickrolls, the characters
 * they play in a campaign, and each character's traits, fresh for a minute and then served stale
 * (up to ten) while one background load refreshes them. Warm, autocomplete spends no API call
 * and a roll spends exactly one (the roll itself). The bot's own writes invalidate what they
 * change, and an invalidated list is loaded again before it is served.
 */
export class QuickrollCatalog {
  private readonly quickrollLists: SwrCache<Quickroll[]>;
  private readonly characterLists: SwrCache<Character[]>;
  private readonly traitLists: SwrCache<CharacterTrait[]>;

  constructor(
    private readonly api: ValentinaClient,
    now: () => number,
    log?: Pick<Logger, 'warn'>,
  ) {
    const opts = listCacheOptions(now, MAX_ENTRIES, log);
    this.quickrollLists = new SwrCache(opts('quickrolls'));
    this.characterLists = new SwrCache(opts('characters'));
    this.traitLists = new SwrCache(opts('traits'));
  }

  quickrolls(companyId: string, userId: string): Promise<Quickroll[]> {
    return this.quickrollLists.get(`${companyId}:${userId}`, () => this.api.users(companyId).listAllQuickrolls(userId));
  }

  /** Characters the user plays in the campaign (every status and type; filter with rollableCharacters). */
  characters(companyId: string, userId: string, campaignId: string): Promise<Character[]> {
    return this.characterLists.get(`${companyId}:${campaignId}:${userId}`, () =>
      this.api.characters(companyId, userId, campaignId).listAll({ userPlayerId: userId }),
    );
  }

  traits(companyId: string, userId: string, campaignId: string, characterId: string): Promise<CharacterTrait[]> {
    return this.traitLists.get(`${companyId}:${characterId}`, () =>
      this.api.characterTraits(companyId, userId, campaignId, characterId).listAll(),
    );
  }

  /** Blueprint trait id → name, from the traits of the member's characters (for naming traits a character lacks). */
  async traitNames(ctx: PlayContext): Promise<Map<string, string>> {
    const characters = (await this.characters(ctx.companyId, ctx.userId, ctx.campaignId)).slice(0, NAME_INDEX_CHARACTERS);
    const lists = await Promise.all(characters.map((c) => this.traits(ctx.companyId, ctx.userId, ctx.campaignId, c.id)));
    const names = new Map<string, string>();
    for (const line of lists.flatMap(traitLines)) names.set(line.traitId, line.name);
    return names;
  }

  invalidateQuickrolls(companyId: string, userId: string): void {
    this.quickrollLists.delete(`${companyId}:${userId}`);
  }
}

/**
 * The member's quickroll named by an autocomplete pick (its id) or typed text (its name, any case).
 * Unknown names get the closest ones as "Did you mean …?".
 */
export function findQuickroll(quickrolls: readonly Quickroll[], input: string): Quickroll {
  const query = input.trim();
  const byId = quickrolls.find((q) => q.id === query);
  if (byId !== undefined) return byId;
  const lower = query.toLowerCase();
  const byName = quickrolls.find((q) => q.name.toLowerCase() === lower);
  if (byName !== undefined) return byName;
  if (quickrolls.length === 0) {
    throw new NotFoundInputError(`You have no quickrolls yet, so there is no "${query}". Create one with \`/quickroll create\`.`);
  }
  const suggestions = closestNames(query, quickrolls.map((q) => q.name));
  const hint =
    suggestions.length > 0
      ? ` Did you mean ${suggestions.map((s) => `**${s}**`).join(' or ')}?`
      : ' Pick one from the list while typing, or see them all with `/quickroll list`.';
  throw new NotFoundInputError(`You have no quickroll called "${query}".${hint}`);
}

export function parseQuickrollName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length < QUICKROLL_NAME_MIN || name.length > QUICKROLL_NAME_MAX) {
    throw new InvalidInputError(`A quickroll name must be ${QUICKROLL_NAME_MIN} to ${QUICKROLL_NAME_MAX} characters; "${name}" has ${name.length}.`);
  }
  return name;
}

export function parseDescription(raw: string | null): string | null {
  if (raw === null) return null;
  const text = raw.trim();
  if (text.length < QUICKROLL_DESCRIPTION_MIN || text.length > QUICKROLL_DESCRIPTION_MAX) {
    throw new InvalidInputError(
      `A quickroll description must be ${QUICKROLL_DESCRIPTION_MIN} to ${QUICKROLL_DESCRIPTION_MAX} characters; yours has ${text.length}.`,
    );
  }
  return text;
}

/** "Strength, brawl ,," → ["Strength", "brawl"]: comma-separated, trimmed, duplicates (any case) dropped. */
export function parseTraitList(raw: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of raw.split(',')) {
    const entry = part.trim();
    if (entry === '' || seen.has(entry.toLowerCase())) continue;
    seen.add(entry.toLowerCase());
    out.push(entry);
  }
  return out;
}

/** Resolves every typed entry (a trait name in any case, or a blueprint id) against the available traits. */
export function resolveTraits(raw: string, available: readonly TraitLine[]): TraitLine[] {
  const entries = parseTraitList(raw);
  if (entries.length === 0) {
    throw new InvalidInputError('Give at least one trait, e.g. `Strength, Brawl`. Pick them from the list while typing.');
  }
  if (entries.length > QUICKROLL_TRAITS_MAX) {
    throw new InvalidInputError(`A quickroll may have at most ${QUICKROLL_TRAITS_MAX} traits; you gave ${entries.length}.`);
  }
  const resolved: TraitLine[] = [];
  const unknown: string[] = [];
  for (const entry of entries) {
    const lower = entry.toLowerCase();
    const found = available.find((t) => t.traitId === entry) ?? available.find((t) => t.name.toLowerCase() === lower);
    if (found === undefined) unknown.push(entry);
    else if (!resolved.some((r) => r.traitId === found.traitId)) resolved.push(found);
  }
  if (unknown.length > 0) {
    const hints = unknown.map((u) => {
      const close = closestNames(u, available.map((t) => t.name), 2);
      return close.length > 0 ? `"${u}" (did you mean ${close.map((c) => `**${c}**`).join(' or ')}?)` : `"${u}"`;
    });
    throw new InvalidInputError(
      `Unknown trait${unknown.length === 1 ? '' : 's'}: ${hints.join(', ')}. Nothing was saved. ` +
        'Pick traits from the list while typing; it shows the traits of your character.',
    );
  }
  return resolved;
}

/**
 * Autocomplete for a comma-separated trait list: the text before the last comma is kept, and each
 * suggestion appends one more trait that matches what is being typed and is not chosen yet.
 */
export function suggestTraits(focused: string, available: readonly TraitLine[], max = 25): { name: string; value: string }[] {
  const parts = focused.split(',');
  const partial = (parts.pop() ?? '').trim().toLowerCase();
  const chosen = parts.map((p) => p.trim()).filter((p) => p !== '');
  const chosenLower = new Set(chosen.map((c) => c.toLowerCase()));
  const prefix = chosen.length === 0 ? '' : `${chosen.join(', ')}, `;
  const unique = [...new Map(available.map((t) => [t.name.toLowerCase(), t])).values()].sort((a, b) => a.name.localeCompare(b.name));
  const candidates = unique.filter((t) => !chosenLower.has(t.name.toLowerCase()));
  const starts = candidates.filter((t) => t.name.toLowerCase().startsWith(partial));
  const inner = candidates.filter((t) => !t.name.toLowerCase().startsWith(partial) && t.name.toLowerCase().includes(partial));
  const out: { name: string; value: string }[] = [];
  for (const t of [...starts, ...inner]) {
    const value = `${prefix}${t.name}`;
    if (value.length > CHOICE_MAX) continue;
    out.push({ name: value, value });
    if (out.length >= max) break;
  }
  return out;
}

/**
 * Traits offered for a quickroll: those of the chosen character; with none chosen, those of the
 * only character, or of all the member's characters together.
 */
export async function traitPool(catalog: QuickrollCatalog, ctx: PlayContext, characterInput: string | null): Promise<TraitLine[]> {
  const characters = rollableCharacters(await catalog.characters(ctx.companyId, ctx.userId, ctx.campaignId), ctx.role);
  const chosen = characterInput !== null && characterInput.trim() !== '';
  // With no character at all, chooseCharacter throws the friendly "you play no character" answer.
  const picked: Character[] = chosen || characters.length === 0 ? [chooseCharacter(characters, characterInput, ctx.campaignName)] : characters;
  const lists = await Promise.all(picked.slice(0, NAME_INDEX_CHARACTERS).map((c) => catalog.traits(ctx.companyId, ctx.userId, ctx.campaignId, c.id)));
  return [...new Map(lists.flatMap(traitLines).map((t) => [t.traitId, t])).values()];
}

/** Labels for a quickroll's traits, "unknown trait" for ids none of the member's characters has. */
export function traitNamesOf(quickroll: Pick<Quickroll, 'trait_ids'>, names: ReadonlyMap<string, string>): string[] {
  return quickroll.trait_ids.map((id) => names.get(id) ?? 'unknown trait');
}

export interface QuickrollDraft {
  name: string;
  description: string | null;
  traits: TraitLine[];
}

function assertNameFree(quickrolls: readonly Quickroll[], name: string, selfId?: string): void {
  const clash = quickrolls.find((q) => q.name.toLowerCase() === name.toLowerCase() && q.id !== selfId);
  if (clash !== undefined) {
    throw new InvalidInputError(`You already have a quickroll called **${clash.name}**. Pick another name, or change that one with \`/quickroll edit\`.`);
  }
}

export async function createQuickroll(
  deps: { api: ValentinaClient; quickrolls: QuickrollCatalog },
  ctx: Pick<PlayContext, 'companyId' | 'userId'>,
  draft: QuickrollDraft,
  idempotencyKey: string,
): Promise<Quickroll> {
  assertNameFree(await deps.quickrolls.quickrolls(ctx.companyId, ctx.userId), draft.name);
  try {
    return await deps.api.users(ctx.companyId).createQuickroll(
      ctx.userId,
      { name: draft.name, description: draft.description, trait_ids: draft.traits.map((t) => t.traitId) },
      { idempotencyKey },
    );
  } finally {
    deps.quickrolls.invalidateQuickrolls(ctx.companyId, ctx.userId);
  }
}

export interface QuickrollChanges {
  name?: string;
  description?: string;
  traits?: TraitLine[];
}

export async function editQuickroll(
  deps: { api: ValentinaClient; quickrolls: QuickrollCatalog },
  ctx: Pick<PlayContext, 'companyId' | 'userId'>,
  quickroll: Quickroll,
  changes: QuickrollChanges,
  idempotencyKey: string,
): Promise<Quickroll> {
  if (changes.name === undefined && changes.description === undefined && changes.traits === undefined) {
    throw new InvalidInputError('Nothing to change: give at least one of `new-name`, `traits` or `description`.');
  }
  if (changes.name !== undefined) assertNameFree(await deps.quickrolls.quickrolls(ctx.companyId, ctx.userId), changes.name, quickroll.id);
  try {
    return await deps.api.users(ctx.companyId).updateQuickroll(
      ctx.userId,
      quickroll.id,
      {
        ...(changes.name === undefined ? {} : { name: changes.name }),
        ...(changes.description === undefined ? {} : { description: changes.description }),
        ...(changes.traits === undefined ? {} : { trait_ids: changes.traits.map((t) => t.traitId) }),
      },
      { idempotencyKey },
    );
  } finally {
    deps.quickrolls.invalidateQuickrolls(ctx.companyId, ctx.userId);
  }
}

export async function deleteQuickroll(
  deps: { api: ValentinaClient; quickrolls: QuickrollCatalog },
  ctx: Pick<PlayContext, 'companyId' | 'userId'>,
  quickrollId: string,
): Promise<void> {
  try {
    await deps.api.users(ctx.companyId).deleteQuickroll(ctx.userId, quickrollId);
  } finally {
    deps.quickrolls.invalidateQuickrolls(ctx.companyId, ctx.userId);
  }
}

/** A quickroll's dice pool as a formula, e.g. "Strength + Brawl". */
export function poolFormula(quickroll: Pick<Quickroll, 'trait_ids'>, names: ReadonlyMap<string, string>): string {
  const traits = traitNamesOf(quickroll, names);
  return traits.length === 0 ? 'no traits' : traits.join(' + ');
}
