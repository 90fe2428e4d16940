/**
 * Wire decisions that differ between API versions, kept in one place so that the services stay
 * version-agnostic. The March 2026 v1 API puts the acting user in `requesting_user_id` (body or
 * query, per endpoint), uses 24-hex ObjectIds and nests campaigns, characters and dice rolls under
 * the acting user. Later servers use an `On-Behalf-Of` header, UUIDs and company-level routes;
 * a second profile will describe them without touching the services.
 */

/** Operations that name an acting user, in the client's vocabulary. */
export type ActingOperation =
  | 'users.create'
  | 'users.update'
  | 'users.delete'
  | 'users.listUnapproved'
  | 'users.approve'
  | 'users.deny'
  | 'users.merge'
  | 'experience.addXp'
  | 'experience.removeXp'
  | 'experience.addCoolPoints';

/** Where an acting user id ends up in one request. Services merge all three. */
export interface ActingUserPlacement {
  query: Record<string, string>;
  body: Record<string, string>;
  headers: Record<string, string>;
}

/** A route relative to the API prefix, with query members the route itself implies. */
export interface Route {
  path: string;
  query: Record<string, string>;
}

export interface WireProfile {
  readonly name: string;
  /** Prefix of every API route (`/api/v1`). */
  readonly apiPrefix: string;
  /** Largest `limit` the list endpoints accept. */
  readonly maxPageLimit: number;
  /** Human description of a well-formed id, for error messages. */
  readonly idDescription: string;
  isValidId(id: string): boolean;
  actingUser(operation: ActingOperation, actingUserId: string): ActingUserPlacement;
  campaigns(ids: { companyId: string; actingUserId: string }): Route;
  characters(ids: { companyId: string; actingUserId: string; campaignId: string }): Route;
  dicerolls(ids: { companyId: string; actingUserId: string }): Route;
}

/**
 * Joins path segments, URL-encoding each dynamic one. Every id that reaches a URL goes through
 * here: `path\`/companies/${companyId}/users\``.
 */
export function path(strings: TemplateStringsArray, ...segments: readonly string[]): string {
  let out = strings[0] ?? '';
  segments.forEach((segment, i) => {
    out += encodeURIComponent(segment) + (strings[i + 1] ?? '');
  });
  return out;
}

const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

/** CONTRACT §1.3: where `requesting_user_id` travels in the March 2026 API. */
const V1_REQUESTING_USER_ID: Record<ActingOperation, 'body' | 'query'> = {
  'users.create': 'body',
  'users.update': 'body',
  'users.delete': 'query',
  'users.listUnapproved': 'query',
  'users.approve': 'body',
  'users.deny': 'body',
  'users.merge': 'body',
  'experience.addXp': 'body',
  'experience.removeXp': 'body',
  'experience.addCoolPoints': 'body',
};

/** Valentina Noir v1 as of March 2026 (server 2e605ed). */
export const V1_MARCH_2026: WireProfile = {
  name: 'v1-2026-03',
  apiPrefix: '/api/v1',
  maxPageLimit: 100,
  idDescription: 'a 24-character hexadecimal ObjectId',
  isValidId: (id) => OBJECT_ID.test(id),
  actingUser(operation, actingUserId) {
    const placement: ActingUserPlacement = { query: {}, body: {}, headers: {} };
    placement[V1_REQUESTING_USER_ID[operation]].requesting_user_id = actingUserId;
    return placement;
  },
  campaigns: ({ companyId, actingUserId }) => ({
    path: path`/companies/${companyId}/users/${actingUserId}/campaigns`,
    query: {},
  }),
  characters: ({ companyId, actingUserId, campaignId }) => ({
    path: path`/companies/${companyId}/users/${actingUserId}/campaigns/${campaignId}/characters`,
    query: {},
  }),
  dicerolls: ({ companyId, actingUserId }) => ({
    path: path`/companies/${companyId}/users/${actingUserId}/dicerolls`,
    query: {},
  }),
};
