import { RequestValidationError } from './errors.js';
import { routeTemplate, type ApiObserver } from './observer.js';
import { CampaignsService } from './services/campaigns.js';
import { CharacterTraitsService } from './services/character-traits.js';
import { CharactersService } from './services/characters.js';
import { CompaniesService } from './services/companies.js';
import { DicerollsService } from './services/dicerolls.js';
import type { ServiceContext } from './services/resource.js';
import { SystemService } from './services/system.js';
import { UsersService } from './services/users.js';
import { Transport, type FetchLike, type TransportOptions, type ValentinaLogger } from './transport.js';
import { RequestValidator } from './validate.js';
import { AuthService } from './services/auth.js';
import { UserLookupService } from './services/user-lookup.js';
import { profileForServerVersion, type ApiVersionSetting } from './detect-version.js';
import { V1_MARCH_2026, WIRE_PROFILES, type ApiVersion, type WireProfile } from './wire.js';

export interface ValentinaClientOptions {
  /** Server root, e.g. `https://api.valentina-noir.com` or `http://127.0.0.1:8000`; routes live under `/api/v1`. */
  baseUrl: string;
  apiKey: string;
  /** Per attempt, default 10 000. */
  timeoutMs?: number;
  /** Retries after the first attempt, default 2. */
  maxRetries?: number;
  /** Longest wait the client sleeps for before a retry, default 10 000; a longer 429 wait throws RateLimitError. */
  maxRetryWaitMs?: number;
  logger?: ValentinaLogger;
  fetch?: FetchLike;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Source of jitter, values in [0, 1). */
  random?: () => number;
  userAgent?: string;
  /** Wire conventions of the target API version; the March 2026 v1 API by default. */
  wire?: WireProfile;
  /** Told about every HTTP attempt, labelled by route template (metrics, liveness). */
  observer?: ApiObserver;
}

export interface ValentinaConnectOptions extends Omit<ValentinaClientOptions, 'wire'> {
  /** `auto` (default) reads the server's version once; `v1`/`v2` force a profile without asking. */
  apiVersion?: ApiVersionSetting;
}

const DEFAULT_USER_AGENT = 'valentina-discord-bot';

/**
 * Typed client of the Valentina Noir REST API. Stateless apart from its options: create one in
 * `main.ts` and pass it down.
 */
export class ValentinaClient {
  readonly #ctx: ServiceContext;

  /**
   * Creates a client speaking the server's API generation. With `apiVersion: 'auto'` it reads
   * `GET /api/v1/health` once (the route and its key check are the same on both generations) and
   * picks v1 for 0.8–0.9, v2 for 0.15 and later; any other version throws ApiVersionError naming
   * the version and `VALENTINA_API_VERSION`. Connection and auth failures propagate as usual.
   */
  static async connect(options: ValentinaConnectOptions): Promise<ValentinaClient> {
    const { apiVersion = 'auto', ...clientOptions } = options;
    if (apiVersion !== 'auto') return new ValentinaClient({ ...clientOptions, wire: WIRE_PROFILES[apiVersion] });
    const probe = new ValentinaClient(clientOptions);
    const health = await probe.system().health();
    return new ValentinaClient({ ...clientOptions, wire: profileForServerVersion(health.version) });
  }

  constructor(options: ValentinaClientOptions) {
    const wire = options.wire ?? V1_MARCH_2026;
    const baseUrl = checkBaseUrl(options.baseUrl);
    if (typeof options.apiKey !== 'string' || !/^[\x21-\x7e]+$/.test(options.apiKey)) {
      // Deliberately silent about the value.
      throw new RequestValidationError('apiKey', 'apiKey must be a non-empty string of printable characters');
    }
    const transport = new Transport({
      baseUrl,
      apiKey: options.apiKey,
      apiPrefix: wire.apiPrefix,
      timeoutMs: positiveInt('timeoutMs', options.timeoutMs ?? 10_000),
      maxRetries: nonNegativeInt('maxRetries', options.maxRetries ?? 2),
      maxRetryWaitMs: nonNegativeInt('maxRetryWaitMs', options.maxRetryWaitMs ?? 10_000),
      logger: options.logger,
      fetch: options.fetch ?? ((url, init) => globalThis.fetch(url, init)),
      sleep: options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
      now: options.now ?? Date.now,
      random: options.random ?? Math.random,
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      onAttempt: attemptHook(options.observer, wire),
      deriveIdempotencyKey: (key, request) => wire.idempotencyKey(key, request),
    });
    this.#ctx = { transport, wire, validate: new RequestValidator(wire) };
  }

  /** The API generation this client speaks. */
  get apiVersion(): ApiVersion {
    return this.#ctx.wire.version;
  }

  /** The wire profile in use (capabilities, limits). */
  get wire(): WireProfile {
    return this.#ctx.wire;
  }

  /** Verified sign-in (`auth/identify`, v2 only). */
  auth(companyId: string): AuthService {
    return new AuthService(this.#ctx, companyId);
  }

  /** Users by Discord id or email across visible companies (v2: one call; v1: a documented walk). */
  userLookup(): UserLookupService {
    return new UserLookupService(this.#ctx);
  }

  /** Users of a company, and what hangs off a user (experience, assets, notes, quickrolls). */
  users(companyId: string): UsersService {
    return new UsersService(this.#ctx, companyId);
  }

  /** Campaigns, read as `userId` (the acting user). */
  campaigns(companyId: string, userId: string): CampaignsService {
    return new CampaignsService(this.#ctx, companyId, userId);
  }

  /** Characters of a campaign, read as `userId`. */
  characters(companyId: string, userId: string, campaignId: string): CharactersService {
    return new CharactersService(this.#ctx, companyId, userId, campaignId);
  }

  characterTraits(companyId: string, userId: string, campaignId: string, characterId: string): CharacterTraitsService {
    return new CharacterTraitsService(this.#ctx, companyId, userId, campaignId, characterId);
  }

  /** Dice rolls, made and read as `userId`. */
  dicerolls(companyId: string, userId: string): DicerollsService {
    return new DicerollsService(this.#ctx, companyId, userId);
  }

  companies(): CompaniesService {
    return new CompaniesService(this.#ctx);
  }

  system(): SystemService {
    return new SystemService(this.#ctx);
  }
}

function attemptHook(observer: ApiObserver | undefined, wire: WireProfile): TransportOptions['onAttempt'] {
  if (observer === undefined) return undefined;
  const isId = (segment: string) => wire.isValidId(decodeURIComponent(segment));
  return (method, path, attempt, status, durationMs) => {
    try {
      observer.onAttempt({ operation: routeTemplate(method, path, isId), status, attempt, durationMs });
    } catch {
      // Metrics must never fail a request.
    }
  };
}

function checkBaseUrl(value: unknown): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new RequestValidationError('baseUrl', 'baseUrl must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RequestValidationError('baseUrl', 'baseUrl must be an absolute http(s) URL');
  }
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new RequestValidationError('baseUrl', 'baseUrl must not carry credentials, a query or a fragment');
  }
  return url.toString().replace(/\/+$/, '');
}

function positiveInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RequestValidationError(name, `${name} must be a positive whole number`);
  return value;
}

function nonNegativeInt(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RequestValidationError(name, `${name} must be a whole number of 0 or more`);
  return value;
}
