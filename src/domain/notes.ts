import { NotFoundError, type Note, type ValentinaClient } from '../api/index.js';
import { BoundedCache } from './bounded-cache.js';
import { matchChoices } from './directory.js';
import { AlreadyHandledError, InvalidInputError, NotFoundInputError, type UserFacingError } from './errors.js';

/** The API's Note limits (title 3–50, content ≥ 3), with a content cap that fits one embed. */
export const NOTE_LIMITS = {
  title: { min: 3, max: 50 },
  content: { min: 3, max: 4_000 },
} as const;

/** How long a member's note list answers autocomplete and lookups without an API call. */
export const NOTE_CACHE_TTL_MS = 30_000;
/** Bounds one member's list walk; far beyond what a person writes by hand. */
export const NOTE_LIST_MAX = 500;

export interface NoteInput {
  title: string;
  content: string;
}

/** Characters as the API (Python) counts them: code points, not UTF-16 units. */
function length(text: string): number {
  return [...text].length;
}

/**
 * Checks a title and content against the limits. Only leading and trailing whitespace is
 * removed (the API strips it too); everything inside, markdown and case included, is kept
 * exactly. Every problem is listed at once.
 */
export function parseNoteInput(raw: { title: string; content: string }): NoteInput {
  const title = raw.title.trim();
  const content = raw.content.trim();
  const problems: string[] = [];
  const t = NOTE_LIMITS.title;
  const c = NOTE_LIMITS.content;
  if (/[\r\n]/.test(title)) problems.push('**Title** must be a single line.');
  if (length(title) < t.min || length(title) > t.max) {
    problems.push(`**Title** must be ${t.min} to ${t.max} characters; yours ${describeLength(length(title))}.`);
  }
  if (length(content) < c.min || length(content) > c.max) {
    problems.push(`**Content** must be ${c.min} to ${c.max} characters; yours ${describeLength(length(content))}.`);
  }
  if (problems.length > 0) throw new InvalidInputError(`${problems.join('\n')}\nNothing was saved.`);
  return { title, content };
}

function describeLength(n: number): string {
  return n === 0 ? 'is empty' : `has ${n}`;
}

/** At most this many members' note lists, and about this many bytes of them. */
const NOTE_CACHE_MAX_ENTRIES = 1_000;
const NOTE_CACHE_MAX_BYTES = 16 * 1024 * 1024;

/**
 * A member's notes, with a short-lived copy of each member's list so autocomplete costs no API
 * call when warm. The API does not scope note ids to their owner, so every lookup by id goes
 * through the owner's own list: a member can only reach their own notes.
 */
export class NoteBook {
  private readonly cache: BoundedCache<Note[]>;
  private readonly loading = new Map<string, Promise<Note[]>>();

  constructor(
    private readonly api: ValentinaClient,
    now: () => number,
    ttlMs: number = NOTE_CACHE_TTL_MS,
  ) {
    this.cache = new BoundedCache({ maxEntries: NOTE_CACHE_MAX_ENTRIES, maxBytes: NOTE_CACHE_MAX_BYTES, ttlMs, now });
  }

  /** The member's notes in the API's order (oldest first), at most NOTE_LIST_MAX. */
  async list(companyId: string, userId: string, opts: { fresh?: boolean } = {}): Promise<Note[]> {
    const key = `${companyId}:${userId}`;
    const hit = this.cache.get(key);
    if (opts.fresh !== true && hit !== undefined) return hit;
    const running = this.loading.get(key);
    if (running !== undefined) return running;
    const p = this.load(companyId, userId)
      .then((notes) => {
        this.cache.set(key, notes);
        return notes;
      })
      .finally(() => this.loading.delete(key));
    this.loading.set(key, p);
    return p;
  }

  /** Autocomplete: notes whose title matches what was typed, best first. */
  async search(companyId: string, userId: string, query: string): Promise<Note[]> {
    return matchChoices(await this.list(companyId, userId), query, (n) => n.title);
  }

  /**
   * Finds one of the member's notes by the autocomplete value (its id) or by its exact title.
   * A miss in the cached list is confirmed against a fresh list before it is reported.
   */
  async find(companyId: string, userId: string, ref: string, missing: () => UserFacingError = unknownNote): Promise<Note> {
    const wanted = ref.trim();
    const pick = (notes: Note[]) => notes.find((n) => n.id === wanted) ?? uniqueByTitle(notes, wanted);
    const found = pick(await this.list(companyId, userId)) ?? pick(await this.list(companyId, userId, { fresh: true }));
    if (found === undefined) throw missing();
    return found;
  }

  async create(companyId: string, userId: string, input: NoteInput, idempotencyKey: string): Promise<Note> {
    const note = await this.api.users(companyId).createNote(userId, input, { idempotencyKey });
    this.invalidate(companyId, userId);
    return note;
  }

  /** The API's PATCH is not partial: title and content are always sent together. */
  async update(companyId: string, userId: string, noteId: string, input: NoteInput, idempotencyKey: string): Promise<Note> {
    const owned = await this.find(companyId, userId, noteId, () => new NotFoundInputError('That note no longer exists; it may have been deleted. Nothing was saved.'));
    const note = await this.api.users(companyId).updateNote(userId, owned.id, { title: input.title, content: input.content }, { idempotencyKey });
    this.invalidate(companyId, userId);
    return note;
  }

  async remove(companyId: string, userId: string, noteId: string): Promise<Note> {
    const gone = () => new AlreadyHandledError('That note was already deleted.');
    const owned = await this.find(companyId, userId, noteId, gone);
    try {
      await this.api.users(companyId).deleteNote(userId, owned.id);
    } catch (err) {
      if (err instanceof NotFoundError) throw gone();
      throw err;
    }
    this.invalidate(companyId, userId);
    return owned;
  }

  invalidate(companyId: string, userId: string): void {
    this.cache.delete(`${companyId}:${userId}`);
  }

  private async load(companyId: string, userId: string): Promise<Note[]> {
    const notes: Note[] = [];
    for await (const note of this.api.users(companyId).iterAllNotes(userId)) {
      notes.push(note);
      if (notes.length >= NOTE_LIST_MAX) break;
    }
    return notes;
  }
}

function unknownNote(): UserFacingError {
  return new NotFoundInputError('You have no note like that. Pick one of your notes from the list while typing its title, or see them all with `/note list`.');
}

function uniqueByTitle(notes: readonly Note[], title: string): Note | undefined {
  const lower = title.toLowerCase();
  const matches = notes.filter((n) => n.title.toLowerCase() === lower);
  return matches.length === 1 ? matches[0] : undefined;
}

export interface NotePage {
  notes: Note[];
  /** Zero-based, clamped to the last page. */
  page: number;
  pageCount: number;
  total: number;
  /** Position of the page's first note in the whole list. */
  offset: number;
}

export const NOTES_PER_PAGE = 10;

export function pageOfNotes(notes: readonly Note[], page: number, perPage = NOTES_PER_PAGE): NotePage {
  const pageCount = Math.max(1, Math.ceil(notes.length / perPage));
  const p = Math.min(Math.max(0, Math.floor(page)), pageCount - 1);
  return { notes: notes.slice(p * perPage, (p + 1) * perPage), page: p, pageCount, total: notes.length, offset: p * perPage };
}
