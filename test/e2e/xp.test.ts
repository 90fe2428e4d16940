import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIMessage } from 'discord-api-types/v10';
import { APPLICATION_ID, startWorld, worldStores, type World } from './harness.js';
import type { OptionValue } from '../fakes/discord/index.js';
import { customIds, embedText, eventually, finalAnswer, firstFollowup, isPrivate } from './support/replies.js';

const DICEBOT = '300000000000000077';

function idStartingWith(message: APIMessage | undefined, prefix: string): string {
  const id = customIds(message).find((c) => c.startsWith(prefix));
  if (id === undefined) throw new Error(`no ${prefix}… on the message; has ${customIds(message).join(', ')}`);
  return id;
}

function xpOf(world: World, who: keyof World['members']) {
  const xp = world.valentina.state.experience(world.members[who].userId ?? '', world.campaignId);
  return { current: xp?.xp_current ?? 0, total: xp?.xp_total ?? 0, coolPoints: xp?.cool_points ?? 0 };
}

const xpWrites = (world: World, op = 'xp/add') => world.valentina.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/experience/${op}`));

function auditPosts(world: World): APIMessage[] {
  return world.discord.messages(world.auditChannelId);
}

function addBotMember(world: World): void {
  world.discord.addUser({ id: DICEBOT, username: 'dicebot', bot: true });
  world.discord.addMember(world.guildId, DICEBOT, {});
}

function context(world: World) {
  return (who: keyof World['members']) => ({ user: world.members[who].discordId, guildId: world.guildId, channelId: world.channelId });
}

for (const kind of worldStores()) {
  describe.skipIf(kind.skip !== false)(`XP and cool points on ${kind.name}`, () => {
    let world: World;
    let ctx: ReturnType<typeof context>;
    const member = (who: keyof World['members']) => ({ user: world.members[who].discordId });

    beforeAll(async () => {
      world = await startWorld({ store: kind.name });
      ctx = context(world);
      addBotMember(world);
    });
    afterAll(async () => {
      await world?.stop();
    });

    it('awards XP with a public receipt, journals it with the interaction key and audits it once', async () => {
      world.valentina.state.setExperience(world.members.player.userId ?? '', world.campaignId, { xp_current: 10, xp_total: 20, cool_points: 0 });
      const h = world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: member('player'), amount: 5, reason: 'Saved the prince' } });
      expect((await h.response()).latencyMs).toBeLessThan(3_000);
      const receipt = await finalAnswer(h);
      expect(isPrivate(receipt)).toBe(false);
      const text = embedText(receipt);
      expect(text).toContain(`<@${world.members.storyteller.discordId}> awarded **5 XP** to <@${world.members.player.discordId}>`);
      expect(text).toContain('Saved the prince');
      expect(text).toContain('Blood and Smoke');
      expect(text).toContain('**15** XP available · 25 earned · 0 cool points');
      expect(text).toContain('/xp log');
      expect(customIds(receipt)[0]).toMatch(/^xp:undo:1:_:\d+$/);
      expect(xpOf(world, 'player')).toEqual({ current: 15, total: 25, coolPoints: 0 });

      const entry = await world.store.awards.getByKey(`${h.id}:award`);
      expect(entry).toMatchObject({ status: 'APPLIED', kind: 'XP_ADD', amount: 5, actorUserId: world.members.storyteller.userId, targetUserId: world.members.player.userId, campaignId: world.campaignId });
      const writes = xpWrites(world).filter((r) => r.idempotencyKey === `${h.id}:award`);
      expect(writes).toHaveLength(1);
      expect((writes[0]?.body as { requesting_user_id?: string }).requesting_user_id).toBe(world.members.storyteller.userId);
      const audit = await eventually(() => auditPosts(world).filter((m) => embedText(m).includes(`\`#${entry?.id ?? 0}\``)), (l) => l.length > 0);
      expect(audit).toHaveLength(1);
      expect(embedText(audit[0])).toContain('Saved the prince');
    });

    it('offers the campaigns in autocomplete, default marked', async () => {
      const ac = world.discord.autocomplete('xp', { ...ctx('storyteller'), subcommand: 'award', options: { campaign: 'blo' }, focused: 'campaign' });
      const data = (await ac.response()).data as { choices: Array<{ name: string; value: string }> };
      expect(data.choices).toEqual([{ name: 'Blood and Smoke (default)', value: world.campaignId }]);
      const none = world.discord.autocomplete('coolpoints', { ...ctx('unlinked'), subcommand: 'award', options: { campaign: '' }, focused: 'campaign' });
      expect(((await none.response()).data as { choices: unknown[] }).choices).toEqual([]);
    });

    it('refuses players, unlinked invokers and bad targets privately, sending nothing to the API', async () => {
      const before = xpWrites(world).length;
      const cases: Array<[keyof World['members'], Record<string, OptionValue>, RegExp]> = [
        ['player', { member: member('player2'), amount: 3 }, /Only Storyteller and Admin users may award or remove XP on this server\. You are Player/],
        ['unlinked', { member: member('player'), amount: 3 }, /\/register/],
        ['storyteller', { member: member('unlinked'), amount: 3 }, /is not linked to a Valentina user/],
        ['storyteller', { member: member('unapproved'), amount: 3 }, /awaiting approval/],
        ['storyteller', { member: { user: DICEBOT }, amount: 3 }, /is a bot/],
        ['storyteller', { member: member('player'), amount: 101 }, /whole number of XP from 1 to 100/],
        ['storyteller', { member: member('player'), amount: 3, campaign: 'no-such-campaign' }, /not in this company/],
      ];
      for (const [who, options, expected] of cases) {
        const answer = await finalAnswer(world.discord.slash('xp', { ...ctx(who), subcommand: 'award', options }));
        expect(isPrivate(answer)).toBe(true);
        expect(embedText(answer)).toMatch(expected);
      }
      expect(xpWrites(world).length).toBe(before);
    });

    it('points to /setup campaign when there is no campaign at all', async () => {
      await world.bot.deps.guilds.update(world.guildId, { defaultCampaignId: null });
      try {
        const answer = await finalAnswer(world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: member('player'), amount: 1 } }));
        expect(embedText(answer)).toContain('/setup campaign');
        expect(isPrivate(answer)).toBe(true);
      } finally {
        await world.bot.deps.guilds.update(world.guildId, { defaultCampaignId: world.campaignId });
      }
    });

    it('shows the current XP when removing more than the member has', async () => {
      const { current } = xpOf(world, 'player');
      const answer = await finalAnswer(world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'remove', options: { member: member('player'), amount: current + 1 } }));
      expect(isPrivate(answer)).toBe(true);
      expect(embedText(answer)).toContain(`has only **${current} XP** available in **Blood and Smoke**`);
      expect(xpOf(world, 'player').current).toBe(current);

      const ok = await finalAnswer(world.discord.slash('xp', { ...ctx('admin'), subcommand: 'remove', options: { member: member('player'), amount: 2, reason: 'Bought a dot' } }));
      expect(embedText(ok)).toContain(`removed **2 XP** from <@${world.members.player.discordId}>`);
      expect(xpOf(world, 'player').current).toBe(current - 2);
    });

    it('awards one cool point by default, worth ten XP', async () => {
      const before = xpOf(world, 'player2');
      const receipt = await finalAnswer(world.discord.slash('coolpoints', { ...ctx('storyteller'), subcommand: 'award', options: { member: member('player2'), reason: 'Perfect monologue' } }));
      expect(embedText(receipt)).toContain('**1 cool point** (+10 XP)');
      expect(xpOf(world, 'player2')).toEqual({ current: before.current + 10, total: before.total + 10, coolPoints: before.coolPoints + 1 });
    });

    it('awards through the "Award XP" user menu and its modal', async () => {
      const before = xpOf(world, 'player2');
      const menu = world.discord.userContextMenu('Award XP', world.members.player2.discordId, ctx('storyteller'));
      const modal = await menu.response();
      expect(modal.type).toBe(9);
      const customId = (modal.data as { custom_id: string }).custom_id;
      const submit = world.discord.modalSubmit(customId, { amount: '4', reason: 'Clever plan' }, ctx('storyteller'));
      const receipt = await finalAnswer(submit);
      expect(isPrivate(receipt)).toBe(false);
      expect(embedText(receipt)).toContain('Clever plan');
      expect(xpOf(world, 'player2').current).toBe(before.current + 4);

      const bad = world.discord.modalSubmit(customId, { amount: 'lots', reason: '' }, ctx('storyteller'));
      expect(embedText(await finalAnswer(bad))).toContain('whole number of XP from 1 to 100');

      const onBot = world.discord.userContextMenu('Award XP', DICEBOT, ctx('storyteller'));
      expect(JSON.stringify((await onBot.response()).data)).toContain('Bots cannot receive XP');

      // A player hears who may award before filling any form.
      const byPlayer = world.discord.userContextMenu('Award XP', world.members.player2.discordId, ctx('player'));
      const refusal = await byPlayer.response();
      expect(refusal.type).toBe(4);
      expect(JSON.stringify(refusal.data)).toContain('Only Storyteller and Admin users may award or remove XP');
    });

    it('lets the awarder undo once, refuses others, and edits the receipt', async () => {
      const before = xpOf(world, 'player');
      const h = world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: member('player'), amount: 6, reason: 'Oops, wrong member' } });
      const receipt = await finalAnswer(h);
      const undo = idStartingWith(receipt, 'xp:undo:');
      expect(xpOf(world, 'player').current).toBe(before.current + 6);

      const byPlayer = world.discord.button(undo, { ...ctx('player'), message: receipt.id });
      const refusal = await firstFollowup(byPlayer);
      expect(isPrivate(refusal)).toBe(true);
      expect(embedText(refusal)).toContain('Only whoever made it, or an Admin, may undo it');

      const pressed = world.discord.button(undo, { ...ctx('storyteller'), message: receipt.id });
      await pressed.waitFor(() => embedText(world.discord.message(receipt.id)).includes('Undone'));
      const edited = world.discord.message(receipt.id);
      expect(embedText(edited)).toContain('Undone: +6 XP');
      expect(embedText(edited)).toContain(`by <@${world.members.storyteller.discordId}>`);
      expect(customIds(edited)).toEqual([]);
      expect(xpOf(world, 'player').current).toBe(before.current);
      const original = await world.store.awards.getByKey(`${h.id}:award`);
      expect(original?.status).toBe('UNDONE');
      const undoEntry = await world.store.awards.getByKey(`${h.id}:award:undo`);
      expect(undoEntry).toMatchObject({ status: 'APPLIED', kind: 'XP_REMOVE', amount: 6, undoOf: original?.id });

      // A second press on the old message state (e.g. a double click) changes nothing.
      const again = world.discord.button(undo, { ...ctx('storyteller'), message: receipt });
      expect(embedText(await firstFollowup(again))).toContain('already undone');
      expect(xpWrites(world, 'xp/remove').filter((r) => r.idempotencyKey === `${h.id}:award:undo`)).toHaveLength(1);
      expect(xpOf(world, 'player').current).toBe(before.current);
      await eventually(() => auditPosts(world).filter((m) => m.embeds?.[0]?.title === 'Award undone').length, (n) => n === 1);
    });

    it('answers "expired" after ten minutes and removes the Undo button', async () => {
      const created = Date.now() - 11 * 60_000;
      const { entry } = await world.store.awards.insertPending(
        {
          key: `old-${created}:award`,
          guildId: world.guildId,
          companyId: world.companyId,
          campaignId: world.campaignId,
          batchId: null,
          actorUserId: world.members.storyteller.userId ?? '',
          actorDiscordId: world.members.storyteller.discordId,
          targetUserId: world.members.player.userId ?? '',
          targetDiscordId: world.members.player.discordId,
          kind: 'XP_ADD',
          amount: 1,
          reason: null,
          undoOf: null,
        },
        created,
      );
      await world.store.awards.markApplied(entry.key, { xpCurrent: 1, xpTotal: 1, coolPoints: 0 }, created);
      const message = world.discord.addMessage(world.channelId, {
        author: APPLICATION_ID,
        embeds: [{ title: '+1 XP' }],
        components: [{ type: 1, components: [{ type: 2, style: 2, label: 'Undo (10 min)', custom_id: `xp:undo:1:_:${entry.id}` }] }],
      });
      const before = xpWrites(world, 'xp/remove').length;
      const pressed = world.discord.button(`xp:undo:1:_:${entry.id}`, { ...ctx('storyteller'), message: message.id });
      const answer = await firstFollowup(pressed);
      expect(isPrivate(answer)).toBe(true);
      expect(embedText(answer)).toContain('Undo only works for 10 minutes');
      await pressed.waitFor(() => customIds(world.discord.message(message.id)).length === 0);
      expect(xpWrites(world, 'xp/remove').length).toBe(before);
      expect((await world.store.awards.get(entry.id))?.status).toBe('APPLIED');
    });

    it('undoes cool points only after confirming that the points stay', async () => {
      const receipt = await finalAnswer(world.discord.slash('coolpoints', { ...ctx('storyteller'), subcommand: 'award', options: { member: member('player'), amount: 1 } }));
      const before = xpOf(world, 'player');
      const pressed = world.discord.button(idStartingWith(receipt, 'xp:undo:'), { ...ctx('storyteller'), message: receipt.id });
      const confirm = await firstFollowup(pressed);
      expect(isPrivate(confirm)).toBe(true);
      expect(embedText(confirm)).toContain('cannot take cool points back');
      expect(xpOf(world, 'player')).toEqual(before);

      const yes = world.discord.button(idStartingWith(confirm, 'xp:undo-cp:'), { ...ctx('storyteller'), message: confirm.id });
      await yes.waitFor(() => embedText(world.discord.message(receipt.id)).includes('Undone') && embedText(world.discord.message(confirm.id)).includes('Undone'));
      expect(embedText(world.discord.message(receipt.id))).toContain('Only the 10 converted XP was removed; the cool points stay.');
      expect(customIds(world.discord.message(receipt.id))).toEqual([]);
      expect(embedText(world.discord.message(confirm.id))).toContain('Undone');
      expect(xpOf(world, 'player')).toEqual({ current: before.current - 10, total: before.total, coolPoints: before.coolPoints });
    });

    it('runs a scene from the voice channel: preview with problems, confirm, public receipt, audit', async () => {
      for (const who of ['storyteller', 'player', 'player2', 'unapproved', 'unlinked'] as const) world.discord.setVoiceState(world.guildId, world.members[who].discordId, world.voiceChannelId);
      world.discord.setVoiceState(world.guildId, DICEBOT, world.voiceChannelId);
      await eventually(() => world.bot.client.guilds.cache.get(world.guildId)?.voiceStates.cache.size ?? 0, (n) => n >= 6);
      const [p1, p2] = [xpOf(world, 'player'), xpOf(world, 'player2')];

      const h = world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'scene', options: { amount: 3, reason: 'The heist' } });
      const preview = await finalAnswer(h);
      expect(isPrivate(preview)).toBe(true);
      const text = embedText(preview);
      expect(text).toContain('Will award (2)');
      expect(text).toContain(`<@${world.members.unapproved.discordId}> is awaiting approval`);
      expect(text).toContain(`<@${world.members.unlinked.discordId}> is not linked`);
      // Bots and the storyteller are not preselected.
      expect(text).not.toContain(DICEBOT);
      expect(text).not.toContain(`<@${world.members.storyteller.discordId}>`);

      const confirm = world.discord.button(idStartingWith(preview, 'xp:scene-ok:'), { ...ctx('storyteller'), message: preview.id });
      const receipt = await firstFollowup(confirm);
      expect(isPrivate(receipt)).toBe(false);
      const r = embedText(receipt);
      expect(r).toContain('awarded **3 XP** each to 2 members');
      expect(r).toContain(`✅ <@${world.members.player.discordId}>: **${p1.current + 3}** XP available`);
      expect(r).toContain(`✅ <@${world.members.player2.discordId}>: **${p2.current + 3}** XP available`);
      expect(r).toContain('The heist');
      expect(embedText(world.discord.message(preview.id))).toContain('Scene awarded');
      expect(customIds(world.discord.message(preview.id))).toEqual([]);
      expect(xpOf(world, 'player').current).toBe(p1.current + 3);
      expect(xpOf(world, 'player2').current).toBe(p2.current + 3);
      await eventually(() => auditPosts(world).filter((m) => m.embeds?.[0]?.title === 'Scene award').length, (n) => n === 1);
      for (const who of ['storyteller', 'player', 'player2', 'unapproved', 'unlinked'] as const) world.discord.setVoiceState(world.guildId, world.members[who].discordId, null);
      world.discord.setVoiceState(world.guildId, DICEBOT, null);
      await eventually(() => world.bot.client.guilds.cache.get(world.guildId)?.voiceStates.cache.filter((s) => s.channelId !== null).size ?? 0, (n) => n === 0);
    });

    it('previews a picked selection with a bot in it, and cancels cleanly', async () => {
      const h = world.discord.slash('coolpoints', { ...ctx('storyteller'), subcommand: 'scene', options: {} });
      const picker = await finalAnswer(h);
      expect(embedText(picker)).toContain('Pick up to 25 members');
      const pick = idStartingWith(picker, 'xp:scene-pick:');
      const select = world.discord.select(pick, [world.members.player.discordId, DICEBOT, world.members.unlinked.discordId], { ...ctx('storyteller'), kind: 'user', message: picker.id });
      await select.waitFor(() => embedText(world.discord.message(picker.id)).includes('Preview'));
      const preview = world.discord.message(picker.id);
      expect(embedText(preview)).toContain('Will award (1)');
      expect(embedText(preview)).toContain(`<@${DICEBOT}> is a bot`);

      // Another member pressing it hears "not yours".
      const stranger = world.discord.button(idStartingWith(preview, 'xp:scene-ok:'), { ...ctx('admin'), message: picker.id });
      expect(JSON.stringify((await stranger.response()).data)).toContain('someone else');

      const before = xpWrites(world, 'cp/add').length;
      const cancel = world.discord.button(idStartingWith(preview, 'xp:scene-cancel:'), { ...ctx('storyteller'), message: picker.id });
      await cancel.waitFor(() => embedText(world.discord.message(picker.id)).includes('Cancelled'));
      expect(xpWrites(world, 'cp/add').length).toBe(before);
    });

    it('reports partial failures member by member, survives a 429, and retries only the failures', async () => {
      const ids = { player: world.members.player.userId ?? '', player2: world.members.player2.userId ?? '', admin: world.members.admin.userId ?? '' };
      const before = { player: xpOf(world, 'player'), player2: xpOf(world, 'player2'), admin: xpOf(world, 'admin') };
      // player2: a 429 asking for longer than the client waits (a definite "not now": nothing applied);
      // player: one 429 that the client waits out. (A 5xx is no failure: see xp-unconfirmed.test.ts.)
      world.valentina.inject({
        method: 'POST',
        pathIncludes: `/users/${ids.player2}/experience/xp/add`,
        status: 429,
        times: 1,
        body: { status: 429, title: 'Too Many Requests', detail: 'You are being rate limited.', instance: 'x', retry_after: 60 },
      });
      world.valentina.inject({
        method: 'POST',
        pathIncludes: `/users/${ids.player}/experience/xp/add`,
        status: 429,
        times: 1,
        body: { status: 429, title: 'Too Many Requests', detail: 'You are being rate limited.', instance: 'x', retry_after: 0.2 },
      });
      const h = world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'scene', options: { amount: 2 } });
      const picker = await finalAnswer(h);
      const select = world.discord.select(idStartingWith(picker, 'xp:scene-pick:'), [world.members.player.discordId, world.members.player2.discordId, world.members.admin.discordId], {
        ...ctx('storyteller'),
        kind: 'user',
        message: picker.id,
      });
      await select.waitFor(() => embedText(world.discord.message(picker.id)).includes('Will award (3)'));
      const confirm = world.discord.button(idStartingWith(world.discord.message(picker.id), 'xp:scene-ok:'), { ...ctx('storyteller'), message: picker.id });
      const receipt = await firstFollowup(confirm, 20_000);
      const text = embedText(receipt);
      expect(text).toContain('**1 failed**');
      expect(text).toContain(`❌ <@${world.members.player2.discordId}>: The Valentina API is rate limiting the bot`);
      expect(text).toContain(`✅ <@${world.members.player.discordId}>`);
      expect(text).toContain(`✅ <@${world.members.admin.discordId}>`);
      expect(embedText(world.discord.message(picker.id))).toContain('Scene awarded, with failures');
      expect(world.valentina.requests.some((r) => r.status === 429 && r.path.includes(ids.player))).toBe(true);
      expect(xpOf(world, 'player2').current).toBe(before.player2.current);

      const retry = world.discord.button(idStartingWith(receipt, 'xp:scene-retry:'), { ...ctx('storyteller'), message: receipt.id });
      await retry.waitFor(() => !embedText(world.discord.message(receipt.id)).includes('failed'), 20_000);
      const after = world.discord.message(receipt.id);
      expect(embedText(after)).toContain(`✅ <@${world.members.player2.discordId}>`);
      expect(customIds(after).some((c) => c.startsWith('xp:scene-retry:'))).toBe(false);
      for (const who of ['player', 'player2', 'admin'] as const) expect(xpOf(world, who).current).toBe(before[who].current + 2);
      // Each member's key reached the API with success exactly once.
      const batch = h.id;
      for (const id of Object.values(ids)) {
        expect(xpWrites(world).filter((r) => r.idempotencyKey === `${batch}:${id}` && r.status === 201)).toHaveLength(1);
      }
      await eventually(() => auditPosts(world).filter((m) => m.embeds?.[0]?.title === 'Scene award retried').length, (n) => n === 1);
    });

    it('never double-awards on a double click of Confirm, and undoes the scene in one click', async () => {
      const before = { player: xpOf(world, 'player'), player2: xpOf(world, 'player2') };
      world.valentina.setLatency(40);
      try {
        const h = world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'scene', options: { amount: 1 } });
        const picker = await finalAnswer(h);
        const select = world.discord.select(idStartingWith(picker, 'xp:scene-pick:'), [world.members.player.discordId, world.members.player2.discordId], {
          ...ctx('storyteller'),
          kind: 'user',
          message: picker.id,
        });
        await select.waitFor(() => embedText(world.discord.message(picker.id)).includes('Will award (2)'));
        const ok = idStartingWith(world.discord.message(picker.id), 'xp:scene-ok:');
        const first = world.discord.button(ok, { ...ctx('storyteller'), message: picker.id });
        const second = world.discord.button(ok, { ...ctx('storyteller'), message: picker.id });
        const answers = await Promise.all([firstFollowup(first), firstFollowup(second)]);
        const receipts = answers.filter((m) => !isPrivate(m));
        const refusals = answers.filter((m) => isPrivate(m));
        expect(receipts).toHaveLength(1);
        expect(refusals).toHaveLength(1);
        expect(embedText(refusals[0])).toContain('already confirmed');
        expect(xpOf(world, 'player').current).toBe(before.player.current + 1);
        expect(xpOf(world, 'player2').current).toBe(before.player2.current + 1);
        expect(xpWrites(world).filter((r) => r.idempotencyKey?.startsWith(`${h.id}:`))).toHaveLength(2);

        // Undo on the scene receipt reverts every member once.
        const receipt = receipts[0];
        if (receipt === undefined) throw new Error('no receipt');
        const undo = world.discord.button(idStartingWith(receipt, 'xp:undo-scene:'), { ...ctx('storyteller'), message: receipt.id });
        await undo.waitFor(() => embedText(world.discord.message(receipt.id)).includes('Undone: scene'));
        expect(embedText(world.discord.message(receipt.id))).toContain(`↩️ <@${world.members.player.discordId}>: undone`);
        expect(customIds(world.discord.message(receipt.id))).toEqual([]);
        expect(xpOf(world, 'player').current).toBe(before.player.current);
        expect(xpOf(world, 'player2').current).toBe(before.player2.current);
      } finally {
        world.valentina.setLatency(0);
      }
    });

    it('shows XP: players their own only, storytellers anyone', async () => {
      const own = await finalAnswer(world.discord.slash('xp', { ...ctx('player'), subcommand: 'show', options: {} }));
      expect(isPrivate(own)).toBe(true);
      expect(embedText(own)).toContain(`**${xpOf(world, 'player').current}** XP available`);
      expect(embedText(own)).toContain('Blood and Smoke (default)');

      const other = await finalAnswer(world.discord.slash('xp', { ...ctx('player'), subcommand: 'show', options: { member: member('player2') } }));
      expect(embedText(other)).toContain("Players see only their own");

      const byStoryteller = await finalAnswer(world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'show', options: { member: member('player2'), campaign: world.campaignId } }));
      expect(embedText(byStoryteller)).toContain(`**${xpOf(world, 'player2').current}** XP available`);
    });

    it('keeps a ledger: players see their own, storytellers page through everyone', async () => {
      const mine = await finalAnswer(world.discord.slash('xp', { ...ctx('player2'), subcommand: 'log', options: {} }));
      const text = embedText(mine);
      expect(text).toContain('For you');
      expect(text).toContain('Perfect monologue');
      expect(text).not.toContain('Saved the prince');

      const refused = await finalAnswer(world.discord.slash('xp', { ...ctx('player2'), subcommand: 'log', options: { member: member('player') } }));
      expect(embedText(refused)).toContain('Players see only their own');

      const all = await finalAnswer(world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'log', options: {} }));
      expect(embedText(all)).toContain('For everyone in this server');
      expect(embedText(all)).toMatch(/✅ applied/);
      expect(embedText(all)).toMatch(/↩️ undone/);
      expect(embedText(all)).toContain('undo of #');
      const total = (await world.store.awards.listLedger({ guildId: world.guildId, limit: 1, offset: 0 })).total;
      expect(total).toBeGreaterThan(10);
      expect(all.embeds?.[0]?.footer?.text).toContain(`Page 1 of ${Math.ceil(total / 10)}`);
      const next = customIds(all).find((c) => c.startsWith('xp:log:1:') && c.includes(':1:-:-'));
      if (next === undefined) throw new Error('no Next button');
      const pressed = world.discord.button(next, { ...ctx('storyteller'), message: all.id });
      await pressed.waitFor(() => (world.discord.message(all.id)?.embeds?.[0]?.footer?.text ?? '').startsWith('Page 2'));
    });
  });
}

