import { NotFoundError, type User, type UserUpdateRequest } from '../api/index.js';
import type { Deps } from '../deps.js';
import { matchChoices } from './directory.js';
import { AlreadyHandledError, InvalidInputError, NotFoundInputError, PermissionDeniedError } from './errors.js';
import { discordProfileOf, displayName, type DiscordIdentity } from './members.js';
import { roleLabel } from './roles.js';
import { settleWrite } from './write-settle.js';
import { LIMITS } from './user-limits.js';

/** Roles an admin may give from Discord; UNAPPROVED is reached only by registering. */
export const ASSIGNABLE_ROLES = ['ADMIN', 'STORYTELLER', 'PLAYER'] as const;
export type AssignableRole = (typeof ASSIGNABLE_ROLES)[number];
export const LISTABLE_ROLES = ['ADMIN', 'STORYTELLER', 'PLAYER', 'UNAPPROVED'] as const;
export type ListableRole = (typeof LISTABLE_ROLES)[number];

export const USER_PAGE_SIZE = 10;
/** Autocomplete shows at most 25 choices. */
const CHOICES_MAX = 25;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export { LIMITS };

type AdminDeps = Pick<Deps, 'api' | 'identity' | 'directory' | 'clock'>;

export function isAssignableRole(role: string): role is AssignableRole {
  return (ASSIGNABLE_ROLES as readonly string[]).includes(role);
}

export function isListableRole(role: string): role is ListableRole {
  return (LISTABLE_ROLES as readonly string[]).includes(role);
}

function checkName(label: string, value: string, problems: string[]): void {
  if (value.length < LIMITS.name.min || value.length > LIMITS.name.max) {
    problems.push(`**${label}** must be ${LIMITS.name.min} to ${LIMITS.name.max} characters (got ${value.length}).`);
  }
}

function checkUsername(value: string, problems: string[]): void {
  if (value.length < LIMITS.username.min || value.length > LIMITS.username.max) {
    problems.push(`**Username** must be ${LIMITS.username.min} to ${LIMITS.username.max} characters (got ${value.length}).`);
  }
}

function checkEmail(value: string, problems: string[]): void {
  if (!EMAIL.test(value) || value.length > LIMITS.email.max) problems.push('**Email** must be a valid address, like `name@example.com`.');
}

function refuse(problems: string[]): never {
  throw new InvalidInputError(`${problems.join('\n')}\nNothing was changed.`);
}

export interface NewUserInput {
  username: string;
  email: string;
  nameFirst: string;
  nameLast: string;
  role: AssignableRole;
}

/** Checks every field of a new user at once, so one message lists all the problems. */
export function parseNewUser(raw: { username: string; email: string; nameFirst: string; nameLast: string; role: string }): NewUserInput {
  const input = { username: raw.username.trim(), email: raw.email.trim(), nameFirst: raw.nameFirst.trim(), nameLast: raw.nameLast.trim() };
  const problems: string[] = [];
  checkUsername(input.username, problems);
  checkEmail(input.email, problems);
  checkName('First name', input.nameFirst, problems);
  checkName('Last name', input.nameLast, problems);
  if (!isAssignableRole(raw.role)) problems.push('**Role** must be Admin, Storyteller or Player.');
  if (problems.length > 0) refuse(problems);
  return { ...input, role: raw.role as AssignableRole };
}

export interface UserPatch {
  role?: AssignableRole;
  email?: string;
  username?: string;
  nameFirst?: string;
  nameLast?: string;
}

/** Options of /user update; at least one must be given. */
export function parseUserPatch(raw: { role: string | null; email: string | null; username: string | null; nameFirst: string | null; nameLast: string | null }): UserPatch {
  const patch: UserPatch = {};
  const problems: string[] = [];
  if (raw.role !== null) {
    if (isAssignableRole(raw.role)) patch.role = raw.role;
    else problems.push('**Role** must be Admin, Storyteller or Player.');
  }
  if (raw.email !== null) checkEmail((patch.email = raw.email.trim()), problems);
  if (raw.username !== null) checkUsername((patch.username = raw.username.trim()), problems);
  if (raw.nameFirst !== null) checkName('First name', (patch.nameFirst = raw.nameFirst.trim()), problems);
  if (raw.nameLast !== null) checkName('Last name', (patch.nameLast = raw.nameLast.trim()), problems);
  if (problems.length > 0) refuse(problems);
  if (Object.keys(patch).length === 0) {
    throw new InvalidInputError('Give at least one thing to change: `role`, `email`, `username`, `name-first` or `name-last`.');
  }
  return patch;
}

/** A company user read fresh from the API, with a clear message when it is gone. */
export async function getCompanyUser(deps: Pick<Deps, 'api'>, companyId: string, userId: string): Promise<User> {
  try {
    return await deps.api.users(companyId).get(userId);
  } catch (err) {
    if (err instanceof NotFoundError) throw new NotFoundInputError('That user does not exist in this company (it may have been deleted). Pick one from the list while typing.');
    throw err;
  }
}

