import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeValentina } from '../fakes/valentina/index.js';
import type { FakeValentina } from '../fakes/valentina/index.js';
import { call, items, obj } from '../fakes/valentina/test-client.js';

let fake: FakeValentina;
let companyId: string;
let userId: string;

beforeEach(async () => {
  fake = await startFakeValentina();
  companyId = fake.state.addCompany().id;
  userId = fake.state.addUser(companyId, { role: 'PLAYER' }).id;
});

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

const U = (id = userId): string => `/companies/${companyId}/users/${id}`;

describe('notes', () => {
  it('creates, reads, updates (both members required), lists and archives', async () => {
    const created = await call(fake, 'POST', `${U()}/notes`, { body: { title: 'Session 12 recap', content: 'Met the Nosferatu.' } });
    expect(created.status).toBe(201);
    const note = obj(created.body);
    expect(Object.keys(note).sort()).toEqual(['content', 'date_created', 'date_modified', 'id', 'title']);
    const id = String(note['id']);

    const partial = await call(fake, 'PATCH', `${U()}/notes/${id}`, { body: { title: 'Only the title' } });
    expect(partial.status).toBe(400);
    expect(obj(partial.body)['invalid_parameters']).toEqual([expect.objectContaining({ field: 'content' })]);
    const updated = await call(fake, 'PATCH', `${U()}/notes/${id}`, { body: { title: 'Session 12', content: 'Owe him a favor.' } });
    expect(obj(updated.body)).toMatchObject({ title: 'Session 12', content: 'Owe him a favor.' });

    // Not scoped to the path user (CONTRACT #22).
    const other = fake.state.addUser(companyId, { role: 'STORYTELLER' });
    const viaOther = await call(fake, 'GET', `${U(other.id)}/notes/${id}`);
    expect(obj(viaOther.body)['title']).toBe('Session 12');

    const list = await call(fake, 'GET', `${U()}/notes`);
    expect(obj(list.body)['total']).toBe(1);
    const del = await call(fake, 'DELETE', `${U()}/notes/${id}`);
    expect(del.status).toBe(204);
    expect(fake.state.getNote(id)?.archived).toBe(true);
    expect((await call(fake, 'GET', `${U()}/notes/${id}`)).status).toBe(404);
    expect(obj((await call(fake, 'GET', `${U()}/notes`)).body)['total']).toBe(0);
  });

  it('reports model limits with array fields', async () => {
    const res = await call(fake, 'POST', `${U()}/notes`, { body: { title: 'ab', content: 'long enough' } });
    expect(res.status).toBe(400);
    expect(obj(res.body)).toMatchObject({
      detail: 'A validation error occurred.',
      invalid_parameters: [{ field: ['title'], message: 'String should have at least 3 characters' }],
    });
  });

  it('applies the UA-guard', async () => {
    const unknown = await call(fake, 'GET', `${U('ffffffffffffffffffffffff')}/notes`);
    expect(unknown.status).toBe(400);
    expect(obj(unknown.body)['detail']).toBe("User 'ffffffffffffffffffffffff' not found on this server.");
    const unapproved = fake.state.addUser(companyId, { role: 'UNAPPROVED' });
    const res = await call(fake, 'GET', `${U(unapproved.id)}/notes`);
    expect(res.status).toBe(403);
    expect(obj(res.body)['detail']).toBeUndefined();
  });
});

