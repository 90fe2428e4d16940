/** A task run now and then every `intervalMs`, never two runs at once. */
export interface PeriodicTask {
  /** Stops the timer and waits for a run that is going. */
  stop(): Promise<void>;
}

/**
 * Starts `run` at once and then every `intervalMs` (an unref'd timer, so it never keeps the process
 * alive). A run still going when the next is due makes that one skip; a failure goes to `onError`.
 */
export function startPeriodic(run: () => Promise<void>, intervalMs: number, onError: (err: unknown) => void): PeriodicTask {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped || running !== null) return;
    running = run()
      .catch(onError)
      .finally(() => {
        running = null;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
