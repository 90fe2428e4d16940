import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './harness.js';
import { embedText, finalAnswer, isPrivate } from './support/replies.js';

/** Issue 11 §4: a command's handlers are imported when it is first used, not at start-up. */
describe('command handlers load on first use', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('imports no command module by READY, then only the one a member runs, once', async () => {
    await world.bot.ready;
    expect(world.bot.router.loadedModules()).toEqual([]);

    const at = { user: world.members.player.discordId, guildId: world.guildId, channelId: world.channelId };
    const [first, second] = await Promise.all([finalAnswer(world.discord.slash('whoami', at)), finalAnswer(world.discord.slash('whoami', at))]);
    for (const answer of [first, second]) {
      expect(isPrivate(answer)).toBe(true);
      expect(embedText(answer)).toContain('Player');
    }
    expect(world.bot.router.loadedModules()).toEqual(['whoami']);

    // An autocomplete imports its command's module too, and answers within its budget.
    const ac = world.discord.autocomplete('help', { ...at, options: { command: 'who' }, focused: 'command' });
    expect(((await ac.response()).data as { choices: Array<{ value: string }> }).choices.map((c) => c.value)).toEqual(['whoami']);
    expect(world.bot.router.loadedModules().sort()).toEqual(['help', 'whoami']);
  });
});
