import { APIError, RateLimitError, RequestValidationError, ValidationError } from '../../api/index.js';
import { describeError } from '../describe-error.js';
import { InvalidInputError, UserFacingError } from '../errors.js';

/** The not-enough-XP 400 carries `current_xp` and `required_xp` (CONTRACT §5). */
export function notEnoughXp(err: unknown): { current: number; required: number } | undefined {
  if (err instanceof ValidationError && err.currentXp !== undefined) {
    return { current: err.currentXp, required: err.requiredXp ?? 0 };
  }
  return undefined;
}

/**
 * What a failed award call tells us about the award itself.
 * - `refused`: the API answered 4xx, or the client refused before sending: nothing was applied.
 * - `retryable`: refused for now (429 past the client's patience, 408). The limiter runs before
 *   the handler, so nothing was applied, and sending the same key again is safe.
 * - `unconfirmed`: no answer, a 5xx, or a 2xx the client could not read. The award may have been
 *   applied, so it must be settled with the same key, never marked failed on a guess.
 */
export type FailureClass = 'refused' | 'retryable' | 'unconfirmed';

export function classifyAwardFailure(err: unknown): FailureClass {
  if (err instanceof RequestValidationError) return 'refused';
  if (err instanceof APIError) {
    if (err.status >= 500) return 'unconfirmed';
    if (err instanceof RateLimitError || err.status === 408) return 'retryable';
    return 'refused';
  }
  // Timeouts, resets, unreadable 2xx bodies and anything unexpected: no proof nothing happened.
  return 'unconfirmed';
}

/** A short, member-safe sentence for the journal, the ledger and scene receipts. */
export function describeAwardFailure(err: unknown, reference: string): string {
  const short = notEnoughXp(err);
  if (short !== undefined) return `Not enough XP: ${short.current} available, ${short.required} needed.`;
  return describeError(err, reference).message;
}

/** What an award Valentina never confirmed says in the journal once the bot stops trying. */
export const UNCONFIRMED_EXPIRED_MESSAGE =
  'Valentina never confirmed this award within the hour in which retrying it is safe, so the bot stopped trying. It may or may not have been applied: check `/xp show` before awarding it again.';

/**
 * A single award refused for now (rate limited): nothing was applied and the same request may be
 * sent again. The command answers it privately with a Retry button for the entry.
 */
export class RetryableAwardError extends UserFacingError {
  constructor(
    message: string,
    readonly entryId: number,
    title: string,
  ) {
    super(message, title);
  }
}

/**
 * The error a single award shows its invoker. Not-enough-XP becomes a clear answer with the
 * current XP; a transient refusal offers a retry; other API errors go to the error boundary as
 * they are, so they are logged and described in one place.
 */
export function awardFailureError(
  outcome: { fresh: boolean; message: string; error?: unknown; kind?: string; entry?: { id: number; key: string } },
  context: { targetMention: string; campaignName: string; amount: number; offerRetry?: boolean },
): unknown {
  const short = notEnoughXp(outcome.error);
  if (short !== undefined) {
    return new InvalidInputError(
      `${context.targetMention} has only **${short.current} XP** available in **${context.campaignName}**, so ${context.amount} XP cannot be removed. Nothing was changed.`,
      'Not enough XP',
    );
  }
  if (context.offerRetry === true && outcome.kind === 'retryable' && outcome.entry !== undefined) {
    const described = describeError(outcome.error, outcome.entry.key);
    return new RetryableAwardError(
      `${described.message}\nNothing was applied. **Retry** sends the same award again; it can only be applied once.`,
      outcome.entry.id,
      described.title,
    );
  }
  if (outcome.fresh && outcome.error !== undefined) return outcome.error;
  return new UserFacingError(outcome.message, 'Award failed');
}
