import { describe, expect, it } from 'vitest';
import { NotFoundError, type Note, type NoteCreateRequest, type UsersService, type ValentinaClient } from '../../src/api/index.js';
import { AlreadyHandledError, InvalidInputError, NotFoundInputError } from '../../src/domain/errors.js';
import { NOTE_LIMITS, NoteBook, pageOfNotes, parseNoteInput } from '../../src/domain/notes.js';

const COMPANY = 'c0000000000000000000000a';
const ME = 'a0000000000000000000000a';
const OTHER = 'b0000000000000000000000b';

function note(id: string, title: string, content = 'Some content'): Note {
  return { id, title, content, date_created: '2026-03-14T19:22:05Z', date_modified: '2026-03-14T19:22:05Z' };
}

/** An in-memory notes API that records its calls; ids are NOT scoped to owners, as in the real API. */
function fakeNotesApi(seed: Record<string, Note[]>) {
  const calls: string[] = [];
  const byUser = new Map(Object.entries(seed).map(([u, ns]) => [u, [...ns]]));
  let next = 100;
  const users: Partial<UsersService> = {
    async *iterAllNotes(userId: string) {
      calls.push(`list ${userId}`);
      yield* byUser.get(userId) ?? [];
    },
    async createNote(userId: string, request: NoteCreateRequest, options?: { idempotencyKey?: string }) {
      calls.push(`create ${userId} ${options?.idempotencyKey ?? '-'}`);
      const created = note(`d${String(next++).padStart(23, '0')}`, request.title, request.content);
      byUser.set(userId, [...(byUser.get(userId) ?? []), created]);
      return created;
    },
    async updateNote(userId: string, noteId: string, request: NoteCreateRequest) {
      calls.push(`update ${userId} ${noteId} ${JSON.stringify(request)}`);
      for (const list of byUser.values()) {
        const found = list.find((n) => n.id === noteId);
        if (found !== undefined) {
          found.title = request.title;
          found.content = request.content;
          return { ...found };
        }
      }
      throw new NotFoundError({ status: 404, title: 'Not Found', method: 'PATCH', path: '/notes', detail: 'Note not found' });
    },
    async deleteNote(userId: string, noteId: string) {
      calls.push(`delete ${userId} ${noteId}`);
      for (const [u, list] of byUser) {
        if (list.some((n) => n.id === noteId)) {
          byUser.set(
            u,
            list.filter((n) => n.id !== noteId),
          );
          return;
        }
      }
      throw new NotFoundError({ status: 404, title: 'Not Found', method: 'DELETE', path: '/notes', detail: 'Note not found' });
    },
  };
  const api = { users: () => users } as unknown as ValentinaClient;
  return { api, calls, byUser };
}

