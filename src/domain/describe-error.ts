import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  AuthorizationError,
  ConflictError,
  NotFoundError,
  RateLimitError,
  RequestValidationError,
  ResponseValidationError,
  ServerError,
  UnsupportedOperationError,
  ValidationError,
} from '../api/index.js';
import { UserFacingError } from './errors.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ErrorDescription {
  title: string;
  message: string;
  level: LogLevel;
}

/** Strips anything that could ping or break a reply out of text that came from elsewhere. */
export function sanitizeForReply(text: string, max = 300): string {
  const flat = text.replace(/@(everyone|here)/gi, '@\u200b$1').replace(/<@[!&]?\d+>/g, '(mention)');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The table of the error boundary: every error a handler can throw becomes a short private
 * message. Raw API bodies and stack traces never reach a member; `reference` lets an operator
 * find the log line.
 */
export function describeError(err: unknown, reference: string): ErrorDescription {
  if (err instanceof UserFacingError) return { title: err.title, message: err.message, level: 'debug' };
  if (err instanceof RateLimitError) {
    const wait = err.retryAfterSeconds === undefined ? 'a moment' : `${Math.max(1, Math.ceil(err.retryAfterSeconds))} s`;
    return { title: 'Busy right now', message: `The Valentina API is rate limiting the bot. Try again in ${wait}.`, level: 'warn' };
  }
  if (err instanceof ValidationError && err.currentXp !== undefined && err.requiredXp !== undefined) {
    return { title: 'Not enough XP', message: `They have ${err.currentXp} XP available, and this needs ${err.requiredXp}. Nothing was changed.`, level: 'info' };
  }
  if (err instanceof ValidationError) {
    const detail = err.detail === undefined ? 'The Valentina API refused the request.' : sanitizeForReply(err.detail);
    return { title: 'Refused', message: detail, level: 'info' };
  }
  if (err instanceof NotFoundError) {
    return { title: 'Not found', message: 'That no longer exists in Valentina. It may have been deleted.', level: 'info' };
  }
  if (err instanceof AuthorizationError && err.detail === undefined) {
    // v1's role guards answer a bare 403 and keep a user's role for 60 s after its last use
    // (CONTRACT §1.10): right after an approval or a role change they can still see the old one.
    return {
      title: 'Not allowed yet',
      message:
        'Valentina refused this for your user without saying why. Right after an approval or a role change it can keep using the old role for up to a minute: ' +
        'wait a minute without using the bot, then try again. Nothing was changed. If it keeps happening, ask an admin to check your role.',
      level: 'warn',
    };
  }
  if (err instanceof AuthorizationError) {
    return {
      title: 'Not allowed',
      message: 'Valentina refused this action for your user. Your role may have changed, or an admin may need to re-link you.',
      level: 'warn',
    };
  }
  if (err instanceof AuthenticationError) {
    return { title: 'Bot misconfigured', message: `The bot's Valentina API key was refused. Tell a server admin (ref \`${reference}\`).`, level: 'error' };
  }
  if (err instanceof ConflictError) {
    return { title: 'Conflict', message: 'That request clashed with an earlier one. Run the command again.', level: 'info' };
  }
  if (err instanceof RequestValidationError) {
    return { title: 'Invalid input', message: sanitizeForReply(err.message), level: 'info' };
  }
  if (err instanceof APIConnectionError && err.ambiguousWrite) {
    // The write may have reached Valentina and be applied: "retry" could make a duplicate.
    return {
      title: 'No answer from Valentina',
      message: `Valentina did not answer in time, so the bot cannot tell whether this was saved. Check before trying again (the list commands show what is there) (ref \`${reference}\`).`,
      level: 'warn',
    };
  }
  if (err instanceof ServerError || err instanceof APIConnectionError) {
    return {
      title: 'Valentina is having trouble',
      message: `The Valentina API did not answer properly. Nothing was changed unless a receipt says so. Please retry in a minute (ref \`${reference}\`).`,
      level: 'warn',
    };
  }
  if (err instanceof UnsupportedOperationError) {
    // v2 has no self-registration and no writable Discord profiles: those come from a Discord sign-in.
    return {
      title: 'Not available on this Valentina server',
      message:
        err.operation.startsWith('users.register') || err.operation.startsWith('users.update of provider profiles')
          ? 'This Valentina server ties a member to a user only through their own "Sign in with Discord", which this bot does not offer here. Nothing was changed.'
          : 'This Valentina server does not offer that. Nothing was changed.',
      level: 'info',
    };
  }
  if (err instanceof ResponseValidationError) {
    return { title: 'Something went wrong', message: `Valentina answered in a way the bot does not understand (ref \`${reference}\`).`, level: 'error' };
  }
  if (err instanceof APIError) {
    return { title: 'Something went wrong', message: `The Valentina API returned an error (ref \`${reference}\`).`, level: 'warn' };
  }
  return { title: 'Something went wrong', message: `An unexpected error happened (ref \`${reference}\`). It has been logged.`, level: 'error' };
}
