import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandModules } from '../../commands/index.js';
import { registryEntries } from '../../commands/help/index.js';
import { startWorld, type World } from './harness.js';
import { embedText, embedsOf, finalAnswer, isPrivate } from './support/replies.js';

describe('/help', () => {
  let world: World;
  /** Deployed command name → id, as Discord assigned them. */
  let ids: Map<string, string>;

  beforeAll(async () => {
    world = await startWorld();
    ids = new Map(world.discord.commands().map((c) => [String(c['name']), String(c['id'])]));
  });
  afterAll(async () => {
    await world?.stop();
  });

  const help = async (who: keyof World['members'], command?: string) => {
    const h = world.discord.slash('help', { user: world.members[who].discordId, guildId: world.guildId, channelId: world.channelId, ...(command === undefined ? {} : { options: { command } }) });
    const message = await finalAnswer(h);
    expect(isPrivate(message)).toBe(true);
    return message;
  };
  const mention = (key: string) => `</${key}:${ids.get(key.split(' ')[0] ?? '') ?? 'missing'}>`;
  /** The slash entries of the registry a role may use, as mentions. */
  const allSlash = registryEntries(commandModules).filter((e) => e.kind === 'slash').map((e) => e.key);

  it('shows a player their commands as clickable mentions, and nothing for staff', async () => {
    const text = embedText(await help('player'));
    expect(text).toContain('You are linked as **Player**');
    for (const key of ['roll dice', 'roll traits', 'quickroll roll', 'stats member', 'xp show', 'xp log', 'note create', 'whoami', 'help']) expect(text).toContain(mention(key));
    expect(text).toContain(`${mention('roll dice')} — Roll a pool of d10s against a difficulty`);
    for (const key of ['xp award', 'xp remove', 'coolpoints award', 'setup campaign', 'user list', 'approvals list', 'register', 'link']) expect(text).not.toContain(`</${key}:`);
    expect(text).toContain('**Roll statistics**');
    expect(text).not.toContain('**Award XP**');
  });

  it('adds awards for a storyteller, and everything for an admin', async () => {
    const st = embedText(await help('storyteller'));
    expect(st).toContain('You are linked as **Storyteller**');
    for (const key of ['xp award', 'xp remove', 'xp scene', 'coolpoints award', 'coolpoints scene']) expect(st).toContain(mention(key));
    expect(st).toContain('**Award XP**');
    expect(st).not.toContain('</user list:');

    const admin = embedText(await help('admin'));
    // An admin sees every slash entry the bot deploys except /register (for newcomers): help cannot drift from the registry.
    for (const key of allSlash.filter((k) => k !== 'register')) expect(admin, key).toContain(mention(key));
    expect(admin).not.toContain('</register:');
  });

  it('lists awards for a player where the server follows a company that lets players award', async () => {
    world.valentina.state.setCompanySettings(world.companyId, { permission_grant_xp: 'UNRESTRICTED' });
    await world.bot.deps.guilds.update(world.guildId, { xpPolicy: 'FOLLOW_COMPANY' });
    try {
      const text = embedText(await help('player'));
      for (const key of ['xp award', 'xp remove', 'coolpoints award']) expect(text).toContain(mention(key));
      expect(text).toContain('**Award XP**');
      expect(text).not.toContain('</user list:');
    } finally {
      await world.bot.deps.guilds.update(world.guildId, { xpPolicy: 'STORYTELLER_ONLY' });
    }
    expect(embedText(await help('player'))).not.toContain('</xp award:');
  });

  it('tells an unlinked member how to register, and an unapproved one to wait', async () => {
    const unlinked = embedText(await help('unlinked'));
    expect(unlinked).toContain('You are not registered yet. Run `/register`');
    expect(unlinked).toContain(mention('register'));
    expect(unlinked).not.toContain('</roll dice:');
    const waiting = embedText(await help('unapproved'));
    expect(waiting).toContain("waiting for an admin's approval");
    expect(waiting).not.toContain('</roll dice:');
  });

  it('explains one command with its options and an example, and says when it is not for the reader', async () => {
    const roll = await help('player', 'roll');
    expect(embedsOf(roll)[0]?.title).toBe('/roll');
    const text = embedText(roll);
    expect(text).toContain(`${mention('roll dice')} — Roll a pool of d10s against a difficulty`);
    expect(text).toContain('`pool`: How many dice (1-50)');
    expect(text).toContain('`desperation` (optional)');
    expect(text).toContain('Example `/roll dice pool:7 difficulty:6 desperation:2`');

    const xp = embedText(await help('player', '/xp'));
    expect(xp).toContain('/xp award (members who may award XP on this server only)');
    expect(xp).not.toContain('/xp show (');
    expect(xp).toContain('**Award XP**');

    const menu = await help('storyteller', 'Award XP');
    expect(embedsOf(menu)[0]?.title).toBe('/xp');

    const denied = await help('player', 'user');
    expect(embedsOf(denied)[0]?.description).toContain('you cannot use it with your role');
  });

  it('answers an unknown command with did-you-mean, and autocompletes command names', async () => {
    const h = world.discord.slash('help', { user: world.members.player.discordId, guildId: world.guildId, channelId: world.channelId, options: { command: 'rol' } });
    const message = await finalAnswer(h);
    expect(isPrivate(message)).toBe(true);
    expect(embedText(message)).toContain('There is no command `/rol`. Did you mean');
    expect(embedText(message)).toContain('`/roll`');
    const ac = world.discord.autocomplete('help', { user: world.members.player.discordId, guildId: world.guildId, options: { command: 'co' }, focused: 'command' });
    expect(((await ac.response()).data as { choices: Array<{ value: string }> }).choices.map((c) => c.value)).toEqual(['coolpoints']);
  });
});
