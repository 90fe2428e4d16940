import { z } from 'zod';
import {
  AssetSchema,
  CampaignExperienceSchema,
  NoteCreateRequestSchema,
  NoteSchema,
  NoteUpdateRequestSchema,
  QuickrollCreateRequestSchema,
  QuickrollSchema,
  QuickrollUpdateRequestSchema,
  RollStatisticsSchema,
  UserCreateRequestSchema,
  UserRegisterRequestSchema,
  UserRoleSchema,
  UserSchema,
  UserUpdateRequestSchema,
  IdentityLinkRequestSchema,
  IDENTITY_PROVIDERS,
  pageSchema,
  type Asset,
  type AssetType,
  type CampaignExperience,
  type Note,
  type NoteCreateRequest,
  type NoteUpdateRequest,
  type Page,
  type Quickroll,
  type QuickrollCreateRequest,
  type QuickrollUpdateRequest,
  type RollStatistics,
  type User,
  type UserCreateRequest,
  type UserRegisterRequest,
  type UserRole,
  type UserUpdateRequest,
  type IdentityLinkRequest,
  type IdentityProvider,
} from '../models.js';
import { RequestValidationError, ValidationError, withXpAmounts } from '../errors.js';
import { encodeFilePart, guessContentType } from '../multipart.js';
import { collect, type IterOptions, type PageOptions } from '../pagination.js';
import { path, type ActingOperation, type Route } from '../wire.js';
import { ApiResource, type ServiceContext, type WriteOptions } from './resource.js';

const UserPageSchema = pageSchema(UserSchema);
const AssetPageSchema = pageSchema(AssetSchema);
const NotePageSchema = pageSchema(NoteSchema);
const QuickrollPageSchema = pageSchema(QuickrollSchema);

export interface UserFilters {
  userRole?: UserRole;
  /** Exact, case-sensitive match on the stored address. */
  email?: string;
}

export interface AssetFilters {
  assetType?: AssetType;
}

export interface StatisticsOptions {
  /** How many most-used traits to return, default 5. */
  numTopTraits?: number;
}

export interface UploadOptions extends WriteOptions {
  /** Defaults to the Blob's own type, then a guess from the file name, then application/octet-stream. */
  contentType?: string;
}

type XpOperation = Extract<ActingOperation, 'experience.addXp' | 'experience.removeXp' | 'experience.addCoolPoints'>;
const XP_PATHS: Record<XpOperation, string> = {
  'experience.addXp': '/experience/xp/add',
  'experience.removeXp': '/experience/xp/remove',
  'experience.addCoolPoints': '/experience/cp/add',
};

/** Users of one company and everything nested under a user (CONTRACT §3 #1–#29). */
export class UsersService extends ApiResource {
  readonly #companyId: string;

  constructor(ctx: ServiceContext, companyId: string) {
    super(ctx);
    this.#companyId = companyId;
  }

  // ------------------------------------------------------------------------------------------
  // Users

