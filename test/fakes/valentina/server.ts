import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Reply, RequestContext } from './context.js';
import type { RandomSource } from './dice.js';
import { IdempotencyStore } from './idempotency.js';
import type { StoredResponse } from './idempotency.js';
import { isObjectId, isUuid } from './ids.js';
import type { OpenApiValidator } from './openapi-validator.js';
import { HttpProblem, fieldValidation, forbidden } from './problem.js';
import { actingUserGuard } from './v2/acting-user.js';
import { RateLimiter } from './rate-limit.js';
import type { RateLimitConfig } from './rate-limit.js';
import { Router } from './router.js';
import type { FakeGeneration, FakeState } from './state.js';
import { ResponseCache } from './response-cache.js';
import type { IdentityVerifier } from './v2/identity.js';

/** Framework default request-body cap (CONTRACT §3.2, inferred). */
export const MAX_BODY_BYTES = 10_000_000;
/** v2 request-body cap, `VAPI_SERVER__REQUEST_MAX_BODY_SIZE` (CONTRACT-v2 §1.10). */
export const MAX_BODY_BYTES_V2 = 5_242_880;

/** One request as the fake received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/api/v1/companies/…/users`. */
  path: string;
  query: Record<string, string>;
  /** Status sent; 0 while in flight or when the socket was reset by a fault. */
  status: number;
  idempotencyKey?: string;
  /** Parsed JSON body, when the request had one. */
  body?: unknown;
  /** `On-Behalf-Of` as sent (v2). */
  onBehalfOf?: string;
  /** True when the answer came from the fake's 60 s response cache (`caches: true`). */
  cached?: boolean;
  /** `now()` in epoch milliseconds when the request arrived. */
  at: number;
}

/**
 * A one-shot (or `times`-shot) misbehaviour for matching requests. Faults act before
 * authentication, rate limiting and idempotency, and their responses are not validated.
 */
export interface Fault {
  /** Only requests with this method (case-insensitive). */
  method?: string;
  /** Only requests whose path (with query) contains this substring. */
  pathIncludes?: string;
  /** How many matching requests it affects; default 1. */
  times?: number;
  /** Answer with this status (body: `body`, else a problem document). */
  status?: number;
  body?: unknown;
  /** Wait this long first; alone, the request is then served normally. */
  delayMs?: number;
  /** Destroy the socket instead of answering. */
  reset?: boolean;
  /** Answer 200 with a JSON body that fits no schema of the operation. */
  malformed?: boolean;
}

export interface ServerDeps {
  state: FakeState;
  generation: FakeGeneration;
  router: Router;
  /** The real server's 60 s response cache (both) and sliding guard cache (v1). */
  caches: boolean;
  verifyIdentity: IdentityVerifier;
  random: RandomSource;
  now: () => Date;
  validator: OpenApiValidator | null;
  rateLimit: RateLimitConfig;
  latencyMs: number;
}

