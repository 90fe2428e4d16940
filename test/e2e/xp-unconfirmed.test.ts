/**
 * Awards Valentina does not confirm: a timeout after the API applied it, a 5xx, a reset socket.
 * The storyteller hears "not confirmed yet, the bot keeps trying"; the bot settles the award with
 * the same idempotency key in the background; the award lands once, with one receipt and one audit
 * post. Another award succeeding for the company tells the bot the API is back, so these tests
 * need no 15-second wait.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestsWithKey, startWorld, worldGenerations, type World } from './harness.js';
import { customIds, embedText, eventually, finalAnswer, firstFollowup, isPrivate } from './support/replies.js';

for (const kind of worldGenerations()) {
  describe.skipIf(kind.skip !== false)(`awards Valentina does not confirm, ${kind.label}`, () => {
    let world: World;
    const ctx = (who: keyof World['members']) => ({ user: world.members[who].discordId, guildId: world.guildId, channelId: world.channelId });
    const member = (who: keyof World['members']) => ({ user: world.members[who].discordId });
    const xpOf = (who: keyof World['members']) => world.valentina.state.experience(world.members[who].userId ?? '', world.campaignId)?.xp_current ?? 0;
    const xpAddPath = (who: keyof World['members']) => `/users/${world.members[who].userId ?? ''}/experience/xp/add`;
    const writesWithKey = (key: string) => requestsWithKey(world, key).filter((r) => r.method === 'POST');
    /** Posts (not interaction answers) that mention journal entry `#id`. */
    const postsAbout = (channelId: string, id: number) => world.discord.messages(channelId).filter((m) => embedText(m).includes(`#${id}`));
    const lateReceipts = (id: number) => world.discord.messages(world.channelId).filter((m) => embedText(m).includes('confirmed this after a delay') && customIds(m).includes(`xp:undo:1:_:${id}`));

    /** Another award for the company that Valentina answers: the signal that the API is back. */
    async function awardThatSucceeds(who: keyof World['members']): Promise<void> {
      const receipt = await finalAnswer(world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: member(who), amount: 1 } }));
      expect(isPrivate(receipt)).toBe(false);
    }

    /** Awards `amount` and expects the private "not confirmed yet" answer; returns the journal entry id. */
    async function awardUnconfirmed(who: keyof World['members'], amount: number): Promise<{ key: string; id: number }> {
      const h = world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: member(who), amount, reason: 'Held the line' } });
      const answer = await finalAnswer(h);
      expect(isPrivate(answer)).toBe(true);
      const text = embedText(answer);
      expect(text).toContain('Not confirmed yet');
      expect(text).toContain('keeps trying with the same request, so it can only be applied once');
      expect(text).toContain('do not award it again');
      expect(text).not.toMatch(/retry in a minute/i);
      // No public receipt for an award that is not confirmed: the command was deferred privately.
      expect([h.original(), ...h.followups()].every((m) => m === undefined || isPrivate(m))).toBe(true);
      const key = `${h.id}:award`;
      const entry = await world.store.awards.getByKey(key);
      expect(entry?.status).toBe('PENDING');
      return { key, id: entry?.id ?? 0 };
    }

    const CONFIRMED = 'Award confirmed by Valentina after a delay';

    async function expectSettledOnce(who: keyof World['members'], award: { key: string; id: number }, xpBefore: number, amount: number): Promise<void> {
      const entry = await eventually(() => world.store.awards.getByKey(award.key), (e) => e?.status === 'APPLIED');
      expect(entry?.result?.xpCurrent).toBe(xpBefore + amount);
      expect(xpOf(who)).toBe(xpBefore + amount);
      const receipts = await eventually(() => lateReceipts(award.id), (l) => l.length > 0);
      const confirmations = () => postsAbout(world.auditChannelId, award.id).filter((m) => m.embeds?.[0]?.title === CONFIRMED);
      await eventually(confirmations, (l) => l.length > 0);
      // Give a duplicate a moment to show up before counting.
      await new Promise((r) => setTimeout(r, 300));
      expect(lateReceipts(award.id)).toHaveLength(1);
      expect(confirmations()).toHaveLength(1);
      expect(embedText(receipts[0])).toContain(`awarded **${amount} XP** to <@${world.members[who].discordId}>`);
      // Every attempt carried the one key the journal holds (the same on the wire each time).
      expect(new Set(writesWithKey(award.key).map((r) => r.idempotencyKey)).size).toBe(1);
    }

    beforeAll(async () => {
      // A short client timeout, so the fake's delayed answer arrives after the bot gave up; a resend
      // gap longer than the fake's slowest answer (1 s), so a re-send never overlaps the first call.
      world = await startWorld({ generation: kind.generation, store: kind.name, env: { API_TIMEOUT_MS: '400', AWARD_RESEND_GAP_MS: '1500' } });
    });
    afterAll(async () => {
      await world?.stop();
    });

    it('a timeout after Valentina applied it: "not confirmed yet", then applied once with one receipt and one audit post', async () => {
      const before = xpOf('player');
      // The one attempt is answered too late, but the API applies it; the client does not re-send it.
      world.valentina.inject({ method: 'POST', pathIncludes: xpAddPath('player'), delayMs: 1_000, times: 1 });
      const award = await awardUnconfirmed('player', 5);
      await eventually(() => xpOf('player'), (n) => n === before + 5);
      expect(postsAbout(world.auditChannelId, award.id)).toHaveLength(0);

      await awardThatSucceeds('player2');
      await expectSettledOnce('player', award, before, 5);
      expect(postsAbout(world.auditChannelId, award.id)).toHaveLength(1);
      // Sent once by the interaction; the background call carried the same key and was answered
      // from the API's replay, not before the resend gap (1.5 s from the bot's send; arrival times
      // at the fake are a few ms later than sends).
      const writes = writesWithKey(award.key);
      expect(writes).toHaveLength(2);
      expect((writes[1]?.at ?? 0) - (writes[0]?.at ?? 0)).toBeGreaterThanOrEqual(1_400);
    });

    it('a 503 on every attempt: nothing applied yet, then applied once with the same key', async () => {
      const before = xpOf('player2');
      world.valentina.inject({ method: 'POST', pathIncludes: xpAddPath('player2'), status: 503, times: 3 });
      const award = await awardUnconfirmed('player2', 4);
      expect(xpOf('player2')).toBe(before);

      await awardThatSucceeds('admin');
      await expectSettledOnce('player2', award, before, 4);
      expect(postsAbout(world.auditChannelId, award.id)).toHaveLength(1);
      expect(writesWithKey(award.key).filter((r) => r.status === 201)).toHaveLength(1);
    });

    it('a scene with a reset socket shows the member as waiting, offers no retry for them, and settles them once', async () => {
      const before = { player: xpOf('player'), player2: xpOf('player2') };
      world.valentina.inject({ method: 'POST', pathIncludes: xpAddPath('player2'), reset: true, times: 1 });
      const h = world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'scene', options: { amount: 2 } });
      const picker = await finalAnswer(h);
      const pick = customIds(picker).find((c) => c.startsWith('xp:scene-pick:')) ?? '';
      const select = world.discord.select(pick, [world.members.player.discordId, world.members.player2.discordId], { ...ctx('storyteller'), kind: 'user', message: picker.id });
      await select.waitFor(() => embedText(world.discord.message(picker.id)).includes('Will award (2)'));
      const ok = customIds(world.discord.message(picker.id)).find((c) => c.startsWith('xp:scene-ok:')) ?? '';
      const confirm = world.discord.button(ok, { ...ctx('storyteller'), message: picker.id });
      const receipt = await firstFollowup(confirm);
      const text = embedText(receipt);
      expect(text).toContain(`⏳ <@${world.members.player2.discordId}>: waiting for Valentina`);
      expect(text).toContain(`✅ <@${world.members.player.discordId}>`);
      expect(text).toContain('**1 waiting for Valentina**');
      expect(text).not.toContain('❌');
      expect(customIds(receipt).some((c) => c.startsWith('xp:scene-retry:'))).toBe(false);
      expect(embedText(world.discord.message(picker.id))).toContain('some not confirmed yet');
      const key = `${h.id}:${world.members.player2.userId ?? ''}`;
      const waiting = await world.store.awards.getByKey(key);
      expect(waiting?.status).toBe('PENDING');

      await awardThatSucceeds('admin');
      await expectSettledOnce('player2', { key, id: waiting?.id ?? 0 }, before.player2, 2);
      expect(xpOf('player')).toBe(before.player + 2);
      // The scene's audit post listed the member as waiting; the confirmation is the one other post.
      const about = postsAbout(world.auditChannelId, waiting?.id ?? 0);
      expect(about.map((m) => m.embeds?.[0]?.title)).toEqual(['Scene award', CONFIRMED]);
      expect(embedText(about[0])).toContain('waiting for Valentina to confirm');
    });

    it('a single award rate limited past the client\'s patience offers Retry, which applies it once with the same key', async () => {
      const before = xpOf('player');
      world.valentina.inject({
        method: 'POST',
        pathIncludes: xpAddPath('player'),
        status: 429,
        body: { status: 429, title: 'Too Many Requests', detail: 'You are being rate limited.', instance: 'x', retry_after: 60 },
      });
      const h = world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: member('player'), amount: 3 } });
      const refusal = await finalAnswer(h);
      expect(isPrivate(refusal)).toBe(true);
      expect(embedText(refusal)).toContain('rate limiting');
      expect(embedText(refusal)).toContain('Nothing was applied');
      const retryId = customIds(refusal).find((c) => c.startsWith('xp:retry:1:'));
      expect(retryId).toMatch(new RegExp(`^xp:retry:1:${world.members.storyteller.discordId}:\\d+$`));
      const key = `${h.id}:award`;
      expect((await world.store.awards.getByKey(key))?.status).toBe('FAILED');
      expect(xpOf('player')).toBe(before);

      // Only the awarder may press it.
      const stranger = world.discord.button(retryId ?? '', { ...ctx('admin'), message: refusal.id });
      expect(embedText(await finalAnswer(stranger))).toMatch(/not yours|isn't yours|belongs/i);
      expect(xpOf('player')).toBe(before);

      const retry = world.discord.button(retryId ?? '', { ...ctx('storyteller'), message: refusal.id });
      const receipt = await firstFollowup(retry);
      expect(isPrivate(receipt)).toBe(false);
      expect(embedText(receipt)).toContain(`awarded **3 XP** to <@${world.members.player.discordId}>`);
      await eventually(() => embedText(world.discord.message(refusal.id)), (t) => t.includes('Applied'));
      expect(customIds(world.discord.message(refusal.id))).toEqual([]);
      expect((await world.store.awards.getByKey(key))?.status).toBe('APPLIED');
      expect(xpOf('player')).toBe(before + 3);
      expect(writesWithKey(key).map((r) => r.status)).toEqual([429, 201]);
    });
  });
}
