import { buildResult, rollDice } from './dice.js';
import type { RandomSource } from './dice.js';
import { createIdGenerator, createUuidV7Generator, isoMicros, isoSeconds } from './ids.js';
import type {
  AssetRecord,
  CampaignExperience,
  CampaignRecord,
  CharacterClass,
  CharacterRecord,
  CharacterStatus,
  CharacterTraitRecord,
  CharacterType,
  CompanyRecord,
  CompanySettings,
  DiceRollRecord,
  DiceSize,
  DiscordProfile,
  GameVersion,
  GitHubProfile,
  GoogleProfile,
  NoteRecord,
  QuickrollRecord,
  SystemHealth,
  TraitRecord,
  UserRecord,
  UserRole,
} from './models.js';
import { assetTypeForMime, publicUrlFor, sanitizeFilename } from './multipart.js';

/** Which API generation the fake speaks: v1 (March 2026, ObjectIds) or v2 (July 2026, UUIDs). */
export type FakeGeneration = 'v1' | 'v2';

/** Access of one API key: a global admin sees every company, others only the listed ones. */
export interface ApiKeyAccess {
  globalAdmin: boolean;
  companyIds: Set<string>;
}

export interface AddCompanyOptions {
  name?: string;
  description?: string | null;
  email?: string;
  settings?: Partial<CompanySettings>;
  /** Give the fake's default API key a permission on the company (default true). */
  grantAccess?: boolean;
}

export interface AddUserOptions {
  role?: UserRole;
  name_first?: string | null;
  name_last?: string | null;
  /** Stored slugified, like the server does. Default `user-<n>`. */
  username?: string;
  email?: string;
  /** Shorthand for `discord_profile: { id }`. */
  discord_id?: string;
  discord_profile?: Partial<DiscordProfile>;
  google_profile?: Partial<GoogleProfile>;
  github_profile?: Partial<GitHubProfile>;
  lifetime_xp?: number;
  lifetime_cool_points?: number;
}

export interface AddCampaignOptions {
  name?: string;
  description?: string | null;
  desperation?: number | null;
  danger?: number | null;
}

export type AddTraitOptions = { name: string } & Partial<Omit<TraitRecord, 'name'>>;

/** A character trait given by blueprint id, or by name (the blueprint is created when unknown). */
export type CharacterTraitInput = { traitId: string; value: number } | { name: string; value: number };

export interface AddCharacterOptions {
  user_player_id: string;
  user_creator_id?: string;
  name_first?: string;
  name_last?: string;
  name_nick?: string | null;
  type?: CharacterType;
  character_class?: CharacterClass;
  game_version?: GameVersion;
  status?: CharacterStatus;
  is_temporary?: boolean;
  traits?: CharacterTraitInput[];
}

export interface AddQuickrollOptions {
  name: string;
  description?: string | null;
  /** Blueprint trait ids. */
  trait_ids?: string[];
  /** Blueprint trait names, resolved (and created when unknown) like `addCharacter` traits. */
  trait_names?: string[];
}

export interface AddDiceRollOptions {
  dice_size?: DiceSize;
  difficulty?: number | null;
  /** Explicit dice; when absent `num_dice` dice are rolled with the fake's random source. */
  player_roll?: number[];
  desperation_roll?: number[];
  num_dice?: number;
  num_desperation_dice?: number;
  comment?: string | null;
  trait_ids?: string[];
  character_id?: string | null;
  campaign_id?: string | null;
  archived?: boolean;
}

export interface AddAssetOptions {
  filename: string;
  mime_type?: string;
  bytes?: Buffer;
}

export interface DiceRollFilter {
  companyId?: string;
  userId?: string;
  characterId?: string;
  campaignId?: string;
}

const DEFAULT_SETTINGS: CompanySettings = {
  character_autogen_xp_cost: 10,
  character_autogen_num_choices: 3,
  permission_manage_campaign: 'UNRESTRICTED',
  permission_grant_xp: 'UNRESTRICTED',
  permission_free_trait_changes: 'UNRESTRICTED',
};

export function emptyDiscordProfile(): DiscordProfile {
  return {
    id: null, username: null, global_name: null, avatar_id: null,
    avatar_url: null, discriminator: null, email: null, verified: null,
  };
}