interface Outgoing {
  status: number;
  headers: Record<string, string>;
  /** Serialised body; undefined for an empty one. */
  text: string | undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function readBody(req: IncomingMessage, maxBytes: number): Promise<{ body: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve({ body: tooLarge ? Buffer.alloc(0) : Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The HTTP side of the fake: auth → rate limit → body cap → idempotency → route → validation. */
export class FakeServer {
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  latencyMs: number;
  private readonly router: Router;
  private readonly limiter: RateLimiter;
  private readonly cache: ResponseCache | null;
  private readonly idempotency: IdempotencyStore;
  private faults: Array<{ fault: Fault; remaining: number }> = [];
  private server: Server | undefined;

  constructor(private readonly deps: ServerDeps) {
    this.latencyMs = deps.latencyMs;
    this.router = deps.router;
    const nowMs = (): number => deps.now().getTime();
    this.cache = deps.caches ? new ResponseCache(nowMs) : null;
    if (deps.caches && deps.generation === 'v1') deps.state.guardCache = new Map();
    this.limiter = new RateLimiter(nowMs, deps.rateLimit);
    this.idempotency = new IdempotencyStore(nowMs);
  }

  async listen(): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.violations.push(`fake crashed: ${String(error)}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  setRateLimit(config: RateLimitConfig): void {
    this.limiter.configure(config);
  }

  /** Empties the response cache of one API key, as that key's audited write would. */
  flushResponseCache(apiKey: string): void {
    this.cache?.flush(apiKey);
  }

  inject(fault: Fault): void {
    this.faults.push({ fault, remaining: fault.times ?? 1 });
  }

  private takeFault(method: string, pathWithQuery: string): Fault | undefined {
    const slot = this.faults.find(({ fault, remaining }) =>
      remaining > 0
      && (fault.method === undefined || fault.method.toUpperCase() === method)
      && (fault.pathIncludes === undefined || pathWithQuery.includes(fault.pathIncludes)));
    if (!slot) return undefined;
    slot.remaining--;
    this.faults = this.faults.filter((s) => s.remaining > 0);
    return slot.fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const rawUrl = req.url ?? '/';
    const url = new URL(rawUrl, 'http://127.0.0.1');
    const instance = `http://${header(req, 'host') ?? '127.0.0.1'}${rawUrl}`;
    let read: { body: Buffer; tooLarge: boolean };
    try {
      read = await readBody(req, this.deps.generation === 'v2' ? MAX_BODY_BYTES_V2 : MAX_BODY_BYTES);
    } catch {
      // The client went away mid-body (e.g. its own timeout): nothing to answer, not a fake bug.
      return;
    }
    const { body: rawBody, tooLarge } = read;
    const contentType = header(req, 'content-type');
    const idempotencyKey = header(req, 'idempotency-key');

    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      at: this.deps.now().getTime(),
    };
    if (idempotencyKey !== undefined) record.idempotencyKey = idempotencyKey;
    const onBehalfOf = header(req, 'on-behalf-of');
    if (onBehalfOf !== undefined) record.onBehalfOf = onBehalfOf;
    if (rawBody.length > 0 && contentType?.includes('json')) {
      try {
        record.body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        record.body = rawBody.toString('utf8');
      }
    }
    this.requests.push(record);

    const fault = this.takeFault(method, url.pathname + url.search);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (fault?.reset) {
      req.socket.destroy();
      return;
    }
    let out: Outgoing;
    if (fault?.malformed) {
      out = this.json(200, { malformed: true, id: 42, items: 'not-a-list' }, 'application/json');
    } else if (fault?.status !== undefined) {
      const body = fault.body !== undefined ? fault.body : new HttpProblem(fault.status, 'Injected fault').toBody(instance);
      out = this.json(fault.status, body, fault.status >= 400 ? 'application/problem+json' : 'application/json');
    } else {
      out = await this.process({ req, method, url, instance, rawBody, tooLarge, contentType, idempotencyKey, record });
    }
    if (this.deps.generation === 'v2' && out.headers['X-Request-Id'] === undefined) out.headers['X-Request-Id'] = this.requestId();

    if (this.latencyMs > 0) await sleep(this.latencyMs);
    record.status = out.status;
    if (out.text === undefined) {
      res.writeHead(out.status, out.headers).end();
    } else {
      res.writeHead(out.status, { ...out.headers, 'Content-Length': String(Buffer.byteLength(out.text)) }).end(out.text);
    }
  }

  private json(status: number, body: unknown, contentType: string): Outgoing {
    return { status, headers: { 'Content-Type': contentType }, text: JSON.stringify(body) };
  }

  /**
   * `req_` + 22 URL-safe characters (CONTRACT-v2 §1.10). From crypto, not the dice source: a test
   * scripting the dice must get every scripted face on its dice.
   */
  private requestId(): string {
    return `req_${randomBytes(17).toString('base64url').slice(0, 22)}`;
  }

  private async process(input: {
    req: IncomingMessage;
    method: string;
    url: URL;
    instance: string;
    rawBody: Buffer;
    tooLarge: boolean;
    contentType: string | undefined;
    idempotencyKey: string | undefined;
    record: RecordedRequest;
  }): Promise<Outgoing> {
    const { req, method, url, instance } = input;
    const v2 = this.deps.generation === 'v2';
    const match = this.router.match(method, url.pathname);
    const requestId = v2 ? this.requestId() : undefined;
    const problem = (p: HttpProblem, extraHeaders: Record<string, string> = {}): Outgoing => {
      const body = p.toBody(instance);
      if (requestId !== undefined) {
        body['request_id'] = requestId;
        extraHeaders = { 'X-Request-Id': requestId, ...extraHeaders };
      }
      this.check(match?.route.template, method, url.pathname, p.status, 'application/problem+json', body);
      return { status: p.status, headers: { 'Content-Type': 'application/problem+json', ...extraHeaders }, text: JSON.stringify(body) };
    };

    // 1. Authentication (before the limiter, so 401s consume no tokens).
    const apiKey = header(req, 'x-api-key');
    if (apiKey === undefined || apiKey === '') return problem(new HttpProblem(401, 'API key not provided'));
    const access = this.deps.state.apiKeys.get(apiKey);
    if (!access) return problem(new HttpProblem(401, 'Unauthorized API key'));

    // 2. Rate limiting (replays and every other outcome consume tokens).
    let limitHeaders: Record<string, string> = {};
    if (this.limiter.enabled && header(req, 'x-testing-ignore-rate-limit')?.toLowerCase() !== 'true') {
      const decision = this.limiter.take(apiKey);
      limitHeaders = decision.headers;
      if (!decision.allowed) {
        return problem(new HttpProblem(429, 'You are being rate limited.', { retry_after: decision.retryAfter }), limitHeaders);
      }
    }

    if (!match) return problem(new HttpProblem(404, 'Not Found'), limitHeaders);
    if (input.tooLarge) return problem(new HttpProblem(413, 'Request Entity Too Large'), limitHeaders);

    // 3. Idempotency (POST/PUT/PATCH with a key).
    const idemKey = input.idempotencyKey;
    const useIdempotency = idemKey !== undefined && idemKey !== '' && IdempotencyStore.appliesTo(method);
    if (useIdempotency) {
      const found = this.idempotency.lookup(apiKey, idemKey, method, url.pathname, input.rawBody);
      if (found.kind === 'conflict') {
        return problem(new HttpProblem(409, `Idempotency key '${idemKey}' was previously used with a different request body. Each unique request must use a unique idempotency key.`), limitHeaders);
      }
      if (found.kind === 'replay') {
        const stored = found.response;
        return { status: stored.status, headers: { ...stored.headers, ...limitHeaders }, text: stored.body === '' ? undefined : stored.body };
      }
    }

    // 4. The route.
    const cacheable = match.route.method === 'GET' && match.route.cacheable === true;
    const cacheControl = cacheable ? 'private, max-age=60' : 'no-cache';
    const onBehalfOf = header(req, 'on-behalf-of');
    let reply: Reply;
    try {
      for (const [name, value] of Object.entries(match.params)) {
        if (name.endsWith('_id') && !(v2 ? isUuid(value.toLowerCase()) : isObjectId(value))) {
          // v2: the tenant guard answers any unusable company id with 403 (CONTRACT-v2 §1.2).
          if (v2 && name === 'company_id') throw forbidden('No rights to access this resource');
          throw fieldValidation([{ field: name, message: v2 ? `Invalid UUID: '${value}'` : `Invalid ObjectId: '${value}'` }]);
        }
        match.params[name] = value.toLowerCase();
      }
      const actor = v2 ? actingUserGuard(this.deps.state, match.route, onBehalfOf, url.pathname) : undefined;
      // 4a. The response cache: per key, per On-Behalf-Of (v2), per path and sorted query.
      const cacheKey = this.cache !== null && cacheable ? ResponseCache.key(apiKey, v2 ? onBehalfOf : undefined, url) : undefined;
      if (cacheKey !== undefined) {
        const hit = this.cache?.get(cacheKey);
        if (hit !== undefined) {
          input.record.cached = true;
          return { status: hit.status, headers: { ...hit.headers, ...limitHeaders }, text: hit.body };
        }
      }
      const ctx: RequestContext = {
        actor,
        header: (name) => header(req, name),
        verifyIdentity: this.deps.verifyIdentity,
        method,
        path: url.pathname,
        params: match.params,
        query: url.searchParams,
        rawBody: input.rawBody,
        contentType: input.contentType,
        state: this.deps.state,
        random: this.deps.random,
        access,
      };
      reply = await match.route.handler(ctx);
      if (cacheKey !== undefined && reply.status === 200 && reply.body !== undefined) {
        this.cache?.set(cacheKey, apiKey, { status: 200, headers: { 'Cache-Control': cacheControl, 'Content-Type': reply.contentType ?? 'application/json' }, body: JSON.stringify(reply.body) });
      }
    } catch (error: unknown) {
      if (error instanceof HttpProblem) return problem(error, { 'Cache-Control': 'no-cache', ...limitHeaders });
      const message = error instanceof Error ? error.stack ?? error.message : String(error);
      this.violations.push(`${method} ${url.pathname} -> handler threw: ${message}`);
      console.error(`[fake-valentina] handler error on ${method} ${url.pathname}:`, error);
      return problem(new HttpProblem(500, 'Internal Server Error'), limitHeaders);
    }

    const contentType = reply.contentType ?? 'application/json';
    const headers: Record<string, string> = { 'Cache-Control': cacheControl };
    let text: string | undefined;
    if (reply.body !== undefined) {
      headers['Content-Type'] = contentType;
      text = JSON.stringify(reply.body);
    }
    this.check(match.route.template, method, url.pathname, reply.status, reply.body === undefined ? undefined : contentType, reply.body);
    // Audited writes flush this key's whole response cache; dice rolls and no-op identifies do not.
    if (method !== 'GET' && reply.status < 300 && match.route.audited !== false && reply.audited !== false) this.cache?.flush(apiKey);
    if (requestId !== undefined) headers['X-Request-Id'] = requestId;
    if (useIdempotency) {
      const stored: StoredResponse = { status: reply.status, headers, body: text ?? '' };
      this.idempotency.store(apiKey, idemKey, method, url.pathname, input.rawBody, stored);
    }
    return { status: reply.status, headers: { ...headers, ...limitHeaders }, text };
  }

  private check(template: string | undefined, method: string, path: string, status: number, contentType: string | undefined, body: unknown): void {
    const validator = this.deps.validator;
    if (!validator || template === undefined) return;
    const error = validator.validateResponse(method, template, status, contentType, body);
    if (error === null) return;
    const line = `${method} ${path} -> ${error}`;
    this.violations.push(line);
    console.warn(`[fake-valentina] OpenAPI violation: ${line}`);
  }
}
