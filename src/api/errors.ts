/**
 * Error taxonomy of the Valentina client.
 *
 * ValentinaError (root of everything the client throws)
 * ├─ APIError                     the server answered with an error status
 * │  ├─ ValidationError 400       ├─ AuthenticationError 401   ├─ AuthorizationError 403
 * │  ├─ NotFoundError 404         ├─ ConflictError 409         ├─ UnprocessableEntityError 422
 * │  ├─ RateLimitError 429        └─ ServerError ≥500          (other statuses, e.g. 413, are plain APIError)
 * ├─ APIConnectionError           no usable answer (network failure)
 * │  └─ APITimeoutError
 * ├─ RequestValidationError       refused before sending
 * │  └─ IdGenerationMismatchError an id of the other API generation (ObjectId on v2, UUID on v1)
 * ├─ UnsupportedOperationError    the server's API generation has no such operation
 * ├─ ApiVersionError              start-up detection found a server version no profile speaks
 * └─ ResponseValidationError      a 2xx body that does not fit the schema
 *
 * v2 identity errors carry a machine-readable `code` (CONTRACT-v2 §1.7): TOKEN_VERIFICATION_FAILED
 * and EMAIL_REQUIRED (422), PROVIDER_UNAVAILABLE (503), IDENTITY_ALREADY_LINKED and LAST_IDENTITY
 * (409), IDENTITY_NOT_LINKED (404). v1 errors have none.
 *
 * No error carries request headers or the raw response body: the transport redacts the API key
 * from every string it puts here, and validation failures carry only zod's issue summary.
 */

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface InvalidParameter {
  /** A field name, a location path (`["title"]`), or the literal `"body"` for service rules. */
  field: string | ReadonlyArray<string | number> | undefined;
  message: string;
}

export class ValentinaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export interface APIErrorInit {
  status: number;
  title: string;
  detail?: string | undefined;
  instance?: string | undefined;
  invalidParameters?: readonly InvalidParameter[] | undefined;
  method: HttpMethod;
  path: string;
  requestId?: string | undefined;
  currentXp?: number | undefined;
  requiredXp?: number | undefined;
  code?: string | undefined;
}

export class APIError extends ValentinaError {
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  /** The full request URL as the server saw it (this API puts the URL, not the path, here). */
  readonly instance: string | undefined;
  readonly invalidParameters: readonly InvalidParameter[];
  readonly method: HttpMethod;
  /** Request path without the query string. */
  readonly path: string;
  /** `X-Request-Id` when the server sends one (newer servers only). */
  readonly requestId: string | undefined;
  /** Extension members of the not-enough-XP 400. */
  readonly currentXp: number | undefined;
  readonly requiredXp: number | undefined;
  /** v2 identity errors: `TOKEN_VERIFICATION_FAILED`, `EMAIL_REQUIRED`, … (see IDENTITY_ERROR_CODES). */
  readonly code: string | undefined;

  constructor(init: APIErrorInit) {
    const what = init.detail ?? init.title;
    super(`${init.method} ${init.path} failed with ${init.status}: ${what}`);
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.instance = init.instance;
    this.invalidParameters = init.invalidParameters ?? [];
    this.method = init.method;
    this.path = init.path;
    this.requestId = init.requestId;
    this.currentXp = init.currentXp;
    this.requiredXp = init.requiredXp;
    this.code = init.code;
  }
}

export class ValidationError extends APIError {}
export class AuthenticationError extends APIError {}
export class AuthorizationError extends APIError {}
export class NotFoundError extends APIError {}
export class ConflictError extends APIError {}
/** 422: on v2, an identity token the provider refused or a sign-in without an email (see `code`). */
export class UnprocessableEntityError extends APIError {}
export class ServerError extends APIError {}

export class RateLimitError extends APIError {
  /** How long the server asked to wait, when it said so. */
  readonly retryAfterSeconds: number | undefined;

