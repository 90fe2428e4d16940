import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { note } from '../../commands/note/index.js';
import { quickroll } from '../../commands/quickroll/index.js';
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

  it('imports a module once when several members use it first at the same moment', async () => {
    const load = vi.spyOn(quickroll, 'load');
    try {
      const players = [world.members.player, world.members.storyteller, world.members.admin];
      const answers = await Promise.all(players.map((m) => finalAnswer(world.discord.slash('quickroll', { user: m.discordId, guildId: world.guildId, channelId: world.channelId, subcommand: 'list' }))));
      for (const answer of answers) expect(isPrivate(answer)).toBe(true);
      expect(load).toHaveBeenCalledTimes(1);
    } finally {
      load.mockRestore();
    }
  });

  it('answers a failed import privately through the error boundary and imports again on the next use', async () => {
    const load = vi.spyOn(note, 'load').mockRejectedValueOnce(new Error('simulated import failure'));
    try {
      const at = { user: world.members.player.discordId, guildId: world.guildId, channelId: world.channelId, subcommand: 'list' };
      const failed = await finalAnswer(world.discord.slash('note', at));
      expect(isPrivate(failed)).toBe(true);
      expect(embedText(failed)).toContain('An unexpected error happened');
      expect(world.bot.router.loadedModules()).not.toContain('note');

      const retried = await finalAnswer(world.discord.slash('note', at));
      expect(isPrivate(retried)).toBe(true);
      expect(embedText(retried)).not.toContain('Something went wrong');
      expect(load).toHaveBeenCalledTimes(2);
      expect(world.bot.router.loadedModules()).toContain('note');
    } finally {
      load.mockRestore();
    }
  });
});
