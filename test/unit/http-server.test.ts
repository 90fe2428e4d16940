import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpServer, json, type HttpLimits, type HttpRoute } from '../../src/http/server.js';
import { opsRoutes, bearerMatches } from '../../src/http/ops-routes.js';
import { Readiness, type ReadinessParts } from '../../src/http/readiness.js';
import { createMetrics } from '../../src/http/metrics.js';
import { loadConfig } from '../../src/config.js';

const quietLog = { info() {}, warn() {}, error() {} };
const servers: HttpServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(routes: HttpRoute[], limits: Partial<HttpLimits> = {}): Promise<string> {
  const server = new HttpServer({ host: '127.0.0.1', port: 0, log: quietLog, limits });
  for (const r of routes) server.route(r);
  servers.push(server);
  const { port } = await server.listen();
  return `http://127.0.0.1:${port}`;
}

/** A raw request on a fresh socket; resolves with everything the server wrote until it closed. */
function raw(base: string, lines: string[], opts: { trickleMs?: number } = {}): Promise<{ text: string; closedAfterMs: number }> {
  const { port } = new URL(base);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(Number(port), '127.0.0.1');
    let text = '';
    let timer: NodeJS.Timeout | undefined;
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
    socket.on('connect', () => {
      if (opts.trickleMs === undefined) {
        socket.write(lines.join('\r\n'));
        return;
      }
      // A slow-loris client: one header byte at a time, never finishing.
      let i = 0;
      const bytes = lines.join('\r\n');
      timer = setInterval(() => {
        if (socket.destroyed) return clearInterval(timer);
        socket.write(bytes[i % bytes.length] ?? 'x');
        i++;
      }, opts.trickleMs);
    });
    setTimeout(() => reject(new Error('socket still open after 10 s')), 10_000).unref();
  });
}

function parts(overrides: Partial<ReadinessParts> = {}): ReadinessParts {
  return {
    shards: () => [{ id: 0, ready: true }],
    pingStore: async () => undefined,
    valentinaAnsweredWithin: () => true,
    probeValentina: async () => undefined,
    ...overrides,
  };
}

function opsServer(p: ReadinessParts, token?: string, now?: () => number) {
  const metrics = createMetrics({ awardCounts: async () => ({ PENDING: 2, APPLIED: 40, FAILED: 1, UNDONE: 3 }), shardPings: () => [{ id: 0, pingMs: 42 }], version: '1.2.3' }, now);
  return { metrics, url: serve(opsRoutes({ readiness: new Readiness(p, { timeoutMs: 200 }), metrics: metrics.registry, metricsToken: token })) };
}

