import { ValidationError } from '../../api/index.js';
import { describeError } from '../describe-error.js';
import { InvalidInputError, UserFacingError } from '../errors.js';

/** The not-enough-XP 400 carries `current_xp` and `required_xp` (CONTRACT §5). */
export function notEnoughXp(err: unknown): { current: number; required: number } | undefined {
  if (err instanceof ValidationError && err.currentXp !== undefined) {
    return { current: err.currentXp, required: err.requiredXp ?? 0 };
  }
  return undefined;
}

/** A short, member-safe sentence for the journal, the ledger and scene receipts. */
export function describeAwardFailure(err: unknown, reference: string): string {
  const short = notEnoughXp(err);
  if (short !== undefined) return `Not enough XP: ${short.current} available, ${short.required} needed.`;
  return describeError(err, reference).message;
}

/**
 * The error a single award shows its invoker. Not-enough-XP becomes a clear answer with the
 * current XP; other API errors go to the error boundary as they are, so they are logged and
 * described in one place.
 */
export function awardFailureError(
  outcome: { fresh: boolean; message: string; error?: unknown },
  context: { targetMention: string; campaignName: string; amount: number },
): unknown {
  const short = notEnoughXp(outcome.error);
  if (short !== undefined) {
    return new InvalidInputError(
      `${context.targetMention} has only **${short.current} XP** available in **${context.campaignName}**, so ${context.amount} XP cannot be removed. Nothing was changed.`,
    );
  }
  if (outcome.fresh && outcome.error !== undefined) return outcome.error;
  return new UserFacingError(outcome.message, 'Award failed');
}