function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('parseNoteInput', () => {
  it('keeps markdown, case and line breaks exactly', () => {
    const content = [
      'Met **Lady Anne** at the _Elysium_; she said "NO" to the deal.',
      '',
      '```js',
      'const Boon = { owedTo: "Prince", Size: "Minor" };',
      '```',
      '- item One',
      '  - nested iTem',
      '> quoted LINE   with   inner   spaces',
      '@everyone <@123456789012345678>',
    ].join('\n');
    const parsed = parseNoteInput({ title: 'Session 12: tHe Prince', content });
    expect(parsed.title).toBe('Session 12: tHe Prince');
    expect(parsed.content).toBe(content);
  });

  it('removes only outer whitespace', () => {
    expect(parseNoteInput({ title: '  Ball  night ', content: '\n  **keep**  inner\n\n  ' })).toEqual({ title: 'Ball  night', content: '**keep**  inner' });
  });

  it('accepts the limits exactly', () => {
    expect(parseNoteInput({ title: 'abc', content: 'xyz' })).toEqual({ title: 'abc', content: 'xyz' });
    const title = 't'.repeat(NOTE_LIMITS.title.max);
    const content = 'c'.repeat(NOTE_LIMITS.content.max);
    expect(parseNoteInput({ title, content })).toEqual({ title, content });
  });

  it('counts characters as the API does (code points)', () => {
    const title = '🦇'.repeat(50);
    expect(title.length).toBe(100);
    expect(parseNoteInput({ title, content: 'fine' }).title).toBe(title);
  });

  it('refuses a title that is too long, saying what is allowed', () => {
    const run = () => parseNoteInput({ title: 'x'.repeat(51), content: 'fine content' });
    expect(run).toThrow(InvalidInputError);
    expect(run).toThrow('**Title** must be 3 to 50 characters; yours has 51.');
  });

  it('refuses empty content and a short title at once', () => {
    const run = () => parseNoteInput({ title: 'ab', content: '   ' });
    expect(run).toThrow(/\*\*Title\*\* must be 3 to 50 characters; yours has 2\.\n\*\*Content\*\* must be 3 to 4000 characters; yours is empty\.\nNothing was saved\./);
  });

  it('refuses content over 4000 characters and a multi-line title', () => {
    expect(() => parseNoteInput({ title: 'ok title', content: 'c'.repeat(4_001) })).toThrow('yours has 4001');
    expect(() => parseNoteInput({ title: 'two\nlines', content: 'fine' })).toThrow('single line');
  });
});

