import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a route sees of a request: no body (these routes take none), only the parsed target. */
export interface HttpRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * One path served by the listener. Routes are registered by the composition root (health and
 * metrics here; the Discord sign-in callback later), so every feature shares one port.
 * A route never builds a redirect target from request data.
 */
export interface HttpRoute {
  path: string;
  /** Default GET (HEAD follows GET). */
  methods?: readonly string[];
  handle(req: HttpRequest): Promise<HttpResponse> | HttpResponse;
}

export interface HttpLimits {
  /** Request line plus headers; beyond it Node answers 431. */
  maxHeaderBytes: number;
  maxUrlLength: number;
  /** Whole headers must arrive within this (slow-loris). */
  headersTimeoutMs: number;
  /** Whole request must arrive within this. */
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** A handler slower than this answers 503. */
  handlerTimeoutMs: number;
  maxRequestsPerSocket: number;
  maxConnections: number;
  /** How often Node checks the two request timeouts (its default of 30 s is too coarse). */
  checkIntervalMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxHeaderBytes: 8 * 1024,
  maxUrlLength: 2 * 1024,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  handlerTimeoutMs: 10_000,
  maxRequestsPerSocket: 100,
  maxConnections: 256,
  checkIntervalMs: 1_000,
};

export interface HttpServerOptions {
  host: string;
  port: number;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void; info(obj: object, msg: string): void };
  limits?: Partial<HttpLimits>;
}

const BASE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

/**
 * The bot's one HTTP listener (node:http, no framework: a handful of GET routes needs exact
 * paths and strict limits, not routing features). Hardened as a public endpoint: bounded
 * headers and URL, no bodies, timeouts on slow clients, 404 and 405 without detail.
 */
export class HttpServer {
  readonly #routes = new Map<string, HttpRoute>();
  readonly #limits: HttpLimits;
  readonly #server: Server;
  readonly #options: HttpServerOptions;

  constructor(options: HttpServerOptions) {
    this.#options = options;
    this.#limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
    const l = this.#limits;
    this.#server = createServer(
      {
        maxHeaderSize: l.maxHeaderBytes,
        headersTimeout: l.headersTimeoutMs,
        requestTimeout: l.requestTimeoutMs,
        keepAliveTimeout: l.keepAliveTimeoutMs,
        connectionsCheckingInterval: l.checkIntervalMs,
      },
      (req, res) => void this.#serve(req, res),
    );
    this.#server.maxRequestsPerSocket = l.maxRequestsPerSocket;
    this.#server.maxConnections = l.maxConnections;
    // An idle or trickling socket is closed even between requests.
    this.#server.setTimeout(l.requestTimeoutMs, (socket) => socket.destroy());
  }

  /** Adds a route; paths are exact (no prefixes, no parameters). */
  route(route: HttpRoute): this {
    if (!route.path.startsWith('/')) throw new Error(`route path must start with /: ${route.path}`);
    if (this.#routes.has(route.path)) throw new Error(`duplicate HTTP route: ${route.path}`);
    this.#routes.set(route.path, route);
    return this;
  }

  async listen(): Promise<AddressInfo> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(this.#options.port, this.#options.host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    const address = this.address;
    if (address === undefined) throw new Error('HTTP listener has no address');
    this.#options.log.info({ host: address.address, port: address.port, routes: [...this.#routes.keys()] }, 'http listening');
    return address;
  }

  get address(): AddressInfo | undefined {
    const a = this.#server.address();
    return a !== null && typeof a === 'object' ? a : undefined;
  }

  async close(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const answer = await this.#answer(req);
      this.#send(req, res, answer);
    } catch (err) {
      this.#options.log.error({ err, path: safePath(req.url) }, 'http handler failed');
      if (!res.headersSent) this.#send(req, res, text(500, 'Internal Server Error'));
      else res.destroy();
    }
  }

  async #answer(req: IncomingMessage): Promise<HttpResponse> {
    const raw = req.url ?? '/';
    if (raw.length > this.#limits.maxUrlLength) return text(414, 'URI Too Long');
    // These routes take no body: refuse one rather than read it.
    const length = Number(req.headers['content-length'] ?? '0');
    if (req.headers['transfer-encoding'] !== undefined || !Number.isFinite(length) || length > 0) {
      return { ...text(413, 'Payload Too Large'), headers: { connection: 'close' } };
    }
    let url: URL;
    try {
      // Only the path and query are used; an absolute-form target cannot pick another host.
      url = new URL(raw, 'http://localhost');
    } catch {
      return text(400, 'Bad Request');
    }
    const route = this.#routes.get(url.pathname);
    if (route === undefined) return text(404, 'Not Found');
    const methods = route.methods ?? ['GET'];
    const allowed = methods.includes('GET') && !methods.includes('HEAD') ? [...methods, 'HEAD'] : [...methods];
    const method = req.method ?? 'GET';
    if (!allowed.includes(method)) return { ...text(405, 'Method Not Allowed'), headers: { allow: allowed.join(', ') } };
    return withTimeout(
      Promise.resolve(route.handle({ method, path: url.pathname, query: url.searchParams, headers: req.headers })),
      this.#limits.handlerTimeoutMs,
    );
  }

  #send(req: IncomingMessage, res: ServerResponse, answer: HttpResponse): void {
    const body = answer.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(answer.body) ? answer.body : Buffer.from(answer.body, 'utf8');
    res.writeHead(answer.status, { ...BASE_HEADERS, ...answer.headers, 'content-length': String(body.byteLength) });
    // Node leaves the body out of HEAD answers itself.
    res.end(req.method === 'HEAD' ? undefined : body);
  }
}

export function text(status: number, body: string): HttpResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: `${body}\n` };
}

export function json(status: number, body: unknown): HttpResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

async function withTimeout(work: Promise<HttpResponse>, ms: number): Promise<HttpResponse> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<HttpResponse>((resolve) => {
    timer = setTimeout(() => resolve(text(503, 'Service Unavailable')), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The path alone, for logs: a query string may carry codes or tokens. */
function safePath(url: string | undefined): string {
  return (url ?? '').split('?')[0]?.slice(0, 200) ?? '';
}
