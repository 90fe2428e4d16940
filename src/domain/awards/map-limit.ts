/**
 * Runs `fn` over `items` with at most `limit` calls in flight, keeping the input order in the
 * result. Scene awards use it so 25 members cost a few round trips, not 25, without bursting
 * past the API's rate limit.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  const queue = items.map((item, index) => ({ item, index }));
  const worker = async () => {
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) results[job.index] = await fn(job.item, job.index);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
