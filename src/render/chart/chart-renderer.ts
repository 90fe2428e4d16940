import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { StatsSummary } from '../../domain/statistics.js';

interface ChartLog {
  warn(obj: Record<string, unknown>, msg?: string): void;
}

type Reply = { id: number; png: Uint8Array } | { id: number; error: string };

/**
 * Charts queued or drawing at most before `busy` says to answer without one: about a second of
 * work for the one chart thread at ~10 ms a chart. It bounds the queue (and its memory) at a peak.
 */
export const MAX_PENDING_CHARTS = 100;

/**
 * Renders stats charts on one worker thread, started on first use. A chart costs ~10 ms of CPU:
 * on the event loop, a burst of /stats would hold up every acknowledgement behind it. One worker
 * also caps chart rendering at one core. When the worker cannot run, charts render on the
 * caller's thread instead.
 */
export class ChartRenderer {
  private worker: Worker | undefined;
  private broken = false;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve: (png: Buffer) => void; reject: (err: Error) => void }>();

  constructor(
    private readonly log: ChartLog,
    private readonly maxPending = MAX_PENDING_CHARTS,
  ) {}

  /** The queue is full: a new chart would wait for over a second of drawing. Answer without one. */
  get busy(): boolean {
    return this.pending.size >= this.maxPending;
  }

  async render(summary: StatsSummary): Promise<Buffer> {
    const worker = this.broken ? undefined : (this.worker ?? this.start());
    if (worker === undefined) return renderHere(summary);
    const id = this.nextId++;
    try {
      return await new Promise<Buffer>((resolve, reject) => {
        this.pending.set(id, { resolve, reject });
        worker.postMessage({ id, summary });
      });
    } catch (err) {
      // The worker died with this chart in it: draw it here rather than fail the command.
      if (this.broken) return renderHere(summary);
      throw err;
    }
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.broken = true;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  private start(): Worker | undefined {
    let worker: Worker;
    try {
      worker = spawnChartWorker();
    } catch (err) {
      this.fail(err);
      return undefined;
    }
    // Never what keeps the process alive.
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (waiter === undefined) return;
      this.pending.delete(reply.id);
      if ('png' in reply) waiter.resolve(Buffer.from(reply.png.buffer, reply.png.byteOffset, reply.png.byteLength));
      else waiter.reject(new Error(`chart rendering failed: ${reply.error}`));
    });
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.fail(new Error(`chart worker exited with code ${code}`));
    });
    this.worker = worker;
    return worker;
  }

  private fail(err: unknown): void {
    if (!this.broken) this.log.warn({ err }, 'chart worker unavailable; rendering charts on the main thread');
    this.broken = true;
    this.worker = undefined;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const w of waiting) w.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

/**
 * The compiled worker (dist) runs as it is. From TypeScript source (tsx, vitest) it first
 * registers tsx itself: Node 20 does not pass module hooks on to worker threads.
 */
/** The fallback on this thread; the drawing code loads only if it is ever needed (issue 11 §4). */
async function renderHere(summary: StatsSummary): Promise<Buffer> {
  const { renderStatsChart } = await import('./stats-chart.js');
  return renderStatsChart(summary);
}

function spawnChartWorker(): Worker {
  if (import.meta.url.endsWith('.js')) return new Worker(new URL('./chart-worker.js', import.meta.url));
  const source = new URL('./chart-worker.ts', import.meta.url).href;
  const tsxApi = new URL('./esm/api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx'))).href;
  return new Worker(`import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.register()).then(() => import(${JSON.stringify(source)}))`, { eval: true });
}
