import type { ApiAttemptEvent, ApiObserver } from '../api/index.js';

const SAMPLE_SIZE = 200;

/**
 * When Valentina last answered successfully, and how fast it has been answering, fed by the
 * client's observer hook (so readiness never polls on its own while traffic flows).
 */
export class ApiLiveness implements ApiObserver {
  #lastSuccessAt: number | undefined;
  readonly #durations: number[] = [];
  #next = 0;

  constructor(private readonly now: () => number) {}

  onAttempt(event: ApiAttemptEvent): void {
    if (typeof event.status !== 'number' || event.status < 200 || event.status >= 300) return;
    this.#lastSuccessAt = this.now();
    if (this.#durations.length < SAMPLE_SIZE) this.#durations.push(event.durationMs);
    else this.#durations[this.#next] = event.durationMs;
    this.#next = (this.#next + 1) % SAMPLE_SIZE;
  }

  /** Epoch ms of the last 2xx answer, if any. */
  get lastSuccessAt(): number | undefined {
    return this.#lastSuccessAt;
  }

  answeredWithin(ms: number): boolean {
    return this.#lastSuccessAt !== undefined && this.now() - this.#lastSuccessAt <= ms;
  }

  /** Median duration of the last successful answers (up to 200), in ms. */
  medianMs(): number | undefined {
    if (this.#durations.length === 0) return undefined;
    const sorted = [...this.#durations].sort((a, b) => a - b);
    return sorted[Math.floor((sorted.length - 1) / 2)];
  }
}
