/**
 * One member, one user: /link takes the member's Discord id off their previous user, and a
 * rebuild that finds one id on two approved users links neither and tells the admins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, worldStores, type World } from './harness.js';
import { EPHEMERAL, embedText, eventually, finalAnswer } from './support/replies.js';
import type { InteractionHandle } from '../fakes/discord/index.js';

for (const kind of worldStores()) {
  describe.skipIf(kind.skip !== false)(`member identity on ${kind.name}`, () => {
    let world: World;

    beforeAll(async () => {
      // A short client timeout, so a slow Valentina answers after the bot gave up.
      world = await startWorld({ store: kind.name, env: { API_TIMEOUT_MS: '1500' } });
    });
    afterAll(async () => {
      await world?.stop();
    });

    const as = (discordId: string) => ({ user: discordId, guildId: world.guildId, channelId: world.channelId });
    const admin = () => world.members.admin.discordId;
    function addMember(discordId: string, name: string): void {
      world.discord.addUser({ id: discordId, username: name, globalName: name });
      world.discord.addMember(world.guildId, discordId, {});
    }
    const auditPostsAbout = (discordId: string) =>
      world.discord.messages(world.auditChannelId).filter((m) => embedText(m).includes(`<@${discordId}>`) && embedText(m).includes('several Valentina users'));

    it('/link takes the Discord id off the previous user, so a rebuild cannot bring the old role back', async () => {
      const memberId = '320000000000000001';
      addMember(memberId, 'demoted');
      const state = world.valentina.state;
      const oldAdmin = state.addUser(world.companyId, { role: 'ADMIN', name_first: 'Old', name_last: 'Admin', username: 'oldadmin', discord_id: memberId });
      const player = state.addUser(world.companyId, { role: 'PLAYER', name_first: 'New', name_last: 'Player', username: 'newplayer' });
      await world.bot.deps.identity.invalidateCompany(world.companyId);
      world.bot.deps.directory.invalidateUsers(world.companyId);

      const answer = await finalAnswer(world.discord.slash('link', { ...as(admin()), options: { member: { user: memberId }, user: player.id } }));
      expect(embedText(answer)).toContain('now acts as **New Player (newplayer)** (Player)');
      expect(embedText(answer)).toContain('taken off the user they were linked to before');
      expect(state.getUser(oldAdmin.id)?.discord_profile.id ?? null).toBeNull();
      expect(state.getUser(player.id)?.discord_profile.id).toBe(memberId);

      // Any unknown member triggers a rebuild of the company's links; the member stays a player.
      await world.bot.deps.identity.invalidateCompany(world.companyId);
      const who = await finalAnswer(world.discord.slash('whoami', as(memberId)));
      expect(embedText(who)).toContain('Player');
      expect(embedText(who)).not.toContain('Admin');
    });

    it('one Discord id on two approved users: linked to neither, the member is told why, the admins hear once; /link fixes it', async () => {
      const memberId = '320000000000000002';
      addMember(memberId, 'twice');
      const state = world.valentina.state;
      const first = state.addUser(world.companyId, { role: 'ADMIN', name_first: 'First', name_last: 'Copy', username: 'firstcopy', discord_id: memberId });
      const second = state.addUser(world.companyId, { role: 'PLAYER', name_first: 'Second', name_last: 'Copy', username: 'secondcopy', discord_id: memberId });
      await world.bot.deps.identity.invalidateCompany(world.companyId);
      world.bot.deps.directory.invalidateUsers(world.companyId);

      const refused = await finalAnswer(world.discord.slash('whoami', as(memberId)));
      expect((refused.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      expect(embedText(refused)).toContain('Your Discord account is on two Valentina users');
      expect(embedText(refused)).toContain('An admin must fix it');
      expect(embedText(refused)).not.toContain('/register` to ask');
      // /register does not offer a third user.
      const register = await world.discord.slash('register', as(memberId)).response();
      expect(JSON.stringify(register.data)).toContain('two Valentina users');

      const posts = await eventually(() => auditPostsAbout(memberId), (l) => l.length > 0);
      expect(embedText(posts[0])).toContain('First Copy (firstcopy)');
      expect(embedText(posts[0])).toContain('Second Copy (secondcopy)');
      // Another rebuild finds the same conflict: no second post.
      await world.bot.deps.identity.invalidateCompany(world.companyId);
      await finalAnswer(world.discord.slash('whoami', as(memberId)));
      await new Promise((r) => setTimeout(r, 300));
      expect(auditPostsAbout(memberId)).toHaveLength(1);

      const fixed = await finalAnswer(world.discord.slash('link', { ...as(admin()), options: { member: { user: memberId }, user: second.id } }));
      expect(embedText(fixed)).toContain('now acts as **Second Copy (secondcopy)** (Player)');
      expect(state.getUser(first.id)?.discord_profile.id ?? null).toBeNull();
      const who = await finalAnswer(world.discord.slash('whoami', as(memberId)));
      expect(embedText(who)).toContain('Second');
    });

    async function registerThrough(discordId: string, email: string): Promise<InteractionHandle> {
      const modal = await world.discord.slash('register', as(discordId)).response();
      expect(modal.type).toBe(9);
      return world.discord.modalSubmit((modal.data as { custom_id: string }).custom_id, { email, name_first: 'Slow', name_last: 'Server' }, as(discordId));
    }
    const registrations = () => world.valentina.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/users/register'));

    it('a registration Valentina applied but answered too late is read back after a safe wait: registered once, one card', { timeout: 60_000 }, async () => {
      const memberId = '320000000000000003';
      addMember(memberId, 'slowreg');
      const before = registrations().length;
      world.valentina.inject({ method: 'POST', pathIncludes: '/users/register', delayMs: 2_500 });
      const submit = await registerThrough(memberId, 'slow.reg@example.com');
      const answer = await finalAnswer(submit, 40_000);
      expect(embedText(answer)).toContain('Registration sent');
      expect(registrations().length - before).toBe(1);
      expect(world.valentina.state.listUsers(world.companyId).filter((u) => u.discord_profile.id === memberId)).toHaveLength(1);
      await eventually(() => world.discord.messages(world.approvalsChannelId).filter((m) => embedText(m).includes(`<@${memberId}>`)), (l) => l.length === 1);
    });

    it('a registration that did not land says so, and a new /register works', { timeout: 60_000 }, async () => {
      const memberId = '320000000000000004';
      addMember(memberId, 'lostreg');
      // Every attempt answers 503: nothing is applied, but the bot cannot know that without asking.
      world.valentina.inject({ method: 'POST', pathIncludes: '/users/register', status: 503, times: 3 });
      const answer = await finalAnswer(await registerThrough(memberId, 'lost.reg@example.com'), 40_000);
      expect(embedText(answer)).toContain('was **not** applied');
      expect(world.valentina.state.findUserByDiscordId(memberId)).toBeUndefined();
      const again = await finalAnswer(await registerThrough(memberId, 'lost.reg@example.com'));
      expect(embedText(again)).toContain('Registration sent');
      expect(world.valentina.state.findUserByDiscordId(memberId)?.role).toBe('UNAPPROVED');
    });
  });
}
