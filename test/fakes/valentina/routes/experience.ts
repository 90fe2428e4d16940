import { companyGuard, created, ok, param, parseBody, requester, uaGuard } from '../context.js';
import type { RequestContext, RouteDef } from '../context.js';
import type { CampaignExperience, CompanyRecord, UserRecord } from '../models.js';
import { HttpProblem, forbidden, notFound, serviceRule } from '../problem.js';
import { experienceAddRemove } from '../request-schemas.js';

const EXPERIENCE = '/api/v1/companies/{company_id}/users/{user_id}/experience';

/** Server constant COOL_POINT_VALUE (CONTRACT §5): not a company setting. */
export const COOL_POINT_XP_FACTOR = 10;

function getExperience(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const user = uaGuard(ctx, company);
  const campaign = ctx.state.campaigns.get(param(ctx, 'campaign_id'));
  if (!campaign || campaign.archived || campaign.company_id !== company.id) throw notFound('Campaign not found');
  return ok({ ...ctx.state.ensureExperience(user, campaign.id) });
}

/** `permission_grant_xp` rule of §4 for XP awards, removals and cool points. */
function checkGrantPermission(company: CompanyRecord, acting: UserRecord, target: UserRecord): void {
  const rule = company.settings.permission_grant_xp;
  if (rule === 'UNRESTRICTED') return;
  const elevated = acting.role === 'STORYTELLER' || acting.role === 'ADMIN';
  if (elevated || (rule === 'PLAYER' && acting.id === target.id)) return;
  throw forbidden('User not authorized to grant or remove XP for this user');
}

function experienceMutation(apply: (ctx: RequestContext, user: UserRecord, exp: CampaignExperience, amount: number) => void) {
  return (ctx: RequestContext) => {
    const company = companyGuard(ctx);
    const target = uaGuard(ctx, company);
    const body = parseBody(ctx, experienceAddRemove);
    const acting = requester(ctx, body.requesting_user_id);
    checkGrantPermission(company, acting, target);
    // The body's campaign is looked up without company scoping (CONTRACT §5).
    const campaign = ctx.state.campaigns.get(body.campaign_id);
    if (!campaign || campaign.archived) throw serviceRule(`Campaign ${body.campaign_id} not found`);
    const exp = ctx.state.ensureExperience(target, campaign.id);
    apply(ctx, target, exp, body.amount);
    target.date_modified = ctx.state.timestamp();
    ctx.state.touchCompany(company.id);
    return created({ ...exp });
  };
}

const addXp = experienceMutation((_ctx, user, exp, amount) => {
  exp.xp_current += amount;
  exp.xp_total += amount;
  user.lifetime_xp += amount;
});

const removeXp = experienceMutation((_ctx, _user, exp, amount) => {
  if (exp.xp_current < amount) {
    throw new HttpProblem(400, 'User does not have enough XP to complete the action.', {
      current_xp: exp.xp_current,
      required_xp: amount,
    });
  }
  exp.xp_current -= amount;
});

const addCoolPoints = experienceMutation((_ctx, user, exp, amount) => {
  exp.cool_points += amount;
  exp.xp_current += COOL_POINT_XP_FACTOR * amount;
  exp.xp_total += COOL_POINT_XP_FACTOR * amount;
  user.lifetime_cool_points += amount;
});

export const experienceRoutes: RouteDef[] = [
  { method: 'POST', template: `${EXPERIENCE}/xp/add`, handler: addXp },
  { method: 'POST', template: `${EXPERIENCE}/xp/remove`, handler: removeXp },
  { method: 'POST', template: `${EXPERIENCE}/cp/add`, handler: addCoolPoints },
  { method: 'GET', template: `${EXPERIENCE}/{campaign_id}`, handler: getExperience, cacheable: true },
];
