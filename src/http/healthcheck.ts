import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { loadConfig, type Config } from '../config.js';

/**
 * Docker's HEALTHCHECK (node itself: the image has no curl). Exits 0 only when /readyz answers
 * 200, so a bot whose gateway never becomes READY, whose store is gone or whose Valentina has
 * been silent is reported unhealthy.
 */
export async function probeReadiness(config: Config, timeoutMs = 3_000): Promise<{ healthy: boolean; summary: string }> {
  if (config.http === undefined) return { healthy: false, summary: 'HTTP_PORT is not set, so there is no /readyz to ask' };
  // A wildcard bind address is reached on loopback.
  const host = ['0.0.0.0', '::', ''].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.http.port}/readyz`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    const body = (await res.text()).slice(0, 500);
    return { healthy: res.status === 200, summary: `${res.status} ${body}` };
  } catch (err) {
    return { healthy: false, summary: `no answer from /readyz: ${err instanceof Error ? err.message : String(err)}` };
  }
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const { healthy, summary } = await probeReadiness(loadConfig(process.env));
  process.stdout.write(`${summary}\n`);
  process.exit(healthy ? 0 : 1);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stdout.write(`healthcheck failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
