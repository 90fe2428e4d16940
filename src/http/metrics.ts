import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ApiAttemptEvent, ApiObserver } from '../api/index.js';
import type { InteractionEvent, InteractionTelemetry } from '../discord/interaction-telemetry.js';
import type { AwardStatus } from '../store/types.js';

/** What the scrape reads at collection time. */
export interface MetricSources {
  /** Award journal entries per status (cached briefly: one GROUP BY per scrape window). */
  awardCounts(): Promise<Record<AwardStatus, number>>;
  /** Heartbeat round trip of every shard of this process, in ms (-1 before the first ack). */
  shardPings(): ReadonlyArray<{ id: number; pingMs: number }>;
  /** The bot's package version, for `valentina_bot_info`. */
  version?: string;
}

export interface BotMetrics {
  registry: Registry;
  api: ApiObserver;
  interactions: InteractionTelemetry;
}

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30];
const API_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const AWARD_COUNT_TTL_MS = 10_000;

/**
 * The bot's Prometheus metrics (prom-client), in a registry of its own. Labels are route
 * templates, command routes, outcomes, statuses and shard numbers only: never an id, a name or
 * a secret.
 */
export function createMetrics(sources: MetricSources, now: () => number = Date.now): BotMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const interactions = new Counter({
    name: 'valentina_bot_interactions_total',
    help: 'Interactions handled, by command route, kind and outcome (ok, refused: a clear refusal to the member, error: a bug or an outage).',
    labelNames: ['command', 'kind', 'outcome'] as const,
    registers: [registry],
  });
  const ack = new Histogram({
    name: 'valentina_bot_interaction_ack_seconds',
    help: 'From receiving an interaction to Discord accepting its first answer or defer (must stay under 3 s).',
    labelNames: ['command', 'kind'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const complete = new Histogram({
    name: 'valentina_bot_interaction_duration_seconds',
    help: 'From receiving an interaction to its complete answer.',
    labelNames: ['command', 'kind'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const apiRequests = new Counter({
    name: 'valentina_bot_api_requests_total',
    help: 'Valentina API attempts by operation (route template) and status (HTTP status, timeout or network).',
    labelNames: ['operation', 'status'] as const,
    registers: [registry],
  });
  const apiDuration = new Histogram({
    name: 'valentina_bot_api_request_duration_seconds',
    help: 'Duration of Valentina API attempts by operation.',
    labelNames: ['operation'] as const,
    buckets: API_BUCKETS,
    registers: [registry],
  });
  const rateLimited = new Counter({
    name: 'valentina_bot_api_rate_limited_total',
    help: 'Valentina API answers with status 429, by operation.',
    labelNames: ['operation'] as const,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'valentina_bot_api_retries_total',
    help: 'Valentina API attempts that were retries of an earlier attempt, by operation.',
    labelNames: ['operation'] as const,
    registers: [registry],
  });

  let cached: { at: number; counts: Record<AwardStatus, number> } | undefined;
  new Gauge({
    name: 'valentina_bot_awards',
    help: 'Award journal entries by status (every guild in the store; processes sharing a PostgreSQL report the same figures).',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      if (cached === undefined || now() - cached.at > AWARD_COUNT_TTL_MS) cached = { at: now(), counts: await sources.awardCounts() };
      for (const [status, n] of Object.entries(cached.counts)) this.set({ status: status.toLowerCase() }, n);
    },
  });
  new Gauge({
    name: 'valentina_bot_gateway_ping_seconds',
    help: 'Discord gateway heartbeat round trip per shard of this process.',
    labelNames: ['shard'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const s of sources.shardPings()) if (s.pingMs >= 0) this.set({ shard: String(s.id) }, s.pingMs / 1000);
    },
  });

  new Gauge({
    name: 'valentina_bot_info',
    help: 'Always 1; the bot version as a label (join on it to see which version ran when).',
    labelNames: ['version'] as const,
    registers: [registry],
  }).set({ version: sources.version ?? 'unknown' }, 1);

  return {
    registry,
    api: {
      onAttempt(e: ApiAttemptEvent) {
        apiRequests.inc({ operation: e.operation, status: String(e.status) });
        apiDuration.observe({ operation: e.operation }, e.durationMs / 1000);
        if (e.status === 429) rateLimited.inc({ operation: e.operation });
        if (e.attempt > 1) retries.inc({ operation: e.operation });
      },
    },
    interactions: {
      interactionDone(e: InteractionEvent) {
        interactions.inc({ command: e.command, kind: e.kind, outcome: e.outcome });
        if (e.ackMs !== null) ack.observe({ command: e.command, kind: e.kind }, e.ackMs / 1000);
        complete.observe({ command: e.command, kind: e.kind }, e.totalMs / 1000);
      },
    },
  };
}
