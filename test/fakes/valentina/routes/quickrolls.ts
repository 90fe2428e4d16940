import { companyGuard, created, noContent, ok, paginate, param, parseBody, uaGuard } from '../context.js';
import type { RequestContext, RouteDef } from '../context.js';
import { quickrollJson } from '../models.js';
import type { CompanyRecord, QuickrollRecord } from '../models.js';
import { modelValidation, notFound, serviceRule } from '../problem.js';
import { quickrollCreate, quickrollUpdate } from '../request-schemas.js';
import type { FakeState } from '../state.js';

const QUICKROLLS = '/api/v1/companies/{company_id}/users/{user_id}/quickrolls';

function checkModel(name: string | undefined, description: string | null | undefined): void {
  if (name !== undefined && name.length < 3) throw modelValidation('name', 'String should have at least 3 characters');
  if (name !== undefined && name.length > 50) throw modelValidation('name', 'String should have at most 50 characters');
  if (typeof description === 'string' && description.length < 3) {
    throw modelValidation('description', 'String should have at least 3 characters');
  }
}

function checkUniqueName(state: FakeState, userId: string, name: string, selfId?: string): void {
  for (const q of state.quickrolls.values()) {
    if (!q.archived && q.user_id === userId && q.name === name && q.id !== selfId) {
      throw serviceRule('Quick roll name already exists', [{ field: 'name', message: 'Quick roll name already exists' }]);
    }
  }
}

/** Accepts blueprint trait ids or character-trait ids; the latter are normalised to blueprint ids. */
function normaliseTraitIds(state: FakeState, ids: readonly string[]): string[] {
  return ids.map((id) => {
    if (state.traits.has(id)) return id;
    const characterTrait = state.characterTraits.get(id);
    if (characterTrait) return characterTrait.trait_id;
    throw serviceRule('Trait not found', [{ field: 'trait_ids', message: 'Trait not found' }]);
  });
}

function findQuickroll(ctx: RequestContext, company: CompanyRecord): QuickrollRecord {
  const quickroll = ctx.state.quickrolls.get(param(ctx, 'quickroll_id'));
  if (!quickroll || quickroll.archived || quickroll.company_id !== company.id) throw notFound('Quick roll not found');
  return quickroll;
}

function listQuickrolls(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const user = uaGuard(ctx, company);
  const quickrolls = [...ctx.state.quickrolls.values()]
    .filter((q) => !q.archived && q.user_id === user.id)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return paginate(ctx, quickrolls, quickrollJson);
}

function createQuickroll(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const user = uaGuard(ctx, company);
  const body = parseBody(ctx, quickrollCreate);
  checkModel(body.name, body.description);
  checkUniqueName(ctx.state, user.id, body.name);
  const traitIds = normaliseTraitIds(ctx.state, body.trait_ids ?? []);
  const quickroll = ctx.state.addQuickroll(user.id, { name: body.name, description: body.description ?? null, trait_ids: traitIds });
  ctx.state.touchCompany(company.id);
  return created(quickrollJson(quickroll));
}

function getQuickroll(ctx: RequestContext) {
  const company = companyGuard(ctx);
  uaGuard(ctx, company);
  return ok(quickrollJson(findQuickroll(ctx, company)));
}

function updateQuickroll(ctx: RequestContext) {
  const company = companyGuard(ctx);
  uaGuard(ctx, company);
  const body = parseBody(ctx, quickrollUpdate);
  const quickroll = findQuickroll(ctx, company);
  checkModel(body.name, body.description);
  if (body.name !== undefined) checkUniqueName(ctx.state, quickroll.user_id, body.name, quickroll.id);
  const traitIds = body.trait_ids === undefined ? undefined : normaliseTraitIds(ctx.state, body.trait_ids);
  if (body.name !== undefined) quickroll.name = body.name;
  if (body.description !== undefined) quickroll.description = body.description;
  if (traitIds !== undefined) quickroll.trait_ids = traitIds;
  quickroll.date_modified = ctx.state.timestamp();
  ctx.state.touchCompany(company.id);
  return ok(quickrollJson(quickroll));
}

function deleteQuickroll(ctx: RequestContext) {
  const company = companyGuard(ctx);
  uaGuard(ctx, company);
  const quickroll = findQuickroll(ctx, company);
  quickroll.archived = true;
  quickroll.date_modified = ctx.state.timestamp();
  ctx.state.touchCompany(company.id);
  return noContent;
}

export const quickrollRoutes: RouteDef[] = [
  { method: 'GET', template: QUICKROLLS, handler: listQuickrolls, cacheable: true },
  { method: 'POST', template: QUICKROLLS, handler: createQuickroll },
  { method: 'GET', template: `${QUICKROLLS}/{quickroll_id}`, handler: getQuickroll, cacheable: true },
  { method: 'PATCH', template: `${QUICKROLLS}/{quickroll_id}`, handler: updateQuickroll },
  { method: 'DELETE', template: `${QUICKROLLS}/{quickroll_id}`, handler: deleteQuickroll },
];