describe('NoteBook', () => {
  it('answers repeated lists from its cache within the TTL, then reloads', async () => {
    const { api, calls } = fakeNotesApi({ [ME]: [note('d00000000000000000000001', 'Alpha')] });
    const c = clock();
    const book = new NoteBook(api, c.now, 30_000);
    await book.list(COMPANY, ME);
    await book.search(COMPANY, ME, 'al');
    await book.search(COMPANY, ME, 'alp');
    expect(calls).toEqual([`list ${ME}`]);
    c.advance(30_001);
    await book.search(COMPANY, ME, 'a');
    expect(calls).toEqual([`list ${ME}`, `list ${ME}`]);
  });

  it('shares one load between concurrent callers', async () => {
    const { api, calls } = fakeNotesApi({ [ME]: [] });
    const book = new NoteBook(api, clock().now);
    await Promise.all([book.list(COMPANY, ME), book.list(COMPANY, ME), book.list(COMPANY, ME)]);
    expect(calls).toHaveLength(1);
  });

  it('ranks title prefix matches first, case-insensitively', async () => {
    const { api } = fakeNotesApi({ [ME]: [note('d00000000000000000000001', 'The Ball'), note('d00000000000000000000002', 'Ball guests'), note('d00000000000000000000003', 'Boons')] });
    const found = await new NoteBook(api, clock().now).search(COMPANY, ME, 'BALL');
    expect(found.map((n) => n.title)).toEqual(['Ball guests', 'The Ball']);
  });

  it('finds by id or by a unique exact title', async () => {
    const { api } = fakeNotesApi({ [ME]: [note('d00000000000000000000001', 'Alpha'), note('d00000000000000000000002', 'Beta')] });
    const book = new NoteBook(api, clock().now);
    expect((await book.find(COMPANY, ME, 'd00000000000000000000002')).title).toBe('Beta');
    expect((await book.find(COMPANY, ME, ' alpha ')).id).toBe('d00000000000000000000001');
  });

  it("never reaches another member's note, though the API would return it by id", async () => {
    const { api, calls } = fakeNotesApi({ [ME]: [note('d00000000000000000000001', 'Mine')], [OTHER]: [note('d00000000000000000000009', 'Theirs')] });
    const book = new NoteBook(api, clock().now);
    await expect(book.find(COMPANY, ME, 'd00000000000000000000009')).rejects.toThrow(NotFoundInputError);
    await expect(book.update(COMPANY, ME, 'd00000000000000000000009', { title: 'Hijack', content: 'xxx' }, 'k')).rejects.toThrow(NotFoundInputError);
    await expect(book.remove(COMPANY, ME, 'd00000000000000000000009')).rejects.toThrow(AlreadyHandledError);
    expect(calls.filter((c) => c.startsWith('update') || c.startsWith('delete'))).toEqual([]);
  });

  it('confirms a miss against a fresh list before reporting it', async () => {
    const { api, byUser, calls } = fakeNotesApi({ [ME]: [] });
    const book = new NoteBook(api, clock().now);
    await book.list(COMPANY, ME);
    byUser.set(ME, [note('d00000000000000000000005', 'Written elsewhere')]);
    expect((await book.find(COMPANY, ME, 'd00000000000000000000005')).title).toBe('Written elsewhere');
    expect(calls).toEqual([`list ${ME}`, `list ${ME}`]);
  });

  it('tells a member with no such note what to do', async () => {
    const { api } = fakeNotesApi({ [ME]: [] });
    await expect(new NoteBook(api, clock().now).find(COMPANY, ME, 'nothing')).rejects.toThrow(/Pick one of your notes.*\/note list/);
  });

  it('creates with the idempotency key and forgets the cached list', async () => {
    const { api, calls } = fakeNotesApi({ [ME]: [] });
    const book = new NoteBook(api, clock().now);
    expect(await book.list(COMPANY, ME)).toEqual([]);
    const created = await book.create(COMPANY, ME, { title: 'New One', content: '**Bold** move' }, 'i1:note-create');
    expect(calls).toContain(`create ${ME} i1:note-create`);
    expect((await book.list(COMPANY, ME)).map((n) => n.id)).toEqual([created.id]);
  });

  it('updates with both title and content, kept exactly', async () => {
    const { api, calls } = fakeNotesApi({ [ME]: [note('d00000000000000000000001', 'Old')] });
    const book = new NoteBook(api, clock().now);
    const updated = await book.update(COMPANY, ME, 'd00000000000000000000001', { title: 'New TITLE', content: 'Line 1\n`code`' }, 'k');
    expect(updated).toMatchObject({ title: 'New TITLE', content: 'Line 1\n`code`' });
    expect(calls).toContain(`update ${ME} d00000000000000000000001 ${JSON.stringify({ title: 'New TITLE', content: 'Line 1\n`code`' })}`);
  });

  it('deletes once; a second delete is already handled', async () => {
    const { api } = fakeNotesApi({ [ME]: [note('d00000000000000000000001', 'Doomed')] });
    const book = new NoteBook(api, clock().now);
    expect((await book.remove(COMPANY, ME, 'd00000000000000000000001')).title).toBe('Doomed');
    await expect(book.remove(COMPANY, ME, 'd00000000000000000000001')).rejects.toThrow('That note was already deleted.');
  });

  it('maps a 404 during delete (a race) to already handled', async () => {
    const { api, byUser } = fakeNotesApi({ [ME]: [note('d00000000000000000000001', 'Racy')] });
    const book = new NoteBook(api, clock().now);
    await book.list(COMPANY, ME);
    byUser.set(ME, []);
    await expect(book.remove(COMPANY, ME, 'd00000000000000000000001')).rejects.toThrow(AlreadyHandledError);
  });
});

describe('pageOfNotes', () => {
  const notes = Array.from({ length: 23 }, (_, i) => note(`d${String(i).padStart(23, '0')}`, `Note ${i}`));

  it('slices pages of ten and clamps out-of-range pages', () => {
    expect(pageOfNotes(notes, 0)).toMatchObject({ page: 0, pageCount: 3, total: 23, offset: 0 });
    expect(pageOfNotes(notes, 2).notes.map((n) => n.title)).toEqual(['Note 20', 'Note 21', 'Note 22']);
    expect(pageOfNotes(notes, 99)).toMatchObject({ page: 2, offset: 20 });
    expect(pageOfNotes([], 3)).toMatchObject({ page: 0, pageCount: 1, total: 0, notes: [] });
  });
});
