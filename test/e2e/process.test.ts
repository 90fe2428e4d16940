import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from './harness.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

function run(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => resolve({ code, out }));
  });
}

describe('the bot process', () => {
  it('lists every missing variable in one readable error and exits non-zero', async () => {
    const { code, out } = await run({ DISCORD_TOKEN: 'secret-token-value-123', LOG_LEVEL: 'loud' });
    expect(code).toBe(1);
    expect(out).toContain('Invalid configuration');
    expect(out).toContain('DISCORD_APPLICATION_ID is required');
    expect(out).toContain('VALENTINA_API_URL is required');
    expect(out).toContain('VALENTINA_API_KEY is required');
    expect(out).toContain('LOG_LEVEL must be one of');
    expect(out).not.toContain('secret-token-value-123');
  });

  describe('started as npm start starts it', () => {
    let world: World;
    beforeAll(async () => {
      world = await startWorld();
      // The in-process bot steps aside: the child is the bot under test here.
      await world.bot.stop('child takes over');
    });
    afterAll(async () => {
      await world?.stop();
    });

    it('becomes ready, answers, and shuts down cleanly on SIGTERM', async () => {
      const child = await world.spawnChild();
      await child.ready;
      const readyLine = child
        .output()
        .split('\n')
        .find((l) => l.includes('"msg":"ready"'));
      const ready = JSON.parse(readyLine ?? '{}') as { startupMs?: number; processUptimeMs?: number; rssMb?: number };
      console.log(`start-up ${ready.startupMs ?? '?'} ms (config to READY), ${ready.processUptimeMs ?? '?'} ms (process start to READY), RSS after READY ${ready.rssMb ?? '?'} MB`);
      expect(ready.startupMs).toBeGreaterThan(0);

      const h = world.discord.slash('whoami', { user: world.members.player.discordId, guildId: world.guildId, channelId: world.channelId });
      const first = await h.response();
      expect(first.latencyMs).toBeLessThan(3_000);
      await h.waitFor((x) => (x.original()?.embeds ?? []).length > 0);

      child.process.kill('SIGTERM');
      expect(await child.exited).toBe(0);
      expect(child.output()).toContain('"msg":"stopped"');
      expect(child.output()).not.toContain(world.env.DISCORD_TOKEN);
      expect(child.output()).not.toContain(world.env.VALENTINA_API_KEY);
    });
  });
});
