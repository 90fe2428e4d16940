import { describe, expect, it } from 'vitest';
import {
  APIConnectionError,
  APITimeoutError,
  AuthenticationError,
  AuthorizationError,
  NotFoundError,
  RateLimitError,
  ResponseValidationError,
  ServerError,
  ValidationError,
} from '../../src/api/index.js';
import { describeError, sanitizeForReply } from '../../src/domain/describe-error.js';
import { NotLinkedError } from '../../src/domain/errors.js';

const problem = (status: number, title: string, detail?: string) => ({
  status,
  title,
  detail,
  instance: 'http://127.0.0.1/api/v1/x',
  method: 'POST' as const,
  path: '/api/v1/x',
});

describe('describeError', () => {
  it('shows a user-facing error as is, at debug level', () => {
    const d = describeError(new NotLinkedError(), 'ref1');
    expect(d.level).toBe('debug');
    expect(d.message).toContain('/register');
  });

  it('maps every API error class to a clear message', () => {
    const cases: Array<[unknown, RegExp, string]> = [
      [new ValidationError(problem(400, 'Bad Request', 'User does not have enough XP to complete the action.')), /enough XP/, 'info'],
      [new NotFoundError(problem(404, 'Not Found', 'Note not found')), /no longer exists/, 'info'],
      [new AuthorizationError(problem(403, 'Forbidden', 'User not authorized to grant or remove XP for this user')), /refused this action/, 'warn'],
      // v1's role guard: a bare 403, possibly its 60 s role cache right after an approval.
      [new AuthorizationError(problem(403, 'Forbidden')), /keep using the old role for up to a minute/, 'warn'],
      [new AuthenticationError(problem(401, 'Unauthorized', 'Unauthorized API key')), /API key was refused.*ref/, 'error'],
      [new ServerError(problem(503, 'Service Unavailable')), /having trouble|did not answer/, 'warn'],
      [new RateLimitError({ ...problem(429, 'Too Many Requests', 'You are being rate limited.'), retryAfterSeconds: 12.3 }), /13 s/, 'warn'],
      [new ValidationError({ ...problem(400, 'Bad Request', 'User does not have enough XP to complete the action.'), currentXp: 3, requiredXp: 5 }), /have 3 XP available.*needs 5/, 'info'],
      [new Error('boom'), /unexpected error.*ref `ref1`/, 'error'],
    ];
    for (const [err, pattern, level] of cases) {
      const d = describeError(err, 'ref1');
      expect(d.message, String(err)).toMatch(pattern);
      expect(d.level, String(err)).toBe(level);
    }
  });

  it('never echoes mentions from API text', () => {
    expect(sanitizeForReply('hi @everyone <@123> <@&456>')).not.toMatch(/@everyone|<@/);
  });

  it('treats network failures and drift as outages, not user mistakes', () => {
    expect(describeError(new APIConnectionError({ method: 'GET', path: '/x', cause: { name: 'Error', message: 'socket hang up', code: 'ECONNRESET' } }), 'r').title).toBe('Valentina is having trouble');
    expect(describeError(new ResponseValidationError({ method: 'GET', path: '/x', status: 200, issues: 'bad' }), 'r').level).toBe('error');
  });

  it('never says "nothing was changed" or "retry" about a write that may have been applied', () => {
    const timedOut = describeError(new APITimeoutError({ method: 'POST', path: '/notes', timeoutMs: 10_000 }), 'r');
    expect(timedOut.title).toBe('No answer from Valentina');
    expect(timedOut.message).toContain('cannot tell whether this was saved');
    expect(timedOut.message).not.toMatch(/nothing was changed|retry/i);
    const reset = describeError(new APIConnectionError({ method: 'PATCH', path: '/x', cause: { name: 'Error', message: 'socket hang up', code: 'ECONNRESET' } }), 'r');
    expect(reset.title).toBe('No answer from Valentina');
    // A write refused before it was sent is an outage: nothing happened.
    const refused = describeError(new APIConnectionError({ method: 'POST', path: '/x', unsent: true, cause: { name: 'Error', message: 'refused', code: 'ECONNREFUSED' } }), 'r');
    expect(refused.title).toBe('Valentina is having trouble');
  });
});
