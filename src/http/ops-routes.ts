import { createHash, timingSafeEqual } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { Readiness } from './readiness.js';
import { json, text, type HttpRoute } from './server.js';

export interface OpsRoutesOptions {
  readiness: Readiness;
  metrics: Registry;
  /** When set, /metrics requires `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
}

/** /healthz (alive), /readyz (gateway, store and Valentina) and /metrics (Prometheus). */
export function opsRoutes(opts: OpsRoutesOptions): HttpRoute[] {
  return [
    { path: '/healthz', handle: () => json(200, { status: 'alive' }) },
    {
      path: '/readyz',
      async handle() {
        const report = await opts.readiness.check();
        return json(report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'unavailable', down: report.down, checks: report.checks });
      },
    },
    {
      path: '/metrics',
      async handle(req) {
        if (opts.metricsToken !== undefined && !bearerMatches(req.headers.authorization, opts.metricsToken)) {
          return { ...text(401, 'Unauthorized'), headers: { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' } };
        }
        return { status: 200, headers: { 'content-type': opts.metrics.contentType }, body: await opts.metrics.metrics() };
      },
    },
  ];
}

/** Constant-time comparison (of digests, so lengths never differ). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer ([\x21-\x7e]+)$/.exec(header ?? '');
  const given = createHash('sha256').update(match?.[1] ?? '').digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected) && match !== null;
}
