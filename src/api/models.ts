import { z } from 'zod';

/*
 * Response models are lenient on purpose: unknown members are kept (loose objects), members an
 * older or newer server may omit get defaults, and enums accept values this client does not know
 * yet (a newer server adds roles such as DEACTIVATED). Ids are plain strings here: their format is
 * a wire-profile decision (ObjectId now, UUID later) and is only checked on what we send.
 *
 * Request schemas are strict: they refuse, before sending, what the server would refuse or
 * mishandle (CONTRACT §6: out-of-range names may surface as 500).
 */

/** A loose object typed as if it were a plain object, so that typos in member access still fail to compile. */
function loose<Shape extends z.ZodRawShape>(shape: Shape): z.ZodObject<Shape, z.core.$strip> {
  // Only the type is narrowed: extra members are present at runtime but unknown to the compiler,
  // which structural typing allows anyway.
  return z.looseObject(shape) as unknown as z.ZodObject<Shape, z.core.$strip>;
}

/** Missing or null becomes `fallback`, then `schema` validates the result. */
function orDefault<S extends z.ZodType>(schema: S, fallback: z.input<S>) {
  return z.preprocess((v) => (v === undefined || v === null ? fallback : v), schema);
}

const nullableString = () => z.string().nullable().default(null);
const nullableInt = () => z.number().int().nullable().default(null);
const int = () => z.number().int();
const stringList = () => orDefault(z.array(z.string()), []);
const intList = () => orDefault(z.array(int()), []);

/** A string enum that also accepts values added by newer servers. */
type Open<T extends string> = T | (string & {});
function openEnum<const T extends readonly string[]>(values: T) {
  return z.custom<Open<T[number]>>((v) => typeof v === 'string', { message: `Expected one of ${values.join(', ')} (or a newer value)` });
}

export const USER_ROLES = ['ADMIN', 'STORYTELLER', 'PLAYER', 'UNAPPROVED'] as const;
export const UserRoleSchema = z.enum(USER_ROLES);
export type UserRole = z.output<typeof UserRoleSchema>;

export const ROLL_RESULT_TYPES = ['SUCCESS', 'FAILURE', 'BOTCH', 'CRITICAL', 'OTHER'] as const;
export type RollResultType = (typeof ROLL_RESULT_TYPES)[number];
export const DICE_SIZES = [4, 6, 8, 10, 20, 100] as const;
export type DiceSize = (typeof DICE_SIZES)[number];
export const ASSET_TYPES = ['image', 'text', 'audio', 'video', 'document', 'archive', 'other'] as const;
export type AssetType = (typeof ASSET_TYPES)[number];
export const CHARACTER_CLASSES = ['VAMPIRE', 'WEREWOLF', 'MAGE', 'HUNTER', 'GHOUL', 'MORTAL'] as const;
export type CharacterClass = (typeof CHARACTER_CLASSES)[number];
export const CHARACTER_TYPES = ['PLAYER', 'NPC', 'STORYTELLER', 'DEVELOPER'] as const;
export type CharacterType = (typeof CHARACTER_TYPES)[number];
export const CHARACTER_STATUSES = ['ALIVE', 'DEAD'] as const;
export type CharacterStatus = (typeof CHARACTER_STATUSES)[number];
export const PERMISSIONS_GRANT_XP = ['UNRESTRICTED', 'PLAYER', 'STORYTELLER'] as const;
export type PermissionsGrantXP = (typeof PERMISSIONS_GRANT_XP)[number];

// ---------------------------------------------------------------------------------------------
// Profiles and users

export const DiscordProfileSchema = loose({
  /** Discord snowflake, as a string. */
  id: nullableString(),
  username: nullableString(),
  global_name: nullableString(),
  avatar_id: nullableString(),
  avatar_url: nullableString(),
  discriminator: nullableString(),
  email: nullableString(),
  verified: z.boolean().nullable().default(null),
});
export type DiscordProfile = z.output<typeof DiscordProfileSchema>;

export const GoogleProfileSchema = loose({
  id: nullableString(),
  email: nullableString(),
  verified_email: z.boolean().nullable().default(null),
  username: nullableString(),
  name_first: nullableString(),
  name_last: nullableString(),
  avatar_url: nullableString(),
  locale: nullableString(),
});
export type GoogleProfile = z.output<typeof GoogleProfileSchema>;

