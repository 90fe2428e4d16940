/**
 * Pure retry maths: what a failed attempt means and how long to wait. No I/O, no clock, no
 * randomness of its own (callers pass `random` and `nowMs`), so every rule is unit-tested here.
 */

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 8_000;

/**
 * What an attempt produced, as far as the retry decision cares. A network failure is `unsent`
 * when the request cannot have reached the server (connection refused, name not resolved).
 */
export type AttemptOutcome = { kind: 'status'; status: number } | { kind: 'network'; unsent: boolean } | { kind: 'timeout' };

/** Socket errors raised before a request is written: the server never saw it. */
const UNSENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

export function isUnsentCode(code: string | undefined): boolean {
  return code !== undefined && UNSENT_CODES.has(code);
}

/**
 * Whether an outcome is worth another attempt. 408, 429 and 5xx answers are definite and
 * transient; every other status (400, 401, 403, 404, 409 idempotency conflict, 413 …) is final.
 * Reads also retry timeouts and lost connections. A write does not: the API stores its replay
 * only once a request has finished and has no in-flight lock (CONTRACT §1.9), so re-sending a
 * write that may still be running applies it twice. Its caller settles such an outcome.
 */
export function shouldRetry(outcome: AttemptOutcome, opts: { write: boolean } = { write: false }): boolean {
  if (outcome.kind === 'timeout') return !opts.write;
  if (outcome.kind === 'network') return !opts.write || outcome.unsent;
  const { status } = outcome;
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Exponential backoff with jitter: 0.5 s × 2^retryIndex, capped at 8 s, then shortened by up to
 * 25 % so that clients failing together do not retry together.
 * @param retryIndex 0 for the first retry.
 * @param random a value in [0, 1).
 */
export function backoffDelayMs(retryIndex: number, random: number): number {
  const exp = Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, retryIndex), BACKOFF_CAP_MS);
  const r = Number.isFinite(random) ? Math.min(Math.max(random, 0), 1) : 0;
  return Math.round(exp * (1 - 0.25 * r));
}

interface RateLimitPolicyState {
  name: string;
  remaining: number | undefined;
  resetSeconds: number | undefined;
}

/**
 * Parses an IETF `RateLimit` header (`"burst";r=0;t=12, "hourly";r=40;t=3`). Items without a
 * usable `t` are kept with `resetSeconds` undefined; malformed items are skipped.
 */
export function parseRateLimitPolicies(header: string | null | undefined): RateLimitPolicyState[] {
  if (header === null || header === undefined) return [];
  const out: RateLimitPolicyState[] = [];
  // Items are comma-joined; a quoted name may itself contain commas, so split outside quotes.
  for (const item of splitOutsideQuotes(header, ',')) {
    const parts = splitOutsideQuotes(item, ';').map((p) => p.trim());
    const rawName = parts.shift();
    if (rawName === undefined || rawName === '') continue;
    const state: RateLimitPolicyState = { name: unquote(rawName), remaining: undefined, resetSeconds: undefined };
    for (const param of parts) {
      const eq = param.indexOf('=');
      if (eq < 0) continue;
      const key = param.slice(0, eq).trim().toLowerCase();
      const value = Number(unquote(param.slice(eq + 1).trim()));
      if (!Number.isFinite(value) || value < 0) continue;
      if (key === 'r') state.remaining = value;
      else if (key === 't') state.resetSeconds = value;
    }
    out.push(state);
  }
  return out;
}

/**
 * Seconds to wait according to a `RateLimit` header: the largest `t` among exhausted (`r=0`)
 * policies, since any exhausted policy rejects; when none reports `r=0`, the largest `t`.
 */
export function rateLimitWaitSeconds(header: string | null | undefined): number | undefined {
  const policies = parseRateLimitPolicies(header).filter(
    (p): p is RateLimitPolicyState & { resetSeconds: number } => p.resetSeconds !== undefined,
  );
  if (policies.length === 0) return undefined;
  const exhausted = policies.filter((p) => p.remaining === 0);
  const pool = exhausted.length > 0 ? exhausted : policies;
  return Math.max(...pool.map((p) => p.resetSeconds));
}

/** Parses `Retry-After` (delta-seconds or an HTTP date) into seconds from `nowMs`. */
export function parseRetryAfterSeconds(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const trimmed = header.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, (at - nowMs) / 1000);
}

export interface RateLimitHints {
  /** `retry_after` member of the 429 problem body. */
  bodyRetryAfter?: number | undefined;
  rateLimitHeader?: string | null | undefined;
  retryAfterHeader?: string | null | undefined;
}

/**
 * How long a 429 asks us to wait, in seconds, or undefined when it gives no hint. The body's
 * `retry_after` comes first because it is the most precise (hundredths of a second, where the
 * header's `t` may be rounded up to whole seconds); then the `RateLimit` header; then a
 * `Retry-After` header, which this API does not send today.
 */
export function rateLimitDelaySeconds(hints: RateLimitHints, nowMs: number): number | undefined {
  const body = hints.bodyRetryAfter;
  if (body !== undefined && Number.isFinite(body) && body >= 0) return body;
  return rateLimitWaitSeconds(hints.rateLimitHeader) ?? parseRetryAfterSeconds(hints.retryAfterHeader, nowMs);
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === separator && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.filter((p) => p.trim() !== '');
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
}
