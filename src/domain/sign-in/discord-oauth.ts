import { z } from 'zod';

/** The scopes the bot asks for: who the person is, and their email for a new Valentina user. */
export const SIGN_IN_SCOPES = ['identify', 'email'] as const;

export interface DiscordOAuthOptions {
  /** The application id (OAuth2 client id). */
  clientId: string;
  clientSecret: string;
  /** `<PUBLIC_URL>/oauth/discord/callback`, exactly as registered in the developer portal. */
  redirectUri: string;
  /** DISCORD_API_URL (`<origin>/api`), https://discord.com/api by default. */
  apiUrl: string | undefined;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Discord refused the code (used, expired, for another redirect URI) or the client credentials. */
export class OAuthCodeRefusedError extends Error {
  constructor(readonly status: number, readonly oauthError: string | undefined) {
    super(`Discord refused the authorization code (${status}${oauthError === undefined ? '' : ` ${oauthError}`})`);
    this.name = 'OAuthCodeRefusedError';
  }
}

/** Discord could not be asked (network, timeout, 5xx, 429) or answered something unexpected. */
export class DiscordUnavailableError extends Error {
  constructor(readonly step: 'token' | 'me', detail: string) {
    super(`Discord ${step === 'token' ? 'token exchange' : 'users/@me'} failed: ${detail}`);
    this.name = 'DiscordUnavailableError';
  }
}

const TokenResponseSchema = z.object({ access_token: z.string().min(1), token_type: z.string() });
const TokenErrorSchema = z.object({ error: z.string() }).partial();
const MeSchema = z.object({ id: z.string().regex(/^\d{1,20}$/), username: z.string() });

/**
 * Discord's OAuth2 authorization-code flow, from the same configurable base as the REST API:
 * authorize at `<origin>/oauth2/authorize`, exchange at `<origin>/api/v10/oauth2/token`, and ask
 * `GET <origin>/api/v10/users/@me` who signed in (as on discord.com). No helper library: the
 * exchange is one form POST, and the maintained ones either pin discord.com (arctic's Discord
 * provider) or take no timeout. Codes and tokens are passed through, never kept or logged.
 */
export class DiscordOAuth {
  readonly #o: Required<Omit<DiscordOAuthOptions, 'apiUrl'>> & { apiUrl: string };

  constructor(options: DiscordOAuthOptions) {
    this.#o = {
      // Two calls to Discord and one to Valentina must fit the listener's 10 s per request.
      timeoutMs: 4_000,
      fetch: (url, init) => globalThis.fetch(url, init),
      ...options,
      apiUrl: (options.apiUrl ?? 'https://discord.com/api').replace(/\/+$/, ''),
    };
  }

  /** The page Discord shows the person: `<origin>/oauth2/authorize` with the bot's client id and `state`. */
  authorizeUrl(state: string): string {
    const origin = this.#o.apiUrl.replace(/\/api$/, '');
    const url = new URL(`${origin}/oauth2/authorize`);
    url.search = new URLSearchParams({
      client_id: this.#o.clientId,
      response_type: 'code',
      redirect_uri: this.#o.redirectUri,
      scope: SIGN_IN_SCOPES.join(' '),
      state,
      prompt: 'consent',
    }).toString();
    return url.toString();
  }

  /** Exchanges a code for the person's access token (used at once, never stored). */
  async exchange(code: string): Promise<string> {
    const response = await this.#call('token', `${this.#o.apiUrl}/v10/oauth2/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(this.#o.clientId)}:${encodeURIComponent(this.#o.clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: this.#o.redirectUri }).toString(),
    });
    const body = await readJson(response);
    if (response.status === 400 || response.status === 401) {
      throw new OAuthCodeRefusedError(response.status, TokenErrorSchema.safeParse(body).data?.error);
    }
    if (!response.ok) throw new DiscordUnavailableError('token', `status ${response.status}`);
    const parsed = TokenResponseSchema.safeParse(body);
    if (!parsed.success || parsed.data.token_type.toLowerCase() !== 'bearer') throw new DiscordUnavailableError('token', 'unexpected answer');
    return parsed.data.access_token;
  }

  /** The Discord user an access token belongs to. A refused token counts as a refused code. */
  async me(accessToken: string): Promise<{ id: string; username: string }> {
    const response = await this.#call('me', `${this.#o.apiUrl}/v10/users/@me`, { method: 'GET', headers: { authorization: `Bearer ${accessToken}` } });
    const body = await readJson(response);
    if (response.status === 401) throw new OAuthCodeRefusedError(401, 'invalid_token');
    if (!response.ok) throw new DiscordUnavailableError('me', `status ${response.status}`);
    const parsed = MeSchema.safeParse(body);
    if (!parsed.success) throw new DiscordUnavailableError('me', 'unexpected answer');
    return parsed.data;
  }

  async #call(step: 'token' | 'me', url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.#o.fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(this.#o.timeoutMs) });
    } catch (err) {
      // The cause's name only: a fetch error can quote the request.
      throw new DiscordUnavailableError(step, err instanceof Error ? err.name : 'network error');
    }
  }
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}
