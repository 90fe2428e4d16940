import { z } from 'zod';
import { param } from '../context.js';
import type { RequestContext } from '../context.js';
import type { CompanyRecord, UserRecord } from '../models.js';
import { HttpProblem, forbidden, notFound } from '../problem.js';

export const MANAGE_USER_DENIED = 'Requesting user is not authorized to manage this user';

/** v2 ids in bodies: canonical UUIDs (a v1 ObjectId fails DTO validation). */
export const uuid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, 'Invalid UUID')
  .transform((s) => s.toLowerCase());

/** Tenant guard (CONTRACT-v2 §1.2): no existence check for ordinary keys, so unknown companies are 403. */
export function companyGuardV2(ctx: RequestContext): CompanyRecord {
  const id = param(ctx, 'company_id');
  const company = ctx.state.companies.get(id);
  if (ctx.access.globalAdmin) {
    if (!company || company.archived) throw notFound('Company not found');
    return company;
  }
  if (!company || company.archived || !ctx.access.companyIds.has(id)) throw forbidden('No rights to access this resource');
  return company;
}

/** A target user of the company: unknown, archived or foreign → 404 `User not found`. */
export function companyUserV2(ctx: RequestContext, company: CompanyRecord, id: string = param(ctx, 'user_id')): UserRecord {
  const user = ctx.state.users.get(id);
  if (!user || user.archived || user.company_id !== company.id) throw notFound('User not found');
  return user;
}

/** The acting user of a route whose header is required (the guard has already checked it). */
export function actor(ctx: RequestContext): UserRecord {
  if (ctx.actor === undefined) throw new Error(`route ${ctx.path} needs On-Behalf-Of but the guard let it through without one`);
  return ctx.actor;
}

export function isStorytellerOrAdmin(user: UserRecord | undefined): boolean {
  return user !== undefined && (user.role === 'STORYTELLER' || user.role === 'ADMIN');
}

/** A problem with a machine-readable `code` (identity errors, CONTRACT-v2 §1.7). */
export function coded(status: number, code: string, detail: string): HttpProblem {
  return new HttpProblem(status, detail, { code });
}
