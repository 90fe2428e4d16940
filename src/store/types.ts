/**
 * The bot's own persistence, behind small repositories. Two implementations share these
 * interfaces and one set of migrations: embedded SQLite (default, zero set-up) and PostgreSQL
 * (several shard processes or machines). Nothing here knows about discord.js.
 *
 * Ids from Discord are snowflake strings; ids from Valentina are API id strings.
 * Timestamps are epoch milliseconds (numbers) so both stores agree exactly.
 */

/** Who may award or remove XP through the bot in a guild. */
export type XpPolicy = 'STORYTELLER_ONLY' | 'FOLLOW_COMPANY';

export interface GuildSettings {
  guildId: string;
  companyId: string | null;
  defaultCampaignId: string | null;
  approvalsChannelId: string | null;
  auditChannelId: string | null;
  xpPolicy: XpPolicy;
  /** Largest amount one award may carry (XP, or cool points). */
  maxAwardAmount: number;
  updatedAt: number;
}

export type GuildSettingsPatch = Partial<Omit<GuildSettings, 'guildId' | 'updatedAt'>>;

export interface GuildSettingsRepo {
  get(guildId: string): Promise<GuildSettings | null>;
  /** Creates the row with defaults when missing, then applies the patch. */
  upsert(guildId: string, patch: GuildSettingsPatch): Promise<GuildSettings>;
}

/** A Discord member resolved to a company user. Keyed by (companyId, discordUserId). */
export interface MemberLink {
  companyId: string;
  discordUserId: string;
  userId: string;
  /** The user's role when last seen (ADMIN, STORYTELLER, PLAYER, UNAPPROVED). */
  role: string;
  /** When this link was last confirmed against the API (epoch ms); used for the TTL. */
  resolvedAt: number;
}

export interface MemberLinkRepo {
  get(companyId: string, discordUserId: string): Promise<MemberLink | null>;
  getByUser(companyId: string, userId: string): Promise<MemberLink | null>;
  upsert(link: MemberLink): Promise<void>;
  /** Replaces every link of a company in one transaction (after a full user-list walk). */
  replaceAll(companyId: string, links: MemberLink[]): Promise<void>;
  delete(companyId: string, discordUserId: string): Promise<void>;
  deleteByUser(companyId: string, userId: string): Promise<void>;
  deleteCompany(companyId: string): Promise<void>;
}

export type AwardKind = 'XP_ADD' | 'XP_REMOVE' | 'CP_ADD';
export type AwardStatus = 'PENDING' | 'APPLIED' | 'FAILED' | 'UNDONE';

export interface AwardResult {
  xpCurrent: number;
  xpTotal: number;
  coolPoints: number;
}

export interface AwardEntry {
  id: number;
  /** Idempotency key sent to the API; unique. Derived from the interaction. */
  key: string;
  guildId: string;
  companyId: string;
  campaignId: string;
  /** Scene awards share a batch id; single awards have null. */
  batchId: string | null;
  actorUserId: string;
  actorDiscordId: string;
  targetUserId: string;
  targetDiscordId: string | null;
  kind: AwardKind;
  amount: number;
  reason: string | null;
  status: AwardStatus;
  /** New totals after the API applied it. */
  result: AwardResult | null;
  error: string | null;
  /**
   * For a FAILED entry: `definite` when Valentina refused it (nothing was applied, it may be sent
   * again), `ambiguous` when it was never confirmed (it may have been applied: never re-sent).
   */
  failure: AwardFailure | null;
  /** For an undo entry: the id of the entry it reverts. */
  undoOf: number | null;
  createdAt: number;
  updatedAt: number;
}

export type AwardFailure = 'definite' | 'ambiguous';

export type NewAwardEntry = Omit<AwardEntry, 'id' | 'status' | 'result' | 'error' | 'failure' | 'createdAt' | 'updatedAt'>;

/** Who settles a PENDING entry (a process's instance id) and until when (epoch ms). */
export interface AwardLease {
  owner: string;
  until: number;
}

export interface LedgerQuery {
  guildId: string;
  companyId?: string;
  /**
   * Companies whose entries are history (the guild's company before a server upgrade changed its
   * id): listed too, and matched to a member by `targetDiscordId` instead of `targetUserId`.
   */
  historyCompanyIds?: readonly string[];
  targetUserId?: string;
  /** With `historyCompanyIds` and `targetUserId`: the member whose history entries are shown. */
  targetDiscordId?: string;
  campaignId?: string;
  limit: number;
  offset: number;
}

