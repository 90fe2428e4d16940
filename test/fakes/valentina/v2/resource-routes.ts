import { z } from 'zod';
import { created, noContent, ok, optionalQueryEnum, paginate, param, parseBody, queryInt } from '../context.js';
import type { RequestContext, RouteDef } from '../context.js';
import { buildResult, rollDice } from '../dice.js';
import { ASSET_TYPES, CHARACTER_CLASSES, CHARACTER_STATUSES, DICE_SIZES } from '../models.js';
import type { CharacterRecord, CompanyRecord, DiceRollRecord, DiceSize, NoteRecord, QuickrollRecord, UserRecord } from '../models.js';
import { firstFilePart } from '../multipart.js';
import { fieldValidation, forbidden, modelValidation, notFound, serviceRule } from '../problem.js';
import { computeStatistics } from '../statistics.js';
import { MANAGE_USER_DENIED, actor, companyGuardV2, companyUserV2, isStorytellerOrAdmin, uuid } from './guards.js';
import { assetV2, campaignV2, characterTraitV2, characterV2, diceRollV2, noteV2, quickrollV2 } from './wire.js';

const C = '/api/v1/companies/{company_id}';
const U = `${C}/users/{user_id}`;

const noteCreate = z.object({ title: z.string().trim(), content: z.string().trim().default('') });
const noteUpdate = z.object({ title: z.string().trim().optional(), content: z.string().trim().optional() });
const quickrollCreate = z.object({ name: z.string().trim(), description: z.string().trim().optional(), trait_ids: z.array(uuid) });
const quickrollUpdate = z.object({ name: z.string().trim().optional(), description: z.string().trim().optional(), trait_ids: z.array(uuid).optional() });
const diceSize = z.number().int().refine((n) => (DICE_SIZES as readonly number[]).includes(n), { message: `Input should be ${DICE_SIZES.join(', ')}` });
const diceRollCreate = z.object({
  dice_size: diceSize.default(10),
  num_dice: z.number().int().default(1),
  difficulty: z.number().int().nullable().optional(),
  num_desperation_dice: z.number().int().default(0),
  comment: z.string().trim().nullable().optional(),
  trait_ids: z.array(uuid).default([]),
  character_id: uuid.nullable().optional(),
  campaign_id: uuid.nullable().optional(),
});
const quickrollRoll = z.object({
  quickroll_id: uuid, character_id: uuid, comment: z.string().trim().nullable().optional(),
  difficulty: z.number().int().default(6), num_desperation_dice: z.number().int().default(0),
});
const CHARACTER_TYPES_V2 = ['PLAYER', 'NPC', 'STORYTELLER'] as const;

