import { APIError, type IdentifyResolution, type User, type ValentinaClient } from '../../api/index.js';
import type { Clock, RegisteredHook } from '../../deps.js';
import type { Logger } from '../../logger.js';
import type { SignInState, SignInStateRepo } from '../../store/types.js';
import type { CompanyDirectory } from '../directory.js';
import type { IdentityService } from '../identity.js';
import { DiscordUnavailableError, OAuthCodeRefusedError, type DiscordOAuth } from './discord-oauth.js';
import { StateSigner } from './state-signer.js';

/** How long a sign-in link works. */
export const SIGN_IN_TTL_MS = 10 * 60_000;

/** Why a sign-in linked nobody. Every one of them changed nothing. */
export type SignInFailure =
  | 'missing_state'
  | 'invalid_state'
  | 'expired_state'
  | 'used_state'
  | 'declined'
  | 'missing_code'
  | 'code_refused'
  | 'discord_unavailable'
  | 'account_mismatch'
  | 'email_required'
  | 'token_refused'
  | 'provider_unavailable'
  | 'valentina_failed';

export type SignInOutcome =
  | { ok: true; resolution: IdentifyResolution; user: User; state: SignInState }
  | { ok: false; reason: SignInFailure; state: SignInState | null };

/** Told when a sign-in an admin asked for with /link linked the member (the Discord layer posts the audit). */
export type AdminLinkedHook = (event: { state: SignInState; user: User; resolution: IdentifyResolution }) => Promise<void>;

export interface SignInRequest {
  guildId: string;
  companyId: string;
  memberDiscordId: string;
  channelId: string | null;
  /** /link: the admin asking and the user they picked. */
  requestedBy?: { discordId: string; userId: string };
}

export interface SignInServiceDeps {
  api: ValentinaClient;
  identity: IdentityService;
  directory: CompanyDirectory;
  states: SignInStateRepo;
  oauth: DiscordOAuth;
  clientSecret: string;
  clock: Clock;
  log: Logger;
}

/**
 * "Sign in with Discord" on v2 servers (CONTRACT-v2 §3.1): hands a member a single-use link to
 * Discord's consent page, and on the way back checks the state, exchanges the code, checks that
 * the account that signed in is the member who asked, calls `auth/identify` once with the access
 * token and links the member to the user it returns. The access token lives only inside
 * `complete`: it is sent to Discord (users/@me) and to Valentina (identify), nowhere else.
 */
export class SignInService {
  readonly #d: SignInServiceDeps;
  readonly #signer: StateSigner;
  #registered: RegisteredHook | undefined;
  #adminLinked: AdminLinkedHook | undefined;

  constructor(deps: SignInServiceDeps) {
    this.#d = deps;
    this.#signer = new StateSigner(deps.clientSecret);
  }

  /** Who hears about new users (the approval card) and about /link sign-ins (the audit post). */
  listen(hooks: { registered?: RegisteredHook | undefined; adminLinked?: AdminLinkedHook | undefined }): void {
    this.#registered = hooks.registered;
    this.#adminLinked = hooks.adminLinked;
  }

