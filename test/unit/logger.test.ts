import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';

describe('createLogger', () => {
  it('scrubs secrets wherever they appear and redacts known paths', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', secrets: ['super-secret-token', 'api-key-123456'], destination: { write: (l) => lines.push(l) } });
    log.info({ token: 'other-token-value' }, 'hello');
    log.error({ err: new Error('login failed with super-secret-token') }, 'boom');
    log.warn({ headers: { 'x-api-key': 'api-key-123456' }, url: 'http://x/?k=api-key-123456' }, 'request');
    const all = lines.join('');
    expect(all).not.toContain('super-secret-token');
    expect(all).not.toContain('api-key-123456');
    expect(all).not.toContain('other-token-value');
    expect(all).toContain('[REDACTED]');
    expect(lines).toHaveLength(3);
  });

  it('masks interaction tokens in webhook and callback URLs', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', secrets: [], destination: { write: (l) => lines.push(l) } });
    const token = 'aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OmFiY2RlZmdoaWprbG1ub3A';
    log.warn({ url: `http://127.0.0.1/api/v10/webhooks/900000000000000001/${token}/messages/@original` }, 'edit failed');
    log.warn({ err: new Error(`POST /interactions/1234567890123456789/${token}/callback failed`) }, 'ack failed');
    const all = lines.join('');
    expect(all).not.toContain(token);
    expect(all).toContain('/webhooks/900000000000000001/[REDACTED]/messages/@original');
  });
});