/** Image types the server's decoder accepts, recognised by their first bytes (CONTRACT-v2 §3.3). */
function sniffImage(bytes: Uint8Array): string | undefined {
  const at = (offset: number, ...sig: number[]): boolean => sig.every((b, i) => bytes[offset + i] === b);
  if (at(0, 0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return undefined;
}

// ------------------------------------------------------------------ assets

function listAssets(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const user = companyUserV2(ctx, company);
  const type = optionalQueryEnum(ctx, 'asset_type', ASSET_TYPES);
  return paginate(ctx, ctx.state.listAssets(user.id).filter((a) => type === undefined || a.asset_type === type), assetV2);
}

function uploadAsset(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const user = companyUserV2(ctx, company);
  const file = firstFilePart(ctx.contentType, ctx.rawBody);
  if (!file) throw fieldValidation([{ field: 'upload', message: 'Field required' }]);
  const mime = sniffImage(file.data);
  if (mime === undefined) {
    const message = 'Upload must be a PNG, JPEG, GIF, or WEBP image.';
    throw fieldValidation([{ field: 'upload', message }]).withDetail(message);
  }
  const asset = ctx.state.addAsset(user.id, { filename: file.filename, mime_type: mime, bytes: Buffer.from(file.data) });
  asset.uploaded_by = actor(ctx).id;
  ctx.state.touchCompany(company.id);
  return created(assetV2(asset));
}

function getAsset(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const user = companyUserV2(ctx, company);
  const asset = ctx.state.assets.get(param(ctx, 'asset_id'));
  if (!asset || asset.company_id !== company.id || asset.parent_id !== user.id) throw notFound('Asset not found');
  return ok(assetV2(asset));
}

function deleteAsset(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  companyUserV2(ctx, company);
  const asset = ctx.state.assets.get(param(ctx, 'asset_id'));
  if (!asset || asset.company_id !== company.id) throw notFound('Asset not found');
  ctx.state.assets.delete(asset.id);
  if (asset.parent_id !== null) {
    const owner = ctx.state.users.get(asset.parent_id);
    if (owner) owner.asset_ids = owner.asset_ids.filter((id) => id !== asset.id);
  }
  ctx.state.touchCompany(company.id);
  return noContent;
}

// ------------------------------------------------------------------ notes

function checkNote(title: string | undefined, content: string | undefined): void {
  if (title !== undefined && (title.length < 3 || title.length > 50)) throw modelValidation('title', `title: Length of '${title}' is out of 3..50`);
  if (content !== undefined && content.length < 3) throw modelValidation('content', `content: Length of '${content}' ${content.length} < 3`);
}

/** Scoped to the path user: another user's note is 404 (CONTRACT-v2 §4.7). */
function findNote(ctx: RequestContext, user: UserRecord): NoteRecord {
  const note = ctx.state.notes.get(param(ctx, 'note_id'));
  if (!note || note.archived || note.user_id !== user.id) throw notFound('Note not found');
  return note;
}

function listNotes(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const user = companyUserV2(ctx, company);
  return paginate(ctx, [...ctx.state.notes.values()].filter((n) => !n.archived && n.user_id === user.id), noteV2);
}

function createNote(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const user = companyUserV2(ctx, company);
  const body = parseBody(ctx, noteCreate);
  checkNote(body.title, body.content);
  const note = ctx.state.addNote(user.id, body);
  ctx.state.touchCompany(company.id);
  return created(noteV2(note));
}

function getNote(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  return ok(noteV2(findNote(ctx, companyUserV2(ctx, company))));
}

function updateNote(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const body = parseBody(ctx, noteUpdate);
  const note = findNote(ctx, companyUserV2(ctx, company));
  checkNote(body.title, body.content);
  if (body.title !== undefined) note.title = body.title;
  if (body.content !== undefined) note.content = body.content;
  note.date_modified = ctx.state.timestamp();
  ctx.state.touchCompany(company.id);
  return ok(noteV2(note));
}

function deleteNote(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const note = findNote(ctx, companyUserV2(ctx, company));
  note.archived = true;
  ctx.state.touchCompany(company.id);
  return noContent;
}

// ------------------------------------------------------------------ quickrolls

function checkQuickroll(name: string | undefined, description: string | undefined): void {
  if (name !== undefined && (name.length < 3 || name.length > 50)) throw modelValidation('name', `name: Length of '${name}' is out of 3..50`);
  // "" means no description; a short non-empty one fails the ORM rule.
  if (description !== undefined && description !== '' && description.length < 3) {
    throw modelValidation('description', `description: Length of '${description}' ${description.length} < 3`);
  }
}

function checkTraits(ctx: RequestContext, ids: readonly string[]): void {
  if (ids.length === 0) throw serviceRule('Quick roll must have at least one trait', [{ field: 'trait_ids', message: 'Quick roll must have at least one trait' }]);
  for (const id of ids) if (!ctx.state.traits.has(id)) throw serviceRule('Trait not found', [{ field: 'trait_ids', message: 'Trait not found' }]);
}

/** Create/patch/delete: the acting user must be the path user or an ADMIN (CONTRACT-v2 §4.7). */
function quickrollOwner(ctx: RequestContext, company: CompanyRecord): UserRecord {
  const user = companyUserV2(ctx, company);
  const acting = actor(ctx);
  if (acting.id !== user.id && acting.role !== 'ADMIN') throw forbidden(MANAGE_USER_DENIED);
  return user;
}

/** Looked up by id only, neither user nor company checked (CONTRACT-v2 #32, inferred). */
function findQuickroll(ctx: RequestContext): QuickrollRecord {
  const quickroll = ctx.state.quickrolls.get(param(ctx, 'quickroll_id'));
  if (!quickroll || quickroll.archived) throw notFound('Quick roll not found');
  return quickroll;
}

function listQuickrolls(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const user = companyUserV2(ctx, company);
  const quickrolls = [...ctx.state.quickrolls.values()]
    .filter((q) => !q.archived && q.user_id === user.id)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return paginate(ctx, quickrolls, quickrollV2);
}

function createQuickroll(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const body = parseBody(ctx, quickrollCreate);
  const user = quickrollOwner(ctx, company);
  checkQuickroll(body.name, body.description);
  checkTraits(ctx, body.trait_ids);
  const quickroll = ctx.state.addQuickroll(user.id, { name: body.name, description: body.description ?? '', trait_ids: body.trait_ids });
  ctx.state.touchCompany(company.id);
  return created(quickrollV2(quickroll));
}

function getQuickroll(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  companyUserV2(ctx, company);
  return ok(quickrollV2(findQuickroll(ctx)));
}

function updateQuickroll(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const body = parseBody(ctx, quickrollUpdate);
  quickrollOwner(ctx, company);
  const quickroll = findQuickroll(ctx);
  checkQuickroll(body.name, body.description);
  if (body.trait_ids !== undefined) checkTraits(ctx, body.trait_ids);
  if (body.name !== undefined) quickroll.name = body.name;
  if (body.description !== undefined) quickroll.description = body.description;
  if (body.trait_ids !== undefined) quickroll.trait_ids = [...body.trait_ids];
  quickroll.date_modified = ctx.state.timestamp();
  ctx.state.touchCompany(company.id);
  return ok(quickrollV2(quickroll));
}

function deleteQuickroll(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  quickrollOwner(ctx, company);
  const quickroll = findQuickroll(ctx);
  quickroll.archived = true;
  ctx.state.touchCompany(company.id);
  return noContent;
}

// ------------------------------------------------------------------ dice rolls

/** STORYTELLER characters and their rolls are hidden from acting users below STORYTELLER. */
function hiddenCharacter(ctx: RequestContext, characterId: string | null): boolean {
  if (characterId === null || isStorytellerOrAdmin(ctx.actor)) return false;
  return ctx.state.characters.get(characterId)?.type === 'STORYTELLER';
}

function storeRoll(ctx: RequestContext, company: CompanyRecord, fields: Omit<DiceRollRecord, 'id' | 'date_created' | 'date_modified' | 'result' | 'company_id' | 'archived'>): DiceRollRecord {
  const player = rollDice(Math.max(0, fields.num_dice), fields.dice_size, ctx.random);
  const desperation = rollDice(Math.max(0, fields.num_desperation_dice), fields.dice_size, ctx.random);
  const ts = ctx.state.timestamp();
  const roll: DiceRollRecord = {
    ...fields, id: ctx.state.newId(), date_created: ts, date_modified: ts, company_id: company.id, archived: false,
    result: buildResult(player, desperation, fields.dice_size, fields.difficulty),
  };
  ctx.state.diceRolls.set(roll.id, roll);
  return roll;
}

function listDiceRolls(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const id = (name: string): string | undefined => {
    const raw = ctx.query.get(name);
    if (raw === null || raw === '') return undefined;
    const parsed = uuid.safeParse(raw);
    if (!parsed.success) throw fieldValidation([{ field: name, message: `Invalid UUID: '${raw}'` }]);
    return parsed.data;
  };
  const userId = id('userid');
  const characterId = id('characterid');
  const campaignId = id('campaignid');
  const rolls = ctx.state.listDiceRolls({
    companyId: company.id,
    ...(userId === undefined ? {} : { userId }),
    ...(characterId === undefined ? {} : { characterId }),
    ...(campaignId === undefined ? {} : { campaignId }),
  }).filter((r) => !hiddenCharacter(ctx, r.character_id)).reverse();
  return paginate(ctx, rolls, diceRollV2);
}

function createDiceRoll(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const body = parseBody(ctx, diceRollCreate);
  const characterId = body.character_id ?? null;
  const campaignId = body.campaign_id ?? null;
  if (characterId !== null && !ctx.state.characters.get(characterId)) throw serviceRule(`Character ${characterId} not found`);
  if (campaignId !== null && !ctx.state.campaigns.get(campaignId)) throw serviceRule(`Campaign ${campaignId} not found`);
  for (const t of body.trait_ids) if (!ctx.state.traits.has(t)) throw serviceRule('Trait not found', [{ field: 'trait_ids', message: 'Trait not found' }]);
  const roll = storeRoll(ctx, company, {
    difficulty: body.difficulty ?? null, dice_size: body.dice_size as DiceSize, num_dice: body.num_dice,
    num_desperation_dice: body.num_desperation_dice, comment: body.comment ?? null, trait_ids: body.trait_ids,
    user_id: actor(ctx).id, character_id: characterId, campaign_id: campaignId,
  });
  return created(diceRollV2(roll));
}

function getDiceRoll(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const id = param(ctx, 'diceroll_id');
  const roll = ctx.state.diceRolls.get(id);
  if (!roll || roll.archived || roll.company_id !== company.id) throw notFound(`Dice roll ${id} not found`);
  if (hiddenCharacter(ctx, roll.character_id)) throw forbidden('No rights to access this resource');
  return ok(diceRollV2(roll));
}

/** CONTRACT-v2 §3.2: desperation dice are honoured now; ids are not company-checked. */
function rollQuickroll(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const body = parseBody(ctx, quickrollRoll);
  const quickroll = ctx.state.quickrolls.get(body.quickroll_id);
  if (!quickroll || quickroll.archived) throw serviceRule(`Quick roll ${body.quickroll_id} not found`);
  const character = ctx.state.characters.get(body.character_id);
  if (!character || character.archived) throw serviceRule(`Character ${body.character_id} not found`);
  const wanted = new Set(quickroll.trait_ids);
  const matching = ctx.state.traitsOf(character.id).filter((ct) => wanted.has(ct.trait_id));
  if (matching.length === 0) throw serviceRule('This character does not have the traits required to roll this quick roll');
  const roll = storeRoll(ctx, company, {
    difficulty: body.difficulty, dice_size: 10, num_dice: matching.reduce((sum, ct) => sum + ct.value, 0),
    num_desperation_dice: body.num_desperation_dice, comment: body.comment ?? `Quick roll: ${quickroll.name}`,
    trait_ids: [...quickroll.trait_ids], user_id: actor(ctx).id, character_id: character.id, campaign_id: character.campaign_id,
  });
  return created(diceRollV2(roll));
}

// ------------------------------------------------------------------ campaigns and characters

function findCampaign(ctx: RequestContext, company: CompanyRecord) {
  const campaign = ctx.state.campaigns.get(param(ctx, 'campaign_id'));
  if (!campaign || campaign.archived || campaign.company_id !== company.id) throw notFound('Campaign not found');
  return campaign;
}

function findCharacter(ctx: RequestContext, company: CompanyRecord): CharacterRecord {
  const id = param(ctx, 'character_id');
  const character = ctx.state.characters.get(id);
  if (!character || character.archived || character.company_id !== company.id) throw notFound(`Character '${id}' not found`);
  // Without the header there is no check at all (CONTRACT-v2 #43).
  if (ctx.actor !== undefined && hiddenCharacter(ctx, character.id)) throw forbidden('No rights to access this resource');
  return character;
}

function listCampaigns(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const campaigns = [...ctx.state.campaigns.values()]
    .filter((c) => !c.archived && c.company_id === company.id)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
  return paginate(ctx, campaigns, (c) => campaignV2(ctx.state, c));
}

function campaignStatistics(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const campaign = findCampaign(ctx, company);
  const top = queryInt(ctx, 'num_top_traits', 5);
  return ok(computeStatistics(ctx.state, ctx.state.listDiceRolls({ companyId: company.id, campaignId: campaign.id }), top));
}

function listCharacters(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const id = (name: string): string | undefined => {
    const raw = ctx.query.get(name);
    if (raw === null || raw === '') return undefined;
    const parsed = uuid.safeParse(raw);
    if (!parsed.success) throw fieldValidation([{ field: name, message: `Invalid UUID: '${raw}'` }]);
    return parsed.data;
  };
  const campaignId = id('campaign_id');
  const playerId = id('user_player_id');
  const creatorId = id('user_creator_id');
  const characterClass = optionalQueryEnum(ctx, 'character_class', CHARACTER_CLASSES);
  const characterType = optionalQueryEnum(ctx, 'character_type', CHARACTER_TYPES_V2);
  const status = optionalQueryEnum(ctx, 'status', CHARACTER_STATUSES);
  const temporary = ctx.query.get('is_temporary') === 'true';
  const characters = [...ctx.state.characters.values()]
    .filter((c) => !c.archived && c.company_id === company.id && c.is_temporary === temporary
      && (campaignId === undefined || c.campaign_id === campaignId)
      && (playerId === undefined || c.user_player_id === playerId)
      && (creatorId === undefined || c.user_creator_id === creatorId)
      && (characterClass === undefined || c.character_class === characterClass)
      && (characterType === undefined || c.type === characterType)
      && (status === undefined || c.status === status)
      && !hiddenCharacter(ctx, c.id))
    .sort((a, b) => `${a.name_first ?? ''}\u0000${a.name_last ?? ''}\u0000${a.id}`.localeCompare(`${b.name_first ?? ''}\u0000${b.name_last ?? ''}\u0000${b.id}`));
  return paginate(ctx, characters, characterV2);
}

function listCharacterTraits(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const character = findCharacter(ctx, company);
  const raw = ctx.query.get('category_id');
  const categoryId = raw === null || raw === '' ? undefined : raw.toLowerCase();
  const traits = ctx.state.traitsOf(character.id)
    .filter((ct) => categoryId === undefined || ctx.state.traits.get(ct.trait_id)?.parent_category_id === categoryId);
  return paginate(ctx, traits, (ct) => characterTraitV2(ctx.state, ct));
}

export const v2ResourceRoutes: RouteDef[] = [
  { method: 'GET', template: `${U}/assets`, handler: listAssets, onBehalfOf: 'optional', cacheable: true },
  { method: 'POST', template: `${U}/assets/upload`, handler: uploadAsset, onBehalfOf: 'required' },
  { method: 'GET', template: `${U}/assets/{asset_id}`, handler: getAsset, onBehalfOf: 'optional', cacheable: true },
  { method: 'DELETE', template: `${U}/assets/{asset_id}`, handler: deleteAsset, onBehalfOf: 'optional' },
  { method: 'GET', template: `${U}/notes`, handler: listNotes, onBehalfOf: 'optional', cacheable: true },
  { method: 'POST', template: `${U}/notes`, handler: createNote, onBehalfOf: 'optional' },
  { method: 'GET', template: `${U}/notes/{note_id}`, handler: getNote, onBehalfOf: 'optional', cacheable: true },
  { method: 'PATCH', template: `${U}/notes/{note_id}`, handler: updateNote, onBehalfOf: 'optional' },
  { method: 'DELETE', template: `${U}/notes/{note_id}`, handler: deleteNote, onBehalfOf: 'optional' },
  { method: 'GET', template: `${U}/quickrolls`, handler: listQuickrolls, onBehalfOf: 'optional', cacheable: true },
  { method: 'POST', template: `${U}/quickrolls`, handler: createQuickroll, onBehalfOf: 'required' },
  { method: 'GET', template: `${U}/quickrolls/{quickroll_id}`, handler: getQuickroll, onBehalfOf: 'optional', cacheable: true },
  { method: 'PATCH', template: `${U}/quickrolls/{quickroll_id}`, handler: updateQuickroll, onBehalfOf: 'required' },
  { method: 'DELETE', template: `${U}/quickrolls/{quickroll_id}`, handler: deleteQuickroll, onBehalfOf: 'required' },
  // Dice-roll creation does not run the audit hook: it never flushes the response cache.
  { method: 'GET', template: `${C}/dicerolls`, handler: listDiceRolls, onBehalfOf: 'required' },
  { method: 'POST', template: `${C}/dicerolls`, handler: createDiceRoll, onBehalfOf: 'required', audited: false },
  { method: 'GET', template: `${C}/dicerolls/{diceroll_id}`, handler: getDiceRoll, onBehalfOf: 'required' },
  { method: 'POST', template: `${C}/dicerolls/quickroll`, handler: rollQuickroll, onBehalfOf: 'required', audited: false },
  { method: 'GET', template: `${C}/campaigns`, handler: listCampaigns, cacheable: true },
  { method: 'GET', template: `${C}/campaigns/{campaign_id}`, handler: (ctx) => ok(campaignV2(ctx.state, findCampaign(ctx, companyGuardV2(ctx)))), cacheable: true },
  { method: 'GET', template: `${C}/campaigns/{campaign_id}/statistics`, handler: campaignStatistics, onBehalfOf: 'optional' },
  { method: 'GET', template: `${C}/characters`, handler: listCharacters, onBehalfOf: 'required', cacheable: true },
  { method: 'GET', template: `${C}/characters/{character_id}`, handler: (ctx) => ok(characterV2(findCharacter(ctx, companyGuardV2(ctx)))), onBehalfOf: 'optional', cacheable: true },
  { method: 'GET', template: `${C}/characters/{character_id}/traits`, handler: listCharacterTraits, onBehalfOf: 'optional', cacheable: true },
];
