import type { AwardEntry, XpPolicy } from '../store/types.js';
import { InvalidInputError, PermissionDeniedError } from './errors.js';
import { roleLabel } from './roles.js';

/**
 * Who may award or remove XP and cool points through the bot. Pure: the company's
 * `permission_grant_xp` is passed in (read only when the guild follows the company).
 */
export interface XpRule {
  policy: XpPolicy;
  /** The company's `settings.permission_grant_xp`; unused under STORYTELLER_ONLY. */
  companyRule: string | null;
}

export interface XpActor {
  userId: string;
  role: string;
}

/** The cool-point exchange rate is a server constant (CONTRACT §5), not a company setting. */
export const COOL_POINT_XP = 10;

const isStaff = (role: string) => role === 'STORYTELLER' || role === 'ADMIN';

/**
 * The rule actually in force. Under the default a player never awards, whatever the company
 * allows; an unknown company value is read as the strict STORYTELLER rule.
 */
function effectiveRule(rule: XpRule): 'UNRESTRICTED' | 'STORYTELLER' | 'PLAYER' {
  if (rule.policy === 'STORYTELLER_ONLY') return 'STORYTELLER';
  if (rule.companyRule === 'UNRESTRICTED' || rule.companyRule === 'PLAYER') return rule.companyRule;
  return 'STORYTELLER';
}

export function mayAward(rule: XpRule, actor: XpActor, targetUserId: string): boolean {
  if (actor.role === 'UNAPPROVED') return false;
  switch (effectiveRule(rule)) {
    case 'UNRESTRICTED':
      return true;
    case 'STORYTELLER':
      return isStaff(actor.role);
    case 'PLAYER':
      return isStaff(actor.role) || actor.userId === targetUserId;
  }
}

/** Whether the actor may award anyone at all (a scene may still refuse some targets). */
export function mayAwardSomeone(rule: XpRule, actor: XpActor): boolean {
  return mayAward(rule, actor, actor.userId);
}

/** One sentence naming who may, for refusals. */
export function whoMayAward(rule: XpRule): string {
  switch (effectiveRule(rule)) {
    case 'UNRESTRICTED':
      return 'This server follows the company setting, which lets every approved user award XP.';
    case 'STORYTELLER':
      return rule.policy === 'STORYTELLER_ONLY'
        ? 'Only Storyteller and Admin users may award or remove XP on this server.'
        : "Only Storyteller and Admin users may, under the company's XP permission.";
    case 'PLAYER':
      return "Storyteller and Admin users may award anyone; under the company's XP permission a Player may only award themselves.";
  }
}

/** Throws a refusal that says who may, when the actor may not award this target. */
export function requireMayAward(rule: XpRule, actor: XpActor, targetUserId: string, action: string): void {
  if (mayAward(rule, actor, targetUserId)) return;
  const self = actor.userId === targetUserId ? '' : ' to someone else';
  throw new PermissionDeniedError(`${action}${self}`, `${whoMayAward(rule)} You are ${roleLabel(actor.role)}.`);
}

export type AmountUnit = 'XP' | 'cool points';

/**
 * Amounts are positive whole numbers up to the guild's largest single award. Discord already
 * enforces min_value, but a stale command definition or a modal's free text can still send
 * anything, so the domain checks again.
 */
export function parseAwardAmount(raw: number | string, max: number, unit: AmountUnit): number {
  const value = typeof raw === 'string' ? (/^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN) : raw;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    const shown = typeof raw === 'string' ? `\`${raw.trim().slice(0, 20) || 'nothing'}\`` : String(raw);
    throw new InvalidInputError(
      `The amount must be a whole number of ${unit} from 1 to ${max} (this server's largest single award); you gave ${shown}. Nothing was awarded.`,
      'Amount out of range',
    );
  }
  return value;
}

/** Undo belongs to whoever made the award, and to admins. */
export function mayUndo(entry: Pick<AwardEntry, 'actorUserId'>, actor: XpActor): boolean {
  return actor.userId === entry.actorUserId || actor.role === 'ADMIN';
}

/** Players see their own XP and ledger; storytellers and admins see anyone's. */
export function requireMayViewOthers(actor: XpActor): void {
  if (isStaff(actor.role)) return;
  throw new PermissionDeniedError("see another member's XP", `Players see only their own; Storyteller and Admin users see anyone's. You are ${roleLabel(actor.role)}.`);
}