export interface AwardJournalRepo {
  /**
   * Writes a PENDING entry. When the key already exists nothing is written and the existing
   * entry is returned with created=false: that is how double clicks and re-deliveries are caught.
   * Without a lease, recovery may take the entry over at once.
   */
  insertPending(entry: NewAwardEntry, now: number, lease?: AwardLease): Promise<{ entry: AwardEntry; created: boolean }>;
  /**
   * Takes or renews the lease of a PENDING entry: succeeds when the lease is the caller's own, has
   * no owner and has run out, or has expired. Returns null when another process holds it.
   */
  acquireLease(key: string, lease: AwardLease, now: number): Promise<AwardEntry | null>;
  /** Gives a lease up without settling: nobody owns the entry, and nobody may take it before `notBefore`. */
  releaseLease(key: string, owner: string, notBefore: number): Promise<void>;
  /**
   * Moves a FAILED entry whose failure was definite back to PENDING under the caller's lease, so
   * it can be sent again with its own key. Null when it was not such an entry (or someone else won).
   */
  reopenFailed(key: string, lease: AwardLease, now: number): Promise<AwardEntry | null>;
  markApplied(key: string, result: AwardResult, now: number): Promise<AwardEntry | null>;
  /** `failure` defaults to `ambiguous`, the safe reading: such an entry is never sent again. */
  markFailed(key: string, error: string, now: number, failure?: AwardFailure): Promise<AwardEntry | null>;
  /**
   * Atomically moves an APPLIED entry to UNDONE. Returns false when it was not APPLIED
   * (already undone, failed, or unknown), so two undo clicks cannot both proceed.
   */
  claimUndo(id: number, now: number): Promise<boolean>;
  /** Puts an entry claimed by claimUndo back to APPLIED when the reverting API call failed. */
  releaseUndo(id: number, now: number): Promise<void>;
  get(id: number): Promise<AwardEntry | null>;
  getByKey(key: string): Promise<AwardEntry | null>;
  listBatch(batchId: string): Promise<AwardEntry[]>;
  listPending(): Promise<AwardEntry[]>;
  /** PENDING entries whose lease has run out (or that never had one): what recovery may take over. */
  listUnleased(now: number): Promise<AwardEntry[]>;
  /** Newest first. Excludes nothing: the ledger shows failed and undone entries too. */
  listLedger(query: LedgerQuery): Promise<{ items: AwardEntry[]; total: number }>;
  /** The companies a guild's entries were made under (more than one after a rebind or a server upgrade). */
  companiesOf(guildId: string): Promise<string[]>;
  /** Entries per status across every guild, for metrics and /setup status. */
  countByStatus(): Promise<Record<AwardStatus, number>>;
  /** Oldest first, ids above `afterId`: keyset pages for a streamed ledger export. */
  exportPage(query: LedgerExportQuery): Promise<AwardEntry[]>;
}

export interface LedgerExportQuery {
  guildId: string;
  companyId: string;
  targetUserId?: string;
  campaignId?: string;
  /** Exclusive; 0 for the first page. */
  afterId: number;
  limit: number;
}

export type ApprovalStatus = 'PENDING' | 'HANDLING' | 'APPROVED' | 'DENIED' | 'MERGED';

export interface ApprovalCard {
  guildId: string;
  /** The UNAPPROVED company user the card is about. */
  userId: string;
  channelId: string;
  messageId: string;
  status: ApprovalStatus;
  handledByDiscordId: string | null;
  /** Free text for the receipt: the role approved as, or the user merged into. */
  outcome: string | null;
  updatedAt: number;
}

/** Which claim `release` may undo: the one an actor holds, or one older than a time. */
export type ApprovalClaimHolder = { heldBy: string } | { claimedBefore: number };

/**
 * The `outcome` of a HANDLING card whose decision Valentina has not confirmed yet starts with
 * this, followed by the decision (`UNSETTLED:APPROVE:PLAYER`, `UNSETTLED:DENY`, `UNSETTLED:MERGE:<id>`),
 * so a later process can still settle it.
 */
export const UNSETTLED_OUTCOME = 'UNSETTLED';

