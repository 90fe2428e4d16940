import { UserSchema, ValentinaClient } from '../../src/api/index.js';
import { SIDES, type OverheadResult, type OverheadVariant, type Side, type SideStats, type Target } from './api-protocol.js';
import { mean, percentile } from './stats.js';

type Call = (userId: string) => Promise<number>;

interface Plan {
  concurrency: number;
  warmup: number;
  rounds: number;
  batch: number;
}

/** Sequential (one request in flight) measures per-request cost; 16 in flight shows it under load. */
export const PLANS: readonly Plan[] = [
  { concurrency: 1, warmup: 200, rounds: 20, batch: 100 },
  { concurrency: 16, warmup: 200, rounds: 10, batch: 200 },
];

/**
 * `client.users(c).get(u)` against a raw `fetch` of the same URL with the same key and
 * `res.json()` (and that raw fetch plus a timeout signal), all on the global fetch (one undici
 * pool), in batches whose order flips every round (ABC, CBA, …) so that drift — JIT, the fake's
 * heap, CPU frequency, other load on the machine — falls on every side alike.
 */
export async function measureOverhead(target: Target): Promise<OverheadResult> {
  const client = new ValentinaClient({ baseUrl: target.url, apiKey: target.apiKey });
  const users = client.users(target.companyId);
  const base = `${target.url}/api/v1/companies/${encodeURIComponent(target.companyId)}/users/`;
  const headers = { 'X-API-KEY': target.apiKey };
  const ids = target.userIds;
  if (ids.length === 0) throw new Error('no user ids to fetch');

  const timeoutMs = 10_000;
  const calls: Record<Side, Call> = {
    client: async (id) => (await users.get(id)).username.length,
    raw: async (id) => rawGet(base + encodeURIComponent(id), { headers }),
    // What the client adds on every attempt besides headers and zod: a timeout signal.
    rawSignal: async (id) => rawGet(base + encodeURIComponent(id), { headers, signal: AbortSignal.timeout(timeoutMs) }),
  };

  const variants: OverheadVariant[] = [];
  for (const plan of PLANS) {
    const batches: Record<Side, Batch> = { client: newBatch(), raw: newBatch(), rawSignal: newBatch() };
    for (const side of SIDES) await runBatch(calls[side], ids, plan.warmup, plan.concurrency, newBatch());
    for (let round = 0; round < plan.rounds; round++) {
      const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
      for (const side of order) await runBatch(calls[side], ids, plan.batch, plan.concurrency, batches[side]);
    }
    variants.push({
      concurrency: plan.concurrency,
      rounds: plan.rounds,
      batch: plan.batch,
      client: summarise(batches.client),
      raw: summarise(batches.raw),
      rawSignal: summarise(batches.rawSignal),
    });
  }
  return { type: 'overhead', variants, pieces: await pieces(base + encodeURIComponent(ids[0] ?? ''), headers) };
}

async function rawGet(url: string, init: RequestInit): Promise<number> {
  const res = await fetch(url, init);
  if (res.status !== 200) throw new Error(`raw GET answered ${res.status}`);
  const body: unknown = await res.json();
  return typeof body === 'object' && body !== null ? 1 : 0;
}

interface Batch {
  latenciesUs: number[];
  wallUs: number;
  cpuUs: number;
}

function newBatch(): Batch {
  return { latenciesUs: [], wallUs: 0, cpuUs: 0 };
}

async function runBatch(call: Call, ids: readonly string[], count: number, concurrency: number, into: Batch): Promise<void> {
  let next = 0;
  let sink = 0;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const t0 = performance.now();
      sink += await call(ids[index % ids.length] ?? '');
      into.latenciesUs.push((performance.now() - t0) * 1000);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  into.wallUs += (performance.now() - wallStart) * 1000;
  const cpu = process.cpuUsage(cpuStart);
  into.cpuUs += cpu.user + cpu.system;
  if (sink < 0) throw new Error('unreachable: keeps the result observable');
}

function summarise(batch: Batch): SideStats {
  const n = batch.latenciesUs.length;
  return {
    requests: n,
    meanUs: mean(batch.latenciesUs),
    p50Us: percentile(batch.latenciesUs, 50),
    p99Us: percentile(batch.latenciesUs, 99),
    wallUsPerReq: batch.wallUs / n,
    cpuUsPerReq: batch.cpuUs / n,
  };
}

/** In-process cost of the client's own steps on one user body, to point at where overhead goes. */
async function pieces(url: string, headers: Record<string, string>): Promise<Record<string, number>> {
  const text = await (await fetch(url, { headers })).text();
  const body: unknown = JSON.parse(text);
  const time = (iterations: number, fn: () => unknown): number => {
    for (let i = 0; i < Math.min(iterations, 2000); i++) fn();
    const t0 = performance.now();
    let keep = 0;
    for (let i = 0; i < iterations; i++) if (fn() !== undefined) keep++;
    const us = ((performance.now() - t0) * 1000) / iterations;
    if (keep < 0) throw new Error('unreachable');
    return us;
  };
  return {
    'JSON.parse of one user': time(20_000, () => JSON.parse(text)),
    'UserSchema.safeParse of one user (zod)': time(20_000, () => UserSchema.safeParse(body)),
    'AbortSignal.timeout() per attempt': time(20_000, () => AbortSignal.timeout(10_000)),
  };
}
