import type { z } from 'zod';
import { RequestValidationError, UnsupportedOperationError } from '../errors.js';
import type { Page } from '../models.js';
import { DEFAULT_ITER_LIMIT, DEFAULT_PAGE_LIMIT, iteratePages, type PageOptions } from '../pagination.js';
import type { QueryValue, Transport } from '../transport.js';
import type { RequestValidator } from '../validate.js';
import type { Route, WireProfile } from '../wire.js';

/** Last argument of every POST/PATCH method. */
export interface WriteOptions {
  /**
   * Reused on every retry; derive it from the Discord interaction to make double clicks harmless.
   * On v2 the key sent is a hash of this key, the operation and the acting user (CONTRACT-v2 §1.9).
   */
  idempotencyKey?: string;
  /**
   * Who acts, for writes on a user's own resources (quickrolls, uploads) that v2 checks
   * (`On-Behalf-Of` required: the path user or an ADMIN). Defaults to the path user; v1 ignores it.
   */
  actingUserId?: string;
}

export interface ServiceContext {
  transport: Transport;
  wire: WireProfile;
  validate: RequestValidator;
}

/** Shared plumbing of the services: paging, iteration and write options. */
export abstract class ApiResource {
  protected readonly transport: Transport;
  protected readonly wire: WireProfile;
  protected readonly validate: RequestValidator;

  protected constructor(ctx: ServiceContext) {
    this.transport = ctx.transport;
    this.wire = ctx.wire;
    this.validate = ctx.validate;
  }

  /** One page of a list route, with `limit`/`offset` checked before sending. */
  protected async fetchPage<T>(
    route: Route,
    filters: Readonly<Record<string, QueryValue>>,
    schema: z.ZodType<Page<T>>,
    options: PageOptions,
  ): Promise<Page<T>> {
    const limit = this.validate.limit(options.limit ?? DEFAULT_PAGE_LIMIT);
    const offset = this.validate.offset(options.offset ?? 0);
    const spec = { method: 'GET' as const, path: route.path, query: { ...route.query, ...filters, limit, offset } };
    return this.transport.request(route.headers === undefined ? spec : { ...spec, headers: route.headers }, schema);
  }

  /** Streams a list route; the page size is checked now, not on the first `next()`. */
  protected iterate<T>(
    route: Route,
    filters: Readonly<Record<string, QueryValue>>,
    schema: z.ZodType<Page<T>>,
    limit: number | undefined,
  ): AsyncIterable<T> {
    // A page size of 0 would never advance.
    const size = this.validate.limit(limit ?? DEFAULT_ITER_LIMIT, 1);
    return iteratePages((l, offset) => this.fetchPage(route, filters, schema, { limit: l, offset }), size);
  }

  /** Refuses, before sending, an operation the server's generation does not have. */
  protected unsupported(operation: string, hint?: string): UnsupportedOperationError {
    return new UnsupportedOperationError(operation, this.wire.version, hint);
  }

  protected writeKey(options: WriteOptions | undefined): string | undefined {
    const key = options?.idempotencyKey;
    if (key === undefined) return undefined;
    // Header values: printable ASCII; the server documents a 255-character cap.
    if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new RequestValidationError('idempotencyKey', 'idempotencyKey must be 1–255 printable ASCII characters without spaces');
    }
    return key;
  }
}

/** A route's implied headers as a request-spec fragment (absent when it has none). */
export function headersOf(route: Route): { headers?: Record<string, string> } {
  return route.headers === undefined ? {} : { headers: route.headers };
}