describe('HttpServer hardening', () => {
  it('answers an unknown path with a bare 404, whatever it looks like', async () => {
    const base = await serve([{ path: '/healthz', handle: () => json(200, { status: 'alive' }) }]);
    for (const path of ['/nope', '/healthz/', '/HEALTHZ', '/..%2f..%2fetc/passwd', '/metrics?x=1']) {
      const res = await fetch(base + path);
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('Not Found\n');
      expect(res.headers.get('location')).toBeNull();
    }
  });

  it('allows only GET and HEAD on GET routes (405 with Allow otherwise)', async () => {
    const base = await serve([{ path: '/healthz', handle: () => json(200, { status: 'alive' }) }]);
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const res = await fetch(`${base}/healthz`, { method });
      expect(res.status, method).toBe(405);
      expect(res.headers.get('allow')).toBe('GET, HEAD');
      expect(await res.text()).toBe('Method Not Allowed\n');
    }
    const head = await fetch(`${base}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses a request body without reading it (413)', async () => {
    const base = await serve([{ path: '/healthz', handle: () => json(200, {}) }]);
    const { text } = await raw(base, ['GET /healthz HTTP/1.1', 'Host: x', 'Content-Length: 100000000', '', 'abc']);
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('answers an oversized header with 431 and an overlong URL with 414', async () => {
    const base = await serve([{ path: '/healthz', handle: () => json(200, {}) }]);
    const big = await raw(base, ['GET /healthz HTTP/1.1', 'Host: x', `X-Big: ${'a'.repeat(20_000)}`, '', '']);
    expect(big.text).toMatch(/^HTTP\/1\.1 431 /);
    const long = await fetch(`${base}/healthz?${'q'.repeat(3_000)}`);
    expect(long.status).toBe(414);
  });

  it('cuts off a client that trickles its headers (slow-loris)', async () => {
    const base = await serve([{ path: '/healthz', handle: () => json(200, {}) }], { headersTimeoutMs: 400, requestTimeoutMs: 600, checkIntervalMs: 100 });
    const { text, closedAfterMs } = await raw(base, ['GET /healthz HTTP/1.1', 'Host: x', 'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'], { trickleMs: 50 });
    expect(closedAfterMs).toBeLessThan(3_000);
    expect(text === '' || /^HTTP\/1\.1 408 /.test(text)).toBe(true);
  });

  it('hides handler failures (500) and bounds slow handlers (503)', async () => {
    const base = await serve(
      [
        {
          path: '/boom',
          handle: () => {
            throw new Error('secret detail');
          },
        },
        { path: '/slow', handle: () => new Promise(() => undefined) },
      ],
      { handlerTimeoutMs: 200 },
    );
    const boom = await fetch(`${base}/boom`);
    expect(boom.status).toBe(500);
    expect(await boom.text()).not.toContain('secret');
    expect((await fetch(`${base}/slow`)).status).toBe(503);
  });

  it('refuses duplicate routes', () => {
    const server = new HttpServer({ host: '127.0.0.1', port: 0, log: quietLog });
    server.route({ path: '/a', handle: () => json(200, {}) });
    expect(() => server.route({ path: '/a', handle: () => json(200, {}) })).toThrow(/duplicate/);
  });
});

describe('/healthz and /readyz', () => {
  it('says alive and ready when every part is up', async () => {
    const base = await opsServer(parts()).url;
    const alive = await fetch(`${base}/healthz`);
    expect(alive.status).toBe(200);
    expect(await alive.json()).toEqual({ status: 'alive' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', down: [] });
  });

  const cases: Array<[string, Partial<ReadinessParts>, string, RegExp]> = [
    ['no shard connected yet', { shards: () => [] }, 'gateway', /not connected/],
    ['a shard not READY', { shards: () => [{ id: 0, ready: true }, { id: 1, ready: false }] }, 'gateway', /shard 1 not READY/],
    ['the store failing', { pingStore: async () => Promise.reject(new Error('SQLITE_CANTOPEN /secret/path')) }, 'store', /query failed/],
    ['the store hanging', { pingStore: () => new Promise(() => undefined) }, 'store', /no answer within 200 ms/],
    ['Valentina silent and its health call failing', { valentinaAnsweredWithin: () => false, probeValentina: async () => Promise.reject(new Error('offline')) }, 'valentina', /health call failed/],
    ['Valentina silent and its health call hanging', { valentinaAnsweredWithin: () => false, probeValentina: () => new Promise(() => undefined) }, 'valentina', /no answer within/],
  ];
  for (const [name, override, part, detail] of cases) {
    it(`answers 503 naming ${part} for ${name}`, async () => {
      const base = await opsServer(parts(override)).url;
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; down: string[]; checks: Record<string, { ok: boolean; detail: string }> };
      expect(body.status).toBe('unavailable');
      expect(body.down).toEqual([part]);
      expect(body.checks[part]?.detail).toMatch(detail);
      expect(JSON.stringify(body)).not.toContain('secret');
    });
  }

  it('makes one shared health call only when Valentina has been silent for a minute', async () => {
    let fresh = true;
    let probes = 0;
    const base = await opsServer(
      parts({
        valentinaAnsweredWithin: (ms) => {
          expect(ms).toBe(60_000);
          return fresh;
        },
        probeValentina: async () => {
          probes++;
          await new Promise((r) => setTimeout(r, 50));
        },
      }),
    ).url;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(probes).toBe(0);
    fresh = false;
    const answers = await Promise.all([1, 2, 3].map(() => fetch(`${base}/readyz`)));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(probes).toBe(1);
  });
});

describe('/metrics', () => {
  it('requires the bearer token when one is set (401 otherwise)', async () => {
    const base = await opsServer(parts(), 'metrics-token-0123456789').url;
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456780' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer');
    expect((await fetch(`${base}/metrics`, { headers: { authorization: 'Basic metrics-token-0123456789' } })).status).toBe(401);
    const ok = await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    // /healthz and /readyz stay open for orchestrators.
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('compares tokens without tripping on lengths', () => {
    expect(bearerMatches('Bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('Bearer abcd', 'abc')).toBe(false);
    expect(bearerMatches(undefined, 'abc')).toBe(false);
    expect(bearerMatches('Bearer ', '')).toBe(false);
  });

  it('exposes the interaction, API, award, gateway and process metrics with bounded labels', async () => {
    const { metrics, url } = opsServer(parts());
    const base = await url;
    metrics.api.onAttempt({ operation: 'POST /companies/{id}/users/{id}/experience/xp/add', status: 429, attempt: 1, durationMs: 12 });
    metrics.api.onAttempt({ operation: 'POST /companies/{id}/users/{id}/experience/xp/add', status: 201, attempt: 2, durationMs: 30 });
    metrics.interactions.interactionDone({ command: 'xp award', kind: 'slash', outcome: 'ok', ackMs: 120, totalMs: 800 });
    metrics.interactions.interactionDone({ command: 'xp award', kind: 'slash', outcome: 'refused', ackMs: 90, totalMs: 300 });
    const body = await (await fetch(`${base}/metrics`)).text();
    expect(body).toContain('valentina_bot_interactions_total{command="xp award",kind="slash",outcome="ok"} 1');
    expect(body).toContain('valentina_bot_interactions_total{command="xp award",kind="slash",outcome="refused"} 1');
    expect(body).toContain('valentina_bot_interaction_ack_seconds_count{command="xp award",kind="slash"} 2');
    expect(body).toContain('valentina_bot_interaction_duration_seconds_bucket{le="1",command="xp award",kind="slash"} 2');
    expect(body).toContain('valentina_bot_api_requests_total{operation="POST /companies/{id}/users/{id}/experience/xp/add",status="429"} 1');
    expect(body).toContain('valentina_bot_api_rate_limited_total{operation="POST /companies/{id}/users/{id}/experience/xp/add"} 1');
    expect(body).toContain('valentina_bot_api_retries_total{operation="POST /companies/{id}/users/{id}/experience/xp/add"} 1');
    expect(body).toContain('valentina_bot_api_request_duration_seconds_count{operation="POST /companies/{id}/users/{id}/experience/xp/add"} 2');
    expect(body).toContain('valentina_bot_awards{status="pending"} 2');
    expect(body).toContain('valentina_bot_awards{status="undone"} 3');
    expect(body).toContain('valentina_bot_gateway_ping_seconds{shard="0"} 0.042');
    expect(body).toContain('valentina_bot_info{version="1.2.3"} 1');
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).toContain('nodejs_eventloop_lag_seconds');
  });

  it('reads award counts at most once per 10 s of scrapes', async () => {
    let t = 0;
    let reads = 0;
    const metrics = createMetrics(
      {
        awardCounts: async () => {
          reads++;
          return { PENDING: reads, APPLIED: 0, FAILED: 0, UNDONE: 0 };
        },
        shardPings: () => [],
      },
      () => t,
    );
    await metrics.registry.metrics();
    t = 5_000;
    await metrics.registry.metrics();
    expect(reads).toBe(1);
    t = 16_000;
    expect(await metrics.registry.metrics()).toContain('valentina_bot_awards{status="pending"} 2');
  });
});

describe('HTTP configuration', () => {
  const valid = { DISCORD_TOKEN: 'discord-token-secret-value', DISCORD_APPLICATION_ID: '123456789012345678', VALENTINA_API_URL: 'http://127.0.0.1:8000', VALENTINA_API_KEY: 'valentina-key-secret-value' };

  it('is off unless HTTP_PORT is set, and listens on loopback by default', () => {
    expect(loadConfig(valid).http).toBeUndefined();
    expect(loadConfig({ ...valid, HTTP_PORT: '9464' }).http).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(loadConfig({ ...valid, HTTP_PORT: '9464', HTTP_HOST: '0.0.0.0' }).http).toEqual({ port: 9464, host: '0.0.0.0' });
  });

  it('rejects a bad port, host or short metrics token without echoing it', () => {
    expect(() => loadConfig({ ...valid, HTTP_PORT: '70000' })).toThrow(/HTTP_PORT must be a port number/);
    expect(() => loadConfig({ ...valid, HTTP_PORT: 'abc' })).toThrow(/HTTP_PORT/);
    expect(() => loadConfig({ ...valid, HTTP_HOST: 'a b' })).toThrow(/HTTP_HOST/);
    expect(() => loadConfig({ ...valid, METRICS_TOKEN: 'short-secret' })).toThrow(/METRICS_TOKEN must be at least 16/);
    expect(() => loadConfig({ ...valid, METRICS_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
  });
});
