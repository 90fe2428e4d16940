/** RFC 9457 problem documents as the Valentina server of this era emits them (CONTRACT §1.7). */

export type InvalidParameter = { field?: string | Array<string | number>; message: string };

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return TITLES[status] ?? 'Error';
}

export const GENERIC_BODY_PARAMETER: InvalidParameter = {
  field: 'body',
  message: 'One or more fields did not pass validation.',
};

/** Thrown by handlers and middleware; the server turns it into a problem+json response. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly detail: string | undefined;
  readonly extra: Record<string, unknown>;

  constructor(status: number, detail?: string, extra: Record<string, unknown> = {}) {
    super(detail ?? reasonPhrase(status));
    this.status = status;
    this.detail = detail;
    this.extra = extra;
  }

  /** The same problem with another `detail` (e.g. a field rule that is also the headline). */
  withDetail(detail: string): HttpProblem {
    return new HttpProblem(this.status, detail, this.extra);
  }

  toBody(instance: string): Record<string, unknown> {
    const body: Record<string, unknown> = { status: this.status, title: reasonPhrase(this.status) };
    if (this.detail !== undefined) body['detail'] = this.detail;
    body['instance'] = instance;
    return { ...body, ...this.extra };
  }
}

/** Framework (pre-handler) validation failure naming fields as plain strings. */
export function fieldValidation(params: InvalidParameter[]): HttpProblem {
  return new HttpProblem(400, 'Validation failed for one or more fields.', { invalid_parameters: params });
}

/** Model validation failure inside a handler: fields are array locations. */
export function modelValidation(field: string, message: string): HttpProblem {
  return new HttpProblem(400, 'A validation error occurred.', { invalid_parameters: [{ field: [field], message }] });
}

/** Service-rule 400 ("Campaign … not found", "User … not found", …) with the generic "body" entry. */
export function serviceRule(detail: string, params: InvalidParameter[] = [GENERIC_BODY_PARAMETER]): HttpProblem {
  return new HttpProblem(400, detail, { invalid_parameters: params });
}

/** Framework 400 that cannot name a field (missing query parameter, bad JSON, …). */
export function frameworkBadRequest(detail: string): HttpProblem {
  return new HttpProblem(400, detail, { invalid_parameters: [GENERIC_BODY_PARAMETER] });
}

export function notFound(detail: string): HttpProblem {
  return new HttpProblem(404, detail);
}

export function forbidden(detail?: string): HttpProblem {
  return new HttpProblem(403, detail);
}
