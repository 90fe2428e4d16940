import { z } from 'zod';
import { RequestValidationError } from './errors.js';
import type { WireProfile } from './wire.js';

export function prettifyIssues(error: z.ZodError): string {
  return z.prettifyError(error);
}

/**
 * Checks arguments before anything is sent. Id format comes from the wire profile, so only the
 * profile knows what an id looks like.
 */
export class RequestValidator {
  readonly #wire: WireProfile;

  constructor(wire: WireProfile) {
    this.#wire = wire;
  }

  id(name: string, value: unknown): string {
    if (typeof value !== 'string' || value.length === 0) {
      throw new RequestValidationError(name, `${name} must be a non-empty string`);
    }
    if (!this.#wire.isValidId(value)) {
      throw new RequestValidationError(name, `${name} must be ${this.#wire.idDescription}`);
    }
    return value;
  }

  optionalId(name: string, value: unknown): string | undefined {
    return value === undefined ? undefined : this.id(name, value);
  }

  /** XP and cool-point amounts: the server applies any integer as-is, negatives included. */
  amount(name: string, value: unknown): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new RequestValidationError(name, `${name} must be a positive whole number`);
    }
    return value;
  }

  limit(value: unknown, min = 0): number {
    const max = this.#wire.maxPageLimit;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new RequestValidationError('limit', `limit must be a whole number from ${min} to ${max}`);
    }
    return value;
  }

  offset(value: unknown): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new RequestValidationError('offset', 'offset must be a whole number of 0 or more');
    }
    return value;
  }

  nonNegativeInt(name: string, value: unknown): number {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      throw new RequestValidationError(name, `${name} must be a whole number of 0 or more`);
    }
    return value;
  }

  nonEmptyString(name: string, value: unknown): string {
    if (typeof value !== 'string' || value.trim().length === 0) {
      throw new RequestValidationError(name, `${name} must be a non-empty string`);
    }
    return value;
  }

  /** Parses a request body; the message names the members at fault, never their values. */
  body<S extends z.ZodType>(name: string, schema: S, value: unknown): z.output<S> {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new RequestValidationError(name, `Invalid ${name}:\n${prettifyIssues(parsed.error)}`);
    }
    return parsed.data;
  }
}
