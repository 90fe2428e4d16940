import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './harness.js';
import { embedText, eventually, finalAnswer, isPrivate } from './support/replies.js';
import { COLORS } from '../../src/render/theme.js';
import { readBotVersion } from '../../src/version.js';

describe('/setup status', () => {
  let world: World;
  const status = async (discordId: string) => {
    const h = world.discord.slash('setup', { user: discordId, guildId: world.guildId, channelId: world.channelId, subcommand: 'status' });
    expect((await h.response()).latencyMs).toBeLessThan(3_000);
    return finalAnswer(h);
  };

  beforeAll(async () => {
    world = await startWorld();
    // Start-up recovery runs once the gateway is READY; wait for its report.
    await eventually(() => world.bot.deps.status?.lastRecovery, (r) => r !== undefined, 10_000);
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('shows a server manager the whole state in one private embed', async () => {
    const answer = await status(world.members.admin.discordId);
    expect(isPrivate(answer)).toBe(true);
    expect(answer.embeds).toHaveLength(1);
    expect(answer.embeds?.[0]?.color).toBe(COLORS.success);
    const text = embedText(answer);
    expect(text).toContain(`Version **${readBotVersion()}** · up `);
    expect(text).toMatch(/🟢 \*\*Online\*\* · server 0\.8\.0\nhealth call \d+ ms/);
    expect(text).toContain('Awards pending settlement None');
    expect(text).toContain('Store SQLite');
    expect(text).toMatch(/Last award recovery <t:\d+:R>: nothing was left pending\./);
    expect(text).toMatch(/Gateway Shard 0: READY/);
    expect(text).not.toContain(world.env.DATABASE_URL ?? 'no-url');
  });

  it('counts awards pending settlement and shows a degraded Valentina', async () => {
    await world.store.awards.insertPending(
      { key: 'status-pending', guildId: '999999999999999998', companyId: world.companyId, campaignId: world.campaignId, batchId: null, actorUserId: 'x', actorDiscordId: 'x', targetUserId: 'y', targetDiscordId: null, kind: 'XP_ADD', amount: 1, reason: null, undoOf: null },
      Date.now(),
      // Leased, so no recovery settles it while the test reads the count.
      { owner: 'status-test', until: Date.now() + 3_600_000 },
    );
    world.valentina.state.setHealth({ database_status: 'offline' });
    try {
      const answer = await status(world.members.admin.discordId);
      const text = embedText(answer);
      expect(answer.embeds?.[0]?.color).toBe(COLORS.warning);
      expect(text).toContain('🟠 **Degraded** · server 0.8.0\nDatabase offline, cache online');
      expect(text).toContain('Awards pending settlement **1** (the bot keeps settling them)');
      // After some traffic the recent median appears too.
      expect(text).toMatch(/recent median \d+ ms/);
    } finally {
      world.valentina.state.setHealth({ database_status: 'online' });
    }
  });

  it('lets a linked ADMIN without Manage Server read it, and refuses storytellers and players', async () => {
    const discordId = '300000000000000042';
    world.valentina.state.addUser(world.companyId, { role: 'ADMIN', name_first: 'Otto', name_last: 'Other', username: 'otto', email: 'otto@example.com', discord_id: discordId });
    world.discord.addUser({ id: discordId, username: 'otto', globalName: 'otto' });
    world.discord.addMember(world.guildId, discordId, { permissions: '2150747136' });
    expect(embedText(await status(discordId))).toContain('Valentina bot status');

    for (const who of [world.members.storyteller, world.members.player, world.members.unlinked]) {
      const refused = await status(who.discordId);
      expect(isPrivate(refused)).toBe(true);
      expect(refused.embeds?.[0]?.color).toBe(COLORS.error);
      expect(embedText(refused)).toContain("You may not see the bot's status");
    }
  });
});
