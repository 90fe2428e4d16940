import { describe, expect, it } from 'vitest';
import type { BotStatus } from '../../src/domain/bot-status.js';
import { ApiLiveness } from '../../src/domain/api-liveness.js';
import { StatusBoard } from '../../src/domain/status-board.js';
import { formatDuration, renderStatusEmbed } from '../../src/render/status-embed.js';
import { COLORS } from '../../src/render/theme.js';
import { readBotVersion } from '../../src/version.js';

const healthy: BotStatus = {
  version: '1.4.2',
  uptimeMs: 3 * 3_600_000 + 12 * 60_000,
  valentina: { state: 'online', serverVersion: '0.8.0', database: 'online', cache: 'online', healthMs: 23, recentMedianMs: 14.6, problem: null },
  pendingAwards: 0,
  lastRecovery: { at: 1_700_000_000_000, applied: 0, failed: 0, expired: 0 },
  lastRecoveryWork: null,
  store: 'PostgreSQL',
  shards: [{ id: 0, ready: true, pingMs: 41 }],
  shardCount: 2,
};

const text = (s: BotStatus) => {
  const e = renderStatusEmbed(s);
  return [e.title, ...(e.fields ?? []).map((f) => `${f.name}: ${f.value}`), e.footer?.text].join('\n');
};

describe('renderStatusEmbed', () => {
  it('shows every part of a healthy bot in green', () => {
    const e = renderStatusEmbed(healthy);
    expect(e.color).toBe(COLORS.success);
    const t = text(healthy);
    expect(t).toContain('Version **1.4.2** · up 3 h 12 min');
    expect(t).toContain('🟢 **Online** · server 0.8.0');
    expect(t).toContain('health call 23 ms · recent median 15 ms');
    expect(t).toContain('Awards pending settlement: None');
    expect(t).toContain('Store: PostgreSQL');
    expect(t).toContain('<t:1700000000:R>: nothing was left pending.');
    expect(t).toContain('Shard 0: READY · 41 ms');
    expect(t).toContain('This process runs 1 of 2 shards.');
    expect(e.fields?.every((f) => f.value.length > 0 && f.value.length <= 1024)).toBe(true);
  });

  it('turns orange for pending awards, a degraded API or a shard not READY, and red when Valentina is unreachable', () => {
    expect(renderStatusEmbed({ ...healthy, pendingAwards: 3 }).color).toBe(COLORS.warning);
    expect(text({ ...healthy, pendingAwards: 3 })).toContain('**3** (the bot keeps settling them)');
    const degraded = { ...healthy, valentina: { ...healthy.valentina, state: 'degraded' as const, database: 'offline' } };
    expect(renderStatusEmbed(degraded).color).toBe(COLORS.warning);
    expect(text(degraded)).toContain('Database offline, cache online');
    expect(renderStatusEmbed({ ...healthy, shards: [{ id: 0, ready: false, pingMs: -1 }] }).color).toBe(COLORS.warning);
    expect(text({ ...healthy, shards: [{ id: 0, ready: false, pingMs: -1 }] })).toContain('Shard 0: **not READY**\n');
    const down = { ...healthy, valentina: { state: 'unreachable' as const, serverVersion: null, database: null, cache: null, healthMs: null, recentMedianMs: null, problem: 'cannot connect' } };
    expect(renderStatusEmbed(down).color).toBe(COLORS.error);
    expect(text(down)).toContain('🔴 **Unreachable**: cannot connect');
  });

  it('says so when recovery has not run, the store failed, or recovery finished awards', () => {
    expect(text({ ...healthy, lastRecovery: null })).toContain('Not run yet since this process started.');
    expect(text({ ...healthy, pendingAwards: null })).toContain('The store did not answer.');
    expect(text({ ...healthy, lastRecovery: { at: 1_700_000_000_000, applied: 2, failed: 1, expired: 0 } })).toContain('2 applied, 1 failed, 0 expired.');
  });

  it('formats durations for people', () => {
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3 d 4 h');
  });
});

describe('StatusBoard and ApiLiveness', () => {
  it('keeps the last recovery run and the median of recent successful answers only', () => {
    let now = 1_000;
    const liveness = new ApiLiveness(() => now);
    const board = new StatusBoard({ version: '1.0.0', startedAt: 0, apiLiveness: liveness, now: () => now });
    expect(liveness.answeredWithin(60_000)).toBe(false);
    for (const [status, durationMs] of [[200, 10], [500, 999], [201, 30], ['timeout', 5_000], [204, 20]] as const) {
      liveness.onAttempt({ operation: 'GET /health', status, attempt: 1, durationMs });
    }
    expect(liveness.medianMs()).toBe(20);
    expect(liveness.answeredWithin(60_000)).toBe(true);
    now += 60_001;
    expect(liveness.answeredWithin(60_000)).toBe(false);
    board.recordRecovery([{ outcome: 'applied' }, { outcome: 'expired' }, { outcome: 'applied' }]);
    expect(board.lastRecovery).toEqual({ at: now, applied: 2, failed: 0, expired: 1 });
    // Recovery runs every minute: an empty run later does not hide the one that did something.
    const worked = now;
    now += 60_000;
    board.recordRecovery([]);
    expect(board.lastRecovery).toEqual({ at: now, applied: 0, failed: 0, expired: 0 });
    expect(board.lastRecoveryWork).toEqual({ at: worked, applied: 2, failed: 0, expired: 1 });
    expect(text({ ...healthy, lastRecovery: board.lastRecovery ?? null, lastRecoveryWork: board.lastRecoveryWork ?? null })).toContain('Last awards finished');
  });

  it('reads the package version', () => {
    expect(readBotVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
