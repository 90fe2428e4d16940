import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  APIConnectionError,
  APITimeoutError,
  RateLimitError,
  ResponseValidationError,
  apiErrorFor,
  type APIError,
  type ErrorCauseSummary,
  type HttpMethod,
  type InvalidParameter,
} from './errors.js';
import { ProblemDetailsSchema } from './models.js';
import { backoffDelayMs, isUnsentCode, parseRetryAfterSeconds, rateLimitDelaySeconds, shouldRetry } from './retry.js';
import { prettifyIssues } from './validate.js';
import { ON_BEHALF_OF } from './wire.js';

/** The part of a logger the client uses; pino satisfies it. */
export interface ValentinaLogger {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

/** The subset of `fetch` the client calls; the global fetch fits. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  apiPrefix: string;
  timeoutMs: number;
  maxRetries: number;
  maxRetryWaitMs: number;
  logger: ValentinaLogger | undefined;
  fetch: FetchLike;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
  userAgent: string;
  /** Told about every attempt, for metrics and liveness (see observer.ts). */
  onAttempt?: ((method: HttpMethod, path: string, attempt: number, status: number | 'timeout' | 'network', durationMs: number) => void) | undefined;
  /** Turns a caller's Idempotency-Key into the one sent (the wire profile's rule); identity when absent. */
  deriveIdempotencyKey?: (callerKey: string, request: { method: HttpMethod; path: string; actingUserId: string | undefined }) => string;
}

export type QueryValue = string | number | boolean | undefined;

export interface RequestSpec {
  method: HttpMethod;
  /** Path below the API prefix, segments already encoded (see `path` in wire.ts). */
  path: string;
  query?: Readonly<Record<string, QueryValue>>;
  /** JSON body; serialised once, so every attempt sends the same bytes. */
  json?: unknown;
  /** Pre-encoded body (multipart uploads), sent as-is on every attempt. */
  raw?: { body: Uint8Array; contentType: string };
  headers?: Readonly<Record<string, string>>;
  /** Caller-chosen Idempotency-Key; POST/PATCH get a fresh UUID otherwise. */
  idempotencyKey?: string | undefined;
  /** Non-2xx answers that are nevertheless a result (health's 500 carries a SystemHealth body). */
  acceptStatus?: (status: number, body: unknown) => boolean;
}

interface Answer {
  status: number;
  body: unknown;
  requestId: string | undefined;
}

type AttemptResult =
  | { kind: 'response'; status: number; statusText: string; text: string; headers: Headers }
  | { kind: 'network'; cause: ErrorCauseSummary }
  | { kind: 'timeout' };

const NO_BODY = Symbol('no body');

/**
 * Sends requests: headers, timeouts, retries, idempotency keys, error mapping and response
 * validation. Services describe what to send; this decides how.
 */
export class Transport {
  readonly #apiKey: string;
  readonly #options: Omit<TransportOptions, 'apiKey'>;
  readonly #root: string;

  constructor(options: TransportOptions) {
    const { apiKey, ...rest } = options;
    this.#apiKey = apiKey;
    this.#options = rest;
    this.#root = options.baseUrl.replace(/\/+$/, '') + options.apiPrefix;
  }

  /** Sends a request and validates the JSON answer with `schema`. */
  async request<T>(spec: RequestSpec, schema: z.ZodType<T>): Promise<T> {
    const answer = await this.#send(spec);
    if (answer.body === NO_BODY) throw this.#invalid(spec, answer, 'Expected a JSON body, got an empty or non-JSON body');
    const parsed = schema.safeParse(answer.body);
    if (!parsed.success) throw this.#invalid(spec, answer, prettifyIssues(parsed.error));
    return parsed.data;
  }

  /** Sends a request whose answer body is ignored (204s, and deny's `null`). */
  async requestIgnoringBody(spec: RequestSpec): Promise<void> {
    await this.#send(spec);
  }