  async get(userId: string): Promise<User> {
    return this.transport.request({ method: 'GET', path: this.#user(userId) }, UserSchema);
  }

  /** Creates a user; the requester (in `requesting_user_id`) must be an ADMIN. */
  async create(request: UserCreateRequest, options?: WriteOptions): Promise<User> {
    const { requesting_user_id, ...parsed } = this.validate.body('request', UserCreateRequestSchema, request);
    // v2 ignores provider profiles on create (CONTRACT-v2 §7 #2): they are not sent.
    const fields = this.wire.capabilities.writableProfiles ? parsed : withoutProfiles(parsed);
    return this.#write('POST', this.#users(), 'users.create', requesting_user_id, fields, options, UserSchema);
  }

  /**
   * Self-registration (v1 only): the user is created UNAPPROVED, no requester involved. v2 has no
   * such route (UnsupportedOperationError): new users come from `auth(companyId).identify()`.
   */
  async register(request: UserRegisterRequest, options?: WriteOptions): Promise<User> {
    if (!this.wire.capabilities.register) throw this.unsupported('users.register', 'a member registers by signing in (identify)');
    const body = this.validate.body('request', UserRegisterRequestSchema, request);
    return this.transport.request(
      { method: 'POST', path: `${this.#users()}/register`, json: body, idempotencyKey: this.writeKey(options) },
      UserSchema,
    );
  }

  /**
   * Partial update; only the members present are changed. Provider profiles are writable on v1
   * only: on v2 (where the server would silently ignore them) a request carrying one is refused
   * with UnsupportedOperationError; a v2 identity comes from `linkIdentity` or `identify`.
   */
  async update(userId: string, request: UserUpdateRequest, options?: WriteOptions): Promise<User> {
    const target = this.#user(userId);
    const { requesting_user_id, ...fields } = this.validate.body('request', UserUpdateRequestSchema, request);
    if (!this.wire.capabilities.writableProfiles && PROFILE_MEMBERS.some((m) => fields[m] !== undefined)) {
      throw this.unsupported('users.update of provider profiles', 'link an identity with a verified sign-in instead');
    }
    return this.#write('PATCH', target, 'users.update', requesting_user_id, fields, options, UserSchema);
  }

  /** Archives the user (self or ADMIN). */
  async delete(userId: string, requestingUserId: string): Promise<void> {
    const target = this.#user(userId);
    const acting = this.#acting('users.delete', requestingUserId);
    await this.transport.requestIgnoringBody({ method: 'DELETE', path: target, query: acting.query, headers: acting.headers });
  }

  /**
   * Attaches a verified identity to a user (v2 only; 200 with the user). `token` is the person's own
   * provider token; the acting user must be the target or an ADMIN. Errors carry `code`:
   * IDENTITY_ALREADY_LINKED (409), TOKEN_VERIFICATION_FAILED (422), PROVIDER_UNAVAILABLE (503).
   */
  async linkIdentity(userId: string, request: IdentityLinkRequest, requestingUserId: string, options?: WriteOptions): Promise<User> {
    if (!this.wire.capabilities.identities) throw this.unsupported('users.linkIdentity', 'v1 stores provider profiles with update()');
    const target = this.#user(userId);
    const body = this.validate.body('request', IdentityLinkRequestSchema, request);
    return this.#write('POST', `${target}/identities`, 'users.linkIdentity', requestingUserId, body, options, UserSchema);
  }

  /** Removes one identity (v2 only; 200 with the user). IDENTITY_NOT_LINKED (404), LAST_IDENTITY (409). */
  async unlinkIdentity(userId: string, provider: IdentityProvider, requestingUserId: string): Promise<User> {
    if (!this.wire.capabilities.identities) throw this.unsupported('users.unlinkIdentity', 'v1 clears provider profiles with update()');
    const target = this.#user(userId);
    const which = this.validate.body('provider', z.enum(IDENTITY_PROVIDERS), provider);
    const acting = this.#acting('users.unlinkIdentity', requestingUserId);
    return this.transport.request(
      { method: 'DELETE', path: `${target}${path`/identities/${which}`}`, query: acting.query, headers: acting.headers },
      UserSchema,
    );
  }

  async getPage(options: UserFilters & PageOptions = {}): Promise<Page<User>> {
    return this.fetchPage(this.#usersRoute(), this.#userFilters(options), UserPageSchema, options);
  }

  async listAll(filters: UserFilters = {}): Promise<User[]> {
    return collect(this.iterAll(filters));
  }

  iterAll(options: UserFilters & IterOptions = {}): AsyncIterable<User> {
    return this.iterate(this.#usersRoute(), this.#userFilters(options), UserPageSchema, options.limit);
  }

  /** Users waiting for approval; the requester must be an ADMIN. */
  async getUnapprovedPage(requestingUserId: string, options: PageOptions = {}): Promise<Page<User>> {
    return this.fetchPage(this.#unapproved(requestingUserId), {}, UserPageSchema, options);
  }

  async listAllUnapproved(requestingUserId: string): Promise<User[]> {
    return collect(this.iterAllUnapproved(requestingUserId));
  }

  iterAllUnapproved(requestingUserId: string, options: IterOptions = {}): AsyncIterable<User> {
    return this.iterate(this.#unapproved(requestingUserId), {}, UserPageSchema, options.limit);
  }

  async approveUser(userId: string, role: UserRole, requestingUserId: string, options?: WriteOptions): Promise<User> {
    const target = this.#user(userId);
    const parsedRole = this.validate.body('role', UserRoleSchema, role);
    if (parsedRole === 'UNAPPROVED') throw new RequestValidationError('role', 'role must not be UNAPPROVED when approving a user');
    return this.#write('POST', `${target}/approve`, 'users.approve', requestingUserId, { role: parsedRole }, options, UserSchema);
  }

  /** Denies (archives) an unapproved user. The server answers `null`, which is ignored. */
  async denyUser(userId: string, requestingUserId: string, options?: WriteOptions): Promise<void> {
    const target = this.#user(userId);
    const acting = this.#acting('users.deny', requestingUserId);
    // v2's deny takes no body; v1's carries only requesting_user_id.
    await this.transport.requestIgnoringBody({
      method: 'POST',
      path: `${target}/deny`,
      query: acting.query,
      headers: acting.headers,
      ...(Object.keys(acting.body).length === 0 ? {} : { json: acting.body }),
      idempotencyKey: this.writeKey(options),
    });
  }

  /** Merges an UNAPPROVED secondary user into the primary one; returns the primary. */
  async merge(primaryUserId: string, secondaryUserId: string, requestingUserId: string, options?: WriteOptions): Promise<User> {
    const body = {
      primary_user_id: this.validate.id('primaryUserId', primaryUserId),
      secondary_user_id: this.validate.id('secondaryUserId', secondaryUserId),
    };
    return this.#write('POST', `${this.#users()}/merge`, 'users.merge', requestingUserId, body, options, UserSchema);
  }

  async getStatistics(userId: string, options: StatisticsOptions = {}): Promise<RollStatistics> {
    const target = this.#user(userId);
    const numTopTraits = this.validate.nonNegativeInt('numTopTraits', options.numTopTraits ?? 5);
    return this.transport.request(
      { method: 'GET', path: `${target}/statistics`, query: { num_top_traits: numTopTraits } },
      RollStatisticsSchema,
    );
  }

  // ------------------------------------------------------------------------------------------
  // Experience

  /** Reads (and lazily creates) the user's experience in a campaign. */
  async getExperience(userId: string, campaignId: string): Promise<CampaignExperience> {
    const target = this.#user(userId);
    const campaign = this.validate.id('campaignId', campaignId);
    return this.transport.request({ method: 'GET', path: `${target}${path`/experience/${campaign}`}` }, CampaignExperienceSchema);
  }

  async addXp(userId: string, campaignId: string, amount: number, requestingUserId: string, options?: WriteOptions): Promise<CampaignExperience> {
    return this.#experience('experience.addXp', userId, campaignId, amount, requestingUserId, options);
  }

  /**
   * Fails with a ValidationError carrying `currentXp`/`requiredXp` when the user has too little XP.
   * v2's refusal no longer says how much XP there is (CONTRACT-v2 §5), so the client reads the
   * experience once on that error path and fills `currentXp` in; if that read fails, the
   * server's error is thrown as it came.
   */
  async removeXp(userId: string, campaignId: string, amount: number, requestingUserId: string, options?: WriteOptions): Promise<CampaignExperience> {
    try {
      return await this.#experience('experience.removeXp', userId, campaignId, amount, requestingUserId, options);
    } catch (err: unknown) {
      if (!(err instanceof ValidationError) || err.currentXp !== undefined || !NOT_ENOUGH_XP.test(err.detail ?? '')) throw err;
      const current = await this.getExperience(userId, campaignId).then(
        (exp) => exp.xp_current,
        () => undefined,
      );
      throw current === undefined ? err : withXpAmounts(err, current, amount);
    }
  }

  /** Each cool point also adds 10 XP to current and total XP (server constant). */
  async addCoolPoints(userId: string, campaignId: string, amount: number, requestingUserId: string, options?: WriteOptions): Promise<CampaignExperience> {
    return this.#experience('experience.addCoolPoints', userId, campaignId, amount, requestingUserId, options);
  }

  // ------------------------------------------------------------------------------------------
  // Assets

  async getAssetsPage(userId: string, options: AssetFilters & PageOptions = {}): Promise<Page<Asset>> {
    return this.fetchPage(this.#nested(userId, '/assets'), assetFilters(options), AssetPageSchema, options);
  }

  async listAllAssets(userId: string, filters: AssetFilters = {}): Promise<Asset[]> {
    return collect(this.iterAllAssets(userId, filters));
  }

  iterAllAssets(userId: string, options: AssetFilters & IterOptions = {}): AsyncIterable<Asset> {
    return this.iterate(this.#nested(userId, '/assets'), assetFilters(options), AssetPageSchema, options.limit);
  }

  async getAsset(userId: string, assetId: string): Promise<Asset> {
    const target = this.#user(userId);
    const asset = this.validate.id('assetId', assetId);
    return this.transport.request({ method: 'GET', path: `${target}${path`/assets/${asset}`}` }, AssetSchema);
  }

  /**
   * Uploads one file as multipart/form-data (part `data`). On v2 only PNG, JPEG, GIF and WEBP
   * images up to 5 MiB are accepted (refused before sending otherwise), and `actingUserId`
   * (default: the owner) is sent as `On-Behalf-Of`.
   */
  async uploadAsset(userId: string, filename: string, content: Uint8Array | Blob, options: UploadOptions = {}): Promise<Asset> {
    const target = this.#user(userId);
    const acting = this.#acting('assets.upload', options.actingUserId ?? userId);
    const name = this.validate.nonEmptyString('filename', filename);
    const key = this.writeKey(options);
    const contentType = options.contentType ?? (content instanceof Blob && content.type !== '' ? content.type : guessContentType(name));
    if (!/^[\w.+-]+\/[\w.+-]+(;[\x20-\x7e]*)?$/.test(contentType)) {
      throw new RequestValidationError('contentType', 'contentType must be a MIME type such as image/png');
    }
    let bytes: Uint8Array;
    if (content instanceof Uint8Array) bytes = content;
    else if (content instanceof Blob) bytes = new Uint8Array(await content.arrayBuffer());
    else throw new RequestValidationError('content', 'content must be a Uint8Array or a Blob');
    const raw = encodeFilePart('data', name, contentType, bytes);
    this.validate.upload(bytes, raw.body.length);
    return this.transport.request(
      { method: 'POST', path: `${target}/assets/upload`, query: acting.query, headers: acting.headers, raw, idempotencyKey: key },
      AssetSchema,
    );
  }

  async deleteAsset(userId: string, assetId: string): Promise<void> {
    const target = this.#user(userId);
    const asset = this.validate.id('assetId', assetId);
    await this.transport.requestIgnoringBody({ method: 'DELETE', path: `${target}${path`/assets/${asset}`}` });
  }

  // ------------------------------------------------------------------------------------------
  // Notes

  async getNotesPage(userId: string, options: PageOptions = {}): Promise<Page<Note>> {
    return this.fetchPage(this.#nested(userId, '/notes'), {}, NotePageSchema, options);
  }

  async listAllNotes(userId: string): Promise<Note[]> {
    return collect(this.iterAllNotes(userId));
  }

  iterAllNotes(userId: string, options: IterOptions = {}): AsyncIterable<Note> {
    return this.iterate(this.#nested(userId, '/notes'), {}, NotePageSchema, options.limit);
  }

  async getNote(userId: string, noteId: string): Promise<Note> {
    return this.transport.request({ method: 'GET', path: this.#note(userId, noteId) }, NoteSchema);
  }

  async createNote(userId: string, request: NoteCreateRequest, options?: WriteOptions): Promise<Note> {
    const target = this.#user(userId);
    const body = this.validate.body('request', NoteCreateRequestSchema, request);
    return this.transport.request(
      { method: 'POST', path: `${target}/notes`, json: body, idempotencyKey: this.writeKey(options) },
      NoteSchema,
    );
  }

  /** Sends both title and content: the server's update DTO is not partial. */
  async updateNote(userId: string, noteId: string, request: NoteUpdateRequest, options?: WriteOptions): Promise<Note> {
    const target = this.#note(userId, noteId);
    const body = this.validate.body('request', NoteUpdateRequestSchema, request);
    return this.transport.request({ method: 'PATCH', path: target, json: body, idempotencyKey: this.writeKey(options) }, NoteSchema);
  }

  async deleteNote(userId: string, noteId: string): Promise<void> {
    await this.transport.requestIgnoringBody({ method: 'DELETE', path: this.#note(userId, noteId) });
  }

  // ------------------------------------------------------------------------------------------
  // Quickrolls

  async getQuickrollsPage(userId: string, options: PageOptions = {}): Promise<Page<Quickroll>> {
    return this.fetchPage(this.#nested(userId, '/quickrolls'), {}, QuickrollPageSchema, options);
  }

  async listAllQuickrolls(userId: string): Promise<Quickroll[]> {
    return collect(this.iterAllQuickrolls(userId));
  }

  iterAllQuickrolls(userId: string, options: IterOptions = {}): AsyncIterable<Quickroll> {
    return this.iterate(this.#nested(userId, '/quickrolls'), {}, QuickrollPageSchema, options.limit);
  }

  async getQuickroll(userId: string, quickrollId: string): Promise<Quickroll> {
    return this.transport.request({ method: 'GET', path: this.#quickroll(userId, quickrollId) }, QuickrollSchema);
  }

  async createQuickroll(userId: string, request: QuickrollCreateRequest, options?: WriteOptions): Promise<Quickroll> {
    const target = this.#user(userId);
    const body = this.validate.body('request', QuickrollCreateRequestSchema, request);
    body.trait_ids?.forEach((id, i) => this.validate.id(`trait_ids[${i}]`, id));
    const acting = this.#acting('quickrolls.create', options?.actingUserId ?? userId);
    return this.transport.request(
      {
        method: 'POST',
        path: `${target}/quickrolls`,
        query: acting.query,
        headers: acting.headers,
        json: { ...this.#quickrollBody(body), ...acting.body },
        idempotencyKey: this.writeKey(options),
      },
      QuickrollSchema,
    );
  }

  /** Partial update. On v2 the acting user (`actingUserId`, default the owner) must be the owner or an ADMIN. */
  async updateQuickroll(userId: string, quickrollId: string, request: QuickrollUpdateRequest, options?: WriteOptions): Promise<Quickroll> {
    const target = this.#quickroll(userId, quickrollId);
    const body = this.validate.body('request', QuickrollUpdateRequestSchema, request);
    body.trait_ids?.forEach((id, i) => this.validate.id(`trait_ids[${i}]`, id));
    const acting = this.#acting('quickrolls.update', options?.actingUserId ?? userId);
    return this.transport.request(
      {
        method: 'PATCH',
        path: target,
        query: acting.query,
        headers: acting.headers,
        json: { ...this.#quickrollBody(body), ...acting.body },
        idempotencyKey: this.writeKey(options),
      },
      QuickrollSchema,
    );
  }

  async deleteQuickroll(userId: string, quickrollId: string, options: Pick<WriteOptions, 'actingUserId'> = {}): Promise<void> {
    const target = this.#quickroll(userId, quickrollId);
    const acting = this.#acting('quickrolls.delete', options.actingUserId ?? userId);
    await this.transport.requestIgnoringBody({ method: 'DELETE', path: target, query: acting.query, headers: acting.headers });
  }

  // ------------------------------------------------------------------------------------------
  // Plumbing

  /** `C/users`, with the company id checked. */
  #users(): string {
    return path`/companies/${this.validate.id('companyId', this.#companyId)}/users`;
  }

  #usersRoute(): Route {
    return { path: this.#users(), query: {} };
  }

  /** `C/users/{userId}`, ids checked. */
  #user(userId: string): string {
    return `${this.#users()}${path`/${this.validate.id('userId', userId)}`}`;
  }

  #nested(userId: string, suffix: string): Route {
    return { path: `${this.#user(userId)}${suffix}`, query: {} };
  }

  #note(userId: string, noteId: string): string {
    return `${this.#user(userId)}${path`/notes/${this.validate.id('noteId', noteId)}`}`;
  }

  #quickroll(userId: string, quickrollId: string): string {
    return `${this.#user(userId)}${path`/quickrolls/${this.validate.id('quickrollId', quickrollId)}`}`;
  }

  #acting(operation: ActingOperation, requestingUserId: string) {
    return this.wire.actingUser(operation, this.validate.id('requestingUserId', requestingUserId));
  }

  #unapproved(requestingUserId: string): Route {
    const acting = this.#acting('users.listUnapproved', requestingUserId);
    return { path: `${this.#users()}/unapproved`, query: acting.query, headers: acting.headers };
  }

  /** v2 stores "no description" as `""` and refuses null (CONTRACT-v2 §7 #28); v1 takes null. */
  #quickrollBody<B extends { description?: string | null | undefined }>(body: B): B {
    const empty = this.wire.emptyQuickrollDescription;
    if (empty !== null && body.description === null) return { ...body, description: empty };
    return body;
  }

  #userFilters(filters: UserFilters): Record<string, string | undefined> {
    const role = filters.userRole === undefined ? undefined : this.validate.body('userRole', UserRoleSchema, filters.userRole);
    return { user_role: role, email: filters.email };
  }

  /** A write naming an acting user: the wire profile decides where the id goes. */
  async #write<T>(
    method: 'POST' | 'PATCH',
    target: string,
    operation: ActingOperation,
    requestingUserId: string,
    fields: Record<string, unknown>,
    options: WriteOptions | undefined,
    schema: z.ZodType<T>,
  ): Promise<T> {
    const acting = this.#acting(operation, requestingUserId);
    return this.transport.request(
      {
        method,
        path: target,
        query: acting.query,
        headers: acting.headers,
        json: { ...fields, ...acting.body },
        idempotencyKey: this.writeKey(options),
      },
      schema,
    );
  }

  async #experience(
    operation: XpOperation,
    userId: string,
    campaignId: string,
    amount: number,
    requestingUserId: string,
    options: WriteOptions | undefined,
  ): Promise<CampaignExperience> {
    const target = this.#user(userId);
    const fields = {
      amount: this.validate.amount('amount', amount),
      campaign_id: this.validate.id('campaignId', campaignId),
    };
    return this.#write('POST', `${target}${XP_PATHS[operation]}`, operation, requestingUserId, fields, options, CampaignExperienceSchema);
  }
}

/** The not-enough-XP refusal, worded the same on both generations. */
const NOT_ENOUGH_XP = /does not have enough XP/i;

const PROFILE_MEMBERS = ['discord_profile', 'google_profile', 'github_profile'] as const;

function withoutProfiles<T extends Partial<Record<(typeof PROFILE_MEMBERS)[number], unknown>>>(fields: T): Omit<T, (typeof PROFILE_MEMBERS)[number]> {
  const { discord_profile: _d, google_profile: _g, github_profile: _h, ...rest } = fields;
  return rest;
}

function assetFilters(filters: AssetFilters): Record<string, string | undefined> {
  return { asset_type: filters.assetType };
}
