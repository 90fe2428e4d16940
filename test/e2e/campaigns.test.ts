import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, worldStores, type World } from './harness.js';
import { embedText, embedsOf, eventually, finalAnswer, isPrivate } from './support/replies.js';
import { privateFromTheStart } from './support/privacy.js';

for (const kind of worldStores()) {
  describe.skipIf(kind.skip !== false)(`a campaign per channel category on ${kind.name}`, () => {
    let world: World;
    const at = { rome: '', romeCategory: '', romeCampaign: '' };

    beforeAll(async () => {
      world = await startWorld({ store: kind.name });
      const s = world.valentina.state;
      at.romeCampaign = s.addCampaign(world.companyId, { name: 'Ashes of Rome' }).id;
      const pia = world.members.player.userId ?? '';
      s.addCharacter(world.companyId, world.campaignId, { user_player_id: pia, name_first: 'Nadia', name_last: 'Volkov', traits: [{ name: 'Strength', value: 3 }] });
      s.addCharacter(world.companyId, at.romeCampaign, { user_player_id: pia, name_first: 'Livia', name_last: 'Aurelia', traits: [{ name: 'Strength', value: 2 }, { name: 'Brawl', value: 1 }] });
      at.romeCategory = world.discord.addChannel(world.guildId, { name: 'Ashes of Rome', type: 'category' }).id;
      at.rome = world.discord.addChannel(world.guildId, { name: 'rome-chat', parentId: at.romeCategory }).id;
      // The bot learns of new channels from the gateway.
      await eventually(() => world.bot.client.channels.cache.get(at.rome)?.id, (id) => id === at.rome);
    });
    afterAll(async () => {
      expect(world.valentina.violations).toEqual([]);
      await world?.stop();
    });

    const ctx = (who: keyof World['members'], channelId = world.channelId) => ({ user: world.members[who].discordId, guildId: world.guildId, channelId });
    const lastWrite = (suffix: string) => world.valentina.requests.filter((r) => r.method === 'POST' && r.path.endsWith(suffix)).at(-1);

    it('binds a category to a campaign with /setup campaign, lists it in /setup show, and refuses non-admins', async () => {
      const refused = await privateFromTheStart(world.discord.slash('setup', { ...ctx('storyteller'), subcommand: 'campaign', options: { campaign: at.romeCampaign, category: { channel: at.romeCategory } } }));
      expect(refused.title).toBe('Not allowed');

      const h = world.discord.slash('setup', { ...ctx('admin'), subcommand: 'campaign', options: { campaign: at.romeCampaign, category: { channel: at.romeCategory } } });
      const shown = await finalAnswer(h);
      expect(isPrivate(shown)).toBe(true);
      const text = embedText(shown);
      expect(text).toContain('Default campaign **Blood and Smoke**');
      expect(text).toContain(`Campaign by channel category <#${at.romeCategory}> → **Ashes of Rome**`);
      expect((await world.store.categoryCampaigns.list(world.guildId)).map((b) => [b.categoryId, b.campaignId, b.companyId])).toEqual([[at.romeCategory, at.romeCampaign, world.companyId]]);

      const show = embedText(await finalAnswer(world.discord.slash('setup', { ...ctx('player'), subcommand: 'show' })));
      expect(show).toContain('→ **Ashes of Rome**');
    });

    it('awards into the category\'s campaign where the command is used, and names it on the receipt', async () => {
      const member = { user: world.members.player.discordId };
      const rome = await finalAnswer(world.discord.slash('xp', { ...ctx('storyteller', at.rome), subcommand: 'award', options: { member, amount: 2, reason: 'Held the bridge' } }));
      expect(isPrivate(rome)).toBe(false);
      expect(embedText(rome)).toContain('Campaign Ashes of Rome');
      expect(lastWrite('/experience/xp/add')?.body).toMatchObject({ campaign_id: at.romeCampaign, amount: 2 });

      const general = await finalAnswer(world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member, amount: 1 } }));
      expect(embedText(general)).toContain('Campaign Blood and Smoke');
      expect(lastWrite('/experience/xp/add')?.body).toMatchObject({ campaign_id: world.campaignId, amount: 1 });

      // A named campaign still wins over the category's.
      await finalAnswer(world.discord.slash('coolpoints', { ...ctx('storyteller', at.rome), subcommand: 'award', options: { member, campaign: world.campaignId } }));
      expect(lastWrite('/experience/cp/add')?.body).toMatchObject({ campaign_id: world.campaignId });

      // The campaign autocomplete marks the category's campaign as the default there.
      const ac = world.discord.autocomplete('xp', { ...ctx('storyteller', at.rome), subcommand: 'award', options: { campaign: '' }, focused: 'campaign' });
      expect(((await ac.response()).data as { choices: Array<{ name: string }> }).choices.map((c) => c.name)).toEqual(['Blood and Smoke', 'Ashes of Rome (default)']);
    });

    it('rolls in the category\'s campaign, for the character played there', async () => {
      const free = await finalAnswer(world.discord.slash('roll', { ...ctx('player', at.rome), subcommand: 'dice', options: { pool: 2 } }));
      expect(embedText(free)).toContain('Campaign Ashes of Rome');
      expect(lastWrite('/dicerolls')?.body).toMatchObject({ campaign_id: at.romeCampaign });

      const traits = await finalAnswer(world.discord.slash('roll', { ...ctx('player', at.rome), subcommand: 'traits', options: { trait: 'Strength', trait2: 'Brawl' } }));
      expect(traits.content).toContain('rolled Strength + Brawl for Livia Aurelia (3 dice, diff 6)');
      expect(embedText(traits)).toContain('Campaign Ashes of Rome');

      const home = await finalAnswer(world.discord.slash('roll', { ...ctx('player'), subcommand: 'traits', options: { trait: 'Strength' } }));
      expect(home.content).toContain('for Nadia Volkov (3 dice, diff 6)');
      expect(embedText(home)).toContain('Campaign Blood and Smoke');

      // /stats campaign there shows that campaign's rolls: the two just made.
      const stats = embedText(await finalAnswer(world.discord.slash('stats', { ...ctx('player', at.rome), subcommand: 'campaign' })));
      expect(stats).toContain('Ashes of Rome');
      expect(stats).toContain('**2** rolls');
    });

    it('shows the category\'s campaign in the ledger used there, and every campaign elsewhere', async () => {
      const rome = await finalAnswer(world.discord.slash('xp', { ...ctx('storyteller', at.rome), subcommand: 'log' }));
      expect(embedsOf(rome)[0]?.title).toBe('XP ledger in Ashes of Rome');
      expect(embedText(rome)).toContain('Held the bridge');
      expect(embedText(rome)).not.toContain('**+1 XP**');

      const everywhere = embedText(await finalAnswer(world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'log' })));
      expect(everywhere).toContain('**+2 XP**');
      expect(everywhere).toContain('Ashes of Rome');
      expect(everywhere).toContain('Blood and Smoke');
    });

    it('stops using a binding once the server is bound to another company, and uses it again once back', async () => {
      // The operator allows a second company, whose admin is the same Discord member; the admin rebinds.
      const other = world.valentina.state.addCompany({ name: 'Elsewhere' });
      world.valentina.state.addUser(other.id, { role: 'ADMIN', username: 'ada2', email: 'ada2@example.com', discord_id: world.members.admin.discordId });
      world.env['VALENTINA_GUILD_COMPANIES'] = `${world.env['VALENTINA_GUILD_COMPANIES'] ?? ''},${world.guildId}=${other.id}`;
      await world.restart();
      await eventually(() => world.bot.client.channels.cache.get(at.rome)?.id, (id) => id === at.rome);
      const bound = embedText(await finalAnswer(world.discord.slash('setup', { ...ctx('admin', at.rome), subcommand: 'company', options: { company: other.id } })));
      expect(bound).toContain('Elsewhere');
      expect(bound).not.toContain('Ashes of Rome');
      const guild = await world.bot.deps.guilds.require(world.guildId);
      expect(await world.bot.deps.campaignDefaults.resolve(guild, at.romeCategory)).toEqual({ campaignId: null, source: 'none' });
      // The binding is kept for its own company, not deleted.
      expect((await world.store.categoryCampaigns.list(world.guildId)).map((b) => b.companyId)).toEqual([world.companyId]);

      const back = embedText(await finalAnswer(world.discord.slash('setup', { ...ctx('admin', at.rome), subcommand: 'company', options: { company: world.companyId } })));
      expect(back).toContain(`<#${at.romeCategory}> → **Ashes of Rome**`);
      const again = await world.bot.deps.guilds.require(world.guildId);
      expect(await world.bot.deps.campaignDefaults.resolve(again, at.romeCategory)).toEqual({ campaignId: at.romeCampaign, source: 'category' });
    });

    it('removes a category\'s campaign with "Server default", after which the category uses the server default', async () => {
      const ac = world.discord.autocomplete('setup', { ...ctx('admin'), subcommand: 'campaign', options: { campaign: '', category: { channel: at.romeCategory } }, focused: 'campaign' });
      const choices = ((await ac.response()).data as { choices: Array<{ name: string; value: string }> }).choices;
      expect(choices.at(-1)).toEqual({ name: "Server default (remove this category's own campaign)", value: 'server-default' });
      const without = await privateFromTheStart(world.discord.slash('setup', { ...ctx('admin'), subcommand: 'campaign', options: { campaign: 'server-default' } }));
      expect(without.text).toContain('give the `category` too');

      const shown = embedText(await finalAnswer(world.discord.slash('setup', { ...ctx('admin'), subcommand: 'campaign', options: { campaign: 'server-default', category: { channel: at.romeCategory } } })));
      expect(shown).not.toContain('Campaign by channel category');
      expect(await world.store.categoryCampaigns.list(world.guildId)).toEqual([]);
      await finalAnswer(world.discord.slash('xp', { ...ctx('storyteller', at.rome), subcommand: 'award', options: { member: { user: world.members.player.discordId }, amount: 1 } }));
      expect(lastWrite('/experience/xp/add')?.body).toMatchObject({ campaign_id: world.campaignId });
    });
  });
}
