import type { HttpMethod } from './errors.js';

/**
 * One HTTP attempt, as the transport saw it. `operation` is the route template
 * (`POST /companies/{id}/users/{id}/experience/xp/add`): ids and query strings never appear, so
 * it is safe as a metric label and bounded by the routes the client knows.
 */
export interface ApiAttemptEvent {
  operation: string;
  /** HTTP status, or how the attempt failed without one. */
  status: number | 'timeout' | 'network';
  /** 1 for the first try; above 1 the attempt is a retry. */
  attempt: number;
  durationMs: number;
}

/**
 * Told about every attempt the client makes (metrics, "Valentina answered recently"). Plain
 * callbacks, so the client stays free of any metrics library; a throwing observer is ignored.
 */
export interface ApiObserver {
  onAttempt(event: ApiAttemptEvent): void;
}

/** A segment the client writes literally (`companies`, `xp`, `cp`); anything else is an id. */
const LITERAL_SEGMENT = /^[a-z]+(?:[-_][a-z]+)*$/;

/**
 * The route template of an encoded path: every segment that is not a plain lowercase word
 * becomes `{id}`. ObjectIds made only of letters are caught by `isId` (the wire's own id test),
 * and UUIDs and numbers never match the word pattern.
 */
export function routeTemplate(method: HttpMethod, path: string, isId: (segment: string) => boolean): string {
  const segments = (path.split('?')[0] ?? '')
    .split('/')
    .map((segment) => (segment === '' || (LITERAL_SEGMENT.test(segment) && !isId(segment)) ? segment : '{id}'));
  return `${method} ${segments.join('/')}`;
}
