/**
 * Shutdown (issue 9 §7): a step that rejects or hangs (the chart worker, the Discord client) must
 * not keep the rest of the shutdown from running, nor keep the process from exiting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parsedLogs, startWorld, type World } from './harness.js';

describe('stopping the bot', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.stop();
    world = undefined;
  });

  it('closes the store and logs "stopped" when the chart worker fails to close', async () => {
    world = await startWorld();
    const { deps } = world.bot;
    deps.charts.close = () => Promise.reject(new Error('chart worker crashed'));
    let storeClosed = false;
    const close = deps.store.close.bind(deps.store);
    deps.store.close = async () => {
      storeClosed = true;
      await close();
    };
    await expect(world.bot.stop('test')).resolves.toBeUndefined();
    expect(storeClosed).toBe(true);
    const logs = parsedLogs(world);
    expect(logs.some((l) => l['msg'] === 'shutdown step failed' && l['step'] === 'chart worker')).toBe(true);
    expect(logs.some((l) => l['msg'] === 'stopped')).toBe(true);
  });

  it('moves on when the Discord client never finishes closing', async () => {
    world = await startWorld();
    const { client, deps } = world.bot;
    const destroy = client.destroy.bind(client);
    client.destroy = () => new Promise<void>(() => undefined);
    let storeClosed = false;
    const close = deps.store.close.bind(deps.store);
    deps.store.close = async () => {
      storeClosed = true;
      await close();
    };
    const started = Date.now();
    await world.bot.stop('test');
    expect(Date.now() - started).toBeLessThan(9_000);
    expect(storeClosed).toBe(true);
    expect(parsedLogs(world).some((l) => l['msg'] === 'shutdown step timed out' && l['step'] === 'discord client')).toBe(true);
    await destroy();
  }, 20_000);
});