export const GitHubProfileSchema = loose({
  id: nullableString(),
  login: nullableString(),
  username: nullableString(),
  avatar_url: nullableString(),
  email: nullableString(),
  profile_url: nullableString(),
});
export type GitHubProfile = z.output<typeof GitHubProfileSchema>;

export const CampaignExperienceSchema = loose({
  campaign_id: z.string(),
  xp_current: int(),
  xp_total: int(),
  cool_points: orDefault(int(), 0),
});
export type CampaignExperience = z.output<typeof CampaignExperienceSchema>;

export const UserSchema = loose({
  id: z.string(),
  date_created: z.string().optional(),
  date_modified: z.string().optional(),
  name_first: nullableString(),
  name_last: nullableString(),
  username: z.string(),
  email: nullableString(),
  role: openEnum(USER_ROLES),
  company_id: z.string(),
  /** Emitted from server 2e605ed (2026-03-12); 0 when an older server omits it. */
  lifetime_xp: orDefault(int(), 0),
  lifetime_cool_points: orDefault(int(), 0),
  google_profile: orDefault(GoogleProfileSchema, {}),
  github_profile: orDefault(GitHubProfileSchema, {}),
  discord_profile: orDefault(DiscordProfileSchema, {}),
  campaign_experience: orDefault(z.array(CampaignExperienceSchema), []),
  /** v1 only; v2 dropped it (empty there). */
  asset_ids: stringList(),
  /** v2 only: the uploaded avatar, else the Discord one; null on v1. */
  avatar_url: nullableString(),
});
export type User = z.output<typeof UserSchema>;

/** `POST C/auth/identify` (v2): how the verified identity was tied to a user (CONTRACT-v2 §3.1). */
export const IDENTIFY_RESOLUTIONS = ['matched', 'linked', 'created'] as const;
export type IdentifyResolution = (typeof IDENTIFY_RESOLUTIONS)[number];
export const IdentifyResponseSchema = loose({
  resolution: z.enum(IDENTIFY_RESOLUTIONS),
  user: UserSchema,
});
export type IdentifyResponse = z.output<typeof IdentifyResponseSchema>;

/** One hit of `GET /users/lookup` (v2), or of the v1 walk that stands in for it. */
export const UserLookupResultSchema = loose({
  company_id: z.string(),
  company_name: z.string(),
  user_id: z.string(),
  role: openEnum(USER_ROLES),
});
export type UserLookupResult = z.output<typeof UserLookupResultSchema>;

// ---------------------------------------------------------------------------------------------
// Statistics, assets, notes, quickrolls

export const TopTraitSchema = loose({
  name: z.string(),
  usage_count: int(),
  trait_id: nullableString(),
});
export type TopTrait = z.output<typeof TopTraitSchema>;

export const RollStatisticsSchema = loose({
  botches: orDefault(int(), 0),
  successes: orDefault(int(), 0),
  failures: orDefault(int(), 0),
  criticals: orDefault(int(), 0),
  total_rolls: orDefault(int(), 0),
  average_difficulty: z.number().nullable().default(null),
  average_pool: z.number().nullable().default(null),
  top_traits: orDefault(z.array(TopTraitSchema), []),
  criticals_percentage: orDefault(z.number(), 0),
  success_percentage: orDefault(z.number(), 0),
  failure_percentage: orDefault(z.number(), 0),
  botch_percentage: orDefault(z.number(), 0),
});
export type RollStatistics = z.output<typeof RollStatisticsSchema>;

/**
 * v2 names an asset's parent with one of five ids and the uploader with `uploaded_by_id`
 * (CONTRACT-v2 §2); the v1 members the bot reads are filled from them, so both generations
 * parse to the same Asset.
 */
const V2_ASSET_PARENTS = [
  ['user_parent_id', 'user'],
  ['character_id', 'character'],
  ['campaign_id', 'campaign'],
  ['book_id', 'campaignbook'],
  ['chapter_id', 'campaignchapter'],
] as const;

