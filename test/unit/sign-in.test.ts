import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretsOf } from '../../src/config.js';
import { DiscordOAuth, DiscordUnavailableError, OAuthCodeRefusedError } from '../../src/domain/sign-in/discord-oauth.js';
import { StateSigner } from '../../src/domain/sign-in/state-signer.js';
import { renderSignInHtml, signInPageFor } from '../../src/render/sign-in-page.js';

const SECRET = 'client-secret-0123456789abcdef';
const claims = { nonce: StateSigner.newNonce(), guildId: '111111111111111111', memberDiscordId: '222222222222222222', expiresAt: 1_800_000_000_000 };

describe('StateSigner', () => {
  it('verifies its own states and nothing else', () => {
    const signer = new StateSigner(SECRET);
    const state = signer.sign(claims);
    expect(signer.verify(state)).toEqual(claims);
    expect(state).not.toContain(SECRET);
    expect(new StateSigner('another-secret-0123456789').verify(state)).toBeNull();
    const [payload, mac] = state.split('.');
    const swapped = Buffer.from(JSON.stringify({ n: claims.nonce, g: claims.guildId, m: '333333333333333333', e: claims.expiresAt })).toString('base64url');
    for (const bad of [`${swapped}.${mac}`, `${payload}`, `${payload}.${mac}.x`, '', 'a.b', `${payload}.${'x'.repeat(600)}`]) expect(signer.verify(bad)).toBeNull();
  });
});

function scripted(responses: Array<Response | Error>) {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fetch = async (url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({ url: String(url), init });
    const next = responses.shift();
    if (next === undefined) throw new Error('no scripted response');
    if (next instanceof Error) throw next;
    return next;
  };
  return { calls, fetch: fetch as typeof globalThis.fetch };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('DiscordOAuth', () => {
  const options = { clientId: '900000000000000001', clientSecret: SECRET, redirectUri: 'https://bot.example.org/oauth/discord/callback' };

  it('builds the authorize URL on the REST base\'s origin, and on discord.com by default', () => {
    const local = new URL(new DiscordOAuth({ ...options, apiUrl: 'http://127.0.0.1:4000/api' }).authorizeUrl('st'));
    expect(`${local.origin}${local.pathname}`).toBe('http://127.0.0.1:4000/oauth2/authorize');
    expect(Object.fromEntries(local.searchParams)).toMatchObject({ client_id: options.clientId, response_type: 'code', redirect_uri: options.redirectUri, scope: 'identify email', state: 'st' });
    expect(new DiscordOAuth({ ...options, apiUrl: undefined }).authorizeUrl('st')).toMatch(/^https:\/\/discord\.com\/oauth2\/authorize\?/);
  });

  it('exchanges a code with one form POST (client authenticated with Basic) and asks users/@me with the bearer token', async () => {
    const { calls, fetch } = scripted([json(200, { access_token: 'tok-1', token_type: 'Bearer', expires_in: 604800, scope: 'identify email' }), json(200, { id: '222222222222222222', username: 'ines' })]);
    const oauth = new DiscordOAuth({ ...options, apiUrl: 'http://127.0.0.1:4000/api', fetch });
    const token = await oauth.exchange('the-code');
    expect(await oauth.me(token)).toEqual({ id: '222222222222222222', username: 'ines' });
    expect(calls[0]?.url).toBe('http://127.0.0.1:4000/api/v10/oauth2/token');
    expect(calls[0]?.init?.method).toBe('POST');
    expect(Object.fromEntries(new URLSearchParams(String(calls[0]?.init?.body)))).toEqual({ grant_type: 'authorization_code', code: 'the-code', redirect_uri: options.redirectUri });
    const headers = calls[0]?.init?.headers as Record<string, string>;
    expect(headers.authorization).toBe(`Basic ${Buffer.from(`${options.clientId}:${SECRET}`).toString('base64')}`);
    expect(calls[1]?.url).toBe('http://127.0.0.1:4000/api/v10/users/@me');
    expect((calls[1]?.init?.headers as Record<string, string>).authorization).toBe('Bearer tok-1');
  });

  it('tells a refused code from an unreachable Discord, without quoting the request', async () => {
    const { fetch } = scripted([json(400, { error: 'invalid_grant' }), json(502, {}), new TypeError('fetch failed for the-code'), json(401, { message: '401: Unauthorized' })]);
    const oauth = new DiscordOAuth({ ...options, apiUrl: undefined, fetch });
    await expect(oauth.exchange('the-code')).rejects.toMatchObject({ name: 'OAuthCodeRefusedError', oauthError: 'invalid_grant' });
    await expect(oauth.exchange('the-code')).rejects.toBeInstanceOf(DiscordUnavailableError);
    const err = await oauth.exchange('the-code').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DiscordUnavailableError);
    expect(String((err as Error).message)).not.toContain('the-code');
    await expect(oauth.me('tok')).rejects.toBeInstanceOf(OAuthCodeRefusedError);
  });
});

describe('sign-in configuration', () => {
  const base = { DISCORD_TOKEN: 'discord-token-secret-value', DISCORD_APPLICATION_ID: '123456789012345678', VALENTINA_API_URL: 'http://127.0.0.1:8000', VALENTINA_API_KEY: 'valentina-key-secret-value' };

  it('is off without PUBLIC_URL, and needs HTTP_PORT and DISCORD_CLIENT_SECRET with it', () => {
    expect(loadConfig(base).signIn).toBeUndefined();
    expect(() => loadConfig({ ...base, PUBLIC_URL: 'https://bot.example.org' })).toThrow(ConfigError);
    let message = '';
    try {
      loadConfig({ ...base, PUBLIC_URL: 'https://bot.example.org', DISCORD_CLIENT_SECRET: SECRET });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('HTTP_PORT is required when PUBLIC_URL is set');
    expect(message).not.toContain(SECRET);
    const config = loadConfig({ ...base, PUBLIC_URL: 'https://bot.example.org/', HTTP_PORT: '8080', DISCORD_CLIENT_SECRET: SECRET });
    expect(config.signIn).toEqual({ publicUrl: 'https://bot.example.org', clientSecret: SECRET });
    expect(secretsOf(config)).toContain(SECRET);
  });
});

describe('sign-in page', () => {
  it('escapes what it shows and links back to the guild and channel', () => {
    const state = { nonce: 'n', guildId: '1', companyId: 'c', memberDiscordId: '2', channelId: '3', requestedByDiscordId: null, requestedUserId: null, expiresAt: 0 };
    const user = { id: 'u', username: '<b>x</b>', name_first: '<script>', name_last: 'O\'Neil', role: 'PLAYER', discord_profile: null } as never;
    const page = signInPageFor({ ok: true, resolution: 'matched', user, state });
    const html = renderSignInHtml(page);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('href="https://discord.com/channels/1/3"');
    expect(signInPageFor({ ok: false, reason: 'invalid_state', state: null })).toMatchObject({ status: 400, backUrl: 'https://discord.com/app' });
  });
});
