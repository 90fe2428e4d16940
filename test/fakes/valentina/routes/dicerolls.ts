import { companyGuard, created, ok, optionalQueryId, paginate, param, parseBody, uaGuard } from '../context.js';
import type { RequestContext, RouteDef } from '../context.js';
import { buildResult, rollDice } from '../dice.js';
import { diceRollJson } from '../models.js';
import type { DiceRollRecord, DiceSize } from '../models.js';
import { notFound, serviceRule } from '../problem.js';
import { diceRollCreate, quickrollRoll } from '../request-schemas.js';

const DICEROLLS = '/api/v1/companies/{company_id}/users/{user_id}/dicerolls';

interface RollInput {
  companyId: string;
  userId: string;
  size: DiceSize;
  numDice: number;
  numDesperation: number;
  difficulty: number | null;
  comment: string | null;
  traitIds: string[];
  characterId: string | null;
  campaignId: string | null;
}

/** Rolls player dice first, then desperation dice, with the fake's random source. */
function storeRoll(ctx: RequestContext, input: RollInput): DiceRollRecord {
  const player = rollDice(Math.max(0, input.numDice), input.size, ctx.random);
  const desperation = rollDice(Math.max(0, input.numDesperation), input.size, ctx.random);
  const ts = ctx.state.timestamp();
  const roll: DiceRollRecord = {
    id: ctx.state.newId(),
    date_created: ts,
    date_modified: ts,
    difficulty: input.difficulty,
    dice_size: input.size,
    num_dice: input.numDice,
    num_desperation_dice: input.numDesperation,
    result: buildResult(player, desperation, input.size, input.difficulty),
    comment: input.comment,
    trait_ids: input.traitIds,
    user_id: input.userId,
    character_id: input.characterId,
    campaign_id: input.campaignId,
    company_id: input.companyId,
    archived: false,
  };
  ctx.state.diceRolls.set(roll.id, roll);
  // Dice-roll creation does not run the audit hook (CONTRACT §1.10): resources_modified_at stays.
  return roll;
}

function listDiceRolls(ctx: RequestContext) {
  const company = companyGuard(ctx);
  uaGuard(ctx, company);
  // Company-wide unless filtered; the filter names have no underscores (CONTRACT #30).
  const userId = optionalQueryId(ctx, 'userid');
  const characterId = optionalQueryId(ctx, 'characterid');
  const campaignId = optionalQueryId(ctx, 'campaignid');
  const rolls = ctx.state.listDiceRolls({
    companyId: company.id,
    ...(userId === undefined ? {} : { userId }),
    ...(characterId === undefined ? {} : { characterId }),
    ...(campaignId === undefined ? {} : { campaignId }),
  });
  return paginate(ctx, rolls, diceRollJson);
}

function createDiceRoll(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const user = uaGuard(ctx, company);
  const body = parseBody(ctx, diceRollCreate);
  const characterId = body.character_id ?? null;
  const campaignId = body.campaign_id ?? null;
  if (characterId !== null) {
    const character = ctx.state.characters.get(characterId);
    if (!character || character.archived) throw serviceRule(`Character ${characterId} not found`);
  }
  if (campaignId !== null) {
    const campaign = ctx.state.campaigns.get(campaignId);
    if (!campaign || campaign.archived) throw serviceRule(`Campaign ${campaignId} not found`);
  }
  const traitIds = body.trait_ids ?? [];
  for (const id of traitIds) {
    if (!ctx.state.traits.has(id)) throw serviceRule('Trait not found', [{ field: 'trait_ids', message: 'Trait not found' }]);
  }
  const roll = storeRoll(ctx, {
    companyId: company.id,
    userId: user.id,
    size: body.dice_size as DiceSize,
    numDice: body.num_dice,
    numDesperation: body.num_desperation_dice ?? 0,
    difficulty: body.difficulty ?? null,
    comment: body.comment ?? null,
    traitIds,
    characterId,
    campaignId,
  });
  return created(diceRollJson(roll));
}

function getDiceRoll(ctx: RequestContext) {
  const company = companyGuard(ctx);
  uaGuard(ctx, company);
  const id = param(ctx, 'diceroll_id');
  const roll = ctx.state.diceRolls.get(id);
  if (!roll || roll.archived || roll.company_id !== company.id) throw notFound(`Dice roll ${id} not found`);
  return ok(diceRollJson(roll));
}

/** CONTRACT §3.1: pool = sum of the character's values for the quickroll's traits, always d10. */
function rollQuickroll(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const user = uaGuard(ctx, company);
  const body = parseBody(ctx, quickrollRoll);
  // Neither lookup is scoped to the company or to the path user.
  const quickroll = ctx.state.quickrolls.get(body.quickroll_id);
  if (!quickroll || quickroll.archived) throw serviceRule(`Quick roll ${body.quickroll_id} not found`);
  const character = ctx.state.characters.get(body.character_id);
  if (!character || character.archived) throw serviceRule(`Character ${body.character_id} not found`);
  const wanted = new Set(quickroll.trait_ids);
  const matching = ctx.state.traitsOf(character.id).filter((ct) => wanted.has(ct.trait_id));
  if (matching.length === 0) {
    throw serviceRule('This character does not have the traits required to roll this quick roll');
  }
  const pool = matching.reduce((sum, ct) => sum + ct.value, 0);
  const roll = storeRoll(ctx, {
    companyId: company.id,
    userId: user.id,
    size: 10,
    numDice: pool,
    // Accepted but ignored at the reference commit (fixed upstream 2026-03-13).
    numDesperation: 0,
    difficulty: body.difficulty ?? 6,
    comment: body.comment ?? `Quick roll: ${quickroll.name}`,
    traitIds: [...quickroll.trait_ids],
    characterId: character.id,
    campaignId: character.campaign_id,
  });
  return created(diceRollJson(roll));
}

export const diceRollRoutes: RouteDef[] = [
  // Dice-roll creation does not run the audit hook, so it does not flush the response cache.
  { method: 'POST', template: `${DICEROLLS}/quickroll`, handler: rollQuickroll, audited: false },
  { method: 'GET', template: DICEROLLS, handler: listDiceRolls },
  { method: 'POST', template: DICEROLLS, handler: createDiceRoll, audited: false },
  { method: 'GET', template: `${DICEROLLS}/{diceroll_id}`, handler: getDiceRoll },
];