function fillV1AssetMembers(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || 'parent_type' in value) return value;
  const v2 = value as Record<string, unknown>;
  const parent = V2_ASSET_PARENTS.find(([member]) => typeof v2[member] === 'string');
  return {
    ...v2,
    parent_type: parent === undefined ? 'unknown' : parent[1],
    parent_id: parent === undefined ? null : v2[parent[0]],
    uploaded_by: v2['uploaded_by'] ?? v2['uploaded_by_id'] ?? null,
  };
}

const AssetObjectSchema = loose({
  id: z.string(),
  date_created: z.string().optional(),
  date_modified: z.string().optional(),
  asset_type: orDefault(openEnum(ASSET_TYPES), 'other'),
  mime_type: orDefault(z.string(), 'application/octet-stream'),
  original_filename: orDefault(z.string(), ''),
  parent_type: orDefault(z.string(), 'unknown'),
  parent_id: nullableString(),
  company_id: z.string().optional(),
  uploaded_by: nullableString(),
  public_url: z.string(),
});
export const AssetSchema = z.preprocess(fillV1AssetMembers, AssetObjectSchema);
export type Asset = z.output<typeof AssetObjectSchema>;

export const NoteSchema = loose({
  id: z.string(),
  date_created: z.string().optional(),
  date_modified: z.string().optional(),
  title: z.string(),
  content: z.string(),
});
export type Note = z.output<typeof NoteSchema>;

export const QuickrollSchema = loose({
  id: z.string(),
  date_created: z.string().optional(),
  date_modified: z.string().optional(),
  name: z.string(),
  /** v2 sends `""` for "no description" (v1: null); both read as null. */
  description: z.preprocess((v) => (v === '' ? null : v), z.string().nullable().default(null)),
  user_id: nullableString(),
  /** Blueprint trait ids. */
  trait_ids: stringList(),
});
export type Quickroll = z.output<typeof QuickrollSchema>;

// ---------------------------------------------------------------------------------------------
// Dice rolls

export const DiceRollResultSchema = loose({
  total_result: nullableInt(),
  total_result_type: openEnum(ROLL_RESULT_TYPES),
  total_result_humanized: orDefault(z.string(), ''),
  total_dice_roll: intList(),
  player_roll: intList(),
  desperation_roll: intList(),
  total_dice_roll_emoji: orDefault(z.string(), ''),
  total_dice_roll_shortcode: orDefault(z.string(), ''),
  player_roll_emoji: orDefault(z.string(), ''),
  player_roll_shortcode: orDefault(z.string(), ''),
  desperation_roll_emoji: orDefault(z.string(), ''),
  desperation_roll_shortcode: orDefault(z.string(), ''),
});
export type DiceRollResult = z.output<typeof DiceRollResultSchema>;

export const DiceRollSchema = loose({
  id: z.string(),
  date_created: z.string().optional(),
  date_modified: z.string().optional(),
  difficulty: nullableInt(),
  dice_size: int(),
  num_dice: int(),
  num_desperation_dice: orDefault(int(), 0),
  result: DiceRollResultSchema.nullable().default(null),
  comment: nullableString(),
  trait_ids: stringList(),
  user_id: nullableString(),
  character_id: nullableString(),
  campaign_id: nullableString(),
  company_id: z.string().optional(),
});
export type DiceRoll = z.output<typeof DiceRollSchema>;

// ---------------------------------------------------------------------------------------------
// Campaigns, characters, traits

export const CampaignSchema = loose({
  id: z.string(),
  date_created: z.string().optional(),
  date_modified: z.string().optional(),
  name: z.string(),
  description: nullableString(),
  asset_ids: stringList(),
  desperation: nullableInt(),
  danger: nullableInt(),
  company_id: z.string().optional(),
});
export type Campaign = z.output<typeof CampaignSchema>;

const NameDescriptionSchema = loose({ name: nullableString(), description: nullableString() });

export const SpecialtySchema = loose({
  name: z.string(),
  type: orDefault(z.string(), 'OTHER'),
  description: nullableString(),
});
export type Specialty = z.output<typeof SpecialtySchema>;

