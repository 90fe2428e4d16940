/**
 * `npm run bench:identity` (issue 10 §3, §6): the cold-start identity figure on both API
 * generations. Prints figures, asserts nothing.
 *
 * A company of 5,000 users, each with a Discord id; the bot has just started (empty link store,
 * nothing in memory) and one member runs a command: how many API calls, and how long, until the
 * bot knows which user they are. v1 has no lookup by Discord id, so it reads the company and
 * walks the user list (the member is the last user: the walk is the same length wherever they
 * are); v2 asks `users/lookup?discord_id=` once. Measured at 0 ms and at 20 ms of added latency
 * per API answer (a server on another continent), each the median of several cold starts.
 * Everything runs in this process, against the contract fake on 127.0.0.1.
 */
import { performance } from 'node:perf_hooks';
import { ValentinaClient } from '../src/api/index.js';
import { IdentityService } from '../src/domain/identity.js';
import { createLogger } from '../src/logger.js';
import { createStore } from '../src/store/index.js';
import { startFakeValentina, type FakeGeneration, type FakeValentina } from '../test/fakes/valentina/index.js';
import { formatTable } from './lib/table.js';

const USERS = 5_000;
const LATENCIES_MS = [0, 20] as const;
const RUNS = 5;
const API_KEY = 'bench-identity-key';

interface Sample {
  calls: number;
  ms: number;
  found: boolean;
}

async function seed(generation: FakeGeneration): Promise<{ fake: FakeValentina; companyId: string; discordId: string; userId: string }> {
  const fake = await startFakeValentina({ version: generation, apiKey: API_KEY, validateResponses: false });
  const company = fake.state.addCompany({ name: 'Bench by Night' });
  const discordIdOf = (i: number) => String(400_000_000_000_000_000n + BigInt(i));
  const users = fake.state.addUsers(company.id, USERS, (i) =>
    generation === 'v2'
      ? { discord_profile: { id: discordIdOf(i), username: `member${i}`, verified: true } }
      : { discord_id: discordIdOf(i) },
  );
  const last = users[users.length - 1];
  if (last === undefined) throw new Error('no users seeded');
  return { fake, companyId: company.id, discordId: discordIdOf(USERS - 1), userId: last.id };
}

/** One cold start: a fresh client (version detected from health), a fresh store, one resolution. */
async function coldStart(world: Awaited<ReturnType<typeof seed>>): Promise<Sample> {
  const log = createLogger({ level: 'warn', secrets: [API_KEY], destination: { write: () => undefined } });
  const api = await ValentinaClient.connect({ baseUrl: world.fake.url, apiKey: API_KEY, apiVersion: 'auto' });
  const store = await createStore(':memory:');
  try {
    const identity = new IdentityService(api, store.memberLinks, { ttlMs: 3_600_000, now: Date.now, log });
    const before = world.fake.requests.length;
    const started = performance.now();
    const link = await identity.resolve(world.companyId, world.discordId);
    const ms = performance.now() - started;
    return { calls: world.fake.requests.length - before, ms, found: link?.userId === world.userId };
  } finally {
    await store.close();
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const rows: string[][] = [];
  for (const generation of ['v1', 'v2'] as const) {
    const world = await seed(generation);
    try {
      for (const latency of LATENCIES_MS) {
        world.fake.setLatency(latency);
        const samples: Sample[] = [];
        for (let i = 0; i < RUNS; i++) samples.push(await coldStart(world));
        if (!samples.every((s) => s.found)) throw new Error(`${generation}: the member was not found`);
        rows.push([
          generation,
          USERS.toLocaleString('en-US'),
          `${latency} ms`,
          String(median(samples.map((s) => s.calls))),
          `${median(samples.map((s) => s.ms)).toFixed(1)} ms`,
        ]);
      }
    } finally {
      await world.fake.close();
    }
  }
  console.log(`Cold-start identity: one member resolved right after start (median of ${RUNS} cold starts)\n`);
  console.log(formatTable(['generation', 'users', 'latency/answer', 'API calls', 'time'], rows));
}

await main();
