/**
 * Discord's OAuth2 authorization-code flow, as the bot's "Sign in with Discord" uses it:
 *
 * - `GET <origin>/oauth2/authorize`: the consent page. A browser gets an HTML page; the test
 *   "clicks" it by adding `fake_user=<user id>&fake_consent=allow|deny` (or calls
 *   `authorize(url, …)`), which redirects (302) to the redirect_uri with `code` and `state`, or with
 *   `error=access_denied`.
 * - `POST <origin>/api/v10/oauth2/token` (also `/api/oauth2/token`): client credentials (Basic or
 *   form), `grant_type=authorization_code`, a code that is single-use, unexpired and issued for this
 *   redirect_uri. Issues a bearer access token bound to the user.
 * - `GET <origin>/api/v10/users/@me` with `Authorization: Bearer <token>`: that user (plus `email`
 *   and `verified` with the `email` scope); 401 for an unknown token.
 *
 * Errors are Discord's shapes: `{ error, error_description }` on the token endpoint, `{ message, code }`
 * on users/@me, a plain 400 page on authorize.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIUser } from 'discord-api-types/v10';
import { readRaw, sendJson } from './http-util.js';
import type { World } from './world.js';

export interface FakeOAuthApp {
  clientSecret: string;
  /** Redirect URIs registered in the developer portal (exact match, as Discord does). */
  redirectUris: string[];
}

/** What a provider check says, shaped like the fake Valentina's IdentityCheck. */
export type OAuthIdentityCheck =
  | { kind: 'verified'; profile: { id: string; username: string; global_name: string | null; avatar_id: string | null; discriminator: string | null; email: string | null; verified: boolean | null } }
  | { kind: 'rejected' }
  | { kind: 'unavailable' };

interface CodeGrant {
  userId: string;
  redirectUri: string;
  scopes: string[];
  expiresAt: number;
  used: boolean;
}

const CODE_TTL_MS = 10 * 60_000;
const KNOWN_SCOPES = new Set(['identify', 'email', 'guilds', 'guilds.join', 'connections']);

export class FakeOAuth {
  /** Every OAuth request (no bodies, no tokens): method, path and the status sent. */
  readonly requests: Array<{ method: string; path: string; status: number }> = [];
  private app: FakeOAuthApp | undefined;
  private readonly codes = new Map<string, CodeGrant>();
  private readonly tokens = new Map<string, { userId: string; scopes: string[] }>();
  private readonly emails = new Map<string, { email: string | null; verified: boolean }>();
  private verificationFault: 'rejected' | 'unavailable' | null = null;
  private tokenEndpointStatus: number | null = null;

  constructor(
    private readonly world: World,
    private readonly applicationId: string,
  ) {}

  /** The application's OAuth2 settings (client secret, redirect URIs). */
  configure(app: FakeOAuthApp): void {
    this.app = { clientSecret: app.clientSecret, redirectUris: [...app.redirectUris] };
  }

  /** The email Discord has for a user (default: none, as for a phone-only account). */
  setEmail(userId: string, email: string | null, verified = true): void {
    this.emails.set(userId, { email, verified });
  }

  /** Provider checks (Valentina asking Discord about a token) fail like this until set back to null. */
  failVerification(kind: 'rejected' | 'unavailable' | null): void {
    this.verificationFault = kind;
  }

  /** The token endpoint answers this status (a Discord outage) until set back to null. */
  failTokenEndpoint(status: number | null): void {
    this.tokenEndpointStatus = status;
  }

  /** Access tokens issued so far (for assertions that none leaked). */
  get issuedTokens(): string[] {
    return [...this.tokens.keys()];
  }

  /**
   * A person on the consent page: `consent` true clicks Authorize, false Cancel. Resolves to the
   * URL Discord redirects the browser to (the bot's callback), without following it.
   */
  async authorize(authorizeUrl: string, opts: { user: string; consent: boolean }): Promise<string> {
    const url = new URL(authorizeUrl);
    url.searchParams.set('fake_user', opts.user);
    url.searchParams.set('fake_consent', opts.consent ? 'allow' : 'deny');
    const response = await fetch(url, { redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status !== 302 || location === null) throw new Error(`fake discord: authorize answered ${response.status}: ${await response.text()}`);
    return location;
  }

  /** Who an access token belongs to, for the fake Valentina's identify (Discord's users/@me as the server sees it). */
  identityCheck(provider: string, token: string): OAuthIdentityCheck {
    if (this.verificationFault !== null) return { kind: this.verificationFault };
    const grant = provider === 'discord' ? this.tokens.get(token) : undefined;
    const user = grant === undefined ? undefined : this.world.users.get(grant.userId);
    if (grant === undefined || user === undefined) return { kind: 'rejected' };
    const me = this.me(user, grant.scopes);
    return {
      kind: 'verified',
      profile: { id: me.id, username: me.username, global_name: me.global_name ?? null, avatar_id: me.avatar ?? null, discriminator: me.discriminator, email: me.email ?? null, verified: me.verified ?? null },
    };
  }

  /** True for requests this fake answers (the REST router gets every other one). */
  handles(req: IncomingMessage): boolean {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (path === '/oauth2/authorize' || path === '/api/v10/oauth2/token' || path === '/api/oauth2/token') return true;
    return path === '/api/v10/users/@me' && (req.headers.authorization ?? '').startsWith('Bearer ');
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const record = { method, path: url.pathname, status: 0 };
    this.requests.push(record);
    const raw = await readRaw(req);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      sendJson(res, status, body, headers);
    };
    const page = (status: number, text: string, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
      res.end(text);
    };
    if (url.pathname === '/oauth2/authorize') {
      if (method !== 'GET') return page(405, 'Method Not Allowed');
      return this.authorizePage(url.searchParams, page);
    }
    if (url.pathname.endsWith('/oauth2/token')) {
      if (method !== 'POST') return send(405, { message: '405: Method Not Allowed', code: 0 });
      if (this.tokenEndpointStatus !== null) return send(this.tokenEndpointStatus, { message: `${this.tokenEndpointStatus}: Service Unavailable`, code: 0 });
      return this.token(req, raw, send);
    }
    const token = (req.headers.authorization ?? '').slice('Bearer '.length);
    const grant = this.tokens.get(token);
    const user = grant === undefined ? undefined : this.world.users.get(grant.userId);
    if (grant === undefined || user === undefined) return send(401, { message: '401: Unauthorized', code: 0 });
    return send(200, this.me(user, grant.scopes));
  }

