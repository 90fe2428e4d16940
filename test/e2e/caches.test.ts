/**
 * The real server's caches (CONTRACT §1.10, CONTRACT-v2 §1.10), on in every e2e world: GET answers
 * kept 60 s per API key (and per On-Behalf-Of on v2), flushed by that key's audited writes, and
 * on v1 the sliding 60 s guard cache that can keep a just-approved user refused. The bot's
 * answers stay right under them: an award followed at once by /xp show, and an approval
 * followed at once by the new member's first commands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, startWorld, worldGenerations, type World } from './harness.js';
import { customId, embedText, finalAnswer, isPrivate } from './support/replies.js';

for (const kind of worldGenerations({ v2Stores: ['sqlite'] })) {
  describe.skipIf(kind.skip !== false)(`answers under the server's caches, ${kind.label}`, () => {
    let world: World;
    const ctx = (who: keyof World['members']) => ({ user: world.members[who].discordId, guildId: world.guildId, channelId: world.channelId });

    beforeAll(async () => {
      world = await startWorld({ generation: kind.generation, store: kind.name });
      world.valentina.state.setExperience(world.members.player.userId ?? '', world.campaignId, { xp_current: 10, xp_total: 10, cool_points: 0 });
    });
    afterAll(async () => {
      expect(world.valentina.violations).toEqual([]);
      await world?.stop();
    });

    it('an award followed at once by /xp show shows the new balance, though the old one was cached', async () => {
      const show = async () => embedText(await finalAnswer(world.discord.slash('xp', { ...ctx('player'), subcommand: 'show' })));
      expect(await show()).toContain('**10** XP available');
      // The same read again is answered from the server's cache: the caches are really on.
      const before = world.valentina.requests.length;
      expect(await show()).toContain('**10** XP available');
      expect(world.valentina.requests.slice(before).some((r) => r.cached === true)).toBe(true);

      const receipt = await finalAnswer(world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: { user: world.members.player.discordId }, amount: 5 } }));
      expect(isPrivate(receipt)).toBe(false);
      expect(await show()).toContain('**15** XP available');
      // The storyteller's view of the player right after, too.
      const theirs = embedText(await finalAnswer(world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'show', options: { member: { user: world.members.player.discordId } } })));
      expect(theirs).toContain('**15** XP available');
    });

    it("an approval followed at once by the new member's first commands never gets a wrong answer", async () => {
      const una = world.members.unapproved;
      // The member looks at Valentina's own web app while waiting: its traffic puts their pending
      // role into v1's guard cache (another client's request through the same server).
      const heat = await fetch(`${world.valentina.url}/api/v1/companies/${world.companyId}/users/${una.userId ?? ''}/notes`, { headers: { 'X-API-KEY': API_KEY } });
      // v1's guard refuses a pending path user (and remembers the role); v2 has no such guard.
      expect(heat.status).toBe(kind.generation === 'v1' ? 403 : 200);

      const list = await finalAnswer(world.discord.slash('approvals', { ...ctx('admin'), subcommand: 'list' }));
      expect(embedText(list)).toContain('una');
      world.discord.button(customId(list, 'Approve as Player'), { user: world.members.admin.discordId, message: list.id });
      await world.discord.waitFor(() => embedText(world.discord.message(list.id)).includes('Approved'));
      expect(world.valentina.state.getUser(una.userId ?? '')?.role).toBe('PLAYER');

      // At once: who they are is right on both generations (the approval flushed the bot's reads).
      const who = embedText(await finalAnswer(world.discord.slash('whoami', ctx('unapproved'))));
      expect(who).toContain('**Player**');

      // A roll needs the server's role guard: v2 checks the database every time; v1's guard may
      // still hold the pending role, and the member is told so honestly (never "not approved",
      // never "re-link"), with nothing applied.
      const rollsBefore = world.valentina.state.listDiceRolls({ userId: una.userId ?? '' }).length;
      const roll = await finalAnswer(world.discord.slash('roll', { ...ctx('unapproved'), subcommand: 'dice', options: { pool: 3 } }));
      const text = `${roll.content ?? ''}\n${embedText(roll)}`;
      expect(text).not.toMatch(/awaiting approval|waiting for an admin|re-link/i);
      if (kind.generation === 'v1') {
        expect(isPrivate(roll)).toBe(true);
        expect(text).toContain('Right after an approval or a role change it can keep using the old role for up to a minute');
        expect(text).toContain('Nothing was changed');
        expect(world.valentina.state.listDiceRolls({ userId: una.userId ?? '' })).toHaveLength(rollsBefore);
      } else {
        expect(isPrivate(roll)).toBe(false);
        expect(text).toContain('rolled 3 dice');
        expect(world.valentina.state.listDiceRolls({ userId: una.userId ?? '' })).toHaveLength(rollsBefore + 1);
      }
    });
  });
}
