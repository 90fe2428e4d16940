import { z } from 'zod';

const SNOWFLAKE = /^\d{17,20}$/;

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const intFromEnv = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isSafeInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const listFromEnv = (fallback: readonly string[]) =>
  z
    .string()
    .optional()
    .transform((v) =>
      v === undefined || v.trim() === ''
        ? [...fallback]
        : v
            .split(',')
            .map((s) => s.trim().toLowerCase())
            .filter((s) => s !== ''),
    );

const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'must be an http(s) URL')
  .transform((v) => v.replace(/\/+$/, ''));

export const DEFAULT_ASSET_TYPES = [
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/markdown',
] as const;

const EnvSchema = z.object({
  DISCORD_TOKEN: z.string({ error: 'is required' }).trim().min(1, 'is required'),
  DISCORD_APPLICATION_ID: z.string({ error: 'is required' }).trim().regex(SNOWFLAKE, 'must be a Discord snowflake (17-20 digits)'),
  VALENTINA_API_URL: z.string({ error: 'is required' }).pipe(httpUrl),
  VALENTINA_API_KEY: z.string({ error: 'is required' }).trim().min(1, 'is required'),
  VALENTINA_COMPANY_ID: optionalString,
  VALENTINA_GUILD_COMPANIES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const pairs: Array<{ guildId: string; companyId: string }> = [];
      for (const item of (v ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
        const [guildId, companyId, extra] = item.split('=').map((s) => s.trim());
        if (guildId === undefined || companyId === undefined || extra !== undefined || !SNOWFLAKE.test(guildId) || !/^[\w-]{1,64}$/.test(companyId)) {
          ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of <server id>=<company id> pairs, like 123456789012345678=68c1f7d0a1b2c3d4e5f60718' });
          return z.NEVER;
        }
        pairs.push({ guildId, companyId });
      }
      return pairs;
    }),
  VALENTINA_API_VERSION: z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((v) => (v === undefined || v === '' ? 'auto' : v))
    .pipe(z.enum(['auto', 'v1', 'v2'], { error: 'must be one of auto, v1, v2' })),
  DATABASE_URL: optionalString,
  DATA_DIR: optionalString,
  DISCORD_API_URL: z.union([z.literal('').transform(() => undefined), httpUrl]).optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  DEV_GUILD_ID: optionalString.pipe(z.string().regex(SNOWFLAKE, 'must be a Discord snowflake (17-20 digits)').optional()),
  API_TIMEOUT_MS: intFromEnv(10_000, 100, 120_000),
  IDENTITY_TTL_MS: intFromEnv(15 * 60_000, 1_000, 7 * 24 * 3_600_000),
  SHUTDOWN_TIMEOUT_MS: intFromEnv(10_000, 0, 120_000),
  SHARD_COUNT: intFromEnv(0, 0, 1_000),
  SHARD_IDS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return [];
      const ids = v.split(',').map((s) => Number(s.trim()));
      if (ids.some((n) => !Number.isSafeInteger(n) || n < 0)) {
        ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of shard numbers, like 0,1' });
        return z.NEVER;
      }
      return ids;
    }),
  AWARD_RECOVERY_INTERVAL_MS: intFromEnv(60_000, 1_000, 3_600_000),
  AWARD_RESEND_GAP_MS: intFromEnv(15_000, 0, 600_000),
  AWARD_SETTLE_DELAYS_MS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return [15_000, 60_000, 5 * 60_000, 15 * 60_000];
      const delays = v.split(',').map((s) => Number(s.trim()));
      if (delays.some((n) => !Number.isSafeInteger(n) || n < 100 || n > 3_600_000)) {
        ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of waits in ms (100 to 3600000), like 15000,60000' });
        return z.NEVER;
      }
      return delays;
    }),
  ASSET_MAX_BYTES: intFromEnv(10_000_000, 1, 10_000_000),
  ASSET_ALLOWED_TYPES: listFromEnv(DEFAULT_ASSET_TYPES),
  ASSET_ALLOWED_HOSTS: listFromEnv(['cdn.discordapp.com', 'media.discordapp.net']),
  // 0 picks any free port (tests read the bound one from the handle).
  HTTP_PORT: optionalString.pipe(z.string().regex(/^\d{1,5}$/, 'must be a port number from 1 to 65535').transform(Number).refine((n) => n <= 65_535, 'must be a port number from 1 to 65535').optional()),
  HTTP_HOST: optionalString.pipe(z.string().regex(/^[0-9A-Za-z.:-]+$/, 'must be an IP address or host name, like 127.0.0.1 or 0.0.0.0').optional()),
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, 'must be at least 16 characters (use a long random value)').optional()),
  PUBLIC_URL: z.union([z.literal('').transform(() => undefined), httpUrl]).optional(),
  DISCORD_CLIENT_SECRET: optionalString.pipe(z.string().min(16, 'must be the OAuth2 client secret from the developer portal').optional()),
});

