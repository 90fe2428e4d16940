import { companyGuard, ok, paginate } from '../context.js';
import type { RequestContext, RouteDef } from '../context.js';
import { companyJson } from '../models.js';

function listCompanies(ctx: RequestContext) {
  const visible = [...ctx.state.companies.values()].filter((c) =>
    !c.archived && (ctx.access.globalAdmin || ctx.access.companyIds.has(c.id)));
  return paginate(ctx, visible, companyJson);
}

function getCompany(ctx: RequestContext) {
  return ok(companyJson(companyGuard(ctx)));
}

/** 500 carries the same SystemHealth JSON (not a problem document) when something is offline. */
function health(ctx: RequestContext) {
  const h = ctx.state.health;
  const healthy = h.database_status === 'online' && h.cache_status === 'online';
  return { status: healthy ? 200 : 500, body: { ...h }, contentType: 'application/json' };
}

export const companyRoutes: RouteDef[] = [
  { method: 'GET', template: '/api/v1/companies', handler: listCompanies, cacheable: true },
  { method: 'GET', template: '/api/v1/companies/{company_id}', handler: getCompany, cacheable: true },
  { method: 'GET', template: '/api/v1/health', handler: health },
];
