/**
 * A rolling restart on PostgreSQL (issue 9 §3): the new process starts while the old one is still
 * settling awards Valentina did not confirm, both run side by side for a while, then the old one
 * stops with awards still waiting. Every award must be applied exactly once (checked against the
 * fake API's state), the new process must never send an award the old one still holds, and what
 * the old one gave up must be finished by the new one, with one audit post each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, worldStores, type World } from './harness.js';
import { embedText, eventually, finalAnswer, isPrivate } from './support/replies.js';

const postgres = worldStores().find((k) => k.name === 'postgres');

describe.skipIf(postgres?.skip !== false)('two bot processes overlapping on PostgreSQL', () => {
  let world: World;
  const storyteller = () => ({ user: world.members.storyteller.discordId, guildId: world.guildId, channelId: world.channelId });
  const xpOf = (who: 'player' | 'player2') => world.valentina.state.experience(world.members[who].userId ?? '', world.campaignId)?.xp_current ?? 0;
  const xpAdd = (who: 'player' | 'player2') => `/users/${world.members[who].userId ?? ''}/experience/xp/add`;
  const writesWithKey = (key: string) => world.valentina.requests.filter((r) => r.method === 'POST' && r.idempotencyKey === key);
  const auditTitlesAbout = (id: number) =>
    world.discord
      .messages(world.auditChannelId)
      .filter((m) => embedText(m).includes(`#${id}`))
      .map((m) => m.embeds?.[0]?.title ?? '');

  beforeAll(async () => {
    world = await startWorld({
      store: 'postgres',
      env: {
        // The client gives up after 400 ms; the fake answers these writes after 1 s, so a re-send
        // must wait the 1.5 s resend gap. Background attempts come 4 s apart; recovery runs every second.
        API_TIMEOUT_MS: '400',
        AWARD_RESEND_GAP_MS: '1500',
        AWARD_SETTLE_DELAYS_MS: '4000',
        AWARD_RECOVERY_INTERVAL_MS: '1000',
      },
    });
  });
  afterAll(async () => {
    await world?.stop();
  });

  it('applies every award once: the new process leaves the old one\'s awards alone while it runs, and finishes what it gave up', async () => {
    const before = { player: xpOf('player'), player2: xpOf('player2') };
    // Both writes reach Valentina and are applied, but too late for the client: "not confirmed".
    world.valentina.inject({ method: 'POST', pathIncludes: xpAdd('player'), delayMs: 1_000, times: 1 });
    world.valentina.inject({ method: 'POST', pathIncludes: xpAdd('player2'), delayMs: 1_000, times: 1 });
    const awarded = [];
    for (const [who, amount] of [['player', 5], ['player2', 3]] as const) {
      const h = world.discord.slash('xp', { ...storyteller(), subcommand: 'award', options: { member: { user: world.members[who].discordId }, amount, reason: 'rolling restart' } });
      const answer = await finalAnswer(h);
      expect(isPrivate(answer)).toBe(true);
      expect(embedText(answer)).toContain('Not confirmed yet');
      const entry = await world.store.awards.getByKey(`${h.id}:award`);
      if (entry === null) throw new Error('award not journalled');
      awarded.push({ who, amount, key: entry.key, id: entry.id });
    }
    const [x, z] = awarded;
    if (x === undefined || z === undefined) throw new Error('two awards expected');
    // The old process's second attempt at Z fails too (a 503 on the call and on both of the
    // client's retries), so Z is still waiting when it stops.
    world.valentina.inject({ method: 'POST', pathIncludes: xpAdd('player2'), status: 503, times: 3 });

    // The new process starts while the old one holds both awards: its start-up recovery and its
    // periodic passes (every second) must touch neither.
    const next = await world.spawnChild();
    await next.ready;

    // The old process settles X itself (a replay of the applied write) and tries Z again (503).
    const settledX = await eventually(() => world.store.awards.getByKey(x.key), (e) => e?.status === 'APPLIED', 15_000);
    expect(settledX?.result?.xpCurrent).toBe(before.player + 5);
    await eventually(() => writesWithKey(z.key).filter((r) => r.status === 503).length, (n) => n === 3, 15_000);
    await new Promise((r) => setTimeout(r, 300));
    expect((await world.store.awards.getByKey(z.key))?.status).toBe('PENDING');
    expect(writesWithKey(x.key)).toHaveLength(2);
    // Several recovery passes of the new process ran meanwhile; none took either award.
    expect(next.output()).toContain('"msg":"ready"');
    expect(next.output()).not.toContain(x.key);
    expect(next.output()).not.toContain(z.key);

    // The old process stops (SIGTERM) with Z waiting: it gives Z's lease up, due in 4 s.
    const stoppedAt = Date.now();
    await world.bot.stop('rolling restart');
    const settledZ = await eventually(() => world.store.awards.getByKey(z.key), (e) => e?.status === 'APPLIED', 20_000);
    expect(settledZ?.result?.xpCurrent).toBe(before.player2 + 3);
    const zWrites = writesWithKey(z.key);
    expect(zWrites.map((r) => r.status)).toEqual([201, 503, 503, 503, 201]);
    // The new process waited for Z's due time (4 s after the old process's last failure), not
    // only for the old process to be gone.
    expect(zWrites[4]?.at ?? 0).toBeGreaterThanOrEqual((zWrites[3]?.at ?? 0) + 3_500);
    expect(Date.now() - stoppedAt).toBeGreaterThan(1_000);

    // Exactly once, as Valentina sees it, and one audit post for each.
    expect(xpOf('player')).toBe(before.player + 5);
    expect(xpOf('player2')).toBe(before.player2 + 3);
    await eventually(() => auditTitlesAbout(z.id), (t) => t.length >= 1, 10_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(auditTitlesAbout(x.id)).toEqual(['Award confirmed by Valentina after a delay']);
    expect(auditTitlesAbout(z.id)).toEqual(['Award finished after a restart']);
    expect(world.valentina.violations).toEqual([]);

    next.process.kill('SIGTERM');
    expect(await next.exited).toBe(0);
    // The new process finished Z and never touched X.
    expect(next.output()).toContain(z.key);
    expect(next.output()).not.toContain(x.key);
    expect(next.output()).not.toMatch(/unhandled rejection|"level":60|fatal:/i);
  }, 90_000);
});