export const VampireAttributesSchema = loose({
  clan_id: nullableString(),
  clan_name: nullableString(),
  generation: nullableInt(),
  sire: nullableString(),
  bane: NameDescriptionSchema.nullable().default(null),
  compulsion: NameDescriptionSchema.nullable().default(null),
});
export const WerewolfAttributesSchema = loose({
  pack_name: nullableString(),
  tribe_id: nullableString(),
  tribe_name: nullableString(),
  auspice_id: nullableString(),
  auspice_name: nullableString(),
  gift_ids: stringList(),
  rite_ids: stringList(),
  total_renown: orDefault(int(), 0),
});
export const MageAttributesSchema = loose({ sphere: nullableString(), tradition: nullableString() });
export const HunterAttributesSchema = loose({
  creed: nullableString(),
  edges: orDefault(z.array(loose({ edge_id: z.string(), perk_ids: stringList() })), []),
});

export const CharacterSchema = loose({
  id: z.string(),
  date_created: z.string().optional(),
  date_modified: z.string().optional(),
  date_killed: nullableString(),
  character_class: openEnum(CHARACTER_CLASSES),
  type: openEnum(CHARACTER_TYPES),
  game_version: orDefault(z.string(), 'V5'),
  status: orDefault(openEnum(CHARACTER_STATUSES), 'ALIVE'),
  starting_points: z.number().int().optional(),
  name_first: nullableString(),
  name_last: nullableString(),
  name_nick: nullableString(),
  /** Computed by the server: first and last name. */
  name: orDefault(z.string(), ''),
  /** Computed by the server: first, 'nick', last. */
  name_full: orDefault(z.string(), ''),
  age: nullableInt(),
  biography: nullableString(),
  demeanor: nullableString(),
  nature: nullableString(),
  concept_id: nullableString(),
  user_creator_id: nullableString(),
  /** The user who plays the character. */
  user_player_id: nullableString(),
  company_id: z.string().optional(),
  campaign_id: nullableString(),
  asset_ids: stringList(),
  character_trait_ids: stringList(),
  specialties: orDefault(z.array(SpecialtySchema), []),
  vampire_attributes: VampireAttributesSchema.nullable().default(null),
  werewolf_attributes: WerewolfAttributesSchema.nullable().default(null),
  mage_attributes: MageAttributesSchema.nullable().default(null),
  hunter_attributes: HunterAttributesSchema.nullable().default(null),
});
export type Character = z.output<typeof CharacterSchema>;

/** v2 renamed the trait's category members (`category_*`); the v1 names are filled from them. */
function fillV1TraitMembers(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || 'parent_category_id' in value) return value;
  const v2 = value as Record<string, unknown>;
  return { ...v2, parent_category_id: v2['category_id'] ?? null, parent_category_name: v2['category_name'] ?? null };
}

/** Blueprint trait embedded in a CharacterTrait (a raw dump: extra members are common). */
const TraitObjectSchema = loose({
  id: z.string(),
  name: z.string(),
  description: nullableString(),
  link: nullableString(),
  show_when_zero: z.boolean().optional(),
  max_value: z.number().int().optional(),
  min_value: z.number().int().optional(),
  is_custom: z.boolean().optional(),
  initial_cost: z.number().int().optional(),
  upgrade_cost: z.number().int().optional(),
  sheet_section_name: nullableString(),
  sheet_section_id: nullableString(),
  parent_category_name: nullableString(),
  parent_category_id: nullableString(),
  character_classes: stringList(),
  game_versions: stringList(),
});
export const TraitSchema = z.preprocess(fillV1TraitMembers, TraitObjectSchema);
export type Trait = z.output<typeof TraitObjectSchema>;

export const CharacterTraitSchema = loose({
  id: z.string(),
  character_id: z.string(),
  value: int(),
  trait: TraitSchema,
});
export type CharacterTrait = z.output<typeof CharacterTraitSchema>;

// ---------------------------------------------------------------------------------------------
// Companies and health

export const CompanySettingsSchema = loose({
  character_autogen_xp_cost: nullableInt(),
  character_autogen_num_choices: nullableInt(),
  permission_manage_campaign: orDefault(openEnum(['UNRESTRICTED', 'STORYTELLER'] as const), 'UNRESTRICTED'),
  permission_grant_xp: orDefault(openEnum(PERMISSIONS_GRANT_XP), 'UNRESTRICTED'),
  permission_free_trait_changes: orDefault(openEnum(['UNRESTRICTED', 'WITHIN_24_HOURS', 'STORYTELLER'] as const), 'UNRESTRICTED'),
});
export type CompanySettings = z.output<typeof CompanySettingsSchema>;

