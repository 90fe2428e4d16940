import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, worldStores, type World } from './harness.js';
import { EPHEMERAL, embedText, finalAnswer } from './support/replies.js';

for (const kind of worldStores()) {
  describe.skipIf(kind.skip !== false)(`bot runtime on ${kind.name}`, () => {
    let world: World;

    beforeAll(async () => {
      world = await startWorld({ store: kind.name });
    });
    afterAll(async () => {
      await world?.stop();
    });

    const ctx = (who: keyof World['members']) => ({ user: world.members[who].discordId, guildId: world.guildId, channelId: world.channelId });

    it('shows a linked player their user, role and XP privately', async () => {
      world.valentina.state.setExperience(world.members.player.userId ?? '', world.campaignId, { xp_current: 12, xp_total: 20, cool_points: 1 });
      const h = world.discord.slash('whoami', ctx('player'));
      const first = await h.response();
      expect(first.latencyMs).toBeLessThan(3_000);
      expect(first.type).toBe(5);
      const answer = await finalAnswer(h);
      expect((answer.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      const text = embedText(answer);
      expect(text).toContain('Pia Player');
      expect(text).toContain('Player');
      expect(text).toContain('Blood and Smoke');
      expect(text).toContain('**12** XP available');
    });

    it('tells an unlinked member to /register, privately', async () => {
      const h = world.discord.slash('whoami', ctx('unlinked'));
      const answer = await finalAnswer(h);
      expect((answer.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      expect(embedText(answer)).toContain('/register');
    });

    it('resolves a warm member without extra API calls', async () => {
      await finalAnswer(world.discord.slash('whoami', ctx('storyteller')));
      const before = world.valentina.requests.length;
      await finalAnswer(world.discord.slash('whoami', ctx('storyteller')));
      const calls = world.valentina.requests.slice(before).map((r) => `${r.method} ${r.path}`);
      // One for the user, one (cached for 60 s elsewhere) at most for campaign names: no user-list walk.
      expect(calls.filter((c) => c.endsWith('/users') || c.includes('/users?'))).toEqual([]);
      expect(calls.length).toBeLessThanOrEqual(2);
    });

    it('registers an unlinked member through a modal, once', async () => {
      const h = world.discord.slash('register', ctx('unlinked'));
      const modal = await h.response();
      expect(modal.type).toBe(9);
      const data = modal.data as { custom_id: string };
      const submit = world.discord.modalSubmit(data.custom_id, { email: 'new@example.com', name_first: 'Nico', name_last: 'Newcomer' }, ctx('unlinked'));
      const answer = await finalAnswer(submit);
      expect(embedText(answer)).toContain('waiting for an admin');
      const created = world.valentina.state.findUserByDiscordId(world.members.unlinked.discordId);
      expect(created?.role).toBe('UNAPPROVED');
      expect(created?.email).toBe('new@example.com');
      expect(created?.name_first).toBe('Nico');

      const again = world.discord.slash('register', ctx('unlinked'));
      const second = await again.response();
      expect(second.type).toBe(4);
      expect(JSON.stringify(second.data)).toContain('already registered');
      const registrations = world.valentina.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/users/register'));
      expect(registrations).toHaveLength(1);
    });

    it('refuses a registration with a bad email and sends nothing', async () => {
      const before = world.valentina.requests.filter((r) => r.path.endsWith('/users/register')).length;
      const h = world.discord.slash('register', ctx('unapproved'));
      const first = await h.response();
      // Una already has an UNAPPROVED user: told so instead of a modal.
      expect(first.type).toBe(4);
      expect(JSON.stringify(first.data)).toContain('already registered');
      const submit = world.discord.modalSubmit('register:submit:1:' + world.members.unapproved.discordId, { email: 'not-an-email', name_first: 'U', name_last: 'W' }, ctx('unapproved'));
      const answer = await finalAnswer(submit);
      const text = embedText(answer);
      expect(text).toContain('Email');
      expect(text).toContain('First name');
      expect(world.valentina.requests.filter((r) => r.path.endsWith('/users/register')).length).toBe(before);
    });

    it('lets an admin link a member to an existing user, with autocomplete', async () => {
      const lee = world.valentina.state.addUser(world.companyId, { role: 'PLAYER', name_first: 'Lee', name_last: 'Linked', username: 'lee', email: 'lee@example.com' });
      const leeDiscord = '300000000000000099';
      world.discord.addUser({ id: leeDiscord, username: 'lee', globalName: 'Lee' });
      world.discord.addMember(world.guildId, leeDiscord, {});

      const ac = world.discord.autocomplete('link', { ...ctx('admin'), options: { member: { user: leeDiscord }, user: 'lee' }, focused: 'user' });
      const choices = (await ac.response()).data as { choices: Array<{ name: string; value: string }> };
      expect(choices.choices.map((c) => c.value)).toContain(lee.id);

      const h = world.discord.slash('link', { ...ctx('admin'), options: { member: { user: leeDiscord }, user: lee.id } });
      const answer = await finalAnswer(h);
      expect(embedText(answer)).toContain('Lee Linked');
      expect(world.valentina.state.getUser(lee.id)?.discord_profile.id).toBe(leeDiscord);
      // The requester the API saw is the admin's own linked user.
      const patch = world.valentina.requests.find((r) => r.method === 'PATCH' && r.path.endsWith(`/users/${lee.id}`));
      expect((patch?.body as { requesting_user_id?: string } | undefined)?.requesting_user_id).toBe(world.members.admin.userId);

      const who = await finalAnswer(world.discord.slash('whoami', { user: leeDiscord, guildId: world.guildId, channelId: world.channelId }));
      expect(embedText(who)).toContain('Lee Linked');
    });

    it('refuses /link to a player and changes nothing', async () => {
      const before = world.valentina.requests.filter((r) => r.method === 'PATCH').length;
      const h = world.discord.slash('link', { ...ctx('player'), options: { member: { user: world.members.player2.discordId }, user: world.members.player.userId ?? '' } });
      const answer = await finalAnswer(h);
      expect(embedText(answer)).toMatch(/Only members linked to an ADMIN/);
      expect(world.valentina.requests.filter((r) => r.method === 'PATCH').length).toBe(before);
    });

    it('shows and changes settings for a linked admin, and refuses others', async () => {
      const show = await finalAnswer(world.discord.slash('setup', { ...ctx('admin'), subcommand: 'show' }));
      const text = embedText(show);
      expect(text).toContain('Chicago by Night');
      expect(text).toContain('Blood and Smoke');
      expect(text).toContain('Storytellers and admins only');

      const policy = await finalAnswer(world.discord.slash('setup', { ...ctx('admin'), subcommand: 'xp-policy', options: { policy: 'FOLLOW_COMPANY', 'max-award': 50 } }));
      expect(embedText(policy)).toContain("Follow the company's");
      const stored = await world.store.guildSettings.get(world.guildId);
      expect(stored?.xpPolicy).toBe('FOLLOW_COMPANY');
      expect(stored?.maxAwardAmount).toBe(50);
      await finalAnswer(world.discord.slash('setup', { ...ctx('admin'), subcommand: 'xp-policy', options: { policy: 'STORYTELLER_ONLY' } }));

      const channels = await finalAnswer(world.discord.slash('setup', { ...ctx('admin'), subcommand: 'channels', options: { 'turn-off': 'audit' } }));
      expect(embedText(channels)).toContain('Audit channel');
      expect((await world.store.guildSettings.get(world.guildId))?.auditChannelId).toBeNull();
      await finalAnswer(world.discord.slash('setup', { ...ctx('admin'), subcommand: 'channels', options: { audit: { channel: world.auditChannelId } } }));
      expect((await world.store.guildSettings.get(world.guildId))?.auditChannelId).toBe(world.auditChannelId);

      const ac = world.discord.autocomplete('setup', { ...ctx('admin'), subcommand: 'campaign', options: { campaign: 'blo' }, focused: 'campaign' });
      const choices = (await ac.response()).data as { choices: Array<{ name: string; value: string }> };
      expect(choices.choices).toEqual([{ name: 'Blood and Smoke', value: world.campaignId }]);

      const refused = await finalAnswer(world.discord.slash('setup', { ...ctx('player'), subcommand: 'xp-policy', options: { policy: 'FOLLOW_COMPANY' } }));
      expect(embedText(refused)).toContain('Manage Server');
      expect((await world.store.guildSettings.get(world.guildId))?.xpPolicy).toBe('STORYTELLER_ONLY');
    });

    it('answers clearly when the API is down', async () => {
      // Every call made as player2 fails from here on; no later test in this world uses player2.
      world.valentina.inject({ status: 503, times: 1_000, pathIncludes: `/users/${world.members.player2.userId ?? ''}` });
      const h = world.discord.slash('whoami', ctx('player2'));
      const first = await h.response();
      expect(first.latencyMs).toBeLessThan(3_000);
      const answer = await finalAnswer(h, 20_000);
      expect(embedText(answer)).toContain('Valentina is having trouble');
    });

    it('acknowledges in time when the API is slower than 3 s, then completes', async () => {
      world.valentina.setLatency(3_500);
      try {
        const h = world.discord.slash('whoami', ctx('admin'));
        const first = await h.response();
        expect(first.latencyMs).toBeLessThan(3_000);
        const answer = await finalAnswer(h, 20_000);
        expect(embedText(answer)).toContain('Ada Admin');
        expect(h.rejections()).toEqual([]);
      } finally {
        world.valentina.setLatency(0);
      }
    });

    it('resumes after the gateway drops and keeps answering', async () => {
      const resumesBefore = world.discord.resumes;
      world.discord.dropGateway();
      await world.discord.waitFor(() => world.discord.resumes > resumesBefore, 15_000);
      const answer = await finalAnswer(world.discord.slash('whoami', ctx('player')));
      expect(embedText(answer)).toContain('Pia Player');
    });

    it('never pings anyone and never leaks secrets in replies or logs', () => {
      const bodies = world.discord.requests.filter((r) => r.method === 'POST' || r.method === 'PATCH').map((r) => JSON.stringify(r.body ?? ''));
      for (const b of bodies) {
        expect(b).not.toContain(world.env.DISCORD_TOKEN);
        expect(b).not.toContain(world.env.VALENTINA_API_KEY);
      }
      const logs = world.logs.join('');
      expect(logs.length).toBeGreaterThan(0);
      expect(logs).not.toContain(world.env.DISCORD_TOKEN);
      expect(logs).not.toContain(world.env.VALENTINA_API_KEY);
      expect(world.valentina.violations).toEqual([]);
    });
  });
}

describe('an unbound server', () => {
  let world: World;
  beforeAll(async () => {
    // The operator allows this server two companies (one the key cannot see), so it must pick.
    world = await startWorld({ bind: false });
    world.env['VALENTINA_GUILD_COMPANIES'] = `${world.guildId}=${world.companyId},${world.guildId}=0123456789abcdef01234567`;
    await world.restart();
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('tells members the server is not set up, and lets a manager bind it', async () => {
    const h = world.discord.slash('whoami', { user: world.members.player.discordId, guildId: world.guildId, channelId: world.channelId });
    const answer = await finalAnswer(h);
    expect(embedText(answer)).toContain('/setup company');

    const ac = world.discord.autocomplete('setup', { user: world.members.admin.discordId, guildId: world.guildId, channelId: world.channelId, subcommand: 'company', options: { company: 'chi' }, focused: 'company' });
    const choices = (await ac.response()).data as { choices: Array<{ name: string; value: string }> };
    expect(choices.choices[0]?.value).toBe(world.companyId);

    const bound = await finalAnswer(
      world.discord.slash('setup', { user: world.members.admin.discordId, guildId: world.guildId, channelId: world.channelId, subcommand: 'company', options: { company: world.companyId } }),
    );
    expect(embedText(bound)).toContain('Chicago by Night');
    const who = await finalAnswer(world.discord.slash('whoami', { user: world.members.player.discordId, guildId: world.guildId, channelId: world.channelId }));
    expect(embedText(who)).toContain('Pia Player');
  });
});
