import type { FakeValentina } from './index.js';

export interface CallOptions {
  /** JSON-serialised unless it is already a string, Buffer or FormData. */
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  headers?: Record<string, string>;
  /** Send no X-API-KEY header (or another key when a string). */
  apiKey?: string | null;
}

export interface CallResult {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
  text: string;
}

/**
 * A thin raw-`fetch` helper for tests against the fake: `call(fake, 'GET', '/companies/…')`.
 * Paths are relative to `/api/v1`.
 */
export async function call(fake: FakeValentina, method: string, path: string, opts: CallOptions = {}): Promise<CallResult> {
  const url = new URL(`${fake.url}/api/v1${path}`);
  for (const [key, value] of Object.entries(opts.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  const headers: Record<string, string> = { ...opts.headers };
  const apiKey = opts.apiKey === undefined ? fake.apiKey : opts.apiKey;
  if (apiKey !== null) headers['X-API-KEY'] = apiKey;
  let body: string | Buffer | FormData | undefined;
  if (opts.body instanceof FormData || typeof opts.body === 'string' || Buffer.isBuffer(opts.body)) {
    body = opts.body;
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text), text };
}

/** Narrows an unknown JSON body to a record for property access in assertions. */
export function obj(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`not an object: ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}

/** `items` of a paginated body. */
export function items(value: unknown): Array<Record<string, unknown>> {
  const list = obj(value)['items'];
  if (!Array.isArray(list)) throw new Error('no items array');
  return list.map(obj);
}
