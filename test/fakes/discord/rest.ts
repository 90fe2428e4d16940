import type { IncomingMessage, ServerResponse } from 'node:http';
import { DiscordHttpError, ErrorCode } from './errors.js';
import { ATTACHMENT_SIZE_LIMIT, parseBody, readRaw, sendJson, sleep, type UploadedFile } from './http-util.js';

/** One REST request as the fake saw it. */
export interface RecordedRequest {
  method: string;
  /** Path after `/api/v10`, without the query string, e.g. `/channels/123/messages`. */
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body (for multipart, the `payload_json`). */
  body: unknown;
  /** Uploaded files (metadata only; bytes live on the stored attachments). */
  files: Array<{ field: string; filename: string; contentType: string; size: number }>;
  /** Epoch ms when the request arrived. */
  at: number;
  /** HTTP status sent (0 while in flight, -1 when the fake reset the connection). */
  status: number;
  durationMs: number;
  /** The matched route pattern, or undefined for a route the fake does not know (a 404). */
  route: string | undefined;
  /** Discord error code when the fake answered with an error body. */
  errorCode?: number;
}

/** A REST fault to inject; matched in order of registration. */
export interface RestFault {
  /** Substring of the path after `/api/v10` (e.g. `/callback`, `/messages`). Matches everything when omitted. */
  pathIncludes?: string;
  method?: string;
  /** HTTP status to answer with (429 gets rate-limit headers and a `retry_after` body). Use 0 with `reset` only. */
  status: number;
  /** How many requests it applies to (default 1; `Infinity` for all). */
  times?: number;
  /** Response body (default: Discord-shaped error). */
  body?: unknown;
  /** For 429: seconds to wait (default 1). */
  retryAfter?: number;
  /** For 429: a global rate limit. */
  global?: boolean;
  /** Extra delay before answering (for latency past 3 s / 15 s). */
  delayMs?: number;
  /** Destroy the socket instead of answering (a connection reset). */
  reset?: boolean;
}

export interface RouteContext {
  params: string[];
  query: URLSearchParams;
  body: unknown;
  files: UploadedFile[];
}

export interface RouteResult {
  status: number;
  body?: unknown;
}

type Handler = (ctx: RouteContext) => RouteResult | Promise<RouteResult>;

interface Route {
  method: string;
  pattern: string;
  regex: RegExp;
  auth: boolean;
  handler: Handler;
}

/** A tiny router for Discord REST v10 with request recording, latency and fault injection. */
export class RestRouter {
  private readonly routes: Route[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly faults: Array<RestFault & { used: number }> = [];
  latencyMs = 0;

  constructor(private readonly token: string) {}

  /** Registers a route; `:param` segments match one path segment each. */
  add(method: string, pattern: string, handler: Handler, opts: { auth?: boolean } = {}): void {
    const regex = new RegExp(`^${pattern.replace(/:[a-z]+/gi, '([^/]+)')}$`);
    this.routes.push({ method, pattern, regex, auth: opts.auth ?? true, handler });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = (req.method ?? 'GET').toUpperCase();
    const prefix = '/api/v10';
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
    const raw = await readRaw(req);
    const record: RecordedRequest = {
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      files: [],
      at: started,
      status: 0,
      durationMs: 0,
      route: undefined,
    };
    this.requests.push(record);
    const finish = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      record.status = status;
      record.durationMs = Date.now() - started;
      const code = typeof body === 'object' && body !== null && 'code' in body ? (body as { code: unknown }).code : undefined;
      if (status >= 400 && typeof code === 'number') record.errorCode = code;
      sendJson(res, status, body, headers);
    };

    let parsed: { json: unknown; files: UploadedFile[] };
    try {
      parsed = await parseBody(req, raw);
    } catch {
      finish(400, { message: 'The request body contains invalid JSON.', code: 50109 });
      return;
    }
    record.body = parsed.json;
    record.files = parsed.files.map((f) => ({ field: f.field, filename: f.filename, contentType: f.contentType, size: f.bytes.byteLength }));

    const matched = url.pathname.startsWith(`${prefix}/`) ? this.match(method, path) : undefined;
    if (matched) record.route = `${method} ${matched.route.pattern}`;

    // Discord refuses an upload whose file is over the limit it announced on the interaction
    // (`attachment_size_limit`, 10 MiB without boosts): HTTP 413, code 40005.
    if (parsed.files.some((f) => f.bytes.byteLength > ATTACHMENT_SIZE_LIMIT)) {
      finish(413, { message: 'Request entity too large', code: 40005 });
      return;
    }

    await sleep(this.latencyMs);

    const fault = this.takeFault(method, path);
    if (fault) {
      await sleep(fault.delayMs ?? 0);
      if (fault.reset === true) {
        record.status = -1;
        record.durationMs = Date.now() - started;
        req.socket.destroy();
        return;
      }
      if (fault.status !== 0) {
        this.sendFault(fault, finish);
        return;
      }
    }

    if (!url.pathname.startsWith(`${prefix}/`)) {
      finish(404, { message: '404: Not Found', code: 0 });
      return;
    }
    if (matched) {
      const { route, match } = matched;
      if (route.auth && req.headers['authorization'] !== `Bot ${this.token}`) {
        finish(401, { message: '401: Unauthorized', code: 0 });
        return;
      }
      try {
        const result = await route.handler({ params: match.slice(1).map(decodeURIComponent), query: url.searchParams, body: parsed.json, files: parsed.files });
        finish(result.status, result.body);
      } catch (error) {
        if (error instanceof DiscordHttpError) finish(error.status, error.body());
        else finish(500, { message: `fake discord internal error: ${error instanceof Error ? error.message : String(error)}`, code: 0 });
      }
      return;
    }
    const pathKnown = this.routes.some((r) => r.regex.test(path));
    if (pathKnown) finish(405, { message: '405: Method Not Allowed', code: 0 });
    else finish(404, { message: '404: Not Found', code: ErrorCode.General });
  }

  private match(method: string, path: string): { route: Route; match: RegExpExecArray } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const match = route.regex.exec(path);
      if (match) return { route, match };
    }
    return undefined;
  }

  private takeFault(method: string, path: string): (RestFault & { used: number }) | undefined {
    for (const fault of this.faults) {
      if (fault.method !== undefined && fault.method.toUpperCase() !== method) continue;
      if (fault.pathIncludes !== undefined && !path.includes(fault.pathIncludes)) continue;
      if (fault.used >= (fault.times ?? 1)) continue;
      fault.used++;
      return fault;
    }
    return undefined;
  }

  private sendFault(fault: RestFault, finish: (status: number, body: unknown, headers?: Record<string, string>) => void): void {
    if (fault.status === 429) {
      const retryAfter = fault.retryAfter ?? 1;
      const headers: Record<string, string> = {
        // Discord sends whole seconds; decimals keep tests fast and @discordjs/rest parses them the same way.
        'retry-after': retryAfter.toString(),
        'x-ratelimit-limit': '5',
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset-after': retryAfter.toString(),
        'x-ratelimit-reset': ((Date.now() + retryAfter * 1000) / 1000).toFixed(3),
        'x-ratelimit-bucket': 'fake-bucket',
        'x-ratelimit-scope': fault.global === true ? 'global' : 'user',
      };
      if (fault.global === true) headers['x-ratelimit-global'] = 'true';
      finish(429, fault.body ?? { message: 'You are being rate limited.', retry_after: retryAfter, global: fault.global === true }, headers);
      return;
    }
    finish(fault.status, fault.body ?? { message: fault.status >= 500 ? `${fault.status}: Internal Server Error` : 'Injected fault', code: 0 });
  }
}
