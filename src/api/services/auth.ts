import { IdentifyRequestSchema, IdentifyResponseSchema, type IdentifyRequest, type IdentifyResponse } from '../models.js';
import { path } from '../wire.js';
import { ApiResource, type ServiceContext, type WriteOptions } from './resource.js';

/** Verified sign-in of a company's users (v2 `POST C/auth/identify`, CONTRACT-v2 §3.1). */
export class AuthService extends ApiResource {
  readonly #companyId: string;

  constructor(ctx: ServiceContext, companyId: string) {
    super(ctx);
    this.#companyId = companyId;
  }

  /**
   * Ties a verified provider identity to a user of the company: `matched` (already linked),
   * `linked` (found by verified email) or `created` (a new UNAPPROVED user). For `discord`, `token`
   * is the person's own OAuth access token (scopes `identify email`); it is sent once, never kept.
   * Errors carry `code`: TOKEN_VERIFICATION_FAILED / EMAIL_REQUIRED (UnprocessableEntityError 422),
   * PROVIDER_UNAVAILABLE (ServerError 503). v1 has no verified sign-in: UnsupportedOperationError.
   * Rate limited to 30 per key with 60 refills an hour: call it once per person.
   */
  async identify(request: IdentifyRequest, options?: WriteOptions): Promise<IdentifyResponse> {
    if (!this.wire.capabilities.identify) throw this.unsupported('auth.identify', 'v1 registers members with users().register()');
    const company = this.validate.id('companyId', this.#companyId);
    const body = this.validate.body('request', IdentifyRequestSchema, request);
    return this.transport.request(
      { method: 'POST', path: path`/companies/${company}/auth/identify`, json: body, idempotencyKey: this.writeKey(options) },
      IdentifyResponseSchema,
    );
  }
}