describe('XP policy variants', () => {
  let world: World;
  let ctx: ReturnType<typeof context>;
  const member = (who: keyof World['members']) => ({ user: world.members[who].discordId });
  const award = (who: keyof World['members'], target: keyof World['members']) =>
    finalAnswer(world.discord.slash('xp', { ...ctx(who), subcommand: 'award', options: { member: member(target), amount: 1 } }));

  beforeAll(async () => {
    world = await startWorld({ companySettings: { permission_grant_xp: 'UNRESTRICTED' } });
    ctx = context(world);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('refuses a player under the default even when the company is UNRESTRICTED', async () => {
    const answer = await award('player', 'player2');
    expect(embedText(answer)).toContain('Only Storyteller and Admin users may award or remove XP on this server');
    expect(embedText(await award('player', 'player'))).toContain('Only Storyteller and Admin users');
    expect(xpWrites(world)).toHaveLength(0);
  });

  it('follows the company when told to: UNRESTRICTED, then PLAYER, then STORYTELLER', async () => {
    await finalAnswer(world.discord.slash('setup', { ...ctx('admin'), subcommand: 'xp-policy', options: { policy: 'FOLLOW_COMPANY' } }));

    const unrestricted = await award('player', 'player2');
    expect(isPrivate(unrestricted)).toBe(false);
    expect(embedText(unrestricted)).toContain('awarded **1 XP**');

    world.valentina.state.setCompanySettings(world.companyId, { permission_grant_xp: 'PLAYER' });
    expect(embedText(await award('player', 'player2'))).toContain('a Player may only award themselves');
    expect(isPrivate(await award('player', 'player'))).toBe(false);

    world.valentina.state.setCompanySettings(world.companyId, { permission_grant_xp: 'STORYTELLER' });
    expect(embedText(await award('player', 'player'))).toContain("Only Storyteller and Admin users may, under the company's XP permission");
    expect(isPrivate(await award('storyteller', 'player'))).toBe(false);

    expect(xpOf(world, 'player2').current).toBe(1);
    expect(xpOf(world, 'player').current).toBe(2);
  });
});

describe('awards across a crash and restart', () => {
  let world: World;
  let ctx: ReturnType<typeof context>;

  beforeAll(async () => {
    // The API's slowest answer here is 1.5 s: a re-send waits 2 s after a call that may still run,
    // which is also how long a killed process's lease outlives it; recovery looks every second.
    world = await startWorld({ env: { AWARD_RESEND_GAP_MS: '2000', AWARD_RECOVERY_INTERVAL_MS: '1000' } });
    ctx = context(world);
  });
  afterAll(async () => {
    await world?.stop();
  });

  const pending = (key: string, amount: number, createdAt: number) =>
    world.store.awards.insertPending(
      {
        key,
        guildId: world.guildId,
        companyId: world.companyId,
        campaignId: world.campaignId,
        batchId: null,
        actorUserId: world.members.storyteller.userId ?? '',
        actorDiscordId: world.members.storyteller.discordId,
        targetUserId: world.members.player.userId ?? '',
        targetDiscordId: world.members.player.discordId,
        kind: 'XP_ADD',
        amount,
        reason: 'before the crash',
        undoOf: null,
      },
      createdAt,
    );

  it('finishes a journalled award the crash kept from the API, once; fails one past the window', async () => {
    const before = xpOf(world, 'player').current;
    await pending('crash-before-api:award', 7, Date.now() - 60_000);
    await pending('crash-long-ago:award', 9, Date.now() - 56 * 60_000);
    await world.restart();
    const applied = await eventually(() => world.store.awards.getByKey('crash-before-api:award'), (e) => e?.status === 'APPLIED');
    expect(applied?.result?.xpCurrent).toBe(before + 7);
    const stale = await eventually(() => world.store.awards.getByKey('crash-long-ago:award'), (e) => e?.status === 'FAILED');
    expect(stale?.error).toContain('one-hour window');
    expect(xpOf(world, 'player').current).toBe(before + 7);
    expect(xpWrites(world).filter((r) => r.idempotencyKey === 'crash-before-api:award')).toHaveLength(1);
    expect(xpWrites(world).filter((r) => r.idempotencyKey === 'crash-long-ago:award')).toHaveLength(0);
    await eventually(() => auditPosts(world).map((m) => m.embeds?.[0]?.title), (t) => t.includes('Award finished after a restart') && t.includes('Award not confirmed after a restart'));
  });

  it('applies exactly once when the bot is killed while the API call is in flight', async () => {
    await world.bot.stop('child takes over');
    const child = await world.spawnChild();
    await child.ready;
    const before = xpOf(world, 'player').current;
    // The API takes its time; the bot dies before it hears back, but the API applies the award.
    world.valentina.inject({ method: 'POST', pathIncludes: '/experience/xp/add', delayMs: 1_500 });
    const h = world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: { user: world.members.player.discordId }, amount: 4 } });
    const key = `${h.id}:award`;
    await eventually(() => xpWrites(world).filter((r) => r.idempotencyKey === key).length, (n) => n === 1, 20_000);
    child.process.kill('SIGKILL');
    await child.exited;
    expect((await world.store.awards.getByKey(key))?.status).toBe('PENDING');
    await eventually(() => xpOf(world, 'player').current, (n) => n === before + 4);

    await world.restart();
    const entry = await eventually(() => world.store.awards.getByKey(key), (e) => e?.status === 'APPLIED');
    expect(entry?.result?.xpCurrent).toBe(before + 4);
    // The recovery call carried the same key and was answered from the API's replay: no second award.
    expect(xpWrites(world).filter((r) => r.idempotencyKey === key)).toHaveLength(2);
    expect(xpOf(world, 'player').current).toBe(before + 4);
  });
});

