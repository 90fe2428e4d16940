import { z } from 'zod';
import { created, noContent, ok, optionalQueryEnum, paginate, param, parseBody, queryInt } from '../context.js';
import type { RequestContext, RouteDef } from '../context.js';
import type { CampaignExperience, CompanyRecord, UserRecord, UserRole } from '../models.js';
import { HttpProblem, fieldValidation, forbidden, modelValidation, notFound, serviceRule } from '../problem.js';
import { emptyDiscordProfile, slugifyUsername } from '../state.js';
import { computeStatistics } from '../statistics.js';
import { MANAGE_USER_DENIED, actor, coded, companyGuardV2, companyUserV2, uuid } from './guards.js';
import type { VerifiedProfile } from './identity.js';
import { companyV2, experienceV2, userV2 } from './wire.js';

const C = '/api/v1/companies/{company_id}';
const USERS = `${C}/users`;
const USER = `${USERS}/{user_id}`;
const V2_ROLES: readonly UserRole[] = ['ADMIN', 'STORYTELLER', 'PLAYER', 'UNAPPROVED', 'DEACTIVATED'];
const PROVIDERS = ['discord', 'google', 'github', 'apple'] as const;

/** Server constant COOL_POINT_VALUE (CONTRACT-v2 §5). */
const COOL_POINT_XP_FACTOR = 10;

const email = z.string().trim().pipe(z.email('value is not a valid email address'));
const role = z.enum(['ADMIN', 'STORYTELLER', 'PLAYER', 'UNAPPROVED', 'DEACTIVATED']);
const userCreate = z.object({
  username: z.string().trim(), email, role,
  name_first: z.string().trim().nullable().optional(), name_last: z.string().trim().nullable().optional(),
});
const userUpdate = z.object({
  username: z.string().trim().optional(), email: email.optional(), role: role.optional(),
  name_first: z.string().trim().nullable().optional(), name_last: z.string().trim().nullable().optional(),
});
const userApprove = z.object({ role });
const userMerge = z.object({ primary_user_id: uuid, secondary_user_id: uuid });
const experienceAddRemove = z.object({ amount: z.number().int(), campaign_id: uuid });
const identifyRequest = z.object({
  provider: z.enum(PROVIDERS), token: z.string(), username: z.string().trim().nullable().optional(), email: z.string().trim().nullable().optional(),
});
const linkRequest = z.object({ provider: z.enum(PROVIDERS), token: z.string() });

const json = (ctx: RequestContext, u: UserRecord): object => userV2(ctx.state, u);

function checkNames(fields: { name_first?: string | null | undefined; name_last?: string | null | undefined; username?: string | undefined }): void {
  for (const key of ['name_first', 'name_last'] as const) {
    const value = fields[key];
    if (typeof value === 'string' && (value.length < 2 || value.length > 50)) throw modelValidation(key, `${key}: Length of '${value}' is out of 2..50`);
  }
  if (fields.username !== undefined && slugifyUsername(fields.username).length === 0) throw modelValidation('username', 'username: must not be empty');
}

/** Role-assignment matrix (CONTRACT-v2 §4.1). */
function checkRoleAssignment(acting: UserRecord, target: UserRecord | null, wanted: UserRole): void {
  if (wanted === 'UNAPPROVED') throw serviceRule('Cannot assign UNAPPROVED role');
  if (acting.role === 'ADMIN') return;
  if (acting.role !== 'STORYTELLER') throw forbidden('Requesting user is not authorized to change user roles');
  if (target?.role === 'ADMIN') throw forbidden("Only admins may change an admin user's role");
  if (wanted === 'DEACTIVATED' || target?.role === 'DEACTIVATED') throw forbidden('Only admins may deactivate or reactivate a user');
  if (wanted !== 'STORYTELLER' && wanted !== 'PLAYER') throw forbidden('Storytellers may only assign STORYTELLER or PLAYER roles');
}

function lastAdminCheck(ctx: RequestContext, target: UserRecord): void {
  if (target.role !== 'ADMIN') return;
  const admins = ctx.state.listUsers(target.company_id).filter((u) => u.role === 'ADMIN');
  if (admins.length <= 1) throw new HttpProblem(409, 'Cannot remove the last admin from the company');
}

function touch(ctx: RequestContext, company: CompanyRecord, user?: UserRecord): void {
  if (user) user.date_modified = ctx.state.timestamp();
  ctx.state.touchCompany(company.id);
}

