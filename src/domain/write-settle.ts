import { setTimeout as delay } from 'node:timers/promises';
import { APIConnectionError, ServerError } from '../api/index.js';
import type { Clock } from '../deps.js';
import { UserFacingError } from './errors.js';

/**
 * How long to wait before reading back a write whose outcome is unknown. The API keeps no
 * in-flight lock (CONTRACT §1.9): a request that timed out on our side may still be running, so
 * the read waits until it must have finished one way or the other.
 */
export const WRITE_SETTLE_WAIT_MS = 15_000;

/** A write that may or may not have been applied: no answer after sending, or a 5xx. */
export function isAmbiguousWrite(err: unknown): boolean {
  return (err instanceof APIConnectionError && err.ambiguousWrite) || err instanceof ServerError;
}

/** Waits out a possibly running write, then asks `applied` whether it took effect. */
export async function readBackAfterWait<T>(clock: Clock, readBack: () => Promise<T>): Promise<T> {
  await (clock.sleep ?? ((ms: number) => delay(ms)))(WRITE_SETTLE_WAIT_MS);
  return readBack();
}

/** Valentina did not confirm a write and it could not be read back either: its outcome is unknown. */
export class UnsettledWriteError extends Error {
  constructor(cause: unknown) {
    super('a write could not be confirmed or read back', { cause });
    this.name = 'UnsettledWriteError';
  }
}

/**
 * Runs a write; when its outcome is ambiguous, waits and reads back. Returns the write's answer,
 * or the read-back value when that shows the write applied. Throws the write's own error when
 * the read-back shows it did not apply (nothing was changed by it), and UnsettledWriteError when
 * the read-back fails too.
 */
export async function writeOrReadBack<T>(clock: Clock, write: () => Promise<T>, readBack: () => Promise<T | null>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (!isAmbiguousWrite(err)) throw err;
    let seen: T | null;
    try {
      seen = await readBackAfterWait(clock, readBack);
    } catch (readErr) {
      throw new UnsettledWriteError(readErr);
    }
    if (seen === null) throw err;
    return seen;
  }
}

/** Valentina did not confirm a write and could not be asked afterwards: the answer says what to check. */
export class OutcomeUnknownError extends UserFacingError {
  constructor(action: string, check: string) {
    super(`Valentina did not confirm ${action}, and could not be asked afterwards whether it went through. ${check} Do not simply run it again.`, 'Outcome unknown');
  }
}

/** An unconfirmed write that checking afterwards showed was not applied: safe to run again. */
export class WriteNotAppliedError extends UserFacingError {
  constructor(action: string) {
    super(`Valentina did not confirm ${action}, and checking afterwards showed it was **not** applied. Nothing changed; you can run it again.`, 'Not applied');
  }
}

/**
 * A write for a command's answer: as writeOrReadBack, with the two unconfirmed outcomes turned
 * into answers a member can act on ("not applied, run it again" or "unknown, check this").
 */
export async function settleWrite<T>(
  clock: Clock,
  what: { action: string; check: string },
  write: () => Promise<T>,
  readBack: () => Promise<T | null>,
): Promise<T> {
  try {
    return await writeOrReadBack(clock, write, readBack);
  } catch (err) {
    if (err instanceof UnsettledWriteError) throw new OutcomeUnknownError(what.action, what.check);
    if (isAmbiguousWrite(err)) throw new WriteNotAppliedError(what.action);
    throw err;
  }
}