  constructor(init: APIErrorInit & { retryAfterSeconds?: number | undefined }) {
    super(init);
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/**
 * The same not-enough-XP refusal with the amounts filled in (v2 dropped `current_xp` and
 * `required_xp` from the body; the client reads the current XP instead).
 */
export function withXpAmounts(err: ValidationError, currentXp: number, requiredXp: number): ValidationError {
  return new ValidationError({
    status: err.status,
    title: err.title,
    detail: err.detail,
    instance: err.instance,
    invalidParameters: err.invalidParameters,
    method: err.method,
    path: err.path,
    requestId: err.requestId,
    code: err.code,
    currentXp,
    requiredXp,
  });
}

/** Picks the class for a status; the single place where statuses become classes. */
export function apiErrorFor(init: APIErrorInit & { retryAfterSeconds?: number | undefined }): APIError {
  switch (init.status) {
    case 400:
      return new ValidationError(init);
    case 401:
      return new AuthenticationError(init);
    case 403:
      return new AuthorizationError(init);
    case 404:
      return new NotFoundError(init);
    case 409:
      return new ConflictError(init);
    case 422:
      return new UnprocessableEntityError(init);
    case 429:
      return new RateLimitError(init);
    default:
      return init.status >= 500 ? new ServerError(init) : new APIError(init);
  }
}

/** A stripped-down copy of a low-level error, so the original (and whatever it holds) is not kept. */
export interface ErrorCauseSummary {
  name: string;
  message: string;
  code?: string;
}

export class APIConnectionError extends ValentinaError {
  readonly method: HttpMethod;
  readonly path: string;
  override readonly cause: ErrorCauseSummary | undefined;
  /** True when the request cannot have reached the server (connection refused, name not resolved). */
  readonly unsent: boolean;

  constructor(init: { method: HttpMethod; path: string; cause?: ErrorCauseSummary | undefined; message?: string; unsent?: boolean }) {
    const reason = init.cause === undefined ? '' : `: ${init.cause.message}${init.cause.code === undefined ? '' : ` (${init.cause.code})`}`;
    super(init.message ?? `${init.method} ${init.path} could not reach the Valentina API${reason}`);
    this.method = init.method;
    this.path = init.path;
    this.cause = init.cause;
    this.unsent = init.unsent ?? false;
  }

  /** A write that may have reached the server without an answer: it may or may not have been applied. */
  get ambiguousWrite(): boolean {
    return this.method !== 'GET' && !this.unsent;
  }
}

export class APITimeoutError extends APIConnectionError {
  readonly timeoutMs: number;

  constructor(init: { method: HttpMethod; path: string; timeoutMs: number }) {
    super({ ...init, message: `${init.method} ${init.path} timed out after ${init.timeoutMs} ms` });
    this.timeoutMs = init.timeoutMs;
  }
}

/** Thrown before any request is sent: the arguments cannot make a valid request. */
export class RequestValidationError extends ValentinaError {
  /** The argument or body member at fault (`amount`, `userId`, `body.title` …). */
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** The `code` values of v2 identity errors (CONTRACT-v2 §1.7). */
export const IDENTITY_ERROR_CODES = [
  'TOKEN_VERIFICATION_FAILED',
  'EMAIL_REQUIRED',
  'PROVIDER_UNAVAILABLE',
  'IDENTITY_ALREADY_LINKED',
  'LAST_IDENTITY',
  'IDENTITY_NOT_LINKED',
] as const;
export type IdentityErrorCode = (typeof IDENTITY_ERROR_CODES)[number];

/**
 * An id of the other API generation: a v1 ObjectId given to a v2 client or a UUID given to a v1
 * client. Thrown before sending, so a link stored before a server upgrade never reaches the new
 * server; the caller re-resolves the user (e.g. by Discord id) instead.
 */
export class IdGenerationMismatchError extends RequestValidationError {
  /** The generation the id belongs to. */
  readonly idGeneration: 'v1' | 'v2';
  /** The generation the client speaks. */
  readonly clientGeneration: 'v1' | 'v2';

  constructor(field: string, idGeneration: 'v1' | 'v2', clientGeneration: 'v1' | 'v2') {
    super(field, `${field} is a ${idGeneration} id, but the server speaks the ${clientGeneration} API`);
    this.idGeneration = idGeneration;
    this.clientGeneration = clientGeneration;
  }
}

/** The server's API generation has no such operation (e.g. `register` on v2, `identify` on v1). */
export class UnsupportedOperationError extends ValentinaError {
  readonly operation: string;
  readonly apiVersion: 'v1' | 'v2';

  constructor(operation: string, apiVersion: 'v1' | 'v2', hint?: string) {
    super(`${operation} is not available on the Valentina ${apiVersion} API${hint === undefined ? '' : `; ${hint}`}`);
    this.operation = operation;
    this.apiVersion = apiVersion;
  }
}

/** Start-up detection read a server version that neither wire profile speaks. */
export class ApiVersionError extends ValentinaError {
  /** The `version` the server reported, or undefined when it reported none. */
  readonly found: string | undefined;

  constructor(found: string | undefined) {
    super(
      `${found === undefined ? 'The Valentina server did not report its version' : `The Valentina server reports version ${found}`}, `
        + 'which this bot cannot pick a wire profile for (0.8–0.9 speak v1, 0.15 and later speak v2). '
        + 'Set VALENTINA_API_VERSION=v1 or VALENTINA_API_VERSION=v2 to force one.',
    );
    this.found = found;
  }
}

/** A successful response whose body does not fit the expected schema: API drift or a client bug. */
export class ResponseValidationError extends ValentinaError {
  readonly method: HttpMethod;
  readonly path: string;
  readonly status: number;
  /** zod's prettified issue list (paths and expectations, never the values received). */
  readonly issues: string;
  readonly requestId: string | undefined;

  constructor(init: { method: HttpMethod; path: string; status: number; issues: string; requestId?: string | undefined }) {
    super(`${init.method} ${init.path} returned a body that does not fit the expected schema:\n${init.issues}`);
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.issues = init.issues;
    this.requestId = init.requestId;
  }
}
