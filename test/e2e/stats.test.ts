import { loadImage } from '@napi-rs/canvas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIMessage } from 'discord-api-types/v10';
import { STATS_CHART } from '../../src/render/chart/stats-chart.js';
import { MAX_PENDING_CHARTS } from '../../src/render/chart/chart-renderer.js';
import { summarize } from '../../src/domain/statistics.js';
import { CHART_SKIPPED } from '../../commands/stats/routes.js';
import { startWorld, worldGenerations, type World } from './harness.js';
import { embedText, embedsOf, finalAnswer, isPrivate } from './support/replies.js';

for (const kind of worldGenerations()) {
  describe.skipIf(kind.skip !== false)(`/stats, ${kind.label}`, () => {
    let world: World;

    beforeAll(async () => {
      world = await startWorld({ generation: kind.generation, store: kind.name });
      const s = world.valentina.state;
      const pia = world.members.player.userId ?? '';
      const sam = world.members.storyteller.userId ?? '';
      const strength = s.ensureTrait('Strength').id;
      const brawl = s.ensureTrait('Brawl').id;
      const occult = s.ensureTrait('Occult').id;
      const at = { campaign_id: world.campaignId, difficulty: 6 };
      // Pia: 2 criticals, 3 successes, 2 failures, 1 botch.
      for (const dice of [[10, 10, 9], [10, 10, 8], [6, 7, 2], [6, 2, 3], [8, 2, 2], [2, 3, 4], [2, 5, 3], [1, 2, 3]]) {
        s.addDiceRoll(world.companyId, pia, { ...at, player_roll: dice, trait_ids: [strength, brawl] });
      }
      s.addDiceRoll(world.companyId, sam, { ...at, player_roll: [7, 8], trait_ids: [occult] });
    });
    afterAll(async () => {
      expect(world.valentina.violations).toEqual([]);
      await world?.stop();
    });

    const ctx = (who: keyof World['members']) => ({ user: world.members[who].discordId, guildId: world.guildId, channelId: world.channelId });
    const statsCalls = () => world.valentina.requests.filter((r) => r.path.endsWith('/statistics')).length;

    async function chartOf(message: APIMessage): Promise<{ width: number; height: number }> {
      const attachment = message.attachments.find((a) => a.filename === 'roll-stats.png');
      expect(attachment).toBeDefined();
      const bytes = world.discord.attachmentBytes(attachment?.id ?? '');
      expect(bytes).toBeDefined();
      const image = await loadImage(Buffer.from(bytes ?? new Uint8Array()));
      return { width: image.width, height: image.height };
    }

    it('shows a member their own statistics privately, with the chart attached as the embed image', async () => {
      const h = world.discord.slash('stats', { ...ctx('player'), subcommand: 'member', options: { top: 3 } });
      const message = await finalAnswer(h);
      expect(isPrivate(message)).toBe(true);
      const text = embedText(message);
      expect(text).toContain('Roll statistics · pia');
      expect(text).toContain('**8** rolls · average pool **3** · average difficulty **6**');
      expect(text).toContain('Criticals **2** (25%)');
      expect(text).toContain('Successes **3** (37.5%)');
      expect(text).toContain('Failures **2** (25%)');
      expect(text).toContain('Botches **1** (12.5%)');
      expect(text).toContain('1. Strength · 8 rolls\n2. Brawl · 8 rolls');
      expect(embedsOf(message)[0]?.image?.url).toBe('attachment://roll-stats.png');
      expect(await chartOf(message)).toEqual({ width: STATS_CHART.width, height: STATS_CHART.height });
      const sent = world.valentina.requests.filter((r) => r.path.endsWith(`/users/${world.members.player.userId ?? ''}/statistics`));
      expect(sent.at(-1)?.query).toMatchObject({ num_top_traits: '3' });
    });

    it('answers with the numbers and no chart while the chart queue is full, and with the chart again after', async () => {
      const filler = summarize(
        { criticals: 1, successes: 1, failures: 1, botches: 0, total_rolls: 3, average_pool: 3, average_difficulty: 6, top_traits: [], criticals_percentage: 33, success_percentage: 33, failure_percentage: 33, botch_percentage: 0 },
        'Filler',
        'member',
        false,
      );
      // Twice the bound: the queue stays full for as long as the command takes to ask for its chart.
      const queued = Array.from({ length: 2 * MAX_PENDING_CHARTS }, () => world.bot.deps.charts.render(filler));
      const busy = await finalAnswer(world.discord.slash('stats', { ...ctx('player'), subcommand: 'member' }));
      expect(busy.content).toBe(CHART_SKIPPED);
      expect(embedText(busy)).toContain('Criticals **2** (25%)');
      expect(busy.attachments).toEqual([]);
      await Promise.all(queued);
      const free = await finalAnswer(world.discord.slash('stats', { ...ctx('player'), subcommand: 'member' }));
      expect(free.content ?? '').toBe('');
      expect(await chartOf(free)).toEqual({ width: STATS_CHART.width, height: STATS_CHART.height });
    });

    it('posts in the channel when asked to share', async () => {
      const message = await finalAnswer(world.discord.slash('stats', { ...ctx('player'), subcommand: 'member', options: { share: true } }));
      expect(isPrivate(message)).toBe(false);
      expect(message.attachments.map((a) => a.filename)).toEqual(['roll-stats.png']);
    });

    it('gives a member with no rolls a friendly empty state and no chart', async () => {
      const message = await finalAnswer(world.discord.slash('stats', { ...ctx('player'), subcommand: 'member', options: { member: { user: world.members.player2.discordId } } }));
      expect(embedText(message)).toContain('No rolls yet');
      expect(message.attachments).toEqual([]);
    });

    it('lets a player see a storyteller\'s counts but not their top traits', async () => {
      const asPlayer = await finalAnswer(world.discord.slash('stats', { ...ctx('player'), subcommand: 'member', options: { member: { user: world.members.storyteller.discordId } } }));
      expect(embedText(asPlayer)).toContain('Successes **1** (100%)');
      expect(embedText(asPlayer)).not.toContain('Occult');
      const asAdmin = await finalAnswer(world.discord.slash('stats', { ...ctx('admin'), subcommand: 'member', options: { member: { user: world.members.storyteller.discordId } } }));
      expect(embedText(asAdmin)).toContain('1. Occult · 1 roll');
    });

    it('refuses top outside 1–10 privately, before asking the API', async () => {
      const before = statsCalls();
      for (const top of [0, 11]) {
        const message = await finalAnswer(world.discord.slash('stats', { ...ctx('player'), subcommand: 'member', options: { top } }));
        expect(isPrivate(message)).toBe(true);
        expect(embedText(message)).toContain('`top` must be a whole number from 1 to 10');
      }
      expect(statsCalls()).toBe(before);
    });

    it('says when the member asked about is not linked', async () => {
      const message = await finalAnswer(world.discord.slash('stats', { ...ctx('player'), subcommand: 'member', options: { member: { user: world.members.unlinked.discordId } } }));
      expect(isPrivate(message)).toBe(true);
      expect(embedText(message)).toContain('is not linked to a Valentina user');
    });

    it('shows the default campaign\'s statistics, and answers an unknown campaign with did-you-mean', async () => {
      const message = await finalAnswer(world.discord.slash('stats', { ...ctx('storyteller'), subcommand: 'campaign' }));
      expect(embedText(message)).toContain('Campaign rolls · Blood and Smoke');
      expect(embedText(message)).toContain('**9** rolls');
      expect(embedText(message)).toContain('Occult');
      expect((await chartOf(message)).width).toBe(STATS_CHART.width);

      // The campaign's top traits include the storyteller's rolls: a player sees the counts only.
      const asPlayer = await finalAnswer(world.discord.slash('stats', { ...ctx('player'), subcommand: 'campaign' }));
      expect(embedText(asPlayer)).toContain('**9** rolls');
      expect(embedText(asPlayer)).toContain('Hidden');
      expect(embedText(asPlayer)).not.toContain('Occult');
      expect(embedText(asPlayer)).not.toContain('Strength');

      const ac = world.discord.autocomplete('stats', { ...ctx('player'), subcommand: 'campaign', options: { campaign: 'blo' }, focused: 'campaign' });
      const { choices } = (await ac.response()).data as { choices: Array<{ name: string; value: string }> };
      expect(choices).toEqual([{ name: 'Blood and Smoke', value: world.campaignId }]);

      const unknown = await finalAnswer(world.discord.slash('stats', { ...ctx('player'), subcommand: 'campaign', options: { campaign: 'Blood and Smok' } }));
      expect(isPrivate(unknown)).toBe(true);
      expect(embedText(unknown)).toContain('Did you mean **Blood and Smoke**?');
    });

    it('answers the "Roll statistics" user menu privately with the chart', async () => {
      const message = await finalAnswer(world.discord.userContextMenu('Roll statistics', world.members.player.discordId, ctx('storyteller')));
      expect(isPrivate(message)).toBe(true);
      expect(embedText(message)).toContain('Roll statistics · pia');
      expect((await chartOf(message)).height).toBe(STATS_CHART.height);
    });
  });
}
