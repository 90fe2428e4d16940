/**
 * "Sign in with Discord" on a v2 Valentina, end to end: /register and /link through the real bot,
 * the fake Discord's OAuth endpoints (consent page, token exchange, users/@me) and the fake
 * Valentina's auth/identify, which asks the fake Discord who an access token belongs to.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIMessage } from 'discord-api-types/v10';
import { CLIENT_SECRET, startWorld, worldStores, type World } from './harness.js';
import { EPHEMERAL, controls, customId, embedText, finalAnswer } from './support/replies.js';
import { StateSigner } from '../../src/domain/sign-in/state-signer.js';

interface Page {
  status: number;
  headers: Headers;
  html: string;
}

/** The url of the message's link button. */
function linkButtonUrl(message: Pick<APIMessage, 'components'> | undefined): string {
  const rows = (message?.components ?? []) as unknown as Array<{ components?: Array<{ style?: number; url?: string; label?: string }> }>;
  const button = rows.flatMap((r) => r.components ?? []).find((c) => c.style === 5);
  if (button?.url === undefined) throw new Error('no link button');
  expect(button.label).toBe('Sign in with Discord');
  return button.url;
}

const textOf = (html: string): string => html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/\s+/g, ' ');

for (const kind of worldStores()) {
  describe.skipIf(kind.skip !== false)(`sign in with Discord (v2) on ${kind.name}`, () => {
    let world: World;
    let seq = 0;
    /** Every code Discord issued in these tests and every page the browser got, for the secrets check. */
    const codes: string[] = [];
    const pages: Page[] = [];

    beforeAll(async () => {
      world = await startWorld({ store: kind.name, valentina: { version: 'v2' }, signIn: true });
    });
    afterAll(async () => {
      await world?.stop();
    });

    const as = (discordId: string) => ({ user: discordId, guildId: world.guildId, channelId: world.channelId });

    function newMember(name: string, email: string | null): string {
      seq += 1;
      const discordId = `3200000000000000${String(seq).padStart(2, '0')}`;
      world.discord.addUser({ id: discordId, username: name.toLowerCase(), globalName: name });
      world.discord.addMember(world.guildId, discordId, {});
      world.discord.oauth.setEmail(discordId, email);
      return discordId;
    }

    /** /register: a private answer with the sign-in button; returns its URL. */
    async function registerLink(discordId: string): Promise<string> {
      const h = world.discord.slash('register', as(discordId));
      const answer = await finalAnswer(h);
      expect((answer.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      expect(embedText(answer)).toContain('sign in with your Discord account');
      return linkButtonUrl(answer);
    }

    async function open(url: string): Promise<Page> {
      const response = await fetch(url, { redirect: 'manual' });
      const page = { status: response.status, headers: response.headers, html: await response.text() };
      pages.push(page);
      return page;
    }

    /** Discord's consent page: returns where Discord sends the browser back (the bot's callback). */
    async function consent(authorizeUrl: string, user: string, allow = true): Promise<string> {
      const location = await world.discord.oauth.authorize(authorizeUrl, { user, consent: allow });
      const code = new URL(location).searchParams.get('code');
      if (code !== null) codes.push(code);
      return location;
    }

    const identifyCalls = () => world.valentina.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/auth/identify')).length;
    const userCount = () => world.valentina.state.listUsers(world.companyId).length;

    /** Runs `step`, then checks that no user, link or approval card appeared. */
    async function changesNothing(memberId: string, step: () => Promise<void>): Promise<void> {
      const users = userCount();
      const cards = world.discord.messages(world.approvalsChannelId).length;
      await step();
      expect(userCount()).toBe(users);
      expect(await world.store.memberLinks.get(world.companyId, memberId)).toBeNull();
      expect(world.discord.messages(world.approvalsChannelId)).toHaveLength(cards);
    }

    it('registers a new member: consent, one identify, a new UNAPPROVED user linked, the approval card, a readable page', async () => {
      const member = newMember('Nadia', 'nadia@example.net');
      const url = new URL(await registerLink(member));
      expect(url.origin + url.pathname).toBe(world.discord.apiUrl.replace(/\/api$/, '/oauth2/authorize'));
      expect(url.searchParams.get('scope')).toBe('identify email');
      expect(url.searchParams.get('redirect_uri')).toBe(`${world.env.PUBLIC_URL}/oauth/discord/callback`);
      expect(url.searchParams.get('client_id')).toBe(world.env.DISCORD_APPLICATION_ID);

      const before = identifyCalls();
      const page = await open(await consent(url.toString(), member));
      expect(page.status).toBe(200);
      expect(textOf(page.html)).toContain('Registration sent');
      expect(textOf(page.html)).toContain("waiting for an admin's approval");
      expect(page.html).toContain(`href="https://discord.com/channels/${world.guildId}/${world.channelId}"`);
      expect(identifyCalls()).toBe(before + 1);

      const user = world.valentina.state.findUserByDiscordId(member);
      expect(user).toMatchObject({ role: 'UNAPPROVED', email: 'nadia@example.net' });
      expect(await world.store.memberLinks.get(world.companyId, member)).toMatchObject({ userId: user?.id, role: 'UNAPPROVED' });
      await world.discord.waitFor(() => world.discord.messages(world.approvalsChannelId).some((m) => embedText(m).includes(`<@${member}>`)));
      const card = world.discord.messages(world.approvalsChannelId).find((m) => embedText(m).includes(`<@${member}>`));
      expect(embedText(card)).toContain('nadia@example.net');
      expect(await world.store.approvalCards.get(world.guildId, user?.id ?? '')).toMatchObject({ status: 'PENDING', messageId: card?.id });
      expect(embedText(await finalAnswer(world.discord.slash('whoami', as(member))))).toMatch(/approval/i);
    });

    it('lands the signed-in registration on an approval card an admin approves like any other', async () => {
      const member = newMember('Aria', 'aria@example.net');
      await open(await consent(await registerLink(member), member));
      await world.discord.waitFor(() => world.discord.messages(world.approvalsChannelId).some((m) => embedText(m).includes(`<@${member}>`)));
      const card = world.discord.messages(world.approvalsChannelId).find((m) => embedText(m).includes(`<@${member}>`));
      world.discord.button(customId(card, 'Approve as Player'), { ...as(world.members.admin.discordId), message: card?.id ?? '' });
      await world.discord.waitFor(() => controls(world.discord.message(card?.id ?? '')).length === 0);
      expect(world.valentina.state.findUserByDiscordId(member)?.role).toBe('PLAYER');
      expect(embedText(await finalAnswer(world.discord.slash('whoami', as(member))))).toContain('**Player**');
    });

    it('serves the page as HTML with a strict Content-Security-Policy that allows exactly its inline style', async () => {
      const page = pages[0];
      if (page === undefined) throw new Error('no page yet');
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      const style = /<style>([\s\S]*?)<\/style>/.exec(page.html)?.[1] ?? '';
      expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(page.html).not.toMatch(/<script|src=|@import|url\(/i);
    });

    it('links at once a member whose verified Discord email Valentina knows (linked), without an approval card', async () => {
      const member = newMember('Lena', 'lena@example.org');
      const lena = world.valentina.state.addUser(world.companyId, { role: 'PLAYER', name_first: 'Lena', name_last: 'Known', username: 'lena', email: 'lena@example.org' });
      const cards = world.discord.messages(world.approvalsChannelId).length;
      const page = await open(await consent(await registerLink(member), member));
      expect(page.status).toBe(200);
      expect(textOf(page.html)).toContain('You are linked');
      expect(textOf(page.html)).toContain('Lena Known (lena)');
      expect(world.valentina.state.getUser(lena.id)?.discord_profile.id).toBe(member);
      expect(await world.store.memberLinks.get(world.companyId, member)).toMatchObject({ userId: lena.id, role: 'PLAYER' });
      expect(world.discord.messages(world.approvalsChannelId)).toHaveLength(cards);
      expect(embedText(await finalAnswer(world.discord.slash('whoami', as(member))))).toContain('Lena Known');
    });

    it('links a member Valentina already matched by Discord id (signed in elsewhere meanwhile): matched', async () => {
      const member = newMember('Mara', null);
      const link = await registerLink(member);
      // Between /register and the callback the member signed in on Valentina's own site.
      const mara = world.valentina.state.addUser(world.companyId, { role: 'STORYTELLER', name_first: 'Mara', name_last: 'Matched', username: 'mara', email: 'mara@example.org', discord_id: member });
      const page = await open(await consent(link, member));
      expect(page.status).toBe(200);
      expect(textOf(page.html)).toContain('Mara Matched');
      expect(await world.store.memberLinks.get(world.companyId, member)).toMatchObject({ userId: mara.id, role: 'STORYTELLER' });
    });

    it('does not spend a state on a HEAD request (link checkers, prefetch)', async () => {
      const member = newMember('Hank', 'hank@example.net');
      const location = await consent(await registerLink(member), member);
      const head = await fetch(location, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await world.store.memberLinks.get(world.companyId, member)).toBeNull();
      const page = await open(location);
      expect(textOf(page.html)).toContain('Registration sent');
    });

    it('refuses a missing, forged, expired or replayed state with a 4xx page and changes nothing', async () => {
      const member = newMember('Rex', 'rex@example.net');
      await changesNothing(member, async () => {
        const before = identifyCalls();
        const callback = `${world.env.PUBLIC_URL}/oauth/discord/callback`;
        const missing = await open(`${callback}?code=abc`);
        expect(missing.status).toBe(400);
        expect(textOf(missing.html)).toContain('This sign-in link is incomplete');

        const real = new URL(await registerLink(member)).searchParams.get('state') ?? '';
        const [payload, mac] = real.split('.');
        const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
        const tampered = Buffer.from(JSON.stringify({ ...claims, m: world.members.admin.discordId })).toString('base64url');
        for (const state of [`${tampered}.${mac}`, 'not-a-state', `${payload}.${'A'.repeat(43)}`]) {
          const forged = await open(`${callback}?code=abc&state=${encodeURIComponent(state)}`);
          expect(forged.status).toBe(400);
          expect(textOf(forged.html)).toContain('This sign-in link is not valid');
        }

        // Signed with the right key, but past its 10 minutes.
        const expired = new StateSigner(CLIENT_SECRET).sign({ nonce: String(claims['n']), guildId: world.guildId, memberDiscordId: member, expiresAt: Date.now() - 1_000 });
        const late = await open(`${callback}?code=abc&state=${encodeURIComponent(expired)}`);
        expect(late.status).toBe(400);
        expect(textOf(late.html)).toContain('This sign-in link has expired');

        const fresh = await registerLink(member);
        world.discord.oauth.setEmail(member, null);
        const location = await consent(fresh, member);
        const first = await open(location);
        expect(textOf(first.html)).toContain('no email address');
        const replay = await open(location);
        expect(replay.status).toBe(409);
        expect(textOf(replay.html)).toContain('This sign-in link was already used');
        // Only the first use reached Valentina.
        expect(identifyCalls()).toBe(before + 1);
      });
    });

    it('changes nothing when the member declines on the consent page', async () => {
      const member = newMember('Dora', 'dora@example.net');
      await changesNothing(member, async () => {
        const before = identifyCalls();
        const location = await consent(await registerLink(member), member, false);
        expect(new URL(location).searchParams.get('error')).toBe('access_denied');
        const page = await open(location);
        expect(textOf(page.html)).toContain('Sign-in cancelled');
        expect(identifyCalls()).toBe(before);
      });
    });

    it('changes nothing when Discord refuses the code', async () => {
      const member = newMember('Cody', 'cody@example.net');
      await changesNothing(member, async () => {
        const before = identifyCalls();
        const location = new URL(await consent(await registerLink(member), member));
        location.searchParams.set('code', 'not-a-code-discord-issued');
        const page = await open(location.toString());
        expect(page.status).toBe(400);
        expect(textOf(page.html)).toContain('Discord did not accept this sign-in');
        expect(world.discord.oauth.requests.some((r) => r.path.endsWith('/oauth2/token') && r.status === 400)).toBe(true);
        expect(identifyCalls()).toBe(before);
      });
    });

    it('changes nothing when Discord cannot be reached for the code exchange', async () => {
      const member = newMember('Ulla', 'ulla@example.net');
      await changesNothing(member, async () => {
        const before = identifyCalls();
        const location = await consent(await registerLink(member), member);
        world.discord.oauth.failTokenEndpoint(503);
        const page = await open(location).finally(() => world.discord.oauth.failTokenEndpoint(null));
        expect(page.status).toBe(502);
        expect(textOf(page.html)).toContain('Discord could not be reached');
        expect(identifyCalls()).toBe(before);
      });
    });

    it('maps EMAIL_REQUIRED, TOKEN_VERIFICATION_FAILED and PROVIDER_UNAVAILABLE to clear pages and changes nothing', async () => {
      const cases: Array<{ email: string | null; fault?: 'rejected' | 'unavailable'; status: number; text: string }> = [
        { email: null, status: 400, text: 'Your Discord account has no email address' },
        { email: 'tom@example.net', fault: 'rejected', status: 400, text: 'Valentina could not verify your sign-in' },
        { email: 'pat@example.net', fault: 'unavailable', status: 503, text: 'Valentina could not reach Discord' },
      ];
      for (const c of cases) {
        const member = newMember(`Case${seq}`, c.email);
        await changesNothing(member, async () => {
          const location = await consent(await registerLink(member), member);
          // Valentina's client retries a 503: the provider stays down for every attempt.
          if (c.fault !== undefined) world.discord.oauth.failVerification(c.fault);
          const page = await open(location).finally(() => world.discord.oauth.failVerification(null));
          expect(page.status).toBe(c.status);
          expect(textOf(page.html)).toContain(c.text);
        });
      }
      const codesSeen = world.valentina.requests.filter((r) => r.path.endsWith('/auth/identify')).map((r) => r.status);
      expect(codesSeen).toEqual(expect.arrayContaining([422, 503]));
    });

    it('links nobody when another Discord account opens the link, and says the account does not match', async () => {
      const member = newMember('Owen', 'owen@example.net');
      const other = newMember('Mallory', 'mallory@example.net');
      await changesNothing(member, async () => {
        const before = identifyCalls();
        const page = await open(await consent(await registerLink(member), other));
        expect(page.status).toBe(403);
        expect(textOf(page.html)).toContain('This Discord account does not match');
        expect(identifyCalls()).toBe(before);
      });
      expect(await world.store.memberLinks.get(world.companyId, other)).toBeNull();
      expect(world.valentina.state.findUserByDiscordId(other)).toBeUndefined();
    });

    it('/link links at once a member Valentina knows by Discord id, and the audit post says it is not the user picked', async () => {
      const pia = world.members.player;
      const h = world.discord.slash('link', { ...as(world.members.admin.discordId), options: { member: pia.discordId, user: world.members.player2.userId ?? '' } });
      const answer = await finalAnswer(h);
      expect(embedText(answer)).toContain('now acts as **Pia Player (pia)**');
      expect(embedText(answer)).toContain('not on **Paul Second (paul)**');
      await world.discord.waitFor(() => world.discord.messages(world.auditChannelId).some((m) => embedText(m).includes(`<@${pia.discordId}>`)));
      const audit = world.discord.messages(world.auditChannelId).find((m) => embedText(m).includes(`<@${pia.discordId}>`));
      expect(embedText(audit)).toContain('not the user the admin picked (**Paul Second (paul)**)');
      expect(world.valentina.state.getUser(world.members.player2.userId ?? '')?.discord_profile.id ?? null).not.toBe(pia.discordId);
    });

    it('/link DMs an unknown member a sign-in link; their verified sign-in decides the user, and the audit says it differs', async () => {
      const member = newMember('Vic', 'vic@example.org');
      const vic = world.valentina.state.addUser(world.companyId, { role: 'PLAYER', name_first: 'Vic', name_last: 'Verified', username: 'vic', email: 'vic@example.org' });
      const picked = world.valentina.state.addUser(world.companyId, { role: 'PLAYER', name_first: 'Wrong', name_last: 'Pick', username: 'wrongpick', email: 'wrong@example.org' });
      // Users added outside the bot show up once the server's 60 s response cache and the bot's user list have turned over.
      world.valentina.flushResponseCache();
      world.bot.deps.directory.invalidateUsers(world.companyId);
      const dmsBefore = world.discord.requests.length;
      const h = world.discord.slash('link', { ...as(world.members.admin.discordId), options: { member, user: picked.id } });
      const answer = await finalAnswer(h);
      expect(embedText(answer)).toContain('I sent them a sign-in link by direct message');
      expect(embedText(answer)).toContain('you picked **Wrong Pick (wrongpick)**');
      expect(await world.store.memberLinks.get(world.companyId, member)).toBeNull();

      const dm = world.discord.requests.slice(dmsBefore).find((r) => r.method === 'POST' && r.route === 'POST /channels/:channel/messages' && JSON.stringify(r.body).includes('Link your Valentina user'));
      expect(dm).toBeDefined();
      const page = await open(await consent(linkButtonUrl(dm?.body as APIMessage), member));
      expect(page.status).toBe(200);
      expect(textOf(page.html)).toContain('Vic Verified');
      expect(await world.store.memberLinks.get(world.companyId, member)).toMatchObject({ userId: vic.id });
      expect(world.valentina.state.getUser(picked.id)?.discord_profile.id ?? null).toBeNull();
      await world.discord.waitFor(() => world.discord.messages(world.auditChannelId).some((m) => embedText(m).includes(`<@${member}>`)));
      const audit = world.discord.messages(world.auditChannelId).find((m) => embedText(m).includes(`<@${member}>`));
      expect(embedText(audit)).toContain(`Asked for with /link by <@${world.members.admin.discordId}>`);
      expect(embedText(audit)).toContain('not the user the admin picked (**Wrong Pick (wrongpick)**)');
    });

    it('/link tells the admin to have the member run /register when their DMs are closed (50007), and links nobody', async () => {
      const member = newMember('Quinn', 'quinn@example.org');
      world.discord.closeDms(member);
      const h = world.discord.slash('link', { ...as(world.members.admin.discordId), options: { member, user: world.members.player2.userId ?? '' } });
      const answer = await finalAnswer(h);
      expect(embedText(answer)).toContain('does not accept direct messages');
      expect(embedText(answer)).toContain('/register');
      expect(world.discord.requests.some((r) => r.errorCode === 50007)).toBe(true);
      expect(await world.store.memberLinks.get(world.companyId, member)).toBeNull();
    });

    it('never lets a code, an access token or the client secret reach a log line, a Discord message or a page', () => {
      const tokens = world.discord.oauth.issuedTokens;
      expect(tokens.length).toBeGreaterThan(3);
      expect(codes.length).toBeGreaterThan(3);
      const secrets = [CLIENT_SECRET, ...tokens, ...codes];
      const logs = world.logs.join('\n');
      const sentToDiscord = JSON.stringify(world.discord.requests.map((r) => r.body));
      const html = pages.map((p) => p.html).join('\n');
      for (const secret of secrets) {
        expect(logs).not.toContain(secret);
        expect(sentToDiscord).not.toContain(secret);
        expect(html).not.toContain(secret);
      }
      expect(logs).toContain('member signed in with Discord');
    });
  });
}

describe('sign in with Discord on a v1 Valentina', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ signIn: true });
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('keeps the registration form: v1 has no verified sign-in', async () => {
    world.discord.addUser({ id: '330000000000000001', username: 'vera', globalName: 'Vera' });
    world.discord.addMember(world.guildId, '330000000000000001', {});
    const response = await world.discord.slash('register', { user: '330000000000000001', guildId: world.guildId, channelId: world.channelId }).response();
    expect(response.type).toBe(9);
  });
});

describe('a v2 Valentina without PUBLIC_URL (sign-in off)', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld({ valentina: { version: 'v2' } });
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('/register and /link say sign-in is not set up, privately, and change nothing', async () => {
    const id = '330000000000000002';
    world.discord.addUser({ id, username: 'wes', globalName: 'Wes' });
    world.discord.addMember(world.guildId, id, {});
    const ctx = { guildId: world.guildId, channelId: world.channelId };
    const register = await finalAnswer(world.discord.slash('register', { ...ctx, user: id }));
    expect((register.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
    expect(embedText(register)).toContain('Sign-in not set up');
    expect(embedText(register)).toContain('PUBLIC_URL');
    const link = await finalAnswer(world.discord.slash('link', { ...ctx, user: world.members.admin.discordId, options: { member: id, user: world.members.player2.userId ?? '' } }));
    expect(embedText(link)).toContain('can only be linked by signing in with Discord');
    expect(await world.store.memberLinks.get(world.companyId, id)).toBeNull();
    expect(world.valentina.requests.some((r) => r.path.endsWith('/auth/identify'))).toBe(false);
  });
});
