import { createHash } from 'node:crypto';

/**
 * Wire decisions that differ between API versions, kept in one place so that the services stay
 * version-agnostic. The March 2026 v1 API (server 0.8–0.9) puts the acting user in
 * `requesting_user_id` (body or query, per endpoint), uses 24-hex ObjectIds and nests campaigns,
 * characters and dice rolls under the acting user. The July 2026 v2 API (server 0.15 and later)
 * uses an `On-Behalf-Of` header, UUIDs and company-level routes (CONTRACT-v2 §7, §8).
 */

export type ApiVersion = 'v1' | 'v2';

/** Operations that name an acting user, in the client's vocabulary. */
export type ActingOperation =
  | 'users.create'
  | 'users.update'
  | 'users.delete'
  | 'users.listUnapproved'
  | 'users.approve'
  | 'users.deny'
  | 'users.merge'
  | 'users.linkIdentity'
  | 'users.unlinkIdentity'
  | 'experience.addXp'
  | 'experience.removeXp'
  | 'experience.addCoolPoints'
  | 'assets.upload'
  | 'quickrolls.create'
  | 'quickrolls.update'
  | 'quickrolls.delete';

/** Where an acting user id ends up in one request. Services merge all three. */
export interface ActingUserPlacement {
  query: Record<string, string>;
  body: Record<string, string>;
  headers: Record<string, string>;
}

/** A route relative to the API prefix, with query members and headers the route itself implies. */
export interface Route {
  path: string;
  query: Record<string, string>;
  headers?: Record<string, string>;
}

/** Operations one generation has and the other lacks (CONTRACT-v2 §7 "removed" and "new" rows). */
export interface WireCapabilities {
  /** `POST C/users/register` (v1 only). */
  register: boolean;
  /** `POST C/auth/identify` (v2 only). */
  identify: boolean;
  /** `POST/DELETE U/identities` (v2 only). */
  identities: boolean;
  /** `GET /users/lookup` (v2 only; v1 walks companies and users instead). */
  userLookup: boolean;
  /** Provider profiles (`discord_profile` …) can be written with create/PATCH (v1 only). */
  writableProfiles: boolean;
}

/** What the server accepts as an upload, checked before sending. */
export interface UploadLimits {
  /** Only PNG, JPEG, GIF and WEBP images, recognised by their bytes (the server ignores the declared type). */
  imageOnly: boolean;
  /** Largest multipart body the server reads; null = no documented cap. */
  maxBodyBytes: number | null;
}