// ------------------------------------------------------------------ companies, health, lookup

function listCompanies(ctx: RequestContext) {
  const visible = [...ctx.state.companies.values()].filter((c) => !c.archived && (ctx.access.globalAdmin || ctx.access.companyIds.has(c.id)));
  return paginate(ctx, visible, (c) => companyV2(ctx.state, c));
}

function health(ctx: RequestContext) {
  const h = ctx.state.health;
  const healthy = h.database_status === 'online' && h.cache_status === 'online';
  const body = { database_latency_ms: null, cache_latency_ms: null, uptime: '0d 0h 0m 1s', ...h };
  return { status: healthy ? 200 : 500, body, contentType: 'application/json' };
}

const LOOKUP_KEYS = ['email', 'discord_id', 'google_id', 'github_id', 'apple_id'] as const;

/** Every company the key can see; archived users excluded; a bare array (CONTRACT-v2 §3.1). */
function lookup(ctx: RequestContext) {
  const given = LOOKUP_KEYS.filter((k) => (ctx.query.get(k) ?? '') !== '');
  if (given.length !== 1) {
    throw fieldValidation([{ field: 'body', message: `Exactly one lookup identifier is required: ${LOOKUP_KEYS.join(', ')}` }]);
  }
  const key = given[0] ?? 'email';
  const value = ctx.query.get(key) ?? '';
  const matches = (u: UserRecord): boolean => {
    switch (key) {
      case 'email': return u.email === value;
      case 'discord_id': return u.discord_profile.id === value;
      case 'google_id': return u.google_profile.id === value;
      case 'github_id': return u.github_profile.id === value;
      default: return false;
    }
  };
  const out: object[] = [];
  for (const company of ctx.state.companies.values()) {
    if (!ctx.access.globalAdmin && !ctx.access.companyIds.has(company.id)) continue;
    for (const user of ctx.state.listUsers(company.id)) {
      if (matches(user)) out.push({ company_id: company.id, company_name: company.name, user_id: user.id, role: user.role });
    }
  }
  return ok(out);
}

// ------------------------------------------------------------------ identity

async function verified(ctx: RequestContext, provider: string, token: string): Promise<VerifiedProfile> {
  const check = await ctx.verifyIdentity(provider, token);
  if (check.kind === 'rejected') throw coded(422, 'TOKEN_VERIFICATION_FAILED', 'Discord rejected the access token');
  if (check.kind === 'unavailable') throw coded(503, 'PROVIDER_UNAVAILABLE', 'Discord is unreachable');
  return check.profile;
}

function writeDiscordProfile(user: UserRecord, profile: VerifiedProfile): boolean {
  const next = {
    ...emptyDiscordProfile(),
    id: profile.id,
    username: profile.username ?? null,
    global_name: profile.global_name ?? null,
    avatar_id: profile.avatar_id ?? null,
    discriminator: profile.discriminator ?? null,
    email: profile.email ?? null,
    verified: profile.verified ?? null,
  };
  const changed = JSON.stringify(next) !== JSON.stringify(user.discord_profile);
  user.discord_profile = next;
  return changed;
}

function uniqueUsername(ctx: RequestContext, company: CompanyRecord, base: string): string {
  const taken = new Set(ctx.state.listUsers(company.id).map((u) => u.username));
  const root = slugifyUsername(base) || `user-${Math.floor(ctx.random() * 1e6)}`;
  if (!taken.has(root)) return root;
  for (let n = 2; ; n++) if (!taken.has(`${root}-${n}`)) return `${root}-${n}`;
}

