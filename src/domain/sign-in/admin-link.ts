import type { User } from '../../api/index.js';
import type { Deps } from '../../deps.js';
import { UserFacingError } from '../errors.js';

/** v2 needs a verified sign-in to tie a member to a user, and this bot has sign-in switched off. */
export class SignInOffError extends UserFacingError {
  constructor(forAdmin: boolean) {
    super(
      (forAdmin
        ? 'Valentina does not know this member\'s Discord account yet, and on this Valentina server a member can only be linked by signing in with Discord. '
        : 'On this server\'s Valentina, members register by signing in with Discord. ') +
        'The bot\'s operator has not switched that on (it needs `PUBLIC_URL`, `HTTP_PORT` and `DISCORD_CLIENT_SECRET`, see the README).',
      'Sign-in not set up',
    );
  }
}

/**
 * v2 /link, first step: when Valentina already carries the member's Discord id on a user of the
 * company (users/lookup), that user is the member, whoever the admin picked. Links and returns
 * it; null when Valentina knows no such user (the member must sign in).
 */
export async function linkKnownIdentity(deps: Pick<Deps, 'api' | 'identity' | 'directory'>, companyId: string, memberDiscordId: string): Promise<User | null> {
  const hits = (await deps.api.userLookup().byDiscordId(memberDiscordId)).filter((r) => r.company_id === companyId);
  // A duplicate sign-in awaiting a merge can carry the id too: the approved user wins.
  const best = hits.find((r) => r.role !== 'UNAPPROVED') ?? hits[0];
  if (best === undefined) return null;
  const user = await deps.api.users(companyId).get(best.user_id);
  await deps.identity.linkUser(companyId, user);
  deps.directory.invalidateUsers(companyId);
  return user;
}