export const CompanySchema = loose({
  id: z.string(),
  date_created: z.string().optional(),
  date_modified: z.string().optional(),
  name: z.string(),
  description: nullableString(),
  email: nullableString(),
  user_ids: stringList(),
  settings: orDefault(CompanySettingsSchema, {
    permission_manage_campaign: 'UNRESTRICTED',
    permission_grant_xp: 'UNRESTRICTED',
    permission_free_trait_changes: 'UNRESTRICTED',
  }),
  /** Bumped by every audited mutation in the company: a cheap "something changed" probe. */
  resources_modified_at: nullableString(),
});
export type Company = z.output<typeof CompanySchema>;

export const SystemHealthSchema = loose({
  database_status: openEnum(['online', 'offline'] as const),
  cache_status: openEnum(['online', 'offline'] as const),
  version: z.string().optional(),
});
export type SystemHealth = z.output<typeof SystemHealthSchema>;

// ---------------------------------------------------------------------------------------------
// Pagination and problems

export interface Page<T> {
  items: T[];
  limit: number;
  offset: number;
  total: number;
}

export function pageSchema<T extends z.ZodType>(item: T): z.ZodType<Page<z.output<T>>> {
  return loose({ items: z.array(item), limit: int(), offset: int(), total: int() });
}

/**
 * RFC 9457 problem document, read leniently: each member falls back to undefined rather than
 * failing the whole body, because an odd error body still has to become the right error class.
 */
export const ProblemDetailsSchema = z.looseObject({
  type: z.string().optional().catch(undefined),
  status: z.number().int().optional().catch(undefined),
  title: z.string().optional().catch(undefined),
  detail: z.string().optional().catch(undefined),
  instance: z.string().optional().catch(undefined),
  invalid_parameters: z
    .array(
      z.looseObject({
        field: z.union([z.string(), z.array(z.union([z.string(), z.number()]))]).optional().catch(undefined),
        message: z.string().catch(''),
      }),
    )
    .optional()
    .catch(undefined),
  retry_after: z.number().nonnegative().optional().catch(undefined),
  current_xp: z.number().int().optional().catch(undefined),
  required_xp: z.number().int().optional().catch(undefined),
  /** v2 identity errors (CONTRACT-v2 §1.7). */
  code: z.string().optional().catch(undefined),
  request_id: z.string().optional().catch(undefined),
});
export type ProblemDetails = z.output<typeof ProblemDetailsSchema>;

// ---------------------------------------------------------------------------------------------
// Requests (strict; snake_case as on the wire)

const email = () => z.string().trim().regex(/^[^\s@]+@[^\s@]+$/, { message: 'Expected an email address' });
const personName = () => z.string().trim().min(2).max(50);
const username = () => z.string().trim().min(3).max(50);
const idString = () => z.string().min(1);

const profileInput = <Shape extends z.ZodRawShape>(shape: Shape) => z.object(shape).partial();
export const DiscordProfileInputSchema = profileInput({
  id: z.string().nullable(),
  username: z.string().nullable(),
  global_name: z.string().nullable(),
  avatar_id: z.string().nullable(),
  avatar_url: z.string().nullable(),
  discriminator: z.string().nullable(),
  email: z.string().nullable(),
  verified: z.boolean().nullable(),
});
export type DiscordProfileInput = z.input<typeof DiscordProfileInputSchema>;
export const GoogleProfileInputSchema = profileInput({
  id: z.string().nullable(),
  email: z.string().nullable(),
  verified_email: z.boolean().nullable(),
  username: z.string().nullable(),
  name_first: z.string().nullable(),
  name_last: z.string().nullable(),
  avatar_url: z.string().nullable(),
  locale: z.string().nullable(),
});
export type GoogleProfileInput = z.input<typeof GoogleProfileInputSchema>;
export const GitHubProfileInputSchema = profileInput({
  id: z.string().nullable(),
  login: z.string().nullable(),
  username: z.string().nullable(),
  avatar_url: z.string().nullable(),
  email: z.string().nullable(),
  profile_url: z.string().nullable(),
});
export type GitHubProfileInput = z.input<typeof GitHubProfileInputSchema>;