/** `POST C/auth/identify` (CONTRACT-v2 §3.1): matched → linked → created. Only `discord` is emulated. */
async function identify(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const body = parseBody(ctx, identifyRequest);
  if (body.provider !== 'discord') throw coded(422, 'TOKEN_VERIFICATION_FAILED', `${body.provider} sign-in is not enabled on this server`);
  const profile = await verified(ctx, body.provider, body.token);
  const users = ctx.state.listUsers(company.id);
  const matched = users.find((u) => u.discord_profile.id === profile.id);
  if (matched) {
    const changed = writeDiscordProfile(matched, profile);
    if (changed) touch(ctx, company, matched);
    return { status: 200, body: { resolution: 'matched', user: json(ctx, matched) }, audited: changed };
  }
  const verifiedEmail = profile.verified === true && profile.email ? profile.email.toLowerCase() : null;
  const byEmail = verifiedEmail === null ? [] : users.filter((u) => u.email.toLowerCase() === verifiedEmail);
  if (byEmail.length === 1 && byEmail[0]) {
    const user = byEmail[0];
    writeDiscordProfile(user, profile);
    touch(ctx, company, user);
    return ok({ resolution: 'linked', user: json(ctx, user) });
  }
  const address = profile.email ?? body.email ?? null;
  if (address === null || address === '') throw coded(422, 'EMAIL_REQUIRED', 'An email address is required to create a user');
  const user = ctx.state.addUser(company.id, {
    role: 'UNAPPROVED',
    username: uniqueUsername(ctx, company, profile.username ?? body.username ?? address.split('@')[0] ?? ''),
    email: address,
  });
  writeDiscordProfile(user, profile);
  touch(ctx, company);
  return ok({ resolution: 'created', user: json(ctx, user) });
}

function selfOrAdmin(acting: UserRecord, target: UserRecord, message: string): void {
  if (acting.id !== target.id && acting.role !== 'ADMIN') throw forbidden(message);
}

async function linkIdentity(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const body = parseBody(ctx, linkRequest);
  const target = companyUserV2(ctx, company);
  selfOrAdmin(actor(ctx), target, 'Only the user themselves or an admin can link identities');
  if (body.provider !== 'discord') throw coded(422, 'TOKEN_VERIFICATION_FAILED', `${body.provider} sign-in is not enabled on this server`);
  const profile = await verified(ctx, body.provider, body.token);
  const holder = ctx.state.listUsers(company.id).find((u) => u.discord_profile.id === profile.id && u.id !== target.id);
  if (holder) throw coded(409, 'IDENTITY_ALREADY_LINKED', 'This identity is already linked to another user. Use the merge endpoint to combine accounts.');
  writeDiscordProfile(target, profile);
  touch(ctx, company, target);
  return ok(json(ctx, target));
}

function unlinkIdentity(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const target = companyUserV2(ctx, company);
  selfOrAdmin(actor(ctx), target, 'Only the user themselves or an admin can link identities');
  const provider = param(ctx, 'provider');
  if (!(PROVIDERS as readonly string[]).includes(provider)) throw fieldValidation([{ field: 'provider', message: `Input should be ${PROVIDERS.join(', ')}` }]);
  const linked = { discord: target.discord_profile.id, google: target.google_profile.id, github: target.github_profile.id, apple: null };
  if (linked[provider as keyof typeof linked] === null) throw coded(404, 'IDENTITY_NOT_LINKED', `No ${provider} identity is linked to this user`);
  if (Object.values(linked).filter((v) => v !== null).length <= 1) throw coded(409, 'LAST_IDENTITY', 'Cannot remove the last linked identity');
  if (provider === 'discord') target.discord_profile = emptyDiscordProfile();
  if (provider === 'google') target.google_profile.id = null;
  if (provider === 'github') target.github_profile.id = null;
  touch(ctx, company, target);
  return ok(json(ctx, target));
}

// ------------------------------------------------------------------ users

function listUsers(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const wanted = optionalQueryEnum(ctx, 'user_role', V2_ROLES);
  const address = ctx.query.get('email');
  const users = ctx.state.listUsers(company.id)
    .filter((u) => (wanted === undefined || u.role === wanted) && (address === null || address === '' || u.email === address))
    .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : a.id < b.id ? -1 : 1));
  return paginate(ctx, users, (u) => json(ctx, u));
}

function createUser(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const body = parseBody(ctx, userCreate);
  if (body.role === 'UNAPPROVED' || body.role === 'DEACTIVATED') throw serviceRule(`Cannot create a user with initial role ${body.role}`);
  checkRoleAssignment(actor(ctx), null, body.role);
  checkNames(body);
  const user = ctx.state.addUser(company.id, {
    role: body.role, username: body.username, email: body.email, name_first: body.name_first ?? null, name_last: body.name_last ?? null,
  });
  touch(ctx, company);
  return created(json(ctx, user));
}

function listUnapproved(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  if (actor(ctx).role !== 'ADMIN') throw forbidden(MANAGE_USER_DENIED);
  return paginate(ctx, ctx.state.listUsers(company.id).filter((u) => u.role === 'UNAPPROVED'), (u) => json(ctx, u));
}