describe('quickrolls', () => {
  it('lists by name, enforces unique names per owner, resolves trait ids', async () => {
    const dex = fake.state.addTraitBlueprint({ name: 'Dexterity' });
    const campaign = fake.state.addCampaign(companyId);
    const character = fake.state.addCharacter(companyId, campaign.id, { user_player_id: userId, traits: [{ name: 'Firearms', value: 2 }] });
    const characterTraitId = character.character_trait_ids[0] ?? '';
    const firearmsId = fake.state.traitByName('Firearms')?.id;

    const shoot = await call(fake, 'POST', `${U()}/quickrolls`, {
      body: { name: 'Shoot', description: 'Dexterity + Firearms', trait_ids: [dex.id, characterTraitId] },
    });
    expect(shoot.status).toBe(201);
    expect(obj(shoot.body)).toMatchObject({ name: 'Shoot', user_id: userId, trait_ids: [dex.id, firearmsId] });
    await call(fake, 'POST', `${U()}/quickrolls`, { body: { name: 'Awareness' } });

    const dup = await call(fake, 'POST', `${U()}/quickrolls`, { body: { name: 'Shoot' } });
    expect(dup.status).toBe(400);
    expect(obj(dup.body)).toMatchObject({ detail: 'Quick roll name already exists', invalid_parameters: [{ field: 'name' }] });
    const otherUser = fake.state.addUser(companyId);
    expect((await call(fake, 'POST', `${U(otherUser.id)}/quickrolls`, { body: { name: 'Shoot' } })).status).toBe(201);

    const badTrait = await call(fake, 'POST', `${U()}/quickrolls`, { body: { name: 'Nope', trait_ids: ['aaaaaaaaaaaaaaaaaaaaaaaa'] } });
    expect(badTrait.status).toBe(400);
    expect(obj(badTrait.body)).toMatchObject({ detail: 'Trait not found', invalid_parameters: [{ field: 'trait_ids' }] });

    const list = await call(fake, 'GET', `${U()}/quickrolls`);
    expect(items(list.body).map((q) => q['name'])).toEqual(['Awareness', 'Shoot']);

    const id = String(obj(shoot.body)['id']);
    const renameClash = await call(fake, 'PATCH', `${U()}/quickrolls/${id}`, { body: { name: 'Awareness' } });
    expect(renameClash.status).toBe(400);
    const patched = await call(fake, 'PATCH', `${U()}/quickrolls/${id}`, { body: { description: null } });
    expect(obj(patched.body)).toMatchObject({ name: 'Shoot', description: null });
    expect((await call(fake, 'DELETE', `${U()}/quickrolls/${id}`)).status).toBe(204);
    const gone = await call(fake, 'GET', `${U()}/quickrolls/${id}`);
    expect(gone.status).toBe(404);
    expect(obj(gone.body)['detail']).toBe('Quick roll not found');
    // The archived name is free again.
    expect((await call(fake, 'POST', `${U()}/quickrolls`, { body: { name: 'Shoot' } })).status).toBe(201);
  });
});

describe('assets', () => {
  const upload = (form: FormData, id = userId) => call(fake, 'POST', `${U(id)}/assets/upload`, { body: form });

  it('uploads multipart, deriving asset_type from the MIME type and sanitising the filename', async () => {
    const form = new FormData();
    form.append('comment', 'not a file');
    form.append('portrait', new Blob([Buffer.from('PNGDATA')], { type: 'image/png' }), 'C:\\Users\\mara\\"Mara & Vex";.png');
    const res = await upload(form);
    expect(res.status).toBe(201);
    const asset = obj(res.body);
    expect(asset).toMatchObject({
      asset_type: 'image',
      mime_type: 'image/png',
      original_filename: 'Mara and Vex.png',
      parent_type: 'user',
      parent_id: userId,
      uploaded_by: userId,
      company_id: companyId,
    });
    expect(String(asset['public_url'])).toMatch(/^https:\/\/cdn\.example\.invalid\/.+\.png$/);
    const stored = fake.state.getAsset(String(asset['id']));
    expect(stored?.bytes.toString()).toBe('PNGDATA');
    expect(fake.state.getUser(userId)?.asset_ids).toEqual([asset['id']]);

    const pdf = new FormData();
    pdf.append('data', new Blob(['%PDF'], { type: 'application/pdf' }), 'rules.pdf');
    expect(obj((await upload(pdf)).body)['asset_type']).toBe('document');
    const text = new FormData();
    text.append('data', new Blob(['hi'], { type: 'text/plain' }), 'notes.txt');
    expect(obj((await upload(text)).body)['asset_type']).toBe('text');

    const list = await call(fake, 'GET', `${U()}/assets`, { query: { asset_type: 'image' } });
    expect(items(list.body).map((a) => a['id'])).toEqual([asset['id']]);
    expect(obj((await call(fake, 'GET', `${U()}/assets`)).body)['total']).toBe(3);
  });

  it('400s a body without a file part and 413s a body over 10,000,000 bytes', async () => {
    const noFile = new FormData();
    noFile.append('data', 'just text');
    const res = await upload(noFile);
    expect(res.status).toBe(400);
    const big = new FormData();
    big.append('data', new Blob([Buffer.alloc(10_000_001)], { type: 'application/octet-stream' }), 'big.bin');
    const tooLarge = await upload(big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get('content-type')).toBe('application/problem+json');
  });

  it('gets with parent checks and deletes (hard) without them', async () => {
    const asset = fake.state.addAsset(userId, { filename: 'map.jpg', mime_type: 'image/jpeg' });
    const other = fake.state.addUser(companyId);
    expect((await call(fake, 'GET', `${U()}/assets/${asset.id}`)).status).toBe(200);
    const foreign = await call(fake, 'GET', `${U(other.id)}/assets/${asset.id}`);
    expect(foreign.status).toBe(404);
    expect(obj(foreign.body)['detail']).toBe('Asset not found');
    const missing = await call(fake, 'GET', `${U()}/assets/aaaaaaaaaaaaaaaaaaaaaaaa`);
    expect(obj(missing.body)['detail']).toBe('S3 asset not found');
    const del = await call(fake, 'DELETE', `${U(other.id)}/assets/${asset.id}`);
    expect(del.status).toBe(204);
    expect(fake.state.getAsset(asset.id)).toBeUndefined();
    expect(fake.state.getUser(userId)?.asset_ids).toEqual([]);
  });
});

