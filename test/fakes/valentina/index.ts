/**
 * A contract-faithful, in-memory fake of the Valentina Noir REST API (March 2026 era,
 * `docs/valentina-api/CONTRACT.md`) for tests and benchmarks. It listens on 127.0.0.1
 * only, checks every response it sends against the OpenAPI document, and exposes its state.
 *
 * ```ts
 * const fake = await startFakeValentina({ random: scripted([0.95, 0.05]) });
 * const company = fake.state.addCompany({ name: 'Windy City' });
 * const admin = fake.state.addUser(company.id, { role: 'ADMIN' });
 * await fetch(`${fake.url}/api/v1/companies/${company.id}/users`, { headers: { 'X-API-KEY': fake.apiKey } });
 * expect(fake.violations).toEqual([]);
 * await fake.close();
 * ```
 */
import type { RandomSource } from './dice.js';
import { OpenApiValidator, V2_OPENAPI_PATH, loadOpenApiDocument } from './openapi-validator.js';
import { Router } from './router.js';
import { refuseEveryToken, type IdentityVerifier } from './v2/identity.js';
import { v2ResourceRoutes } from './v2/resource-routes.js';
import { v2UserRoutes } from './v2/user-routes.js';
import type { RateLimitConfig } from './rate-limit.js';
import { FakeServer } from './server.js';
import type { Fault, RecordedRequest } from './server.js';
import { FakeState, type FakeGeneration } from './state.js';

export interface FakeValentinaOptions {
  /**
   * API generation: `v1` (March 2026, server 0.8: ObjectIds, `requesting_user_id`, nested routes;
   * the default) or `v2` (July 2026, server 0.27: UUIDs, `On-Behalf-Of`, company-level routes,
   * identify/lookup/identities). Responses are checked against that generation's document.
   */
  version?: FakeGeneration;
  /**
   * The real server's caches (CONTRACT §1.10, CONTRACT-v2 §1.10): GET answers kept 60 s per API key
   * (and per On-Behalf-Of on v2), flushed by that key's audited writes but not by dice rolls; on v1
   * also the 60 s sliding guard cache that can keep a just-approved user refused. Default off.
   */
  caches?: boolean;
  /** v2 identify and identity links: who a provider token belongs to. Default: every token is refused. */
  verifyIdentity?: IdentityVerifier;
  /** The API key the fake accepts, with access to every company added by `state.addCompany`. Default `'test-api-key'`. */
  apiKey?: string;
  /** Dice source in [0, 1); default Math.random. See `scriptedRandom`. */
  random?: RandomSource;
  /** Clock for timestamps, rate-limit buckets and idempotency expiry; default real time. */
  now?: () => Date;
  /** Token-bucket rate limiting; default off. */
  rateLimit?: RateLimitConfig;
  /** Delay added before every response, in milliseconds. */
  latencyMs?: number;
  /** Validate every response against the OpenAPI document (default true). */
  validateResponses?: boolean;
}

export interface FakeValentina {
  version: FakeGeneration;
  /** Base URL, e.g. `http://127.0.0.1:41234` (routes live under `/api/v1`). */
  url: string;
  apiKey: string;
  /** Seeding and inspection helpers over the live in-memory data. */
  state: FakeState;
  /** Every request received, in arrival order. */
  requests: RecordedRequest[];
  /** Responses that did not fit the OpenAPI document (and handler crashes). Should stay empty. */
  violations: string[];
  /** The response validator, to check a body against the contract directly. Null when validation is off. */
  validator: OpenApiValidator | null;
  setLatency(ms: number): void;
  /** Replaces the rate-limit policies (buckets start full); `false` turns limiting off. */
  setRateLimit(config: RateLimitConfig): void;
  /** Makes the next matching request(s) misbehave. */
  inject(fault: Fault): void;
  /**
   * Forgets the cached GET answers of an API key (default: the fake's key), as that key's own
   * audited write would: for seeding that stands for writes the bot made itself.
   */
  flushResponseCache(apiKey?: string): void;
  close(): Promise<void>;
}

const sharedValidators = new Map<FakeGeneration, OpenApiValidator>();

function validatorFor(version: FakeGeneration): OpenApiValidator {
  let validator = sharedValidators.get(version);
  if (validator === undefined) {
    validator = version === 'v2' ? new OpenApiValidator(loadOpenApiDocument(V2_OPENAPI_PATH)) : new OpenApiValidator();
    sharedValidators.set(version, validator);
  }
  return validator;
}

/** Starts a fake on 127.0.0.1 with a random port. */
export async function startFakeValentina(opts: FakeValentinaOptions = {}): Promise<FakeValentina> {
  const apiKey = opts.apiKey ?? 'test-api-key';
  const random = opts.random ?? Math.random;
  const now = opts.now ?? ((): Date => new Date());
  // Compiled schemas are shared between fakes of one process: compiling is the expensive part.
  const version = opts.version ?? 'v1';
  const validator = opts.validateResponses === false ? null : validatorFor(version);
  const state = new FakeState(apiKey, now, random, version);
  const server = new FakeServer({
    state,
    generation: version,
    router: version === 'v2' ? new Router([...v2UserRoutes, ...v2ResourceRoutes]) : new Router(),
    caches: opts.caches ?? false,
    verifyIdentity: opts.verifyIdentity ?? refuseEveryToken,
    random,
    now,
    validator,
    rateLimit: opts.rateLimit ?? false,
    latencyMs: opts.latencyMs ?? 0,
  });
  const url = await server.listen();
  return {
    version,
    url,
    apiKey,
    state,
    requests: server.requests,
    violations: server.violations,
    validator,
    setLatency: (ms) => {
      server.latencyMs = ms;
    },
    setRateLimit: (config) => server.setRateLimit(config),
    inject: (fault) => server.inject(fault),
    flushResponseCache: (key) => server.flushResponseCache(key ?? apiKey),
    close: () => server.close(),
  };
}

/**
 * A random source that returns the given values in order (then repeats the last one).
 * `dieValue(7)` gives the value producing a 7 on a d10.
 */
export function scriptedRandom(values: readonly number[]): RandomSource {
  let i = 0;
  return () => {
    const value = values[Math.min(i, values.length - 1)] ?? 0;
    i++;
    return value;
  };
}

/** The random-source value that rolls `face` on a die of `size` sides (default d10). */
export function dieValue(face: number, size = 10): number {
  return (face - 0.5) / size;
}

/** A random source that rolls exactly these d10 (or `size`) faces in order. */
export function scriptedDice(faces: readonly number[], size = 10): RandomSource {
  return scriptedRandom(faces.map((f) => dieValue(f, size)));
}

export { FakeState } from './state.js';
export type {
  AddAssetOptions, AddCampaignOptions, AddCharacterOptions, AddCompanyOptions, AddDiceRollOptions,
  AddQuickrollOptions, AddTraitOptions, AddUserOptions, ApiKeyAccess, CharacterTraitInput, DiceRollFilter,
} from './state.js';
export type { Fault, RecordedRequest } from './server.js';
export type { FakeGeneration } from './state.js';
export { tokenTable, refuseEveryToken, type IdentityVerifier, type IdentityCheck, type VerifiedProfile } from './v2/identity.js';
export { RESPONSE_CACHE_TTL_MS } from './response-cache.js';
export type { RateLimitConfig, RateLimitPolicy } from './rate-limit.js';
export type { RandomSource } from './dice.js';
export { OpenApiValidator } from './openapi-validator.js';
export { buildResult, scoreRoll } from './dice.js';
export { COOL_POINT_XP_FACTOR } from './routes/experience.js';
export type * from './models.js';
