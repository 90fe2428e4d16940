import { afterEach, describe, expect, it } from 'vitest';
import { startFakeValentina } from '../fakes/valentina/index.js';
import type { FakeGeneration, FakeValentina } from '../fakes/valentina/index.js';
import { call, items, obj } from '../fakes/valentina/test-client.js';

let fake: FakeValentina | undefined;
let clock = Date.parse('2026-07-15T12:00:00Z');

afterEach(async () => {
  expect(fake?.violations ?? []).toEqual([]);
  await fake?.close();
  fake = undefined;
});

async function seeded(version: FakeGeneration, caches = true) {
  clock = Date.parse('2026-07-15T12:00:00Z');
  const f = await startFakeValentina({ version, caches, now: () => new Date(clock) });
  fake = f;
  const company = f.state.addCompany({ name: 'Windy City Chronicles' });
  const admin = f.state.addUser(company.id, { role: 'ADMIN' });
  const player = f.state.addUser(company.id, { role: 'PLAYER' });
  f.state.addApiKey('second-key', { companyIds: [company.id] });
  const C = `/companies/${company.id}`;
  /** A dice roll by `userId`, where each generation puts it. */
  const roll = (userId: string) =>
    version === 'v2'
      ? call(f, 'POST', `${C}/dicerolls`, { headers: { 'On-Behalf-Of': userId }, body: { dice_size: 10, num_dice: 1 } })
      : call(f, 'POST', `${C}/users/${userId}/dicerolls`, { body: { dice_size: 10, num_dice: 1 } });
  const notes = (key?: string) => call(f, 'GET', `${C}/users/${player.id}/notes`, key === undefined ? {} : { apiKey: key });
  const addNote = (title: string, key?: string) =>
    call(f, 'POST', `${C}/users/${player.id}/notes`, { body: { title, content: 'Under the L tracks' }, ...(key === undefined ? {} : { apiKey: key }) });
  return { f, company, admin, player, C, roll, notes, addNote };
}

const titles = (body: unknown): unknown[] => items(body).map((n) => n['title']);

describe.each(['v1', 'v2'] as const)('the %s fake with caches: true', (version) => {
  it('serves a cached GET for 60 s to the same key, with Cache-Control, and fresh data after', async () => {
    const { f, player, notes } = await seeded(version);
    expect(titles((await notes()).body)).toEqual([]);
    f.state.addNote(player.id, { title: 'Behind the API', content: 'seeded directly' });
    const cached = await notes();
    expect(cached.headers.get('cache-control')).toBe('private, max-age=60');
    expect(titles(cached.body)).toEqual([]);
    expect(f.requests.at(-1)?.cached).toBe(true);
    clock += 59_000;
    expect(titles((await notes()).body)).toEqual([]);
    clock += 1_000;
    expect(titles((await notes()).body)).toEqual(['Behind the API']);
  });

  it("flushes a key's cache on that key's audited writes only", async () => {
    const { notes, addNote } = await seeded(version);
    await notes();
    await notes('second-key');
    expect((await addNote('Haven')).status).toBe(201);
    expect(titles((await notes()).body)).toEqual(['Haven']);
    // The other key still sees its 60 s old answer.
    expect(titles((await notes('second-key')).body)).toEqual([]);
    await addNote('Elysium', 'second-key');
    expect(titles((await notes('second-key')).body)).toEqual(['Haven', 'Elysium']);
    expect(titles((await notes()).body)).toEqual(['Haven']);
  });

  it('does not flush on dice rolls', async () => {
    const { f, player, notes, roll } = await seeded(version);
    await notes();
    f.state.addNote(player.id, { title: 'Behind the API', content: 'seeded directly' });
    expect((await roll(player.id)).status).toBe(201);
    expect(titles((await notes()).body)).toEqual([]);
  });

  it('is off by default: every GET answers fresh data', async () => {
    const { f, player, notes } = await seeded(version, false);
    await notes();
    f.state.addNote(player.id, { title: 'Behind the API', content: 'seeded directly' });
    expect(titles((await notes()).body)).toEqual(['Behind the API']);
  });
});

describe('v2 response cache', () => {
  it('keys entries by On-Behalf-Of as well', async () => {
    const { f, admin, player, C } = await seeded('v2');
    const read = (actor: string) => call(f, 'GET', `${C}/users/${player.id}`, { headers: { 'On-Behalf-Of': actor } });
    expect(obj((await read(player.id)).body)['name_first']).toBeNull();
    const record = f.state.getUser(player.id);
    if (record) record.name_first = 'Celeste';
    expect(obj((await read(player.id)).body)['name_first']).toBeNull();
    expect(obj((await read(admin.id)).body)['name_first']).toBe('Celeste');
  });
});

describe('v1 guard cache', () => {
  it('keeps a just-approved user refused while their guarded traffic keeps the entry warm, then lets them in', async () => {
    const { f, company, admin, C } = await seeded('v1');
    const pending = f.state.addUser(company.id, { role: 'UNAPPROVED' });
    const quickrolls = () => call(f, 'GET', `${C}/users/${pending.id}/quickrolls`);
    expect((await quickrolls()).status).toBe(403);
    const approved = await call(f, 'POST', `${C}/users/${pending.id}/approve`, { body: { role: 'PLAYER', requesting_user_id: admin.id } });
    expect(approved.status).toBe(201);
    expect((await quickrolls()).status).toBe(403);
    clock += 45_000;
    // Sliding: this refusal renews the stale entry for another 60 s.
    expect((await quickrolls()).status).toBe(403);
    clock += 45_000;
    expect((await quickrolls()).status).toBe(403);
    clock += 60_000;
    expect((await quickrolls()).status).toBe(200);
  });

  it('does not exist on v2: an approved user is let in at once', async () => {
    const { f, company, admin, C } = await seeded('v2');
    const pending = f.state.addUser(company.id, { role: 'UNAPPROVED' });
    const mine = () => call(f, 'GET', `${C}/users/${pending.id}/quickrolls`, { headers: { 'On-Behalf-Of': pending.id } });
    expect((await mine()).status).toBe(403);
    await call(f, 'POST', `${C}/users/${pending.id}/approve`, { headers: { 'On-Behalf-Of': admin.id }, body: { role: 'PLAYER' } });
    expect((await mine()).status).toBe(200);
  });
});