  /** A fresh sign-in link for one member, good once for SIGN_IN_TTL_MS. */
  async start(request: SignInRequest): Promise<{ url: string; nonce: string; expiresAt: number }> {
    const now = this.#d.clock.now();
    const nonce = StateSigner.newNonce();
    const expiresAt = now + SIGN_IN_TTL_MS;
    await this.#d.states.put({
      nonce,
      guildId: request.guildId,
      companyId: request.companyId,
      memberDiscordId: request.memberDiscordId,
      channelId: request.channelId,
      requestedByDiscordId: request.requestedBy?.discordId ?? null,
      requestedUserId: request.requestedBy?.userId ?? null,
      expiresAt,
    });
    // Housekeeping on the side: links nobody used.
    void this.#d.states.deleteExpired(now).catch((err: unknown) => this.#d.log.warn({ err }, 'could not clear expired sign-in states'));
    const state = this.#signer.sign({ nonce, guildId: request.guildId, memberDiscordId: request.memberDiscordId, expiresAt });
    return { url: this.#d.oauth.authorizeUrl(state), nonce, expiresAt };
  }

  /** Withdraws a link that could not be delivered. */
  async cancel(nonce: string): Promise<void> {
    await this.#d.states.delete(nonce);
  }

  /** The callback: `state`, and `code` or `error`, exactly as Discord sent them. */
  async complete(query: { state: string | null; code: string | null; error: string | null }): Promise<SignInOutcome> {
    const outcome = await this.#complete(query);
    const s = outcome.state;
    const where = s === null ? {} : { guildId: s.guildId, memberDiscordId: s.memberDiscordId, viaLink: s.requestedByDiscordId !== null };
    if (outcome.ok) this.#d.log.info({ ...where, userId: outcome.user.id, resolution: outcome.resolution }, 'member signed in with Discord');
    else this.#d.log.info({ ...where, reason: outcome.reason }, 'sign-in refused');
    return outcome;
  }

  async #complete(query: { state: string | null; code: string | null; error: string | null }): Promise<SignInOutcome> {
    const fail = (reason: SignInFailure, state: SignInState | null = null): SignInOutcome => ({ ok: false, reason, state });
    if (query.state === null || query.state === '') return fail('missing_state');
    const claims = this.#signer.verify(query.state);
    if (claims === null) return fail('invalid_state');
    const now = this.#d.clock.now();
    if (claims.expiresAt <= now) {
      await this.#d.states.delete(claims.nonce);
      return fail('expired_state');
    }
    // Taken before anything else happens: whatever follows, this state never works again.
    const state = await this.#d.states.take(claims.nonce, now);
    if (state === null) return fail('used_state');
    if (state.guildId !== claims.guildId || state.memberDiscordId !== claims.memberDiscordId) return fail('invalid_state');
    if (query.error !== null) return fail('declined', state);
    if (query.code === null || query.code === '') return fail('missing_code', state);

    let accessToken: string;
    let signedIn: { id: string };
    try {
      accessToken = await this.#d.oauth.exchange(query.code);
      signedIn = await this.#d.oauth.me(accessToken);
    } catch (err) {
      if (err instanceof OAuthCodeRefusedError) return fail('code_refused', state);
      if (err instanceof DiscordUnavailableError) {
        this.#d.log.warn({ step: err.step, detail: err.message }, 'discord oauth unavailable');
        return fail('discord_unavailable', state);
      }
      throw err;
    }
    if (signedIn.id !== state.memberDiscordId) return fail('account_mismatch', state);

    let resolution: IdentifyResolution;
    let user: User;
    try {
      ({ resolution, user } = await this.#d.api
        .auth(state.companyId)
        .identify({ provider: 'discord', token: accessToken }, { idempotencyKey: `sign-in:${state.nonce}` }));
    } catch (err) {
      const code = err instanceof APIError ? err.code : undefined;
      if (code === 'EMAIL_REQUIRED') return fail('email_required', state);
      if (code === 'TOKEN_VERIFICATION_FAILED') return fail('token_refused', state);
      if (code === 'PROVIDER_UNAVAILABLE') return fail('provider_unavailable', state);
      // `err` is the client's typed error: it names the route and status, never the body sent.
      this.#d.log.warn({ err, guildId: state.guildId }, 'identify failed');
      return fail('valentina_failed', state);
    }
    if (user.discord_profile?.id !== state.memberDiscordId) {
      this.#d.log.warn({ guildId: state.guildId, userId: user.id }, 'identify returned a user without the signed-in Discord id');
      return fail('valentina_failed', state);
    }
    await this.#d.identity.linkUser(state.companyId, user);
    this.#d.directory.invalidateUsers(state.companyId);
    if (resolution === 'created') await this.#tell(() => this.#registered?.({ guildId: state.guildId, companyId: state.companyId, user, discordUserId: state.memberDiscordId }));
    if (state.requestedByDiscordId !== null) await this.#tell(() => this.#adminLinked?.({ state, user, resolution }));
    return { ok: true, resolution, user, state };
  }

  /** Hooks post to Discord; the link is made either way. */
  async #tell(hook: () => Promise<void> | undefined): Promise<void> {
    try {
      await hook();
    } catch (err) {
      this.#d.log.warn({ err }, 'sign-in follow-up failed');
    }
  }
}
