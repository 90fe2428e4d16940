import { afterEach, describe, expect, it, vi } from 'vitest';
import { startPeriodic } from '../../src/shared/periodic.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('startPeriodic', () => {
  it('runs at once and then every interval, never two runs at once, and stop waits for the run going', async () => {
    vi.useFakeTimers();
    let runs = 0;
    let release: () => void = () => undefined;
    const task = startPeriodic(
      () => {
        runs += 1;
        return new Promise<void>((resolve) => {
          release = resolve;
        });
      },
      1_000,
      () => undefined,
    );
    expect(runs).toBe(1);
    // The first run is still going: the next two ticks skip.
    await vi.advanceTimersByTimeAsync(2_500);
    expect(runs).toBe(1);
    release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(2);
    let stopped = false;
    const stopping = task.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(runs).toBe(2);
  });

  it('hands a failed run to onError and keeps going', async () => {
    vi.useFakeTimers();
    const errors: unknown[] = [];
    let runs = 0;
    const task = startPeriodic(
      async () => {
        runs += 1;
        throw new Error(`run ${runs}`);
      },
      100,
      (err) => errors.push(err),
    );
    await vi.advanceTimersByTimeAsync(250);
    expect(runs).toBe(3);
    expect(errors.map((e) => (e instanceof Error ? e.message : ''))).toEqual(['run 1', 'run 2', 'run 3']);
    await task.stop();
  });
});
