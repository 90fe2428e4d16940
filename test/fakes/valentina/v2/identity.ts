/** What a provider says about a token the fake is asked to verify (identify, link identity). */
export type IdentityCheck =
  /** The provider accepted the token; `profile` is what `/users/@me` (Discord) returned. */
  | { kind: 'verified'; profile: VerifiedProfile }
  /** The provider refused the token (Discord 401) → 422 TOKEN_VERIFICATION_FAILED. */
  | { kind: 'rejected' }
  /** The provider failed (Discord 403/5xx/network) → 503 PROVIDER_UNAVAILABLE. */
  | { kind: 'unavailable' };

export interface VerifiedProfile {
  /** Provider user id (a Discord snowflake for `discord`). */
  id: string;
  username?: string | null;
  global_name?: string | null;
  avatar_id?: string | null;
  discriminator?: string | null;
  email?: string | null;
  verified?: boolean | null;
}

/**
 * Checks a provider token. Tests pass one that asks the fake Discord which user a token belongs
 * to; the default refuses every token.
 */
export type IdentityVerifier = (provider: string, token: string) => IdentityCheck | Promise<IdentityCheck>;

export const refuseEveryToken: IdentityVerifier = () => ({ kind: 'rejected' });

/** A verifier backed by a fixed table of tokens (handy in contract tests). */
export function tokenTable(tokens: Readonly<Record<string, VerifiedProfile | 'unavailable'>>): IdentityVerifier {
  return (provider, token) => {
    const entry = provider === 'discord' ? tokens[token] : undefined;
    if (entry === undefined) return { kind: 'rejected' };
    if (entry === 'unavailable') return { kind: 'unavailable' };
    return { kind: 'verified', profile: entry };
  };
}