describe('a 25-member scene at 50 ms API latency', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('awards everyone once and reports wall time and API calls', async () => {
    const members = Array.from({ length: 25 }, (_, i) => {
      const discordId = `4000000000000000${String(i).padStart(2, '0')}`;
      const user = world.valentina.state.addUser(world.companyId, { role: 'PLAYER', username: `bench${i}`, discord_id: discordId });
      world.discord.addUser({ id: discordId, username: `bench${i}` });
      world.discord.addMember(world.guildId, discordId, {});
      world.discord.setVoiceState(world.guildId, discordId, world.voiceChannelId);
      return { discordId, userId: user.id };
    });
    world.discord.setVoiceState(world.guildId, world.members.storyteller.discordId, world.voiceChannelId);
    await eventually(() => world.bot.client.guilds.cache.get(world.guildId)?.voiceStates.cache.size ?? 0, (n) => n >= 26);
    world.valentina.setLatency(50);

    const ctx = { user: world.members.storyteller.discordId, guildId: world.guildId, channelId: world.channelId };
    const startedAt = performance.now();
    const requestsAtStart = world.valentina.requests.length;
    const h = world.discord.slash('xp', { ...ctx, subcommand: 'scene', options: { amount: 2, reason: 'Session 12' } });
    const preview = await finalAnswer(h, 30_000);
    const previewMs = performance.now() - startedAt;
    const previewCalls = world.valentina.requests.length - requestsAtStart;
    expect(embedText(preview)).toContain('Will award (25)');

    const confirmAt = performance.now();
    const requestsAtConfirm = world.valentina.requests.length;
    const confirm = world.discord.button(idStartingWith(preview, 'xp:scene-ok:'), { ...ctx, message: preview.id });
    const receipt = await firstFollowup(confirm, 30_000);
    const confirmMs = performance.now() - confirmAt;
    const confirmRequests = world.valentina.requests.slice(requestsAtConfirm);
    const writes = confirmRequests.filter((r) => r.path.endsWith('/experience/xp/add'));

    expect(embedText(receipt)).toContain('to 25 members');
    expect(embedText(receipt)).not.toContain('❌');
    for (const m of members) expect(world.valentina.state.experience(m.userId, world.campaignId)?.xp_current).toBe(2);
    expect(writes).toHaveLength(25);
    expect(new Set(writes.map((r) => r.idempotencyKey)).size).toBe(25);
    console.log(
      `25-member scene at 50 ms API latency: /xp scene → preview ${Math.round(previewMs)} ms with ${previewCalls} API calls; ` +
        `Confirm → public receipt ${Math.round(confirmMs)} ms with ${confirmRequests.length} API calls (${writes.length} xp/add, concurrency 4)`,
    );
  });
});