export interface Config {
  readonly discordToken: string;
  readonly discordApplicationId: string;
  readonly valentinaApiUrl: string;
  readonly valentinaApiKey: string;
  /** VALENTINA_COMPANY_ID: the company every guild uses unless it binds another one it may. */
  readonly defaultCompanyId: string | undefined;
  /**
   * VALENTINA_GUILD_COMPANIES: which companies each guild may bind with /setup company (besides
   * the default). A company named here for a guild is one the operator bound to it.
   */
  readonly guildCompanies: ReadonlyMap<string, readonly string[]>;
  /** Valentina API generation: `auto` reads the server's version at start. */
  readonly valentinaApiVersion: 'auto' | 'v1' | 'v2';
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly discordApiUrl: string | undefined;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly devGuildId: string | undefined;
  readonly apiTimeoutMs: number;
  readonly identityTtlMs: number;
  readonly shutdownTimeoutMs: number;
  readonly awards: {
    /** How often this process looks for PENDING awards whose lease ran out (another process stopped). */
    readonly recoveryIntervalMs: number;
    /** Least wait before re-sending an award whose last call may still be running at Valentina. */
    readonly resendGapMs: number;
    /** Waits between background attempts for an award Valentina did not confirm; the last repeats. */
    readonly settleDelaysMs: readonly number[];
  };
  /** Sharding across processes: this process runs `shardIds` of `shardCount` (0 = let Discord decide, one process). */
  readonly shardCount: number;
  readonly shardIds: readonly number[];
  readonly assets: {
    readonly maxBytes: number;
    readonly allowedTypes: readonly string[];
    /** Host names (optionally host:port) attachments may be downloaded from. */
    readonly allowedHosts: readonly string[];
  };
  /** The health, metrics and sign-in listener; absent unless HTTP_PORT is set. */
  readonly http: { readonly port: number; readonly host: string } | undefined;
  /** Bearer token /metrics requires when set. */
  readonly metricsToken: string | undefined;
  /**
   * "Sign in with Discord" (v2 registration and linking); on only when PUBLIC_URL is set.
   * `publicUrl` is the base people's browsers reach the listener at (the callback is
   * `<publicUrl>/oauth/discord/callback`); `clientSecret` is the application's OAuth2 secret.
   */
  readonly signIn: { readonly publicUrl: string; readonly clientSecret: string } | undefined;
}

/** One readable error listing every problem; it names variables, never their values. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nSee .env.example for every variable.`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = issue.path.join('.') || 'environment';
      const missing = issue.code === 'invalid_type' && issue.input === undefined;
      return `${name} ${missing ? 'is required' : issue.message}`;
    });
    throw new ConfigError([...new Set(problems)]);
  }
  const e = parsed.data;
  if (e.SHARD_IDS.some((id) => id >= e.SHARD_COUNT)) {
    throw new ConfigError(['SHARD_IDS must each be smaller than SHARD_COUNT']);
  }
  if (e.PUBLIC_URL !== undefined) {
    const missing = [
      ...(e.HTTP_PORT === undefined ? ['HTTP_PORT is required when PUBLIC_URL is set (the sign-in callback is served by the HTTP listener)'] : []),
      ...(e.DISCORD_CLIENT_SECRET === undefined ? ['DISCORD_CLIENT_SECRET is required when PUBLIC_URL is set (OAuth2 tab of the developer portal)'] : []),
    ];
    if (missing.length > 0) throw new ConfigError(missing);
  }
  return Object.freeze({
    discordToken: e.DISCORD_TOKEN,
    discordApplicationId: e.DISCORD_APPLICATION_ID,
    valentinaApiUrl: e.VALENTINA_API_URL,
    valentinaApiKey: e.VALENTINA_API_KEY,
    defaultCompanyId: e.VALENTINA_COMPANY_ID,
    guildCompanies: guildCompanyMap(e.VALENTINA_GUILD_COMPANIES),
    valentinaApiVersion: e.VALENTINA_API_VERSION,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR ?? 'data',
    discordApiUrl: e.DISCORD_API_URL,
    logLevel: e.LOG_LEVEL,
    devGuildId: e.DEV_GUILD_ID,
    apiTimeoutMs: e.API_TIMEOUT_MS,
    identityTtlMs: e.IDENTITY_TTL_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    awards: Object.freeze({
      recoveryIntervalMs: e.AWARD_RECOVERY_INTERVAL_MS,
      resendGapMs: e.AWARD_RESEND_GAP_MS,
      settleDelaysMs: Object.freeze(e.AWARD_SETTLE_DELAYS_MS),
    }),
    shardCount: e.SHARD_COUNT,
    shardIds: Object.freeze(e.SHARD_IDS),
    assets: Object.freeze({
      maxBytes: e.ASSET_MAX_BYTES,
      allowedTypes: Object.freeze(e.ASSET_ALLOWED_TYPES),
      allowedHosts: Object.freeze(e.ASSET_ALLOWED_HOSTS),
    }),
    // Loopback by default: on a bare host only local processes (a reverse proxy, Prometheus) reach
    // it. The Docker image sets 0.0.0.0, where the container network decides who gets in.
    http: e.HTTP_PORT === undefined ? undefined : Object.freeze({ port: e.HTTP_PORT, host: e.HTTP_HOST ?? '127.0.0.1' }),
    metricsToken: e.METRICS_TOKEN,
    signIn:
      e.PUBLIC_URL === undefined || e.DISCORD_CLIENT_SECRET === undefined
        ? undefined
        : Object.freeze({ publicUrl: e.PUBLIC_URL, clientSecret: e.DISCORD_CLIENT_SECRET }),
  });
}

function guildCompanyMap(pairs: ReadonlyArray<{ guildId: string; companyId: string }>): ReadonlyMap<string, readonly string[]> {
  const map = new Map<string, string[]>();
  for (const { guildId, companyId } of pairs) {
    const list = map.get(guildId) ?? [];
    if (!list.includes(companyId)) list.push(companyId);
    map.set(guildId, list);
  }
  return map;
}

/** The values that must never reach a log line or a reply. */
export function secretsOf(config: Config): string[] {
  return [config.discordToken, config.valentinaApiKey, config.metricsToken ?? '', config.signIn?.clientSecret ?? ''].filter((s) => s.length >= 6);
}