describe('campaigns and characters', () => {
  it('lists campaigns, gets one, lists characters with filters and their traits', async () => {
    const campaign = fake.state.addCampaign(companyId, { name: 'Chicago by Night', danger: 3 });
    fake.state.addCampaign(companyId, { name: 'Gary Sabbat Incursion' });
    fake.state.addCampaign(fake.state.addCompany().id, { name: 'Elsewhere' });
    const other = fake.state.addUser(companyId);
    const mine = fake.state.addCharacter(companyId, campaign.id, {
      user_player_id: userId, name_first: 'Celeste', name_last: 'Marchand', name_nick: 'Vex',
      traits: [{ name: 'Dexterity', value: 3 }, { name: 'Firearms', value: 3 }],
    });
    fake.state.addCharacter(companyId, campaign.id, { user_player_id: other.id, type: 'NPC', status: 'DEAD' });
    fake.state.addCharacter(companyId, campaign.id, { user_player_id: userId, is_temporary: true });

    const campaigns = await call(fake, 'GET', `${U()}/campaigns`);
    expect(items(campaigns.body).map((c) => c['name'])).toEqual(['Chicago by Night', 'Gary Sabbat Incursion']);
    expect(obj((await call(fake, 'GET', `${U()}/campaigns/${campaign.id}`)).body)['danger']).toBe(3);
    const missing = await call(fake, 'GET', `${U()}/campaigns/aaaaaaaaaaaaaaaaaaaaaaaa`);
    expect(missing.status).toBe(404);
    expect(obj(missing.body)['detail']).toBe('Campaign not found');

    const chars = `${U()}/campaigns/${campaign.id}/characters`;
    expect(obj((await call(fake, 'GET', chars)).body)['total']).toBe(2);
    const byPlayer = await call(fake, 'GET', chars, { query: { user_player_id: userId } });
    expect(items(byPlayer.body)).toEqual([expect.objectContaining({ id: mine.id, name: 'Celeste Marchand', name_full: "Celeste 'Vex' Marchand" })]);
    expect(obj((await call(fake, 'GET', chars, { query: { character_type: 'NPC', status: 'DEAD' } })).body)['total']).toBe(1);
    expect((await call(fake, 'GET', chars, { query: { status: 'UNDEAD' } })).status).toBe(400);

    const one = await call(fake, 'GET', `${chars}/${mine.id}`);
    expect(obj(one.body)['character_trait_ids']).toHaveLength(2);
    const notFound = await call(fake, 'GET', `${chars}/bbbbbbbbbbbbbbbbbbbbbbbb`);
    expect(obj(notFound.body)['detail']).toBe('Character not found');

    const traits = await call(fake, 'GET', `${chars}/${mine.id}/traits`);
    expect(items(traits.body).map((t) => [obj(t['trait'])['name'], t['value']])).toEqual([['Dexterity', 3], ['Firearms', 3]]);
    const category = fake.state.traitByName('Dexterity')?.parent_category_id ?? '';
    const filtered = await call(fake, 'GET', `${chars}/${mine.id}/traits`, { query: { parent_category_id: category } });
    expect(obj(filtered.body)['total']).toBe(2);
  });
});
