import type { User } from '../api/index.js';
import type { Deps } from '../deps.js';
import { InvalidInputError, UserFacingError } from './errors.js';
import { roleLabel } from './roles.js';

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
  deps: Pick<Deps, 'api' | 'identity' | 'directory'>,
  companyId: string,
  member: DiscordIdentity,
  input: RegistrationInput,
  idempotencyKey: string,
): Promise<User> {
  const existing = await deps.identity.resolve(companyId, member.id);
  if (existing !== null) throw new AlreadyRegisteredError(existing.role);
  const user = await deps.api.users(companyId).register(
    {
      username: usernameFor(member),
      email: input.email,
      name_first: input.nameFirst,
      name_last: input.nameLast,
      discord_profile: discordProfileOf(member),
    },
    { idempotencyKey },
  );
  await deps.identity.linkUser(companyId, user);
  deps.directory.invalidateUsers(companyId);
  return user;
}

/** Points an existing company user's Discord profile at a member. */
export async function linkMember(
  deps: Pick<Deps, 'api' | 'identity' | 'directory'>,
  companyId: string,
  requestingUserId: string,
  userId: string,
  member: DiscordIdentity,
  idempotencyKey: string,
): Promise<{ user: User; previousUserId: string | null }> {
  const previous = await deps.identity.resolve(companyId, member.id);
  const user = await deps.api.users(companyId).update(
    userId,
    { requesting_user_id: requestingUserId, discord_profile: discordProfileOf(member) },
    { idempotencyKey },
  );
  if (previous !== null && previous.userId !== userId) await deps.identity.invalidateUser(companyId, previous.userId);
  await deps.identity.linkUser(companyId, user);
  deps.directory.invalidateUsers(companyId);
  return { user, previousUserId: previous !== null && previous.userId !== userId ? previous.userId : null };
}

export function displayName(user: Pick<User, 'name_first' | 'name_last' | 'username'>): string {
  const full = [user.name_first, user.name_last].filter((p): p is string => typeof p === 'string' && p !== '').join(' ');
  return full === '' ? user.username : `${full} (${user.username})`;
}
