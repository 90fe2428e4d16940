import type { z } from 'zod';
import { RequestValidationError } from '../errors.js';
import type { Page } from '../models.js';
import { DEFAULT_ITER_LIMIT, DEFAULT_PAGE_LIMIT, iteratePages, type PageOptions } from '../pagination.js';
import type { QueryValue, Transport } from '../transport.js';
import type { RequestValidator } from '../validate.js';
import type { Route, WireProfile } from '../wire.js';

/** Last argument of every POST/PATCH method. */
export interface WriteOptions {
  /** Reused on every retry; derive it from the Discord interaction to make double clicks harmless. */
  idempotencyKey?: string;
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
    return this.transport.request(
      { method: 'GET', path: route.path, query: { ...route.query, ...filters, limit, offset } },
      schema,
    );
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