/** The company user a Discord member is linked to. */
export async function userOfMember(deps: Pick<Deps, 'api' | 'identity'>, companyId: string, discordUserId: string): Promise<User> {
  const link = await deps.identity.resolve(companyId, discordUserId);
  if (link === null) {
    throw new NotFoundInputError(`<@${discordUserId}> is not linked to a Valentina user. Use \`/link\`, or ask them to \`/register\`.`);
  }
  return getCompanyUser(deps, companyId, link.userId);
}

function hasDiscord(user: User): boolean {
  const id = user.discord_profile?.id;
  return typeof id === 'string' && id !== '';
}

/**
 * Refuses to demote or delete the last ADMIN who has a Discord account: nobody could manage
 * the bot from Discord afterwards. Reads the admins fresh, never from a cache.
 */
export async function assertKeepsAnAdmin(deps: Pick<Deps, 'api'>, companyId: string, target: User, action: 'demote' | 'delete' | 'move'): Promise<void> {
  if (target.role !== 'ADMIN' || !hasDiscord(target)) return;
  const admins = await deps.api.users(companyId).listAll({ userRole: 'ADMIN' });
  const others = admins.filter((u) => u.id !== target.id && hasDiscord(u));
  if (others.length > 0) return;
  throw new PermissionDeniedError(
    action === 'demote'
      ? `demote **${displayName(target)}**`
      : action === 'delete'
        ? `delete **${displayName(target)}**`
        : `merge into **${displayName(target)}**: that would move them to another Discord account`,
    'They are the last Admin with a Discord account, so nobody could manage this server from Discord afterwards. ' +
      'Make another linked member an Admin first (`/user update` with `role: Admin`).',
  );
}

export function filterByRole(users: readonly User[], role: ListableRole | null): User[] {
  return role === null ? [...users] : users.filter((u) => u.role === role);
}

export interface UserPage {
  items: User[];
  /** Zero-based, clamped into range. */
  page: number;
  pages: number;
  total: number;
}

export function pageOf(users: readonly User[], page: number, size = USER_PAGE_SIZE): UserPage {
  const pages = Math.max(1, Math.ceil(users.length / size));
  const clamped = Math.min(Math.max(0, Math.trunc(page)), pages - 1);
  return { items: users.slice(clamped * size, clamped * size + size), page: clamped, pages, total: users.length };
}

/** Creates a user (optionally already linked to a Discord member). */
export async function createCompanyUser(
  deps: AdminDeps,
  input: { companyId: string; requestingUserId: string; user: NewUserInput; member: DiscordIdentity | null; idempotencyKey: string },
): Promise<User> {
  const { companyId, member } = input;
  if (member !== null) {
    const existing = await deps.identity.resolve(companyId, member.id);
    if (existing !== null) {
      throw new InvalidInputError(`<@${member.id}> is already linked to a Valentina user (${roleLabel(existing.role)}). Create the user without \`member\`, or move the link with \`/link\`.`);
    }
  }
  const users = deps.api.users(companyId);
  const user = await settleWrite(
    deps.clock,
    { action: `the creation of **${input.user.username}**`, check: `Look for ${input.user.email} with \`/user list\` in a minute before creating the user again.` },
    () =>
      users.create(
        {
          username: input.user.username,
          email: input.user.email,
          name_first: input.user.nameFirst,
          name_last: input.user.nameLast,
          role: input.user.role,
          requesting_user_id: input.requestingUserId,
          ...(member === null ? {} : { discord_profile: discordProfileOf(member) }),
        },
        { idempotencyKey: input.idempotencyKey },
      ),
    // Created if a user with this email and these names now exists.
    async () =>
      (await users.listAll({ email: input.user.email })).find((u) => u.name_first === input.user.nameFirst && u.name_last === input.user.nameLast && u.role === input.user.role) ?? null,
  );
  if (member !== null) await deps.identity.linkUser(companyId, user);
  deps.directory.invalidateUsers(companyId);
  return user;
}

