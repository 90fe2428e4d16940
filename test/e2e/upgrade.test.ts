/**
 * A group upgrades its Valentina server from the March API (v1) to the current one (v2): the same
 * people, company and campaign come back with new UUIDs (the same Discord ids). The bot keeps its
 * data: links, settings and ledger entries holding v1 ids are re-resolved (members found again by
 * users/lookup, nobody links again) or shown as history, and nothing with a v1 id is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY, discordIdentity, startWorld, type World } from './harness.js';
import { startFakeValentina, type FakeValentina } from '../fakes/valentina/index.js';
import { embedText, finalAnswer, isPrivate } from './support/replies.js';

const OBJECT_ID = /(?<![0-9a-f])[0-9a-f]{24}(?![0-9a-f])/;

describe('upgrading the Valentina server from v1 to v2 keeps the bot data', () => {
  let world: World;
  let v2: FakeValentina;
  const ctx = (who: keyof World['members']) => ({ user: world.members[who].discordId, guildId: world.guildId, channelId: world.channelId });
  const newIds = { company: '', campaign: '', player: '', storyteller: '' };

  beforeAll(async () => {
    world = await startWorld({ generation: 'v1' });
  });
  afterAll(async () => {
    await world?.stop();
    expect(v2?.violations ?? []).toEqual([]);
    await v2?.close();
  });

  it('on v1: links, settings and ledger entries are made', async () => {
    world.valentina.state.setExperience(world.members.player.userId ?? '', world.campaignId, { xp_current: 10, xp_total: 10, cool_points: 0 });
    const receipt = await finalAnswer(world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: { user: world.members.player.discordId }, amount: 5, reason: 'Before the upgrade' } }));
    expect(isPrivate(receipt)).toBe(false);
    expect(await world.store.memberLinks.get(world.companyId, world.members.player.discordId)).toMatchObject({ userId: world.members.player.userId });
    expect((await world.store.guildSettings.get(world.guildId))?.defaultCampaignId).toBe(world.campaignId);
  });

  it('after the upgrade members act at once, /xp log keeps the old entries as history, and no v1 id is sent', async () => {
    // The upgraded server: the same people under new UUIDs, Discord ids in verified profiles.
    v2 = await startFakeValentina({ version: 'v2', apiKey: API_KEY, caches: true });
    const company = v2.state.addCompany({ name: 'Chicago by Night' });
    const campaign = v2.state.addCampaign(company.id, { name: 'Blood and Smoke' });
    for (const key of ['admin', 'storyteller', 'player', 'player2'] as const) {
      const old = world.valentina.state.getUser(world.members[key].userId ?? '');
      if (old === undefined) throw new Error(`no v1 user for ${key}`);
      const user = v2.state.addUser(company.id, {
        role: old.role, name_first: old.name_first, name_last: old.name_last, username: old.username, email: old.email,
        ...discordIdentity('v2', world.members[key].discordId, old.username),
      });
      if (key === 'player' || key === 'storyteller') newIds[key] = user.id;
    }
    v2.state.setExperience(newIds.player, campaign.id, { xp_current: 15, xp_total: 15, cool_points: 0 });
    newIds.company = company.id;
    newIds.campaign = campaign.id;

    // The operator points the bot at the new server and pins the guild to the company's new id.
    world.env.VALENTINA_API_URL = v2.url;
    world.env.VALENTINA_GUILD_COMPANIES = `${world.guildId}=${company.id}`;
    const v1Before = world.valentina.requests.length;
    await world.restart();

    // The player acts at once: found again by lookup, no /link, no /register.
    const show = embedText(await finalAnswer(world.discord.slash('xp', { ...ctx('player'), subcommand: 'show' })));
    expect(show).toContain('**15** XP available');
    expect(await world.store.memberLinks.get(newIds.company, world.members.player.discordId)).toMatchObject({ userId: newIds.player });

    // An award right away: the default campaign was re-resolved to the company's one campaign.
    const receipt = await finalAnswer(world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: { user: world.members.player.discordId }, amount: 2, reason: 'After the upgrade' } }));
    expect(isPrivate(receipt)).toBe(false);
    expect(embedText(receipt)).toContain('Blood and Smoke');
    expect(v2.state.experience(newIds.player, newIds.campaign)?.xp_current).toBe(17);
    expect((await world.store.guildSettings.get(world.guildId))?.defaultCampaignId).toBe(newIds.campaign);

    // The ledger keeps the v1 award as history, next to the new one.
    const log = embedText(await finalAnswer(world.discord.slash('xp', { ...ctx('player'), subcommand: 'log' })));
    expect(log).toContain('Before the upgrade');
    expect(log).toContain('After the upgrade');
    expect(log).toContain('before the server upgrade');
    const everyone = embedText(await finalAnswer(world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'log' })));
    expect(everyone).toContain('Before the upgrade');

    // The old server heard nothing more, and nothing sent to the new one carries a v1 id.
    expect(world.valentina.requests.length).toBe(v1Before);
    const leaks = v2.requests.filter((r) => OBJECT_ID.test(`${r.path} ${JSON.stringify(r.query)} ${JSON.stringify(r.body ?? null)} ${r.onBehalfOf ?? ''}`));
    expect(leaks.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(v2.requests.length).toBeGreaterThan(0);
  });
});
