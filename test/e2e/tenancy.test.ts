/**
 * Tenant isolation (issue 9 §4): a server uses only the company the operator allows it. A
 * stranger who invites the bot to their own server can neither list nor bind a company the API
 * key happens to reach, nor claim its first admin; and after a rebind, the old company's awards
 * cannot be undone or retried from the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './harness.js';
import { customIds, embedText, finalAnswer, firstFollowup, isPrivate } from './support/replies.js';

const STRANGER = '390000000000000001';

describe('a server the operator did not allow', () => {
  let world: World;
  let strangerGuild: string;
  let strangerChannel: string;
  const at = () => ({ user: STRANGER, guildId: strangerGuild, channelId: strangerChannel });

  beforeAll(async () => {
    world = await startWorld();
    // A stranger adds the bot to a server of their own, where they may manage everything.
    world.discord.addUser({ id: STRANGER, username: 'mallory', globalName: 'Mallory' });
    const guild = world.discord.addGuild({ name: 'Not Chicago', ownerId: STRANGER, channels: [{ name: 'general', type: 'text' }] });
    strangerGuild = guild.id;
    strangerChannel = guild.channel('general').id;
    world.discord.addMember(guild.id, STRANGER, { permissions: '2147483647' });
    // The group's admin has no Discord profile yet: the first-run case, were it allowed here.
    const admin = world.valentina.state.getUser(world.members.admin.userId ?? '');
    if (admin === undefined) throw new Error('no admin');
    admin.discord_profile.id = null;
    await world.restart();
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('lists no company in /setup company, though the API key reaches one', async () => {
    const ac = world.discord.autocomplete('setup', { ...at(), subcommand: 'company', options: { company: '' }, focused: 'company' });
    const data = (await ac.response()).data as { choices: unknown[] };
    expect(data.choices).toEqual([]);
  });

  it('refuses to bind the company by its id, and binds nothing', async () => {
    const answer = await finalAnswer(world.discord.slash('setup', { ...at(), subcommand: 'company', options: { company: world.companyId } }));
    expect(isPrivate(answer)).toBe(true);
    expect(embedText(answer)).toContain('not set up for any Valentina company');
    expect((await world.store.guildSettings.get(strangerGuild))?.companyId ?? null).toBeNull();
  });

  it('answers members there that the server is not set up, and lets nobody claim the first admin', async () => {
    expect(embedText(await finalAnswer(world.discord.slash('whoami', at())))).toContain('not set up for any Valentina company');
    const link = await finalAnswer(world.discord.slash('link', { ...at(), options: { member: { user: STRANGER }, user: world.members.admin.userId ?? '' } }));
    expect(isPrivate(link)).toBe(true);
    expect(world.valentina.state.getUser(world.members.admin.userId ?? '')?.discord_profile.id ?? null).toBeNull();
  });

  it('with VALENTINA_COMPANY_ID for every server, still lets nobody there claim the first admin', async () => {
    world.env['VALENTINA_COMPANY_ID'] = world.companyId;
    await world.restart();
    try {
      const ac = world.discord.autocomplete('link', { ...at(), options: { member: { user: STRANGER }, user: '' }, focused: 'user' });
      expect(((await ac.response()).data as { choices: unknown[] }).choices).toEqual([]);
      const link = await finalAnswer(world.discord.slash('link', { ...at(), options: { member: { user: STRANGER }, user: world.members.admin.userId ?? '' } }));
      expect(isPrivate(link)).toBe(true);
      expect(embedText(link)).toMatch(/Only members linked to an ADMIN user may/);
      expect(world.valentina.state.getUser(world.members.admin.userId ?? '')?.discord_profile.id ?? null).toBeNull();
      // The group's own server, which the operator pinned to the company, still has its first run.
      const own = await finalAnswer(
        world.discord.slash('link', { user: world.members.admin.discordId, guildId: world.guildId, channelId: world.channelId, options: { member: { user: world.members.admin.discordId }, user: world.members.admin.userId ?? '' } }),
      );
      expect(embedText(own)).toContain('now acts as');
      expect(world.valentina.state.getUser(world.members.admin.userId ?? '')?.discord_profile.id).toBe(world.members.admin.discordId);
    } finally {
      delete world.env['VALENTINA_COMPANY_ID'];
    }
  });
});

describe('after a server is rebound to another company', () => {
  let world: World;
  const ctx = (who: 'admin' | 'storyteller') => ({ user: world.members[who].discordId, guildId: world.guildId, channelId: world.channelId });

  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  it("refuses to undo the old company's award from the new company", async () => {
    const receipt = await finalAnswer(
      world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: { user: world.members.player.discordId }, amount: 4 } }),
    );
    const undo = customIds(receipt).find((c) => c.startsWith('xp:undo:'));
    expect(undo).toBeDefined();
    const xpBefore = world.valentina.state.experience(world.members.player.userId ?? '', world.campaignId)?.xp_current;

    // The operator allows a second company, whose admin is the same Discord member; the admin rebinds.
    const second = world.valentina.state.addCompany({ name: 'Second City' });
    world.valentina.state.addUser(second.id, { role: 'ADMIN', username: 'ada2', email: 'ada2@example.com', discord_id: world.members.admin.discordId });
    world.env['VALENTINA_GUILD_COMPANIES'] = `${world.guildId}=${world.companyId},${world.guildId}=${second.id}`;
    await world.restart();
    const bound = await finalAnswer(world.discord.slash('setup', { ...ctx('admin'), subcommand: 'company', options: { company: second.id } }));
    expect(embedText(bound)).toContain('Second City');

    const pressed = await firstFollowup(world.discord.button(undo ?? '', { ...ctx('admin'), message: receipt.id }));
    expect(isPrivate(pressed)).toBe(true);
    expect(embedText(pressed)).toContain('no longer in the journal');
    expect(world.valentina.state.experience(world.members.player.userId ?? '', world.campaignId)?.xp_current).toBe(xpBefore);
    const entry = (await world.store.awards.listLedger({ guildId: world.guildId, limit: 1, offset: 0 })).items[0];
    expect(entry?.status).toBe('APPLIED');
  });
});