/** Applies a patch; returns the updated user and the names of the fields that changed. */
export async function updateCompanyUser(
  deps: AdminDeps,
  input: { companyId: string; requestingUserId: string; userId: string; patch: UserPatch; idempotencyKey: string },
): Promise<{ user: User; changed: string[] }> {
  const { companyId, patch } = input;
  const target = await getCompanyUser(deps, companyId, input.userId);
  if (patch.role !== undefined && target.role === 'UNAPPROVED') {
    throw new InvalidInputError(`**${displayName(target)}** is awaiting approval. Approve, deny or merge them with \`/approvals list\`.`);
  }
  const request: UserUpdateRequest = { requesting_user_id: input.requestingUserId };
  const changed: string[] = [];
  if (patch.role !== undefined && patch.role !== target.role) {
    if (patch.role !== 'ADMIN') await assertKeepsAnAdmin(deps, companyId, target, 'demote');
    request.role = patch.role;
    changed.push(`role: ${roleLabel(target.role)} → ${roleLabel(patch.role)}`);
  }
  if (patch.email !== undefined && patch.email !== target.email) {
    request.email = patch.email;
    changed.push(`email: ${patch.email}`);
  }
  if (patch.username !== undefined && patch.username !== target.username) {
    request.username = patch.username;
    changed.push(`username: ${patch.username}`);
  }
  if (patch.nameFirst !== undefined && patch.nameFirst !== target.name_first) {
    request.name_first = patch.nameFirst;
    changed.push(`first name: ${patch.nameFirst}`);
  }
  if (patch.nameLast !== undefined && patch.nameLast !== target.name_last) {
    request.name_last = patch.nameLast;
    changed.push(`last name: ${patch.nameLast}`);
  }
  if (changed.length === 0) throw new InvalidInputError(`Nothing to change: **${displayName(target)}** already has those values.`);
  const users = deps.api.users(companyId);
  const user = await settleWrite(
    deps.clock,
    { action: `the change to **${displayName(target)}**`, check: 'Look at the user with `/user info` in a minute and change only what is still missing.' },
    () => users.update(target.id, request, { idempotencyKey: input.idempotencyKey }),
    async () => {
      const now = await users.get(target.id);
      return updateApplied(now, request) ? now : null;
    },
  );
  // The stored link carries the role that permission checks read: refresh it now, not at TTL.
  await deps.identity.linkUser(companyId, user);
  deps.directory.invalidateUsers(companyId);
  return { user, changed };
}

function slug(text: string): string {
  return text.trim().toLowerCase().replace(/[\s_]+/g, '-');
}

/** True when a user read back carries every change of an update (usernames are stored slugified). */
function updateApplied(user: User, request: UserUpdateRequest): boolean {
  if (request.role != null && user.role !== request.role) return false;
  if (request.email != null && user.email !== request.email) return false;
  if (request.name_first != null && user.name_first !== request.name_first) return false;
  if (request.name_last != null && user.name_last !== request.name_last) return false;
  if (request.username != null && slug(user.username) !== slug(request.username)) return false;
  return true;
}

/** Checks a deletion before asking for confirmation; the same checks run again on confirm. */
export async function prepareDeletion(
  deps: Pick<Deps, 'api'>,
  input: { companyId: string; actorUserId: string; userId: string },
): Promise<{ target: User; self: boolean }> {
  const target = await getCompanyUser(deps, input.companyId, input.userId);
  await assertKeepsAnAdmin(deps, input.companyId, target, 'delete');
  return { target, self: target.id === input.actorUserId };
}

/**
 * Archives a user. Deleting yourself needs your username typed as confirmation. A second
 * confirm (double click) finds the user gone and says so instead of failing.
 */
export async function deleteCompanyUser(
  deps: AdminDeps,
  input: { companyId: string; actorUserId: string; userId: string; confirmText?: string },
): Promise<User> {
  const { companyId } = input;
  let target: User;
  try {
    target = await deps.api.users(companyId).get(input.userId);
  } catch (err) {
    if (err instanceof NotFoundError) throw new AlreadyHandledError('That user no longer exists: it was already deleted.');
    throw err;
  }
  if (target.id === input.actorUserId) {
    const typed = (input.confirmText ?? '').trim().toLowerCase();
    if (typed !== target.username.toLowerCase()) {
      throw new InvalidInputError(`To delete your own user, type your username \`${target.username}\` exactly. Nothing was deleted.`);
    }
  }
  await assertKeepsAnAdmin(deps, companyId, target, 'delete');
  const users = deps.api.users(companyId);
  try {
    await settleWrite(
      deps.clock,
      { action: `the deletion of **${displayName(target)}**`, check: 'Look for the user with `/user list` in a minute: delete again only if they are still listed.' },
      async () => {
        await users.delete(target.id, input.actorUserId);
        return true;
      },
      // Deleted (archived) users answer 404.
      () =>
        users.get(target.id).then(
          () => null,
          (err: unknown) => {
            if (err instanceof NotFoundError) return true;
            throw err;
          },
        ),
    );
  } catch (err) {
    if (err instanceof NotFoundError) throw new AlreadyHandledError(`**${displayName(target)}** was already deleted.`);
    throw err;
  }
  await deps.identity.invalidateUser(companyId, target.id);
  deps.directory.invalidateUsers(companyId);
  return target;
}

/**
 * Autocomplete choices for a user option: up to 25, and when more match, the last entry tells
 * the admin to keep typing (its value is not an id, so picking it gets a clear refusal).
 */
export function userChoices(users: readonly User[], query: string, label: (u: User) => string): { name: string; value: string }[] {
  const matches = matchChoices(users, query, (u) => `${displayName(u)} ${u.email ?? ''}`, users.length);
  const toChoice = (u: User) => ({ name: label(u).slice(0, 100), value: u.id });
  if (matches.length <= CHOICES_MAX) return matches.map(toChoice);
  return [...matches.slice(0, CHOICES_MAX - 1).map(toChoice), { name: `…${matches.length - (CHOICES_MAX - 1)} more: keep typing a name or email`, value: '?' }];
}
