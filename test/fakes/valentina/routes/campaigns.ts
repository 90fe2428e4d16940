import {
  companyGuard, ok, optionalQueryEnum, optionalQueryId, paginate, param, queryInt, uaGuard,
} from '../context.js';
import type { RequestContext, RouteDef } from '../context.js';
import { CHARACTER_CLASSES, CHARACTER_STATUSES, CHARACTER_TYPES, campaignJson, characterJson } from '../models.js';
import type { CampaignRecord, CharacterRecord, CharacterTraitRecord, CompanyRecord } from '../models.js';
import { notFound } from '../problem.js';
import { computeStatistics } from '../statistics.js';

const CAMPAIGNS = '/api/v1/companies/{company_id}/users/{user_id}/campaigns';
const CAMPAIGN = `${CAMPAIGNS}/{campaign_id}`;
const CHARACTERS = `${CAMPAIGN}/characters`;

function findCampaign(ctx: RequestContext, company: CompanyRecord): CampaignRecord {
  const campaign = ctx.state.campaigns.get(param(ctx, 'campaign_id'));
  if (!campaign || campaign.archived || campaign.company_id !== company.id) throw notFound('Campaign not found');
  return campaign;
}

/** Company-scoped; the campaign in the path is not cross-checked (CONTRACT #38). */
function findCharacter(ctx: RequestContext, company: CompanyRecord): CharacterRecord {
  const character = ctx.state.characters.get(param(ctx, 'character_id'));
  if (!character || character.archived || character.company_id !== company.id) throw notFound('Character not found');
  return character;
}

function listCampaigns(ctx: RequestContext) {
  const company = companyGuard(ctx);
  uaGuard(ctx, company);
  const campaigns = [...ctx.state.campaigns.values()].filter((c) => !c.archived && c.company_id === company.id);
  return paginate(ctx, campaigns, campaignJson);
}

function getCampaign(ctx: RequestContext) {
  const company = companyGuard(ctx);
  uaGuard(ctx, company);
  return ok(campaignJson(findCampaign(ctx, company)));
}

function campaignStatistics(ctx: RequestContext) {
  const company = companyGuard(ctx);
  uaGuard(ctx, company);
  const campaign = findCampaign(ctx, company);
  const top = queryInt(ctx, 'num_top_traits', 5);
  return ok(computeStatistics(ctx.state, ctx.state.listDiceRolls({ companyId: company.id, campaignId: campaign.id }), top));
}

function listCharacters(ctx: RequestContext) {
  const company = companyGuard(ctx);
  uaGuard(ctx, company);
  const campaignId = param(ctx, 'campaign_id');
  const playerId = optionalQueryId(ctx, 'user_player_id');
  const creatorId = optionalQueryId(ctx, 'user_creator_id');
  const characterClass = optionalQueryEnum(ctx, 'character_class', CHARACTER_CLASSES);
  const characterType = optionalQueryEnum(ctx, 'character_type', CHARACTER_TYPES);
  const status = optionalQueryEnum(ctx, 'status', CHARACTER_STATUSES);
  const characters = [...ctx.state.characters.values()].filter((c) =>
    !c.archived
    && !c.is_temporary
    && c.company_id === company.id
    && c.campaign_id === campaignId
    && (playerId === undefined || c.user_player_id === playerId)
    && (creatorId === undefined || c.user_creator_id === creatorId)
    && (characterClass === undefined || c.character_class === characterClass)
    && (characterType === undefined || c.type === characterType)
    && (status === undefined || c.status === status));
  return paginate(ctx, characters, characterJson);
}

function getCharacter(ctx: RequestContext) {
  const company = companyGuard(ctx);
  uaGuard(ctx, company);
  return ok(characterJson(findCharacter(ctx, company)));
}

function listCharacterTraits(ctx: RequestContext) {
  const company = companyGuard(ctx);
  uaGuard(ctx, company);
  const character = findCharacter(ctx, company);
  const categoryId = optionalQueryId(ctx, 'parent_category_id');
  const traits = ctx.state.traitsOf(character.id).filter((ct) =>
    categoryId === undefined || ctx.state.traits.get(ct.trait_id)?.parent_category_id === categoryId);
  return paginate(ctx, traits, (ct: CharacterTraitRecord) => ({
    id: ct.id,
    character_id: ct.character_id,
    value: ct.value,
    trait: { ...ctx.state.traits.get(ct.trait_id) },
  }));
}

export const campaignRoutes: RouteDef[] = [
  { method: 'GET', template: CAMPAIGNS, handler: listCampaigns, cacheable: true },
  { method: 'GET', template: CAMPAIGN, handler: getCampaign, cacheable: true },
  { method: 'GET', template: `${CAMPAIGN}/statistics`, handler: campaignStatistics },
  { method: 'GET', template: CHARACTERS, handler: listCharacters, cacheable: true },
  { method: 'GET', template: `${CHARACTERS}/{character_id}`, handler: getCharacter, cacheable: true },
  { method: 'GET', template: `${CHARACTERS}/{character_id}/traits`, handler: listCharacterTraits, cacheable: true },
];
