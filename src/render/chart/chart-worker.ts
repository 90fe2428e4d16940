/**
 * Worker-thread entry of ChartRenderer: draws and encodes stats charts away from the event loop
 * that acknowledges interactions. `{ id, summary }` in; `{ id, png }` or `{ id, error }` out.
 */
import { parentPort } from 'node:worker_threads';
import type { StatsSummary } from '../../domain/statistics.js';
import { renderStatsChart } from './stats-chart.js';

const port = parentPort;
if (port === null) throw new Error('chart-worker runs as a worker thread');
port.on('message', (message: { id: number; summary: StatsSummary }) => {
  renderStatsChart(message.summary).then(
    (png) => port.postMessage({ id: message.id, png }),
    (err: unknown) => port.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