export interface ApprovalCardRepo {
  get(guildId: string, userId: string): Promise<ApprovalCard | null>;
  upsert(card: Omit<ApprovalCard, 'updatedAt'>, now: number): Promise<void>;
  /**
   * Atomically moves PENDING to HANDLING for one actor. Exactly one of several concurrent
   * callers (in one process or across shards) gets true. A card not yet stored is created
   * in HANDLING state by the winner (for approvals listed by /approvals without a card).
   */
  claim(guildId: string, userId: string, actorDiscordId: string, now: number): Promise<boolean>;
  /** Final state after the API call succeeded. */
  finish(guildId: string, userId: string, status: 'APPROVED' | 'DENIED' | 'MERGED', outcome: string, now: number): Promise<void>;
  /**
   * Back to PENDING so someone may try again, but only a claim still held by `heldBy` (the
   * actor whose API call failed) or, for a claim whose holder died, one not touched since
   * `claimedBefore`. A claim another admin took meanwhile is left alone. True when released.
   */
  release(guildId: string, userId: string, now: number, holder: ApprovalClaimHolder): Promise<boolean>;
  /** Marks a held claim as waiting for Valentina's answer (an ambiguous write) on `decision`; it stays HANDLING. */
  markUnsettled(guildId: string, userId: string, actorDiscordId: string, decision: string, now: number): Promise<void>;
  /** Unsettled cards not touched since `updatedBefore` (their process stopped while checking), oldest first. */
  listUnsettled(updatedBefore: number, limit: number): Promise<ApprovalCard[]>;
}

/**
 * Short-lived server-side state for multi-step components whose data does not fit in a
 * custom_id (a scene award's member list, a pending confirm). Survives restarts and shards.
 */
export interface Draft {
  id: string;
  guildId: string;
  ownerDiscordId: string;
  kind: string;
  /** JSON-serialisable payload; the caller parses it with zod. */
  payload: unknown;
  expiresAt: number;
}

export interface DraftRepo {
  put(draft: Draft): Promise<void>;
  get(id: string, now: number): Promise<Draft | null>;
  delete(id: string): Promise<void>;
  deleteExpired(now: number): Promise<number>;
}

/** A channel category bound to a campaign: commands used under it default to that campaign. */
export interface CategoryCampaign {
  guildId: string;
  categoryId: string;
  /** The company the campaign belongs to; a binding of another company than the guild's is not used. */
  companyId: string;
  campaignId: string;
  updatedAt: number;
}

export interface CategoryCampaignRepo {
  list(guildId: string): Promise<CategoryCampaign[]>;
  /** Creates or replaces the category's binding. */
  put(binding: Omit<CategoryCampaign, 'updatedAt'>): Promise<CategoryCampaign>;
  /** Removes the category's binding; resolves to whether there was one. */
  delete(guildId: string, categoryId: string): Promise<boolean>;
}

/**
 * A "Sign in with Discord" link handed to a member: who it is for, where it was asked, and (for
 * /link) which admin asked and which user they picked. Holds no token or code.
 */
export interface SignInState {
  /** Random, also carried (signed) in the OAuth `state`. */
  nonce: string;
  guildId: string;
  companyId: string;
  memberDiscordId: string;
  /** Where /register (or /link) was used, for the link back to Discord. */
  channelId: string | null;
  /** /link: the admin who asked; null for /register. */
  requestedByDiscordId: string | null;
  /** /link: the user the admin picked (the verified sign-in decides; this is for the audit post). */
  requestedUserId: string | null;
  expiresAt: number;
}

export interface SignInStateRepo {
  put(state: SignInState): Promise<void>;
  /** Reads and deletes in one statement: exactly one caller, on any process, gets the row. Null when used, unknown or expired. */
  take(nonce: string, now: number): Promise<SignInState | null>;
  delete(nonce: string): Promise<void>;
  deleteExpired(now: number): Promise<number>;
}

export interface Store {
  kind: 'sqlite' | 'postgres';
  guildSettings: GuildSettingsRepo;
  memberLinks: MemberLinkRepo;
  awards: AwardJournalRepo;
  approvalCards: ApprovalCardRepo;
  drafts: DraftRepo;
  /** A trivial query, for readiness probes: resolves when the database answers. */
  ping(): Promise<void>;
  categoryCampaigns: CategoryCampaignRepo;
  signInStates: SignInStateRepo;
  close(): Promise<void>;
}