  #invalid(spec: RequestSpec, answer: Answer, issues: string): ResponseValidationError {
    return new ResponseValidationError({
      method: spec.method,
      path: this.#logPath(spec),
      status: answer.status,
      issues: this.#redact(issues),
      requestId: answer.requestId,
    });
  }

  async #send(spec: RequestSpec): Promise<Answer> {
    const o = this.#options;
    const url = this.#url(spec);
    const logPath = this.#logPath(spec);
    const headers = this.#headers(spec);
    let body: string | Uint8Array | undefined;
    if (spec.raw !== undefined) {
      body = spec.raw.body;
      headers['Content-Type'] = spec.raw.contentType;
    } else if (spec.json !== undefined) {
      body = JSON.stringify(spec.json);
      headers['Content-Type'] = 'application/json';
    }

    for (let attempt = 1; ; attempt++) {
      const retriesLeft = o.maxRetries - (attempt - 1);
      const startedAt = performance.now();
      const result = await this.#attempt(url, spec.method, headers, body);
      o.onAttempt?.(spec.method, spec.path, attempt, result.kind === 'response' ? result.status : result.kind, performance.now() - startedAt);
      const base = { method: spec.method, path: logPath, attempt };

      if (result.kind === 'response') {
        const parsedBody = parseJson(result.text);
        const requestId = result.headers.get('x-request-id') ?? undefined;
        const ok = (result.status >= 200 && result.status < 300) || (spec.acceptStatus?.(result.status, parsedBody === NO_BODY ? undefined : parsedBody) ?? false);
        if (ok) {
          o.logger?.debug({ ...base, status: result.status }, 'valentina request');
          return { status: result.status, body: parsedBody, requestId };
        }
        const error = this.#errorFromResponse(spec.method, logPath, result, parsedBody);
        if (!shouldRetry({ kind: 'status', status: result.status })) {
          o.logger?.debug({ ...base, status: result.status }, 'valentina request');
          throw error;
        }
        const hinted = hintedDelayMs(error, result.headers, o.now());
        const delayMs = hinted ?? Math.min(backoffDelayMs(attempt - 1, o.random()), o.maxRetryWaitMs);
        if (retriesLeft <= 0 || delayMs > o.maxRetryWaitMs) {
          o.logger?.debug({ ...base, status: result.status }, 'valentina request');
          o.logger?.warn(
            { ...base, status: result.status, ...(hinted === undefined ? {} : { requestedDelayMs: hinted }) },
            retriesLeft <= 0 ? 'valentina request failed, retries exhausted' : 'valentina request failed, server asked for a longer wait than allowed',
          );
          throw error;
        }
        o.logger?.debug({ ...base, status: result.status, delayMs }, 'valentina request');
        await o.sleep(delayMs);
        continue;
      }

      const unsent = result.kind === 'network' && isUnsentCode(result.cause.code);
      const error =
        result.kind === 'timeout'
          ? new APITimeoutError({ method: spec.method, path: logPath, timeoutMs: o.timeoutMs })
          : new APIConnectionError({ method: spec.method, path: logPath, cause: result.cause, unsent });
      const outcome = result.kind === 'timeout' ? { kind: 'timeout' as const } : { kind: 'network' as const, unsent };
      if (!shouldRetry(outcome, { write: isWrite(spec.method) })) {
        o.logger?.debug({ ...base, error: result.kind }, 'valentina request');
        o.logger?.warn({ ...base, error: result.kind }, 'valentina write not confirmed; not re-sent');
        throw error;
      }
      if (retriesLeft <= 0) {
        o.logger?.debug({ ...base, error: result.kind }, 'valentina request');
        o.logger?.warn({ ...base, error: result.kind }, 'valentina request failed, retries exhausted');
        throw error;
      }
      const delayMs = Math.min(backoffDelayMs(attempt - 1, o.random()), o.maxRetryWaitMs);
      o.logger?.debug({ ...base, error: result.kind, delayMs }, 'valentina request');
      await o.sleep(delayMs);
    }
  }

  async #attempt(url: string, method: HttpMethod, headers: Record<string, string>, body: string | Uint8Array | undefined): Promise<AttemptResult> {
    // A controller whose timer is cleared on completion: AbortSignal.timeout() would keep a timer
    // and its signal alive for the whole timeout after every response (measured in bench:api).
    const controller = new AbortController();
    const signal = controller.signal;
    const timer = setTimeout(() => controller.abort(), this.#options.timeoutMs);
    try {
      const init: RequestInit = { method, headers, signal };
      if (body !== undefined) init.body = body;
      const response = await this.#options.fetch(url, init);
      // The body is read under the same deadline: a server that stalls mid-body is a timeout too.
      const text = await response.text();
      return { kind: 'response', status: response.status, statusText: response.statusText, text, headers: response.headers };
    } catch (err: unknown) {
      if (signal.aborted || (err instanceof Error && err.name === 'TimeoutError')) return { kind: 'timeout' };
      return { kind: 'network', cause: this.#summarise(err) };
    } finally {
      clearTimeout(timer);
    }
  }

  #errorFromResponse(
    method: HttpMethod,
    logPath: string,
    result: { status: number; statusText: string; headers: Headers },
    body: unknown,
  ): APIError {
    const parsed = ProblemDetailsSchema.safeParse(body === NO_BODY ? {} : body);
    const problem = parsed.success ? parsed.data : {};
    const invalidParameters: InvalidParameter[] = (parsed.success ? (parsed.data.invalid_parameters ?? []) : []).map((p) => ({
      field: typeof p.field === 'string' ? this.#redact(p.field) : p.field?.map((x) => (typeof x === 'string' ? this.#redact(x) : x)),
      message: this.#redact(p.message),
    }));
    const title = 'title' in problem && problem.title !== undefined ? problem.title : result.statusText || `HTTP ${result.status}`;
    const detail = 'detail' in problem ? problem.detail : undefined;
    const instance = 'instance' in problem ? problem.instance : undefined;
    return apiErrorFor({
      status: result.status,
      title: this.#redact(title),
      detail: detail === undefined ? undefined : this.#redact(detail),
      instance: instance === undefined ? undefined : this.#redact(instance),
      invalidParameters,
      method,
      path: logPath,
      // v2 middleware errors (401, 429, idempotency 409) carry request_id in the body only.
      requestId: ('request_id' in problem && problem.request_id !== undefined ? problem.request_id : undefined) ?? result.headers.get('x-request-id') ?? undefined,
      currentXp: 'current_xp' in problem ? problem.current_xp : undefined,
      requiredXp: 'required_xp' in problem ? problem.required_xp : undefined,
      code: 'code' in problem && problem.code !== undefined ? this.#redact(problem.code) : undefined,
      retryAfterSeconds:
        result.status === 429
          ? rateLimitDelaySeconds(
              {
                bodyRetryAfter: 'retry_after' in problem ? problem.retry_after : undefined,
                rateLimitHeader: result.headers.get('ratelimit'),
                retryAfterHeader: result.headers.get('retry-after'),
              },
              this.#options.now(),
            )
          : undefined,
    });
  }

  #headers(spec: RequestSpec): Record<string, string> {
    const headers: Record<string, string> = {
      ...spec.headers,
      Accept: 'application/json, application/problem+json',
      'User-Agent': this.#options.userAgent,
      'X-API-KEY': this.#apiKey,
    };
    if (spec.method === 'POST' || spec.method === 'PATCH') {
      // One key per logical call, made before the retry loop: a retried write that had in fact
      // succeeded is then replayed by the server instead of applied twice.
      const callerKey = spec.idempotencyKey;
      const derive = this.#options.deriveIdempotencyKey;
      headers['Idempotency-Key'] =
        callerKey === undefined
          ? randomUUID()
          : derive === undefined
            ? callerKey
            : derive(callerKey, { method: spec.method, path: spec.path, actingUserId: spec.headers?.[ON_BEHALF_OF] });
    }
    return headers;
  }

  #url(spec: RequestSpec): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) params.append(key, String(value));
    }
    const qs = params.toString();
    return this.#root + spec.path + (qs === '' ? '' : `?${qs}`);
  }

  /** What logs and errors name the request by: the route, never the query string. */
  #logPath(spec: RequestSpec): string {
    return this.#options.apiPrefix + spec.path;
  }

  #summarise(err: unknown): ErrorCauseSummary {
    if (!(err instanceof Error)) return { name: 'Error', message: this.#redact(String(err)) };
    const summary: ErrorCauseSummary = { name: err.name, message: this.#redact(err.message) };
    // undici wraps the socket error (ECONNREFUSED …) in `cause`.
    const inner: unknown = err.cause;
    const code = (inner !== null && typeof inner === 'object' && 'code' in inner ? inner.code : undefined) ?? ('code' in err ? err.code : undefined);
    if (typeof code === 'string') summary.code = this.#redact(code);
    return summary;
  }

  #redact(text: string): string {
    let out = text;
    for (const secret of [this.#apiKey, encodeURIComponent(this.#apiKey)]) {
      if (secret.length > 0 && out.includes(secret)) out = out.split(secret).join('[REDACTED]');
    }
    return out;
  }
}

/** Methods that change state on the server. */
function isWrite(method: HttpMethod): boolean {
  return method !== 'GET';
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return NO_BODY;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NO_BODY;
  }
}

/** A server-requested wait, in ms: the 429 hints, or a Retry-After on other retryable statuses. */
function hintedDelayMs(error: APIError, headers: Headers, nowMs: number): number | undefined {
  if (error instanceof RateLimitError) {
    return error.retryAfterSeconds === undefined ? undefined : Math.ceil(error.retryAfterSeconds * 1000);
  }
  const seconds = parseRetryAfterSeconds(headers.get('retry-after'), nowMs);
  return seconds === undefined ? undefined : Math.ceil(seconds * 1000);
}
