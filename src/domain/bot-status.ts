import { APIConnectionError, APITimeoutError, AuthenticationError, ServerError } from '../api/index.js';
import type { Deps } from '../deps.js';
import type { RecoverySummary } from './status-board.js';

export interface ShardView {
  id: number;
  ready: boolean;
  /** Heartbeat round trip; -1 before the first acknowledgement. */
  pingMs: number;
}

export interface ValentinaStatus {
  /** online: health says so; degraded: it answered that a part is offline; unreachable: no usable answer. */
  state: 'online' | 'degraded' | 'unreachable';
  serverVersion: string | null;
  database: string | null;
  cache: string | null;
  /** Duration of the health call just made. */
  healthMs: number | null;
  /** Median of recent successful API answers (this process). */
  recentMedianMs: number | null;
  /** Why it is unreachable, in words (never the raw error). */
  problem: string | null;
}

export interface BotStatus {
  version: string;
  uptimeMs: number;
  valentina: ValentinaStatus;
  /** Awards journalled but not yet confirmed by Valentina (every server on this bot); null if the store failed. */
  pendingAwards: number | null;
  lastRecovery: RecoverySummary | null;
  /** The last recovery run that finished awards, if any since this process started. */
  lastRecoveryWork: RecoverySummary | null;
  store: 'SQLite' | 'PostgreSQL';
  /** The shards this process runs. */
  shards: ShardView[];
  /** Shards of the whole bot (across processes). */
  shardCount: number;
}

const HEALTH_BUDGET_MS = 3_000;

/** Everything /setup status shows; the shards come from the Discord edge. */
export async function readBotStatus(deps: Pick<Deps, 'api' | 'store' | 'status' | 'clock' | 'config'>, shards: ShardView[]): Promise<BotStatus> {
  const [valentina, pendingAwards] = await Promise.all([
    checkValentina(deps),
    deps.store.awards.countByStatus().then(
      (c) => c.PENDING,
      () => null,
    ),
  ]);
  return {
    version: deps.status?.version ?? 'unknown',
    uptimeMs: deps.status === undefined ? Math.round(process.uptime() * 1000) : deps.clock.now() - deps.status.startedAt,
    valentina,
    pendingAwards,
    lastRecovery: deps.status?.lastRecovery ?? null,
    lastRecoveryWork: deps.status?.lastRecoveryWork ?? null,
    store: deps.store.kind === 'postgres' ? 'PostgreSQL' : 'SQLite',
    shards,
    shardCount: deps.config.shardCount > 0 ? deps.config.shardCount : shards.length,
  };
}

async function checkValentina(deps: Pick<Deps, 'api' | 'status'>): Promise<ValentinaStatus> {
  const recentMedianMs = deps.status?.apiLiveness.medianMs() ?? null;
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), HEALTH_BUDGET_MS);
  });
  const call = deps.api.system().health();
  call.catch(() => undefined);
  try {
    const health = await Promise.race([call, late]);
    if (health === 'late') {
      return { state: 'unreachable', serverVersion: null, database: null, cache: null, healthMs: null, recentMedianMs, problem: `no answer within ${HEALTH_BUDGET_MS / 1000} s` };
    }
    const healthMs = Math.round(performance.now() - started);
    const online = health.database_status === 'online' && health.cache_status === 'online';
    return {
      state: online ? 'online' : 'degraded',
      serverVersion: health.version ?? null,
      database: health.database_status,
      cache: health.cache_status,
      healthMs,
      recentMedianMs,
      problem: null,
    };
  } catch (err) {
    const problem =
      err instanceof APITimeoutError
        ? 'the health call timed out'
        : err instanceof APIConnectionError
          ? 'cannot connect'
          : err instanceof AuthenticationError
            ? 'the API key was refused'
            : err instanceof ServerError
              ? 'server error'
              : 'the health call failed';
    return { state: 'unreachable', serverVersion: null, database: null, cache: null, healthMs: null, recentMedianMs, problem };
  } finally {
    clearTimeout(timer);
  }
}