function mergeUsers(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const body = parseBody(ctx, userMerge);
  if (actor(ctx).role !== 'ADMIN') throw forbidden(MANAGE_USER_DENIED);
  if (body.primary_user_id === body.secondary_user_id) throw serviceRule('Cannot merge a user with themselves');
  const primary = companyUserV2(ctx, company, body.primary_user_id);
  const secondary = companyUserV2(ctx, company, body.secondary_user_id);
  if (secondary.role !== 'UNAPPROVED') throw serviceRule('Secondary user must have UNAPPROVED role');
  const fill = <T extends object>(target: T, source: T): void => {
    for (const key of Object.keys(source) as Array<keyof T>) if (target[key] === null && source[key] !== null) target[key] = source[key];
  };
  fill(primary.discord_profile, secondary.discord_profile);
  fill(primary.google_profile, secondary.google_profile);
  fill(primary.github_profile, secondary.github_profile);
  ctx.state.archiveUser(secondary);
  touch(ctx, company, primary);
  return created(json(ctx, primary));
}

function getUser(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  return ok(json(ctx, companyUserV2(ctx, company)));
}

function updateUser(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const body = parseBody(ctx, userUpdate);
  const target = companyUserV2(ctx, company);
  const acting = actor(ctx);
  if (body.role !== undefined) {
    checkRoleAssignment(acting, target, body.role);
    if (body.role !== 'ADMIN') lastAdminCheck(ctx, target);
  }
  selfOrAdmin(acting, target, MANAGE_USER_DENIED);
  checkNames(body);
  if (body.name_first !== undefined) target.name_first = body.name_first;
  if (body.name_last !== undefined) target.name_last = body.name_last;
  if (body.username !== undefined) target.username = slugifyUsername(body.username);
  if (body.email !== undefined) target.email = body.email;
  if (body.role !== undefined) target.role = body.role;
  touch(ctx, company, target);
  return ok(json(ctx, target));
}

function deleteUser(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const target = companyUserV2(ctx, company);
  selfOrAdmin(actor(ctx), target, MANAGE_USER_DENIED);
  lastAdminCheck(ctx, target);
  ctx.state.archiveUser(target);
  touch(ctx, company);
  return noContent;
}

/** Approve and deny let an UNAPPROVED actor past the guard, then refuse it here. */
function approver(ctx: RequestContext): UserRecord {
  const acting = actor(ctx);
  if (acting.role === 'UNAPPROVED') throw forbidden('User has not been approved yet');
  if (acting.role !== 'ADMIN') throw forbidden(MANAGE_USER_DENIED);
  return acting;
}

function approveUser(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const body = parseBody(ctx, userApprove);
  const target = companyUserV2(ctx, company);
  approver(ctx);
  if (target.role !== 'UNAPPROVED') throw serviceRule('User is not in UNAPPROVED status');
  if (body.role === 'UNAPPROVED' || body.role === 'DEACTIVATED') throw serviceRule(`Cannot assign ${body.role} role via approval`);
  target.role = body.role;
  touch(ctx, company, target);
  return created(json(ctx, target));
}

function denyUser(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const target = companyUserV2(ctx, company);
  approver(ctx);
  if (target.role !== 'UNAPPROVED') throw serviceRule('User is not in UNAPPROVED status');
  ctx.state.archiveUser(target);
  touch(ctx, company);
  return created(null);
}

function userStatistics(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const user = companyUserV2(ctx, company);
  const top = queryInt(ctx, 'num_top_traits', 5);
  return ok(computeStatistics(ctx.state, ctx.state.listDiceRolls({ companyId: company.id, userId: user.id }), top));
}

// ------------------------------------------------------------------ experience

function getExperience(ctx: RequestContext) {
  const company = companyGuardV2(ctx);
  const user = companyUserV2(ctx, company);
  // Not company-scoped (CONTRACT-v2 #21).
  const campaign = ctx.state.campaigns.get(param(ctx, 'campaign_id'));
  if (!campaign || campaign.archived) throw notFound('Campaign not found');
  return ok(experienceV2(ctx.state, user.id, ctx.state.ensureExperience(user, campaign.id)));
}

