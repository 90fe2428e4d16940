import { z } from 'zod';
import { IdGenerationMismatchError, RequestValidationError } from './errors.js';
import { idGenerationOf, type WireProfile } from './wire.js';

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
      const generation = idGenerationOf(value);
      if (generation !== undefined && generation !== this.#wire.version) {
        throw new IdGenerationMismatchError(name, generation, this.#wire.version);
      }
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

  /**
   * Checks an upload against the profile's limits before anything is sent (v2: PNG, JPEG, GIF or
   * WEBP images only, request body at most 5 MiB).
   */
  upload(bytes: Uint8Array, encodedBodyBytes: number): void {
    const limits = this.#wire.uploads;
    if (limits.imageOnly && sniffImage(bytes) === undefined) {
      throw new RequestValidationError('content', 'content must be a PNG, JPEG, GIF or WEBP image');
    }
    if (limits.maxBodyBytes !== null && encodedBodyBytes > limits.maxBodyBytes) {
      throw new RequestValidationError('content', `content is too large: the upload must stay under ${limits.maxBodyBytes} bytes (5 MiB) including its multipart envelope`);
    }
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

/** The image type the bytes start with, as the server's decoder recognises them. */
export function sniffImage(bytes: Uint8Array): 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp' | undefined {
  const starts = (offset: number, ...sig: number[]): boolean => sig.every((b, i) => bytes[offset + i] === b);
  if (starts(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0, 0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0, 0x52, 0x49, 0x46, 0x46) && starts(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return undefined;
}
