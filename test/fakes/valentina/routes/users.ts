import {
  MANAGE_USER_DENIED, companyGuard, companyUser, created, noContent, ok, optionalQueryEnum, paginate, parseBody,
  queryInt, requester, requireAdmin, requiredQueryId,
} from '../context.js';
import type { RequestContext, RouteDef } from '../context.js';
import { USER_ROLES, userJson } from '../models.js';
import type { CompanyRecord, DiscordProfile, GitHubProfile, GoogleProfile, UserRecord } from '../models.js';
import { forbidden, modelValidation, serviceRule } from '../problem.js';
import {
  emptyDiscordProfile, emptyGitHubProfile, emptyGoogleProfile, slugifyUsername,
} from '../state.js';
import { userApprove, userCreate, userDeny, userMerge, userRegister, userUpdate } from '../request-schemas.js';
import { computeStatistics } from '../statistics.js';

const USERS = '/api/v1/companies/{company_id}/users';
const USER = `${USERS}/{user_id}`;

type ProfileInput<T> = { [K in keyof T]?: T[K] | undefined };

/** Drops members whose value is undefined so spreading never writes `undefined` into a profile. */
function defined<T extends object>(input: ProfileInput<T> | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (!input) return out;
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** Model-level limits of the stored User (2–50 names, 3–50 slugified username). */
function checkUserModel(fields: { name_first?: string | null | undefined; name_last?: string | null | undefined; username?: string | null | undefined }): void {
  for (const key of ['name_first', 'name_last'] as const) {
    const value = fields[key];
    if (typeof value === 'string' && (value.length < 2 || value.length > 50)) {
      throw modelValidation(key, value.length < 2 ? 'String should have at least 2 characters' : 'String should have at most 50 characters');
    }
  }
  if (typeof fields.username === 'string') {
    const slug = slugifyUsername(fields.username);
    if (slug.length < 3 || slug.length > 50) {
      throw modelValidation('username', slug.length < 3 ? 'String should have at least 3 characters' : 'String should have at most 50 characters');
    }
  }
}

interface NewUserInput {
  name_first?: string | null | undefined;
  name_last?: string | null | undefined;
  username: string;
  email: string;
  discord_profile?: ProfileInput<DiscordProfile> | undefined;
  google_profile?: ProfileInput<GoogleProfile> | undefined;
  github_profile?: ProfileInput<GitHubProfile> | undefined;
}

function insertUser(ctx: RequestContext, company: CompanyRecord, input: NewUserInput, role: UserRecord['role']): UserRecord {
  checkUserModel(input);
  const user = ctx.state.addUser(company.id, {
    role,
    name_first: input.name_first ?? null,
    name_last: input.name_last ?? null,
    username: input.username,
    email: input.email,
    discord_profile: defined(input.discord_profile),
    google_profile: defined(input.google_profile),
    github_profile: defined(input.github_profile),
  });
  ctx.state.touchCompany(company.id);
  return user;
}

function listUsers(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const role = optionalQueryEnum(ctx, 'user_role', USER_ROLES);
  const email = ctx.query.get('email');
  let users = ctx.state.listUsers(company.id);
  if (role !== undefined) users = users.filter((u) => u.role === role);
  if (email !== null && email !== '') users = users.filter((u) => u.email === email);
  return paginate(ctx, users, userJson);
}

function createUser(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const body = parseBody(ctx, userCreate);
  requireAdmin(requester(ctx, body.requesting_user_id));
  return created(userJson(insertUser(ctx, company, body, body.role)));
}

function listUnapproved(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const requesterId = requiredQueryId(ctx, 'requesting_user_id');
  requireAdmin(requester(ctx, requesterId));
  return paginate(ctx, ctx.state.listUsers(company.id).filter((u) => u.role === 'UNAPPROVED'), userJson);
}

function registerUser(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const body = parseBody(ctx, userRegister);
  return created(userJson(insertUser(ctx, company, body, 'UNAPPROVED')));
}

function mergeUsers(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const body = parseBody(ctx, userMerge);
  requireAdmin(requester(ctx, body.requesting_user_id));
  if (body.primary_user_id === body.secondary_user_id) throw serviceRule('Primary and secondary user cannot be the same');
  const primary = companyUser(ctx, company, body.primary_user_id);
  const secondary = companyUser(ctx, company, body.secondary_user_id);
  if (secondary.role !== 'UNAPPROVED') throw serviceRule('Secondary user must be unapproved to merge');
  // The primary keeps its own values; the secondary only fills what the primary lacks.
  const fill = <T extends object>(target: T, source: T): void => {
    for (const key of Object.keys(source) as Array<keyof T>) {
      if (target[key] === null && source[key] !== null) target[key] = source[key];
    }
  };
  fill(primary.discord_profile, secondary.discord_profile);
  fill(primary.google_profile, secondary.google_profile);
  fill(primary.github_profile, secondary.github_profile);
  for (const assetId of secondary.asset_ids) if (!primary.asset_ids.includes(assetId)) primary.asset_ids.push(assetId);
  primary.date_modified = ctx.state.timestamp();
  ctx.state.archiveUser(secondary);
  ctx.state.touchCompany(company.id);
  return created(userJson(primary));
}

function getUser(ctx: RequestContext) {
  const company = companyGuard(ctx);
  return ok(userJson(companyUser(ctx, company)));
}

function updateUser(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const body = parseBody(ctx, userUpdate);
  const target = companyUser(ctx, company);
  const acting = requester(ctx, body.requesting_user_id);
  if (acting.id !== target.id && acting.role !== 'ADMIN') throw forbidden(MANAGE_USER_DENIED);
  checkUserModel(body);
  if (body.name_first !== undefined) target.name_first = body.name_first;
  if (body.name_last !== undefined) target.name_last = body.name_last;
  if (typeof body.username === 'string') target.username = slugifyUsername(body.username);
  if (typeof body.email === 'string') target.email = body.email;
  if (body.role !== undefined && body.role !== null) target.role = body.role;
  target.discord_profile = { ...emptyDiscordProfile(), ...target.discord_profile, ...defined(body.discord_profile) };
  target.google_profile = { ...emptyGoogleProfile(), ...target.google_profile, ...defined(body.google_profile) };
  target.github_profile = { ...emptyGitHubProfile(), ...target.github_profile, ...defined(body.github_profile) };
  target.date_modified = ctx.state.timestamp();
  ctx.state.touchCompany(company.id);
  return ok(userJson(target));
}

function deleteUser(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const requesterId = requiredQueryId(ctx, 'requesting_user_id');
  const target = companyUser(ctx, company);
  const acting = requester(ctx, requesterId);
  if (acting.id !== target.id && acting.role !== 'ADMIN') throw forbidden(MANAGE_USER_DENIED);
  ctx.state.archiveUser(target);
  ctx.state.touchCompany(company.id);
  return noContent;
}

function approveUser(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const body = parseBody(ctx, userApprove);
  const target = companyUser(ctx, company);
  requireAdmin(requester(ctx, body.requesting_user_id));
  if (body.role === 'UNAPPROVED') throw serviceRule('Cannot approve a user with the UNAPPROVED role');
  if (target.role !== 'UNAPPROVED') throw serviceRule('User is not unapproved');
  target.role = body.role;
  target.date_modified = ctx.state.timestamp();
  ctx.state.touchCompany(company.id);
  return created(userJson(target));
}

function denyUser(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const body = parseBody(ctx, userDeny);
  const target = companyUser(ctx, company);
  requireAdmin(requester(ctx, body.requesting_user_id));
  if (target.role !== 'UNAPPROVED') throw serviceRule('User is not unapproved');
  ctx.state.archiveUser(target);
  ctx.state.touchCompany(company.id);
  // The handler returns None, which the framework renders as JSON null (CONTRACT §1.5).
  return created(null);
}

function userStatistics(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const user = companyUser(ctx, company);
  const top = queryInt(ctx, 'num_top_traits', 5);
  return ok(computeStatistics(ctx.state, ctx.state.listDiceRolls({ companyId: company.id, userId: user.id }), top));
}

export const userRoutes: RouteDef[] = [
  { method: 'GET', template: `${USERS}/unapproved`, handler: listUnapproved },
  { method: 'POST', template: `${USERS}/register`, handler: registerUser },
  { method: 'POST', template: `${USERS}/merge`, handler: mergeUsers },
  { method: 'GET', template: USERS, handler: listUsers, cacheable: true },
  { method: 'POST', template: USERS, handler: createUser },
  { method: 'GET', template: USER, handler: getUser, cacheable: true },
  { method: 'PATCH', template: USER, handler: updateUser },
  { method: 'DELETE', template: USER, handler: deleteUser },
  { method: 'POST', template: `${USER}/approve`, handler: approveUser },
  { method: 'POST', template: `${USER}/deny`, handler: denyUser },
  { method: 'GET', template: `${USER}/statistics`, handler: userStatistics },
];
