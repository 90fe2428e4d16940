/**
 * A listener whose code is imported on its first call, so what only runs when something happens
 * (an audit post, a late award receipt) stays out of the start-up heap. Concurrent first calls
 * share one import; a failed import rejects that call and is tried again on the next.
 */
export function importOnFirstCall<Args extends unknown[]>(load: () => Promise<(...args: Args) => Promise<void>>): (...args: Args) => Promise<void> {
  let loading: Promise<(...args: Args) => Promise<void>> | undefined;
  return async (...args) => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    const listener = await loading;
    await listener(...args);
  };
}