  private authorizePage(q: URLSearchParams, page: (status: number, text: string, headers?: Record<string, string>) => void): void {
    const redirectUri = q.get('redirect_uri') ?? '';
    const scopes = (q.get('scope') ?? '').split(/[ +]/).filter((s) => s !== '');
    if (q.get('client_id') !== this.applicationId) return page(400, '<h1>Unknown application</h1>');
    if (this.app === undefined || !this.app.redirectUris.includes(redirectUri)) return page(400, '<h1>Invalid OAuth2 redirect_uri</h1>');
    if (q.get('response_type') !== 'code') return page(400, '<h1>Invalid response_type</h1>');
    if (scopes.length === 0 || scopes.some((s) => !KNOWN_SCOPES.has(s))) return page(400, '<h1>Invalid scope</h1>');
    const fakeUser = q.get('fake_user');
    const consent = q.get('fake_consent');
    if (fakeUser === null || consent === null) {
      return page(200, `<h1>An external application wants to access your Discord account</h1><p>Scopes: ${scopes.join(', ')}</p>`);
    }
    if (!this.world.users.has(fakeUser)) return page(400, '<h1>Unknown user</h1>');
    const target = new URL(redirectUri);
    const state = q.get('state');
    if (consent === 'allow') {
      const code = randomBytes(15).toString('base64url');
      this.codes.set(code, { userId: fakeUser, redirectUri, scopes, expiresAt: Date.now() + CODE_TTL_MS, used: false });
      target.searchParams.set('code', code);
    } else {
      target.searchParams.set('error', 'access_denied');
      target.searchParams.set('error_description', 'The resource owner or authorization server denied the request');
    }
    if (state !== null) target.searchParams.set('state', state);
    page(302, '', { location: target.toString() });
  }

  private token(req: IncomingMessage, raw: Buffer, send: (status: number, body: unknown) => void): void {
    const form = new URLSearchParams((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') ? raw.toString('utf8') : '');
    let clientId = form.get('client_id');
    let clientSecret = form.get('client_secret');
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (basic?.[1] !== undefined) {
      const [id, secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      clientId = decodeURIComponent(id ?? '');
      clientSecret = decodeURIComponent(secret ?? '');
    }
    if (this.app === undefined || clientId !== this.applicationId || clientSecret !== this.app.clientSecret) return send(401, { error: 'invalid_client' });
    if (form.get('grant_type') !== 'authorization_code') return send(400, { error: 'unsupported_grant_type' });
    const code = form.get('code') ?? '';
    const grant = this.codes.get(code);
    if (grant === undefined || grant.used || grant.expiresAt <= Date.now()) return send(400, { error: 'invalid_grant', error_description: 'Invalid "code" in request.' });
    grant.used = true;
    if (form.get('redirect_uri') !== grant.redirectUri) return send(400, { error: 'invalid_grant', error_description: 'Invalid "redirect_uri" in request.' });
    const accessToken = randomBytes(22).toString('base64url');
    this.tokens.set(accessToken, { userId: grant.userId, scopes: grant.scopes });
    send(200, { access_token: accessToken, token_type: 'Bearer', expires_in: 604_800, refresh_token: randomBytes(22).toString('base64url'), scope: grant.scopes.join(' ') });
  }

  private me(user: APIUser, scopes: readonly string[]): APIUser {
    const out: APIUser = { id: user.id, username: user.username, discriminator: user.discriminator, global_name: user.global_name, avatar: user.avatar };
    if (scopes.includes('email')) {
      const mail = this.emails.get(user.id);
      out.email = mail?.email ?? null;
      out.verified = mail?.verified ?? false;
    }
    return out;
  }
}