export function emptyGoogleProfile(): GoogleProfile {
  return {
    id: null, email: null, verified_email: null, username: null,
    name_first: null, name_last: null, avatar_url: null, locale: null,
  };
}

export function emptyGitHubProfile(): GitHubProfile {
  return { id: null, login: null, username: null, avatar_url: null, email: null, profile_url: null };
}

/** Server rule: lowercased, ASCII-folded, punctuation dropped, whitespace/hyphen runs -> '-'. */
export function slugifyUsername(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9\s-]/g, '')
    .trim()
    .replace(/[\s-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The fake's in-memory database plus seeding and inspection helpers.
 * Records handed out are the live stored objects: mutate them to bend state in a test.
 */
export class FakeState {
  readonly companies = new Map<string, CompanyRecord>();
  readonly users = new Map<string, UserRecord>();
  readonly campaigns = new Map<string, CampaignRecord>();
  readonly traits = new Map<string, TraitRecord>();
  readonly characters = new Map<string, CharacterRecord>();
  readonly characterTraits = new Map<string, CharacterTraitRecord>();
  readonly notes = new Map<string, NoteRecord>();
  readonly quickrolls = new Map<string, QuickrollRecord>();
  readonly diceRolls = new Map<string, DiceRollRecord>();
  readonly assets = new Map<string, AssetRecord>();
  readonly apiKeys = new Map<string, ApiKeyAccess>();
  health: SystemHealth;

  readonly newId: () => string;
  /** Ids the v2 wire shows for things v1 keeps inside other records (settings, experience rows). */
  private readonly stableIds = new Map<string, string>();
  /**
   * v1 guard cache (CONTRACT §1.10): role and company of a path user as the UA-guard last read
   * them, kept 60 s with a sliding expiry and never invalidated. Null when caches are off.
   */
  guardCache: Map<string, { role: UserRole; companyId: string; lastUsedMs: number }> | null = null;
  private readonly sectionId: string;
  private readonly categoryIds = new Map<string, string>();
  private userSeq = 0;

  constructor(
    readonly defaultApiKey: string,
    readonly now: () => Date,
    readonly random: RandomSource,
    readonly generation: FakeGeneration = 'v1',
  ) {
    this.newId = generation === 'v2' ? createUuidV7Generator(now) : createIdGenerator(now);
    this.health = generation === 'v2'
      ? { database_status: 'online', cache_status: 'online', version: '0.27.0', database_latency_ms: 1.2, cache_latency_ms: 0.4, uptime: '0d 0h 1m 0s' }
      : { database_status: 'online', cache_status: 'online', version: '0.8.0' };
    this.sectionId = this.newId();
    this.apiKeys.set(defaultApiKey, { globalAdmin: false, companyIds: new Set() });
  }

  /** Current time as a wire timestamp (v1 whole seconds, v2 microseconds; `Z`). */
  timestamp(): string {
    return this.generation === 'v2' ? isoMicros(this.now()) : isoSeconds(this.now());
  }

  /** An id minted once per key (e.g. `settings:<companyId>`), for rows v1 did not expose. */
  stableId(key: string): string {
    let id = this.stableIds.get(key);
    if (id === undefined) {
      id = this.newId();
      this.stableIds.set(key, id);
    }
    return id;
  }

  /**
   * The role and company the v1 UA-guard sees for a user: fresh unless the guard cache holds a
   * snapshot used within the last 60 s (each use slides the expiry).
   */
  guardView(user: UserRecord): { role: UserRole; companyId: string } {
    const cache = this.guardCache;
    if (cache === null) return { role: user.role, companyId: user.company_id };
    const nowMs = this.now().getTime();
    const hit = cache.get(user.id);
    if (hit !== undefined && nowMs - hit.lastUsedMs < 60_000) {
      hit.lastUsedMs = nowMs;
      return hit;
    }
    const fresh = { role: user.role, companyId: user.company_id, lastUsedMs: nowMs };
    cache.set(user.id, fresh);
    return fresh;
  }

  // ---------------------------------------------------------------- API keys

  /** Registers another API key (e.g. to test per-key idempotency or a 403 on a company). */
  addApiKey(key: string, opts: { globalAdmin?: boolean; companyIds?: string[] } = {}): ApiKeyAccess {
    const access: ApiKeyAccess = { globalAdmin: opts.globalAdmin ?? false, companyIds: new Set(opts.companyIds ?? []) };
    this.apiKeys.set(key, access);
    return access;
  }

  /** Revokes a key: requests with it then get 401 `Unauthorized API key`. */
  removeApiKey(key: string): void {
    this.apiKeys.delete(key);
  }

  grantAccess(companyId: string, key: string = this.defaultApiKey): void {
    this.apiKeys.get(key)?.companyIds.add(companyId);
  }

  revokeAccess(companyId: string, key: string = this.defaultApiKey): void {
    this.apiKeys.get(key)?.companyIds.delete(companyId);
  }

  // ---------------------------------------------------------------- companies

  addCompany(opts: AddCompanyOptions = {}): CompanyRecord {
    const ts = this.timestamp();
    const id = this.newId();
    const company: CompanyRecord = {
      id,
      date_created: ts,
      date_modified: ts,
      name: opts.name ?? `Company ${this.companies.size + 1}`,
      description: opts.description ?? null,
      email: opts.email ?? `storytellers-${id.slice(-6)}@example.com`,
      user_ids: [],
      settings: { ...DEFAULT_SETTINGS, ...opts.settings },
      resources_modified_at: ts,
      archived: false,
    };
    this.companies.set(id, company);
    if (opts.grantAccess ?? true) this.grantAccess(id);
    return company;
  }

  getCompany(id: string): CompanyRecord | undefined {
    return this.companies.get(id);
  }

  /** Changes company settings, e.g. `{ permission_grant_xp: 'STORYTELLER' }`. */
  setCompanySettings(companyId: string, settings: Partial<CompanySettings>): CompanyRecord {
    const company = this.requireCompany(companyId);
    company.settings = { ...company.settings, ...settings };
    return company;
  }

  /** Marks a change in the company, as the server's audit hook does. */
  touchCompany(companyId: string): void {
    const company = this.companies.get(companyId);
    if (company) company.resources_modified_at = this.timestamp();
  }

  // ---------------------------------------------------------------- users

  addUser(companyId: string, opts: AddUserOptions = {}): UserRecord {
    const company = this.requireCompany(companyId);
    const ts = this.timestamp();
    const n = ++this.userSeq;
    const id = this.newId();
    const discord: DiscordProfile = { ...emptyDiscordProfile(), ...opts.discord_profile };
    if (opts.discord_id !== undefined) discord.id = opts.discord_id;
    const user: UserRecord = {
      id,
      date_created: ts,
      date_modified: ts,
      name_first: opts.name_first === undefined ? null : opts.name_first,
      name_last: opts.name_last === undefined ? null : opts.name_last,
      username: slugifyUsername(opts.username ?? `user-${n}`),
      email: opts.email ?? `user${n}@example.com`,
      role: opts.role ?? 'PLAYER',
      company_id: company.id,
      lifetime_xp: opts.lifetime_xp ?? 0,
      lifetime_cool_points: opts.lifetime_cool_points ?? 0,
      google_profile: { ...emptyGoogleProfile(), ...opts.google_profile },
      github_profile: { ...emptyGitHubProfile(), ...opts.github_profile },
      discord_profile: discord,
      campaign_experience: [],
      asset_ids: [],
      archived: false,
    };
    this.users.set(id, user);
    company.user_ids.push(id);
    return user;
  }

  /** Bulk seeding: `addUsers(companyId, 5000, (i) => ({ discord_id: String(1e17 + i) }))`. */
  addUsers(companyId: string, count: number, opts: (index: number) => AddUserOptions = () => ({})): UserRecord[] {
    const out: UserRecord[] = [];
    for (let i = 0; i < count; i++) out.push(this.addUser(companyId, opts(i)));
    return out;
  }

  /** The stored user, archived ones included (check `.archived`). */
  getUser(id: string): UserRecord | undefined {
    return this.users.get(id);
  }

  /** Non-archived users of a company in insertion order (what GET users lists). */
  listUsers(companyId: string): UserRecord[] {
    const company = this.companies.get(companyId);
    if (!company) return [];
    const out: UserRecord[] = [];
    for (const id of company.user_ids) {
      const user = this.users.get(id);
      if (user && !user.archived) out.push(user);
    }
    return out;
  }

  findUserByDiscordId(discordId: string): UserRecord | undefined {
    for (const user of this.users.values()) if (!user.archived && user.discord_profile.id === discordId) return user;
    return undefined;
  }

  /** Archives a user and removes it from its company, as DELETE and deny do. */
  archiveUser(user: UserRecord): void {
    user.archived = true;
    user.date_modified = this.timestamp();
    const company = this.companies.get(user.company_id);
    if (company) company.user_ids = company.user_ids.filter((id) => id !== user.id);
  }

  // ---------------------------------------------------------------- experience

  /** The user's experience record for a campaign, without creating it. */
  experience(userId: string, campaignId: string): CampaignExperience | undefined {
    return this.users.get(userId)?.campaign_experience.find((e) => e.campaign_id === campaignId);
  }

  /** The record, created lazily with zeros like the server does. */
  ensureExperience(user: UserRecord, campaignId: string): CampaignExperience {
    let exp = user.campaign_experience.find((e) => e.campaign_id === campaignId);
    if (!exp) {
      exp = { campaign_id: campaignId, xp_current: 0, xp_total: 0, cool_points: 0 };
      user.campaign_experience.push(exp);
    }
    return exp;
  }

  /** Seeds experience directly (no lifetime counters touched). */
  setExperience(userId: string, campaignId: string, values: Partial<Omit<CampaignExperience, 'campaign_id'>>): CampaignExperience {
    const user = this.users.get(userId);
    if (!user) throw new Error(`fake state: unknown user ${userId}`);
    const exp = this.ensureExperience(user, campaignId);
    Object.assign(exp, values);
    return exp;
  }

  // ---------------------------------------------------------------- campaigns, traits, characters

  addCampaign(companyId: string, opts: AddCampaignOptions = {}): CampaignRecord {
    const company = this.requireCompany(companyId);
    const ts = this.timestamp();
    const campaign: CampaignRecord = {
      id: this.newId(),
      date_created: ts,
      date_modified: ts,
      name: opts.name ?? `Campaign ${this.campaigns.size + 1}`,
      description: opts.description ?? null,
      asset_ids: [],
      desperation: opts.desperation ?? 0,
      danger: opts.danger ?? 0,
      company_id: company.id,
      archived: false,
    };
    this.campaigns.set(campaign.id, campaign);
    return campaign;
  }

  getCampaign(id: string): CampaignRecord | undefined {
    return this.campaigns.get(id);
  }

  addTraitBlueprint(opts: AddTraitOptions): TraitRecord {
    const ts = this.timestamp();
    const categoryName = opts.parent_category_name ?? 'Physical';
    const trait: TraitRecord = {
      id: this.newId(),
      description: null,
      date_created: ts,
      date_modified: ts,
      is_archived: false,
      archive_date: null,
      character_classes: ['VAMPIRE', 'WEREWOLF', 'MAGE', 'HUNTER', 'GHOUL', 'MORTAL'],
      game_versions: ['V4', 'V5'],
      link: null,
      show_when_zero: true,
      max_value: 5,
      min_value: 0,
      is_custom: false,
      initial_cost: 1,
      upgrade_cost: 2,
      sheet_section_name: 'Attributes',
      sheet_section_id: this.sectionId,
      parent_category_name: categoryName,
      parent_category_id: this.categoryId(categoryName ?? 'none'),
      custom_for_character_id: null,
      advantage_category_id: null,
      advantage_category_name: null,
      ...opts,
    };
    this.traits.set(trait.id, trait);
    return trait;
  }

  traitByName(name: string): TraitRecord | undefined {
    for (const trait of this.traits.values()) if (trait.name === name) return trait;
    return undefined;
  }

  /** The blueprint with that name, created on first use. */
  ensureTrait(name: string): TraitRecord {
    return this.traitByName(name) ?? this.addTraitBlueprint({ name });
  }

  addCharacter(companyId: string, campaignId: string, opts: AddCharacterOptions): CharacterRecord {
    const company = this.requireCompany(companyId);
    const ts = this.timestamp();
    const character: CharacterRecord = {
      id: this.newId(),
      date_created: ts,
      date_modified: ts,
      date_killed: null,
      character_class: opts.character_class ?? 'VAMPIRE',
      type: opts.type ?? 'PLAYER',
      game_version: opts.game_version ?? 'V5',
      status: opts.status ?? 'ALIVE',
      starting_points: 0,
      name_first: opts.name_first ?? 'Nameless',
      name_last: opts.name_last ?? 'Stranger',
      name_nick: opts.name_nick ?? null,
      age: null,
      biography: null,
      demeanor: null,
      nature: null,
      concept_id: null,
      user_creator_id: opts.user_creator_id ?? opts.user_player_id,
      user_player_id: opts.user_player_id,
      company_id: company.id,
      campaign_id: campaignId,
      asset_ids: [],
      character_trait_ids: [],
      specialties: [],
      vampire_attributes: { clan_id: null, clan_name: null, generation: null, sire: null, bane: null, compulsion: null },
      werewolf_attributes: {
        pack_name: null, tribe_id: null, tribe_name: null, auspice_id: null,
        auspice_name: null, gift_ids: [], rite_ids: [], total_renown: 0,
      },
      mage_attributes: null,
      hunter_attributes: null,
      archived: false,
      is_temporary: opts.is_temporary ?? false,
    };
    this.characters.set(character.id, character);
    for (const t of opts.traits ?? []) this.addCharacterTrait(character.id, t);
    return character;
  }

  getCharacter(id: string): CharacterRecord | undefined {
    return this.characters.get(id);
  }

  addCharacterTrait(characterId: string, input: CharacterTraitInput): CharacterTraitRecord {
    const character = this.characters.get(characterId);
    if (!character) throw new Error(`fake state: unknown character ${characterId}`);
    const traitId = 'traitId' in input ? input.traitId : this.ensureTrait(input.name).id;
    if (!this.traits.has(traitId)) throw new Error(`fake state: unknown trait ${traitId}`);
    const record: CharacterTraitRecord = { id: this.newId(), character_id: characterId, value: input.value, trait_id: traitId };
    this.characterTraits.set(record.id, record);
    character.character_trait_ids.push(record.id);
    return record;
  }

  /** The character's traits in the order they were added. */
  traitsOf(characterId: string): CharacterTraitRecord[] {
    const character = this.characters.get(characterId);
    if (!character) return [];
    const out: CharacterTraitRecord[] = [];
    for (const id of character.character_trait_ids) {
      const ct = this.characterTraits.get(id);
      if (ct) out.push(ct);
    }
    return out;
  }

  // ---------------------------------------------------------------- notes, quickrolls, dice, assets

  addNote(userId: string, opts: { title: string; content: string }): NoteRecord {
    const user = this.requireUser(userId);
    const ts = this.timestamp();
    const note: NoteRecord = {
      id: this.newId(), date_created: ts, date_modified: ts, title: opts.title, content: opts.content,
      user_id: user.id, company_id: user.company_id, archived: false,
    };
    this.notes.set(note.id, note);
    return note;
  }

  getNote(id: string): NoteRecord | undefined {
    return this.notes.get(id);
  }

  addQuickroll(userId: string, opts: AddQuickrollOptions): QuickrollRecord {
    const user = this.requireUser(userId);
    const ts = this.timestamp();
    const traitIds = [...(opts.trait_ids ?? []), ...(opts.trait_names ?? []).map((n) => this.ensureTrait(n).id)];
    const quickroll: QuickrollRecord = {
      id: this.newId(), date_created: ts, date_modified: ts, name: opts.name, description: opts.description ?? null,
      user_id: user.id, company_id: user.company_id, trait_ids: traitIds, archived: false,
    };
    this.quickrolls.set(quickroll.id, quickroll);
    return quickroll;
  }

  getQuickroll(id: string): QuickrollRecord | undefined {
    return this.quickrolls.get(id);
  }

  /** Stores a roll as if it had been made through the API (scored per §3.3). */
  addDiceRoll(companyId: string, userId: string | null, opts: AddDiceRollOptions = {}): DiceRollRecord {
    this.requireCompany(companyId);
    const size = opts.dice_size ?? 10;
    const player = opts.player_roll ?? rollDice(opts.num_dice ?? 1, size, this.random);
    const desperation = opts.desperation_roll ?? rollDice(opts.num_desperation_dice ?? 0, size, this.random);
    const difficulty = opts.difficulty === undefined ? 6 : opts.difficulty;
    const ts = this.timestamp();
    const roll: DiceRollRecord = {
      id: this.newId(),
      date_created: ts,
      date_modified: ts,
      difficulty,
      dice_size: size,
      num_dice: opts.num_dice ?? player.length,
      num_desperation_dice: opts.num_desperation_dice ?? desperation.length,
      result: buildResult(player, desperation, size, difficulty),
      comment: opts.comment ?? null,
      trait_ids: [...(opts.trait_ids ?? [])],
      user_id: userId,
      character_id: opts.character_id ?? null,
      campaign_id: opts.campaign_id ?? null,
      company_id: companyId,
      archived: opts.archived ?? false,
    };
    this.diceRolls.set(roll.id, roll);
    return roll;
  }

  getDiceRoll(id: string): DiceRollRecord | undefined {
    return this.diceRolls.get(id);
  }

  /** Non-archived rolls in insertion order, optionally filtered. */
  listDiceRolls(filter: DiceRollFilter = {}): DiceRollRecord[] {
    const out: DiceRollRecord[] = [];
    for (const roll of this.diceRolls.values()) {
      if (roll.archived) continue;
      if (filter.companyId !== undefined && roll.company_id !== filter.companyId) continue;
      if (filter.userId !== undefined && roll.user_id !== filter.userId) continue;
      if (filter.characterId !== undefined && roll.character_id !== filter.characterId) continue;
      if (filter.campaignId !== undefined && roll.campaign_id !== filter.campaignId) continue;
      out.push(roll);
    }
    return out;
  }

  /** Stores an asset owned by (and uploaded by) the user, as a successful upload would. */
  addAsset(userId: string, opts: AddAssetOptions): AssetRecord {
    const user = this.requireUser(userId);
    const mime = opts.mime_type ?? 'application/octet-stream';
    const ts = this.timestamp();
    const id = this.newId();
    const assetType = assetTypeForMime(mime);
    const filename = sanitizeFilename(opts.filename);
    const asset: AssetRecord = {
      id,
      date_created: ts,
      date_modified: ts,
      asset_type: assetType,
      mime_type: mime,
      original_filename: filename,
      parent_type: 'user',
      parent_id: user.id,
      company_id: user.company_id,
      uploaded_by: user.id,
      public_url: publicUrlFor(user.company_id, user.id, assetType, id, filename),
      bytes: opts.bytes ?? Buffer.alloc(0),
    };
    this.assets.set(id, asset);
    user.asset_ids.push(id);
    return asset;
  }

  getAsset(id: string): AssetRecord | undefined {
    return this.assets.get(id);
  }

  /** Assets whose parent is the user, oldest first (the API's order). */
  listAssets(userId: string): AssetRecord[] {
    const out: AssetRecord[] = [];
    for (const asset of this.assets.values()) if (asset.parent_id === userId) out.push(asset);
    return out.sort((a, b) => a.date_created.localeCompare(b.date_created));
  }

  /** Makes GET /health answer 500 with the given statuses (or 200 again when all online). */
  setHealth(health: Partial<SystemHealth>): void {
    this.health = { ...this.health, ...health };
  }

  // ---------------------------------------------------------------- internals

  private categoryId(name: string): string {
    let id = this.categoryIds.get(name);
    if (!id) {
      id = this.newId();
      this.categoryIds.set(name, id);
    }
    return id;
  }

  private requireCompany(id: string): CompanyRecord {
    const company = this.companies.get(id);
    if (!company) throw new Error(`fake state: unknown company ${id}`);
    return company;
  }

  private requireUser(id: string): UserRecord {
    const user = this.users.get(id);
    if (!user) throw new Error(`fake state: unknown user ${id}`);
    return user;
  }
}