function checkGrantPermission(company: CompanyRecord, acting: UserRecord, target: UserRecord): void {
  const rule = company.settings.permission_grant_xp;
  if (rule === 'UNRESTRICTED') return;
  const elevated = acting.role === 'STORYTELLER' || acting.role === 'ADMIN';
  if (elevated || (rule === 'PLAYER' && acting.id === target.id)) return;
  throw forbidden('User not authorized to grant or remove XP for this user');
}

function experienceMutation(apply: (user: UserRecord, exp: CampaignExperience, amount: number) => void) {
  return (ctx: RequestContext) => {
    const company = companyGuardV2(ctx);
    const target = companyUserV2(ctx, company);
    const body = parseBody(ctx, experienceAddRemove);
    checkGrantPermission(company, actor(ctx), target);
    const campaign = ctx.state.campaigns.get(body.campaign_id);
    if (!campaign || campaign.archived) throw notFound('Object "CampaignExperience" does not exist');
    const exp = ctx.state.ensureExperience(target, campaign.id);
    apply(target, exp, body.amount);
    touch(ctx, company, target);
    return created(experienceV2(ctx.state, target.id, exp));
  };
}

const addXp = experienceMutation((user, exp, amount) => {
  exp.xp_current += amount;
  exp.xp_total += amount;
  user.lifetime_xp += amount;
});

/** v2's not-enough-XP 400 carries no current/required members and no invalid_parameters. */
const removeXp = experienceMutation((_user, exp, amount) => {
  if (exp.xp_current < amount) throw new HttpProblem(400, 'User does not have enough XP to complete the action.');
  exp.xp_current -= amount;
});

const addCoolPoints = experienceMutation((user, exp, amount) => {
  exp.cool_points += amount;
  exp.xp_current += COOL_POINT_XP_FACTOR * amount;
  exp.xp_total += COOL_POINT_XP_FACTOR * amount;
  user.lifetime_xp += COOL_POINT_XP_FACTOR * amount;
  user.lifetime_cool_points += amount;
});


export const v2UserRoutes: RouteDef[] = [
  { method: 'GET', template: '/api/v1/health', handler: health },
  { method: 'GET', template: '/api/v1/users/lookup', handler: lookup },
  { method: 'GET', template: '/api/v1/companies', handler: listCompanies, cacheable: true },
  { method: 'GET', template: C, handler: (ctx) => ok(companyV2(ctx.state, companyGuardV2(ctx))), cacheable: true },
  { method: 'POST', template: `${C}/auth/identify`, handler: identify, onBehalfOf: 'optional', unapprovedActorAllowed: true },
  { method: 'POST', template: `${USER}/identities`, handler: linkIdentity, onBehalfOf: 'required' },
  { method: 'DELETE', template: `${USER}/identities/{provider}`, handler: unlinkIdentity, onBehalfOf: 'required' },
  { method: 'GET', template: `${USERS}/unapproved`, handler: listUnapproved, onBehalfOf: 'required', cacheable: true },
  { method: 'POST', template: `${USERS}/merge`, handler: mergeUsers, onBehalfOf: 'required' },
  { method: 'GET', template: USERS, handler: listUsers, onBehalfOf: 'optional', cacheable: true },
  { method: 'POST', template: USERS, handler: createUser, onBehalfOf: 'required' },
  { method: 'GET', template: USER, handler: getUser, onBehalfOf: 'optional', cacheable: true },
  { method: 'PATCH', template: USER, handler: updateUser, onBehalfOf: 'required' },
  { method: 'DELETE', template: USER, handler: deleteUser, onBehalfOf: 'required' },
  { method: 'POST', template: `${USER}/approve`, handler: approveUser, onBehalfOf: 'required', unapprovedActorAllowed: true },
  { method: 'POST', template: `${USER}/deny`, handler: denyUser, onBehalfOf: 'required', unapprovedActorAllowed: true },
  { method: 'GET', template: `${USER}/statistics`, handler: userStatistics, onBehalfOf: 'optional' },
  { method: 'GET', template: `${USER}/experience/{campaign_id}`, handler: getExperience, onBehalfOf: 'optional', cacheable: true },
  { method: 'POST', template: `${USER}/experience/xp/add`, handler: addXp, onBehalfOf: 'required' },
  { method: 'POST', template: `${USER}/experience/xp/remove`, handler: removeXp, onBehalfOf: 'required' },
  { method: 'POST', template: `${USER}/experience/cp/add`, handler: addCoolPoints, onBehalfOf: 'required' },
];