export const UserCreateRequestSchema = z.object({
  name_first: personName().nullable().optional(),
  name_last: personName().nullable().optional(),
  username: username(),
  email: email(),
  role: UserRoleSchema,
  discord_profile: DiscordProfileInputSchema.optional(),
  google_profile: GoogleProfileInputSchema.optional(),
  github_profile: GitHubProfileInputSchema.optional(),
  requesting_user_id: idString(),
});
export type UserCreateRequest = z.input<typeof UserCreateRequestSchema>;

export const UserRegisterRequestSchema = z.object({
  name_first: personName().nullable().optional(),
  name_last: personName().nullable().optional(),
  username: username(),
  email: email(),
  discord_profile: DiscordProfileInputSchema.optional(),
  google_profile: GoogleProfileInputSchema.optional(),
  github_profile: GitHubProfileInputSchema.optional(),
});
export type UserRegisterRequest = z.input<typeof UserRegisterRequestSchema>;

/** Partial update: only members present are applied. Username and profiles must not be null. */
export const UserUpdateRequestSchema = z.object({
  name_first: personName().nullable().optional(),
  name_last: personName().nullable().optional(),
  username: username().optional(),
  email: email().optional(),
  role: UserRoleSchema.optional(),
  discord_profile: DiscordProfileInputSchema.optional(),
  google_profile: GoogleProfileInputSchema.optional(),
  github_profile: GitHubProfileInputSchema.optional(),
  requesting_user_id: idString(),
});
export type UserUpdateRequest = z.input<typeof UserUpdateRequestSchema>;

export const NoteCreateRequestSchema = z.object({
  title: z.string().trim().min(3).max(50),
  content: z.string().trim().min(3),
});
export type NoteCreateRequest = z.input<typeof NoteCreateRequestSchema>;
/** Not partial: the server's update DTO wants both members (CONTRACT §3 #23). */
export const NoteUpdateRequestSchema = NoteCreateRequestSchema;
export type NoteUpdateRequest = z.input<typeof NoteUpdateRequestSchema>;

export const QuickrollCreateRequestSchema = z.object({
  name: z.string().trim().min(3).max(50),
  description: z.string().trim().min(3).nullable().optional(),
  trait_ids: z.array(idString()).optional(),
});
export type QuickrollCreateRequest = z.input<typeof QuickrollCreateRequestSchema>;
export const QuickrollUpdateRequestSchema = QuickrollCreateRequestSchema.partial();
export type QuickrollUpdateRequest = z.input<typeof QuickrollUpdateRequestSchema>;

export const DiceRollCreateRequestSchema = z.object({
  dice_size: z.literal(DICE_SIZES),
  num_dice: z.number().int().min(0),
  difficulty: z.number().int().nullable().optional(),
  num_desperation_dice: z.number().int().min(0).optional(),
  comment: z.string().nullable().optional(),
  trait_ids: z.array(idString()).optional(),
  character_id: idString().nullable().optional(),
  campaign_id: idString().nullable().optional(),
});
export type DiceRollCreateRequest = z.input<typeof DiceRollCreateRequestSchema>;

export const IDENTITY_PROVIDERS = ['discord', 'google', 'github', 'apple'] as const;
export type IdentityProvider = (typeof IDENTITY_PROVIDERS)[number];

/** `POST C/auth/identify`: `token` is the person's own provider token (for Discord, a user OAuth access token). */
export const IdentifyRequestSchema = z.object({
  provider: z.enum(IDENTITY_PROVIDERS),
  token: z.string().min(1),
  /** Used only when a user is created. */
  username: z.string().trim().min(1).max(50).optional(),
  /** Used only when a user is created and the provider supplied no email. */
  email: email().optional(),
});
export type IdentifyRequest = z.input<typeof IdentifyRequestSchema>;

export const IdentityLinkRequestSchema = z.object({
  provider: z.enum(IDENTITY_PROVIDERS),
  token: z.string().min(1),
});
export type IdentityLinkRequest = z.input<typeof IdentityLinkRequestSchema>;

export const QuickrollRollRequestSchema = z.object({
  quickroll_id: idString(),
  character_id: idString(),
  comment: z.string().nullable().optional(),
  difficulty: z.number().int().optional(),
  num_desperation_dice: z.number().int().min(0).optional(),
});
export type QuickrollRollRequest = z.input<typeof QuickrollRollRequestSchema>;
