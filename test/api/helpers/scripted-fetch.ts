import { readFileSync } from 'node:fs';
import { ValentinaClient, type FetchLike, type ValentinaClientOptions, type ValentinaLogger } from '../../../src/api/index.js';

export const API_KEY = 'vk_test_S3CR3T-key-0123456789abcdef';
export const BASE_URL = 'http://127.0.0.1:8000';

export const IDS = {
  company: '68c2a0d41f3b7e9a5c6d2e10',
  user: '69a4e3c27d1b8f0e2a5c4b19',
  admin: '68c2a1b51f3b7e9a5c6d2e11',
  unapproved: '69b3d9e07a6c5b4d3e2f1a0b',
  campaign: '68d0f1e23a4b5c6d7e8f9012',
  character: '69a51b7e0c3d2f1a4b6e8d27',
  asset: '69a7e1f03c2b4d5e6f708192',
  note: '69a6d2e15b4c3a2f1e0d9c88',
  quickroll: '69a8c4d21e3f5a6b7c8d9e01',
  diceroll: '69b5a3f26d8e0c1b2a4f7e93',
  trait: '68c1f0a11e2d3c4b5a697801',
  category: '68c1ef2b9b8c7d6e5f4a3b30',
} as const;

const FIXTURES = new URL('../../../docs/valentina-api/fixtures/', import.meta.url);

/** A fixture body from docs/valentina-api/fixtures, freshly parsed. */
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8')) as unknown;
}

export interface RecordedCall {
  url: URL;
  method: string;
  headers: Headers;
  /** Body as text (multipart bodies are decoded as UTF-8 too). */
  body: string | undefined;
  rawBody: Uint8Array | string | undefined;
  signal: AbortSignal | undefined;
}

export type Step = Response | Error | ((call: RecordedCall) => Response | Promise<Response>);

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

export function problem(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ status, ...body }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

export function noContent(): Response {
  return new Response(null, { status: 204 });
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

export interface Harness {
  client: ValentinaClient;
  calls: RecordedCall[];
  sleeps: number[];
  logs: LogLine[];
  /** Appends scripted answers, consumed one per fetch call. */
  script(...steps: Step[]): void;
}

/** A client whose fetch replays a script, whose sleep only records, and whose logger collects. */
export function harness(options: Partial<ValentinaClientOptions> = {}): Harness {
  const calls: RecordedCall[] = [];
  const sleeps: number[] = [];
  const logs: LogLine[] = [];
  const steps: Step[] = [];
  const fetch: FetchLike = async (url, init) => {
    const headers = new Headers(init.headers);
    const rawBody = typeof init.body === 'string' || init.body instanceof Uint8Array ? init.body : undefined;
    const body = rawBody === undefined ? undefined : typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
    const call: RecordedCall = { url: new URL(url), method: init.method ?? 'GET', headers, body, rawBody, signal: init.signal ?? undefined };
    calls.push(call);
    const step = steps.shift();
    if (step === undefined) throw new Error(`unscripted call ${call.method} ${call.url.pathname}`);
    if (step instanceof Error) throw step;
    if (typeof step === 'function') return step(call);
    return step;
  };
  const log =
    (level: LogLine['level']) =>
    (obj: Record<string, unknown>, msg?: string): void => {
      logs.push({ level, obj, msg });
    };
  const logger: ValentinaLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const client = new ValentinaClient({
    baseUrl: BASE_URL,
    apiKey: API_KEY,
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => Date.parse('2026-03-14T19:00:00Z'),
    random: () => 0,
    logger,
    ...options,
  });
  return { client, calls, sleeps, logs, script: (...more) => steps.push(...more) };
}

/** The single recorded call, failing loudly when there were more or fewer. */
export function only(calls: RecordedCall[]): RecordedCall {
  if (calls.length !== 1) throw new Error(`expected exactly one call, got ${calls.length}`);
  const [call] = calls;
  if (call === undefined) throw new Error('no call');
  return call;
}

export function jsonBody(call: RecordedCall): unknown {
  if (call.body === undefined) throw new Error('call had no body');
  return JSON.parse(call.body) as unknown;
}

export async function drain<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Rejection of a promise (or of a thunk's promise, or of a thunk that throws synchronously). */
export async function caught(work: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (err: unknown) {
    return err;
  }
  throw new Error('expected a rejection');
}
