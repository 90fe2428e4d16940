import { NotFoundError, type User } from '../api/index.js';
import type { Deps } from '../deps.js';
import { DiscordIdConflictError, InvalidInputError, UserFacingError } from './errors.js';
import { roleLabel } from './roles.js';
import { settleWrite, UnsettledWriteError, writeOrReadBack } from './write-settle.js';

/** What Discord tells us about a member; the discord layer fills it in. */
export interface DiscordIdentity {
  id: string;
  username: string;
  globalName: string | null;
  avatarId: string | null;
  avatarUrl: string | null;
  discriminator: string | null;
}

export interface RegistrationInput {
  email: string;
  nameFirst: string;
  nameLast: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function discordProfileOf(member: DiscordIdentity) {
  return {
    id: member.id,
    username: member.username,
    global_name: member.globalName,
    avatar_id: member.avatarId,
    avatar_url: member.avatarUrl,
    discriminator: member.discriminator,
  };
}

/** Valentina usernames are 3–50 characters; Discord's can be 2. */
export function usernameFor(member: DiscordIdentity): string {
  const base = member.username.trim();
  return (base.length >= 3 ? base : `${base}-${member.id.slice(-4)}`).slice(0, 50);
}

export function parseRegistration(raw: { email: string; nameFirst: string; nameLast: string }): RegistrationInput {
  const email = raw.email.trim();
  const nameFirst = raw.nameFirst.trim();
  const nameLast = raw.nameLast.trim();
  const problems: string[] = [];
  if (!EMAIL.test(email) || email.length > 254) problems.push('**Email** must be a valid address, like `name@example.com`.');
  if (nameFirst.length < 2 || nameFirst.length > 50) problems.push('**First name** must be 2 to 50 characters.');
  if (nameLast.length < 2 || nameLast.length > 50) problems.push('**Last name** must be 2 to 50 characters.');
  if (problems.length > 0) throw new InvalidInputError(`${problems.join('\n')}\nNothing was sent; run \`/register\` again.`);
  return { email, nameFirst, nameLast };
}

export class AlreadyRegisteredError extends UserFacingError {
  constructor(role: string) {
    super(
      role === 'UNAPPROVED'
        ? 'You have already registered. An admin will review your registration soon.'
        : `You are already linked to a Valentina user (${roleLabel(role)}). Use \`/whoami\` to see it.`,
      'Already registered',
    );
  }
}

/**
 * Creates an UNAPPROVED company user for a Discord member. The idempotency key comes from the
 * interaction, so a re-delivered modal submit cannot register twice.
 */
export async function registerMember(
  deps: Pick<Deps, 'api' | 'identity' | 'directory' | 'clock'>,
  companyId: string,
  member: DiscordIdentity,
  input: RegistrationInput,
  idempotencyKey: string,
): Promise<User> {
  const existing = await deps.identity.resolve(companyId, member.id);
  if (existing !== null) throw new AlreadyRegisteredError(existing.role);
  if (deps.identity.conflictFor(companyId, member.id) !== null) throw new DiscordIdConflictError();
  const users = deps.api.users(companyId);
  const user = await settleWrite(
    deps.clock,
    { action: 'your registration', check: 'Run `/whoami` in a minute: if it says you are not registered, run `/register` again.' },
    () =>
      users.register(
        { username: usernameFor(member), email: input.email, name_first: input.nameFirst, name_last: input.nameLast, discord_profile: discordProfileOf(member) },
        { idempotencyKey },
      ),
    // A fresh lookup: the registration made with this email by this member, if it landed.
    async () => (await users.listAll({ email: input.email })).find((u) => u.discord_profile?.id === member.id) ?? null,
  );
  await deps.identity.linkUser(companyId, user);
  deps.directory.invalidateUsers(companyId);
  return user;
}

/** Every member of a Discord profile, null: a PATCH merges profiles member by member, so this clears one. */
const CLEARED_DISCORD_PROFILE = {
  id: null,
  username: null,
  global_name: null,
  avatar_id: null,
  avatar_url: null,
  discriminator: null,
  email: null,
  verified: null,
} as const;

/** /link could not finish, and what state it left. */
export class LinkFailedError extends UserFacingError {
  constructor(message: string) {
    super(message, 'Link not finished');
  }
}

type LinkDeps = Pick<Deps, 'api' | 'identity' | 'directory' | 'clock' | 'log'>;

/** The company's other approved users that carry this Discord id, read fresh (the directory may be older). */
async function otherCarriers(deps: LinkDeps, companyId: string, discordId: string, targetUserId: string): Promise<User[]> {
  const candidates = new Set<string>();
  const linked = await deps.identity.resolve(companyId, discordId);
  if (linked !== null) candidates.add(linked.userId);
  for (const u of deps.identity.conflictFor(companyId, discordId)?.users ?? []) candidates.add(u.id);
  for (const u of await deps.directory.listUsers(companyId)) if (u.discord_profile?.id === discordId) candidates.add(u.id);
  candidates.delete(targetUserId);
  const fresh = await Promise.all(
    [...candidates].map((id) =>
      deps.api
        .users(companyId)
        .get(id)
        .catch((err: unknown) => {
          if (err instanceof NotFoundError) return null;
          throw err;
        }),
    ),
  );
  // A registration still awaiting approval keeps its id: it records who registered, never wins
  // over an approved user in a rebuild, and its approval is refused while the member is linked.
  return fresh.filter((u): u is User => u !== null && u.role !== 'UNAPPROVED' && u.discord_profile?.id === discordId);
}

/**
 * Points an existing company user's Discord profile at a member, and clears the member's id from
 * every other user of the company in the same change, so the next rebuild cannot pick the old one.
 *
 * Order: the other users are cleared first, then the target is set. In between the member is on
 * no user, never on two. If setting the target fails, the cleared profiles are put back, so a
 * failure leaves things as they were. A write Valentina does not confirm is read back after a
 * safe wait before anything is undone; if even that cannot tell, the admin is told what to check.
 */
export async function linkMember(
  deps: LinkDeps,
  companyId: string,
  requestingUserId: string,
  userId: string,
  member: DiscordIdentity,
  idempotencyKey: string,
): Promise<{ user: User; previousUserId: string | null; clearedUserIds: string[] }> {
  const users = deps.api.users(companyId);
  const carriers = await otherCarriers(deps, companyId, member.id, userId);
  const cleared: User[] = [];
  let user: User;
  try {
    for (const other of carriers) {
      await writeOrReadBack(
        deps.clock,
        () => users.update(other.id, { requesting_user_id: requestingUserId, discord_profile: CLEARED_DISCORD_PROFILE }, { idempotencyKey: `${idempotencyKey}:clear:${other.id}` }),
        async () => {
          const now = await users.get(other.id);
          return now.discord_profile?.id === member.id ? null : now;
        },
      );
      cleared.push(other);
    }
    user = await writeOrReadBack(
      deps.clock,
      () => users.update(userId, { requesting_user_id: requestingUserId, discord_profile: discordProfileOf(member) }, { idempotencyKey }),
      async () => {
        const now = await users.get(userId);
        return now.discord_profile?.id === member.id ? now : null;
      },
    );
  } catch (err) {
    if (err instanceof UnsettledWriteError) {
      await forgetAll(deps, companyId, [...cleared.map((u) => u.id), userId]);
      throw new LinkFailedError(
        `Valentina did not confirm the change and could not be asked again. <@${member.id}> may be linked to the new user, or to none. ` +
          'Check with `/user info` for the member in a minute; run `/link` again only if they are not linked.',
      );
    }
    if (cleared.length === 0) throw err;
    const restored = await restoreProfiles(deps, companyId, requestingUserId, cleared, `${idempotencyKey}:restore`);
    await forgetAll(deps, companyId, cleared.map((u) => u.id));
    if (!restored) {
      deps.log.warn({ err, companyId, userId }, 'link failed and the previous link could not be put back');
      throw new LinkFailedError(
        `The link could not be made, and <@${member.id}>'s previous user could not be given the account back: they are linked to no user now. ` +
          'Run `/link` again (to the user they should be).',
      );
    }
    throw err;
  }
  for (const other of cleared) await deps.identity.invalidateUser(companyId, other.id);
  await deps.identity.linkUser(companyId, user);
  deps.directory.invalidateUsers(companyId);
  const previous = cleared[0]?.id ?? null;
  return { user, previousUserId: previous, clearedUserIds: cleared.map((u) => u.id) };
}

async function restoreProfiles(deps: LinkDeps, companyId: string, requestingUserId: string, cleared: readonly User[], key: string): Promise<boolean> {
  let ok = true;
  for (const other of [...cleared].reverse()) {
    const p = other.discord_profile;
    try {
      await deps.api.users(companyId).update(
        other.id,
        {
          requesting_user_id: requestingUserId,
          discord_profile: { id: p?.id ?? null, username: p?.username ?? null, global_name: p?.global_name ?? null, avatar_id: p?.avatar_id ?? null, avatar_url: p?.avatar_url ?? null, discriminator: p?.discriminator ?? null },
        },
        { idempotencyKey: `${key}:${other.id}` },
      );
    } catch (err) {
      deps.log.warn({ err, companyId, userId: other.id }, 'could not put a Discord profile back after a failed link');
      ok = false;
    }
  }
  return ok;
}

async function forgetAll(deps: LinkDeps, companyId: string, userIds: readonly string[]): Promise<void> {
  for (const id of userIds) await deps.identity.invalidateUser(companyId, id);
  deps.directory.invalidateUsers(companyId);
}

export function displayName(user: Pick<User, 'name_first' | 'name_last' | 'username'>): string {
  const full = [user.name_first, user.name_last].filter((p): p is string => typeof p === 'string' && p !== '').join(' ');
  return full === '' ? user.username : `${full} (${user.username})`;
}
