import type { z } from 'zod';
import type { RandomSource } from './dice.js';
import { isObjectId } from './ids.js';
import type { CompanyRecord, UserRecord } from './models.js';
import { HttpProblem, fieldValidation, forbidden, frameworkBadRequest, notFound, serviceRule } from './problem.js';
import type { InvalidParameter } from './problem.js';
import type { ApiKeyAccess, FakeState } from './state.js';
import type { IdentityVerifier } from './v2/identity.js';

/** What a route handler sees of one request. */
export interface RequestContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  rawBody: Buffer;
  contentType: string | undefined;
  state: FakeState;
  random: RandomSource;
  access: ApiKeyAccess;
  /** v2: the user named by `On-Behalf-Of`, already checked by the guard; undefined when absent or ignored. */
  actor: UserRecord | undefined;
  header(name: string): string | undefined;
  /** v2 identify and link: asks the (fake) provider who a token belongs to. */
  verifyIdentity: IdentityVerifier;
}

/** A handler's answer. `body` undefined means an empty body (204). */
export interface Reply {
  status: number;
  body?: unknown;
  contentType?: string;
  /** False when a write changed nothing the audit hook sees (an identify that matched unchanged). */
  audited?: boolean;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export interface RouteDef {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** The OpenAPI path template, e.g. `/api/v1/companies/{company_id}/users`. */
  template: string;
  handler: Handler;
  /** Server-side response-cached GET routes answer `Cache-Control: private, max-age=60` (§1.10). */
  cacheable?: boolean;
  /** v2 `x-on-behalf-of`: `required` or `optional` (validated when sent); absent = ignored. */
  onBehalfOf?: 'required' | 'optional';
  /** v2: an UNAPPROVED acting user is let through the guard (approve, deny, identify). */
  unapprovedActorAllowed?: boolean;
  /** False for writes that do not flush the response cache (dice rolls). */
  audited?: boolean;
}

export function param(ctx: RequestContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw new Error(`route has no path parameter ${name}`);
  return value;
}

// ------------------------------------------------------------------ bodies and queries

function issuesToParameters(issues: readonly z.core.$ZodIssue[]): InvalidParameter[] {
  return issues.map((issue) => ({
    field: issue.path.length === 0 ? 'body' : issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** Parses the JSON body with a zod DTO; failures are framework-level 400s naming fields. */
export function parseBody<T>(ctx: RequestContext, schema: z.ZodType<T>): T {
  let value: unknown;
  const text = ctx.rawBody.toString('utf8');
  if (text.trim() === '') throw frameworkBadRequest('Request body is required.');
  try {
    value = JSON.parse(text);
  } catch {
    throw frameworkBadRequest('Malformed JSON in request body.');
  }
  const result = schema.safeParse(value);
  if (!result.success) throw fieldValidation(issuesToParameters(result.error.issues));
  return result.data;
}

/** A required query parameter (e.g. `requesting_user_id`): missing -> framework 400 without field. */
export function requiredQueryId(ctx: RequestContext, name: string): string {
  const value = ctx.query.get(name);
  if (value === null) throw frameworkBadRequest(`Missing required query parameter '${name}' for path ${ctx.path}`);
  if (!isObjectId(value)) throw fieldValidation([{ field: name, message: `Invalid ObjectId: '${value}'` }]);
  return value.toLowerCase();
}

export function optionalQueryId(ctx: RequestContext, name: string): string | undefined {
  const value = ctx.query.get(name);
  if (value === null || value === '') return undefined;
  if (!isObjectId(value)) throw fieldValidation([{ field: name, message: `Invalid ObjectId: '${value}'` }]);
  return value.toLowerCase();
}

export function optionalQueryEnum<T extends string>(ctx: RequestContext, name: string, allowed: readonly T[]): T | undefined {
  const value = ctx.query.get(name);
  if (value === null || value === '') return undefined;
  const match = allowed.find((a) => a === value);
  if (match === undefined) {
    throw fieldValidation([{ field: name, message: `Input should be ${allowed.map((a) => `'${a}'`).join(', ')}` }]);
  }
  return match;
}

export function queryInt(ctx: RequestContext, name: string, fallback: number, min?: number, max?: number): number {
  const raw = ctx.query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw.trim())) {
    throw fieldValidation([{ field: name, message: 'Input should be a valid integer' }]);
  }
  const value = Number(raw);
  if (min !== undefined && value < min) {
    throw fieldValidation([{ field: name, message: `Input should be greater than or equal to ${min}` }]);
  }
  if (max !== undefined && value > max) {
    throw fieldValidation([{ field: name, message: `Input should be less than or equal to ${max}` }]);
  }
  return value;
}

/** Offset pagination per §1.6: limit 0–100 (default 10), offset >= 0; serialises only the page. */
export function paginate<T>(ctx: RequestContext, all: readonly T[], toJson: (item: T) => object): Reply {
  const limit = queryInt(ctx, 'limit', 10, 0, 100);
  const offset = queryInt(ctx, 'offset', 0, 0);
  const items = all.slice(offset, offset + limit).map(toJson);
  return { status: 200, body: { items, limit, offset, total: all.length } };
}

// ------------------------------------------------------------------ guards (CONTRACT §4)

/** Layer 1: the company exists and the API key's developer holds a permission on it. */
export function companyGuard(ctx: RequestContext): CompanyRecord {
  const id = param(ctx, 'company_id');
  const company = ctx.state.companies.get(id);
  if (ctx.access.globalAdmin) {
    // Global admins skip the guard; the handler's lookup then fails with this literal text.
    if (!company || company.archived) throw notFound("Company 'not found");
    return company;
  }
  if (!company || company.archived) throw notFound(`Company '${id}' not found`);
  if (!ctx.access.companyIds.has(id)) throw forbidden('No rights to access this resource');
  return company;
}

/** Layer 2 ("UA-guard"): path user exists (else 400), is in the company and approved (else bare 403). */
export function uaGuard(ctx: RequestContext, company: CompanyRecord): UserRecord {
  const id = param(ctx, 'user_id');
  const user = ctx.state.users.get(id);
  if (!user || user.archived) throw serviceRule(`User '${id}' not found on this server.`);
  // Role and company may come from the 60 s sliding guard cache (CONTRACT §1.10) when caches are on.
  const seen = ctx.state.guardView(user);
  if (seen.companyId !== company.id || seen.role === 'UNAPPROVED') throw forbidden();
  return user;
}

/** Path user of the users controller (#6–#11): missing, archived or foreign -> 404. */
export function companyUser(ctx: RequestContext, company: CompanyRecord, id: string = param(ctx, 'user_id')): UserRecord {
  const user = ctx.state.users.get(id);
  if (!user || user.archived || user.company_id !== company.id) throw notFound('User not found');
  return user;
}

/** `requesting_user_id` lookup accepts every existing non-archived user, in any company (§1.3). */
export function requester(ctx: RequestContext, id: string): UserRecord {
  const user = ctx.state.users.get(id.toLowerCase());
  if (!user || user.archived) throw serviceRule(`User ${id} not found`);
  return user;
}

export const MANAGE_USER_DENIED = 'Requesting user is not authorized to manage this user';

export function requireAdmin(user: UserRecord): void {
  if (user.role !== 'ADMIN') throw forbidden(MANAGE_USER_DENIED);
}

export function created(body: unknown): Reply {
  return { status: 201, body };
}

export function ok(body: unknown): Reply {
  return { status: 200, body };
}

export const noContent: Reply = { status: 204 };

export { HttpProblem };
