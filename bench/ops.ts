/**
 * `npm run bench:ops` (issue 12): prints figures, asserts nothing.
 *
 * 1. /xp export's engine over a 100,000-entry SQLite journal: wall time, event-loop delay
 *    (max and p99, perf_hooks.monitorEventLoopDelay) and heap growth at its peak.
 * 2. A /metrics scrape with a populated registry: the first one (award counts read from the
 *    100,000-row store) and warm ones (counts cached for 10 s).
 *
 * Run it with `node --expose-gc --import tsx bench/ops.ts` for a settled heap baseline.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { exportLedger } from '../src/domain/ledger-export.js';
import { createMetrics } from '../src/http/metrics.js';
import { createStore } from '../src/store/index.js';

const N = 100_000;
const dir = mkdtempSync(join(tmpdir(), 'vbot-bench-ops-'));
const file = join(dir, 'bot.sqlite');
const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

try {
  const store = await createStore(`sqlite:${file}`, {});
  const db = new Database(file);
  const insert = db.prepare(
    `INSERT INTO award_journal (key, guild_id, company_id, campaign_id, batch_id, actor_user_id, actor_discord_id, target_user_id,
       target_discord_id, kind, amount, reason, status, result, error, undo_of, created_at, updated_at)
     VALUES (?, 'g', 'c', 'camp', NULL, 'st', '300000000000000002', ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?)`,
  );
  const statuses = ['APPLIED', 'APPLIED', 'APPLIED', 'UNDONE', 'FAILED', 'PENDING'];
  db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const t = 1_760_000_000_000 + i * 1000;
      insert.run(`k${i}`, `u${i % 40}`, `3000000000000001${String(i % 40).padStart(2, '0')}`, i % 7 === 0 ? 'XP_REMOVE' : 'XP_ADD', 1 + (i % 5), i % 11 === 0 ? `=cmd session ${i}` : `Session ${i}, "scene" notes`, statuses[i % statuses.length] ?? 'APPLIED', t, t);
    }
  })();
  db.close();

  // 1. Export.
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const sampler = setInterval(() => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 5);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const started = performance.now();
  const result = await exportLedger(store.awards, { guildId: 'g', companyId: 'c', targetUserId: null, campaignId: null }, { campaign: (id) => id, member: (u, d) => d ?? u }, { maxBytes: 10 * 1024 * 1024 });
  const exportMs = performance.now() - started;
  delay.disable();
  clearInterval(sampler);
  const size = result.kind === 'too-large' ? result.gzipBytes : result.bytes.byteLength;
  process.stdout.write(
    `export ${N} entries: ${exportMs.toFixed(0)} ms, result ${result.kind} (${mb(size)}; CSV ${mb(result.csvBytes)}), ` +
      `event-loop delay max ${(delay.max / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, ` +
      `heap growth at peak ${mb(heapPeak - heapBefore)}${(globalThis as { gc?: unknown }).gc === undefined ? ' (run with --expose-gc for a settled baseline)' : ''}\n`,
  );

  // 2. Scrape.
  const metrics = createMetrics({ awardCounts: () => store.awards.countByStatus(), shardPings: () => [{ id: 0, pingMs: 40 }, { id: 1, pingMs: 45 }] });
  const commands = Array.from({ length: 60 }, (_, i) => `command ${i}`);
  for (const command of commands) {
    for (const outcome of ['ok', 'refused', 'error'] as const) metrics.interactions.interactionDone({ command, kind: 'slash', outcome, ackMs: 80, totalMs: 400 });
  }
  for (let i = 0; i < 40; i++) {
    for (const status of [200, 201, 404, 429, 500] as const) metrics.api.onAttempt({ operation: `GET /companies/{id}/route${i}`, status, attempt: 1, durationMs: 20 });
  }
  const coldStart = performance.now();
  const cold = await metrics.registry.metrics();
  const coldMs = performance.now() - coldStart;
  const warm: number[] = [];
  for (let i = 0; i < 50; i++) {
    const s = performance.now();
    await metrics.registry.metrics();
    warm.push(performance.now() - s);
  }
  warm.sort((a, b) => a - b);
  process.stdout.write(
    `scrape: first ${coldMs.toFixed(1)} ms (award counts over ${N} rows), warm median ${(warm[25] ?? 0).toFixed(1)} ms, ` +
      `${cold.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length} series, ${(cold.length / 1024).toFixed(0)} KiB\n`,
  );
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
