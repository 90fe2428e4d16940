/**
 * Worker-thread entry of ChartRenderer: draws and encodes stats charts away from the event loop
 * that acknowledges interactions. `{ id, summary }` in; `{ id, png }` or `{ id, error }` out.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { StatsSummary } from '../../domain/statistics.js';
import { renderStatsChart } from './stats-chart.js';

/** A nice value for this thread alone: charts can wait, acknowledgements cannot. */
const CHART_THREAD_NICE = 10;

/**
 * On a busy machine the chart thread competed with the event loop for the same cores (a chart is
 * ~10 ms of CPU, a quarter of the bench's mix is /stats). Linux keeps a nice value per thread, so
 * this thread alone steps back. Elsewhere, or if refused, it keeps the default.
 */
function yieldToEventLoop(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, CHART_THREAD_NICE);
  } catch {
    // Not Linux (no /proc/thread-self) or not permitted: render at the default priority.
  }
}

const port = parentPort;
if (port === null) throw new Error('chart-worker runs as a worker thread');
yieldToEventLoop();
port.on('message', (message: { id: number; summary: StatsSummary }) => {
  renderStatsChart(message.summary).then(
    (png) => port.postMessage({ id: message.id, png }),
    (err: unknown) => port.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
