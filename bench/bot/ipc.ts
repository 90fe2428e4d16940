/**
 * The tiny IPC protocol between `bench/bot.ts` and the bot processes it measures (the real bot
 * via `startBot`, and the bare discord.js bot). Each child answers `probe` with its memory and
 * the interactions it still has in flight, and stops cleanly on `stop` (gateway close 1000, so
 * the fake Discord forgets its session and the next bot is the only receiver).
 */
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';
import { z } from 'zod';

export const ParentMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('probe'), seq: z.number().int(), gc: z.boolean(), resetLoopDelay: z.boolean().optional() }),
  z.object({ type: z.literal('stop'), seq: z.number().int() }),
]);
export type ParentMessage = z.infer<typeof ParentMessageSchema>;

export const ProbeSchema = z.object({
  rss: z.number(),
  heapUsed: z.number(),
  heapTotal: z.number(),
  external: z.number(),
  /** Interactions the bot has not finished (router in flight, or replies not yet sent). */
  inFlight: z.number().int(),
  /** discord.js cache sizes: a bound the bot sets shows up here. */
  cachedUsers: z.number().int(),
  cachedMembers: z.number().int(),
  /** CPU time the process has used (user + system), in milliseconds. */
  cpuMs: z.number(),
  /** The child's event-loop delay since the last reset (ms): what held its loop, whoever it was. */
  loopDelay: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
  /** V8 heap spaces: committed size by space name (where heapTotal sits). */
  spaces: z.record(z.string(), z.number()),
  /** The same spaces' resident pages: a committed young generation is not all touched. */
  spacesPhysical: z.record(z.string(), z.number()),
});
export type Probe = z.infer<typeof ProbeSchema>;

export const ChildMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), startupMs: z.number(), probe: ProbeSchema }),
  z.object({ type: z.literal('probe'), seq: z.number().int(), probe: ProbeSchema }),
  z.object({ type: z.literal('stopped'), seq: z.number().int() }),
]);
export type ChildMessage = z.infer<typeof ChildMessageSchema>;

/** Whatever the child measures itself with. */
export interface ChildSelf {
  inFlight(): number;
  cacheSizes(): { users: number; members: number };
  stop(): Promise<void>;
}

const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();

function takeProbe(self: ChildSelf, gc: boolean, resetLoopDelay = false): Probe {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (gc && collect !== undefined) {
    // Twice: the first pass finalizes, the second frees what the finalizers released.
    collect();
    collect();
  }
  // BENCH_HEAP_SNAPSHOT=<dir>: a heap snapshot with every collected probe (for finding what grows).
  const snapshots = process.env.BENCH_HEAP_SNAPSHOT;
  if (gc && snapshots !== undefined && snapshots !== '') writeHeapSnapshot(join(snapshots, `${process.pid}-${Date.now()}.heapsnapshot`));
  const mem = process.memoryUsage();
  const caches = self.cacheSizes();
  return {
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    heapTotal: mem.heapTotal,
    external: mem.external,
    inFlight: self.inFlight(),
    cachedUsers: caches.users,
    cachedMembers: caches.members,
    cpuMs: (() => {
      const cpu = process.cpuUsage();
      return (cpu.user + cpu.system) / 1000;
    })(),
    spaces: Object.fromEntries(getHeapSpaceStatistics().map((sp) => [sp.space_name, sp.space_size])),
    spacesPhysical: Object.fromEntries(getHeapSpaceStatistics().map((sp) => [sp.space_name, sp.physical_space_size])),
    loopDelay: (() => {
      const figures = { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
      if (resetLoopDelay) loopDelay.reset();
      return figures;
    })(),
  };
}

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) {
      process.stdout.write(`${JSON.stringify(message)}\n`);
      resolve();
      return;
    }
    process.send(message, () => resolve());
  });
}

/** Child side: report READY, then serve probes until told to stop. */
export async function serveParent(self: ChildSelf, startupMs: number): Promise<void> {
  process.on('message', (raw: unknown) => {
    const parsed = ParentMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    if (message.type === 'probe') {
      void send({ type: 'probe', seq: message.seq, probe: takeProbe(self, message.gc, message.resetLoopDelay ?? false) });
      return;
    }
    void self
      .stop()
      .catch((err: unknown) => process.stderr.write(`bench child stop failed: ${String(err)}\n`))
      .then(() => send({ type: 'stopped', seq: message.seq }))
      .then(() => process.exit(0));
  });
  // The parent going away must not leave a bot logged in to the fake.
  process.on('disconnect', () => process.exit(0));
  await send({ type: 'ready', startupMs, probe: takeProbe(self, true) });
}