export interface WireProfile {
  readonly name: string;
  readonly version: ApiVersion;
  /** Prefix of every API route (`/api/v1` on both generations). */
  readonly apiPrefix: string;
  /** Largest `limit` the list endpoints accept. */
  readonly maxPageLimit: number;
  /** Human description of a well-formed id, for error messages. */
  readonly idDescription: string;
  readonly capabilities: WireCapabilities;
  readonly uploads: UploadLimits;
  /** Query name of the character-traits category filter. */
  readonly traitCategoryFilter: string;
  /** What a cleared quickroll description is sent as (v1 null; v2 refuses null and stores `""`). */
  readonly emptyQuickrollDescription: '' | null;
  /**
   * Whether the not-enough-XP 400 of `xp/remove` carries `current_xp`/`required_xp` (v1). v2 dropped
   * them (CONTRACT-v2 §5): the client then reads the balance so callers get the same error either way.
   */
  readonly notEnoughXpCarriesBalance: boolean;
  isValidId(id: string): boolean;
  actingUser(operation: ActingOperation, actingUserId: string): ActingUserPlacement;
  campaigns(ids: { companyId: string; actingUserId: string }): Route;
  /** List route of a campaign's characters, as seen by the acting user. */
  characters(ids: { companyId: string; actingUserId: string; campaignId: string }): Route;
  /** One character (its traits hang below it). */
  character(ids: { companyId: string; actingUserId: string; campaignId: string; characterId: string }): Route;
  dicerolls(ids: { companyId: string; actingUserId: string }): Route;
  /**
   * The Idempotency-Key actually sent for a caller's key. v2 keys ignore `On-Behalf-Of`
   * (CONTRACT-v2 §1.9), so one interaction acting for two users would replay the first answer.
   */
  idempotencyKey(callerKey: string, request: { method: string; path: string; actingUserId: string | undefined }): string;
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
/** Any UUID version: rows migrated from the Mongo era may not be v7 (CONTRACT-v2 §1.4). */
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isObjectId(id: string): boolean {
  return OBJECT_ID.test(id);
}

export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** Which generation an id looks like it belongs to, whatever the profile in use. */
export function idGenerationOf(id: string): ApiVersion | undefined {
  if (isObjectId(id)) return 'v1';
  if (isUuid(id)) return 'v2';
  return undefined;
}

/** The header that carries the acting user on v2. */
export const ON_BEHALF_OF = 'On-Behalf-Of';

/** CONTRACT §1.3: where `requesting_user_id` travels in the March 2026 API. */
const V1_REQUESTING_USER_ID: Partial<Record<ActingOperation, 'body' | 'query'>> = {
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

/** Valentina Noir v1 as of March 2026 (server 2e605ed, 0.8–0.9). */
export const V1_MARCH_2026: WireProfile = {
  name: 'v1-2026-03',
  version: 'v1',
  apiPrefix: '/api/v1',
  maxPageLimit: 100,
  idDescription: 'a 24-character hexadecimal ObjectId',
  capabilities: { register: true, identify: false, identities: false, userLookup: false, writableProfiles: true },
  // No allow-list and no documented cap in this era (CONTRACT §3.2).
  uploads: { imageOnly: false, maxBodyBytes: null },
  traitCategoryFilter: 'parent_category_id',
  emptyQuickrollDescription: null,
  notEnoughXpCarriesBalance: true,
  isValidId: (id) => isObjectId(id),
  actingUser(operation, actingUserId) {
    const placement: ActingUserPlacement = { query: {}, body: {}, headers: {} };
    // Operations absent from the table name no acting user on v1 (uploads and quickroll writes
    // are unchecked; dice and characters carry it in the path).
    const where = V1_REQUESTING_USER_ID[operation];
    if (where !== undefined) placement[where].requesting_user_id = actingUserId;
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
  character: ({ companyId, actingUserId, campaignId, characterId }) => ({
    path: path`/companies/${companyId}/users/${actingUserId}/campaigns/${campaignId}/characters/${characterId}`,
    query: {},
  }),
  dicerolls: ({ companyId, actingUserId }) => ({
    path: path`/companies/${companyId}/users/${actingUserId}/dicerolls`,
    query: {},
  }),
  // The v1 body carries `requesting_user_id`, so the caller's key already separates actors.
  idempotencyKey: (callerKey) => callerKey,
};

/** CONTRACT-v2 §1.3 "required": the only routes that get the header (a pending user's id on a plain read is refused). */
const onBehalfOf = (actingUserId: string): Record<string, string> => ({ [ON_BEHALF_OF]: actingUserId });

/** Valentina Noir v2 as of July 2026 (server 49fddf1, 0.27.0; wire unchanged since 0.15). */
export const V2_JULY_2026: WireProfile = {
  name: 'v2-2026-07',
  version: 'v2',
  apiPrefix: '/api/v1',
  maxPageLimit: 100,
  idDescription: 'a UUID (such as 019d6fdf-1868-77f5-970a-156e8f0f9d8c)',
  capabilities: { register: false, identify: true, identities: true, userLookup: true, writableProfiles: false },
  // Images only (PNG, JPEG, GIF, WEBP, sniffed from the bytes); request bodies above 5 MiB get 413 (§3.3, §1.10).
  uploads: { imageOnly: true, maxBodyBytes: 5_242_880 },
  traitCategoryFilter: 'category_id',
  emptyQuickrollDescription: '',
  notEnoughXpCarriesBalance: false,
  isValidId: (id) => isUuid(id),
  // Every acting operation of the client is "required" on v2; nothing travels in body or query.
  actingUser: (_operation, actingUserId) => ({ query: {}, body: {}, headers: onBehalfOf(actingUserId) }),
  // Campaign routes ignore the header.
  campaigns: ({ companyId }) => ({ path: path`/companies/${companyId}/campaigns`, query: {} }),
  // Required on the list; on a single character it decides whether a STORYTELLER character is visible.
  characters: ({ companyId, actingUserId, campaignId }) => ({
    path: path`/companies/${companyId}/characters`,
    query: { campaign_id: campaignId },
    headers: onBehalfOf(actingUserId),
  }),
  character: ({ companyId, actingUserId, characterId }) => ({
    path: path`/companies/${companyId}/characters/${characterId}`,
    query: {},
    headers: onBehalfOf(actingUserId),
  }),
  dicerolls: ({ companyId, actingUserId }) => ({
    path: path`/companies/${companyId}/dicerolls`,
    query: {},
    headers: onBehalfOf(actingUserId),
  }),
  idempotencyKey(callerKey, request) {
    const digest = createHash('sha256')
      .update(`${callerKey}\n${request.method}\n${request.path}\n${request.actingUserId ?? ''}`)
      .digest('base64url');
    return `vk2-${digest}`;
  },
};

export const WIRE_PROFILES: Readonly<Record<ApiVersion, WireProfile>> = { v1: V1_MARCH_2026, v2: V2_JULY_2026 };
