import { startFakeValentina } from '../../test/fakes/valentina/index.js';
import { StopSchema, type FakeReady } from './api-protocol.js';

const API_KEY = 'bench-api-key';

/**
 * Child process hosting the fake Valentina for the whole benchmark. The fake keeps every user in
 * memory (tens of MiB for 11,000 users), so it lives apart from the process whose heap is measured,
 * and on its own core, so its CPU time is not charged to the client either.
 */
export async function hostFake(counts: readonly number[]): Promise<void> {
  const gc = globalThis.gc;
  // Response validation against the OpenAPI document is off: it would dominate the fake's cost per
  // request and is exercised by the test suite, not by a benchmark.
  const fake = await startFakeValentina({ apiKey: API_KEY, validateResponses: false });
  const started = performance.now();
  const companies: Record<string, string> = {};
  let userIds: string[] = [];
  for (const count of counts) {
    const company = fake.state.addCompany({ name: `Bench ${count}` });
    const users = fake.state.addUsers(company.id, count, (i) => ({
      name_first: `First${i}`,
      name_last: `Last${i}`,
      username: `bench-${count}-${i}`,
      discord_id: String(100_000_000_000_000_000n + BigInt(i)),
      discord_profile: { username: `discord${i}`, global_name: `Player ${i}` },
      lifetime_xp: i % 500,
    }));
    companies[String(count)] = company.id;
    if (userIds.length === 0) userIds = users.slice(0, 100).map((u) => u.id);
  }
  const seedMs = performance.now() - started;

  const firstCompany = companies[String(counts[0] ?? 0)] ?? '';
  const probe = await fetch(`${fake.url}/api/v1/companies/${firstCompany}/users?limit=100&offset=0`, {
    headers: { 'X-API-KEY': API_KEY },
  });
  const pageBytes = (await probe.arrayBuffer()).byteLength;
  // The request log grows by one record per request; the benchmark never reads it.
  const trim = setInterval(() => fake.requests.splice(0), 1000);

  gc?.();
  const ready: FakeReady = {
    type: 'ready',
    url: fake.url,
    apiKey: API_KEY,
    companies,
    userIds,
    seedMs,
    heapUsedBytes: process.memoryUsage().heapUsed,
    pageBytes,
  };
  const stop = async (): Promise<void> => {
    clearInterval(trim);
    await fake.close();
    process.exit(0);
  };
  process.on('message', (message: unknown) => {
    if (StopSchema.safeParse(message).success) void stop();
  });
  // The parent went away without saying stop.
  process.on('disconnect', () => void stop());
  process.send?.(ready);
}
