/**
 * Wire models of the Valentina Noir API (CONTRACT §2) and the fake's stored records.
 * Stored records are the wire object plus bookkeeping members (`archived`, parent ids) that
 * the serialisers in this file strip before anything goes on the wire.
 */

/** DEACTIVATED exists on v2 only. */
export type UserRole = 'ADMIN' | 'STORYTELLER' | 'PLAYER' | 'UNAPPROVED' | 'DEACTIVATED';
export const USER_ROLES: readonly UserRole[] = ['ADMIN', 'STORYTELLER', 'PLAYER', 'UNAPPROVED'];
export type PermissionGrantXp = 'UNRESTRICTED' | 'PLAYER' | 'STORYTELLER';
export type AssetType = 'image' | 'text' | 'audio' | 'video' | 'document' | 'archive' | 'other';
export const ASSET_TYPES: readonly AssetType[] = ['image', 'text', 'audio', 'video', 'document', 'archive', 'other'];
export type CharacterClass = 'VAMPIRE' | 'WEREWOLF' | 'MAGE' | 'HUNTER' | 'GHOUL' | 'MORTAL';
export const CHARACTER_CLASSES: readonly CharacterClass[] = ['VAMPIRE', 'WEREWOLF', 'MAGE', 'HUNTER', 'GHOUL', 'MORTAL'];
export type CharacterType = 'PLAYER' | 'NPC' | 'STORYTELLER' | 'DEVELOPER';
export const CHARACTER_TYPES: readonly CharacterType[] = ['PLAYER', 'NPC', 'STORYTELLER', 'DEVELOPER'];
export type CharacterStatus = 'ALIVE' | 'DEAD';
export const CHARACTER_STATUSES: readonly CharacterStatus[] = ['ALIVE', 'DEAD'];
export type GameVersion = 'V4' | 'V5';
export type RollResultType = 'SUCCESS' | 'FAILURE' | 'BOTCH' | 'CRITICAL' | 'OTHER';
export type DiceSize = 4 | 6 | 8 | 10 | 20 | 100;
export const DICE_SIZES: readonly DiceSize[] = [4, 6, 8, 10, 20, 100];

export interface DiscordProfile {
  id: string | null;
  username: string | null;
  global_name: string | null;
  avatar_id: string | null;
  avatar_url: string | null;
  discriminator: string | null;
  email: string | null;
  verified: boolean | null;
}

export interface GoogleProfile {
  id: string | null;
  email: string | null;
  verified_email: boolean | null;
  username: string | null;
  name_first: string | null;
  name_last: string | null;
  avatar_url: string | null;
  locale: string | null;
}

export interface GitHubProfile {
  id: string | null;
  login: string | null;
  username: string | null;
  avatar_url: string | null;
  email: string | null;
  profile_url: string | null;
}

export interface CampaignExperience {
  campaign_id: string;
  xp_current: number;
  xp_total: number;
  cool_points: number;
}

export interface CompanySettings {
  character_autogen_xp_cost: number | null;
  character_autogen_num_choices: number | null;
  permission_manage_campaign: 'UNRESTRICTED' | 'STORYTELLER';
  permission_grant_xp: PermissionGrantXp;
  permission_free_trait_changes: 'UNRESTRICTED' | 'WITHIN_24_HOURS' | 'STORYTELLER';
}

export interface CompanyRecord {
  id: string;
  date_created: string;
  date_modified: string;
  name: string;
  description: string | null;
  email: string;
  user_ids: string[];
  settings: CompanySettings;
  resources_modified_at: string;
  archived: boolean;
}

export interface UserRecord {
  id: string;
  date_created: string;
  date_modified: string;
  name_first: string | null;
  name_last: string | null;
  username: string;
  email: string;
  role: UserRole;
  company_id: string;
  lifetime_xp: number;
  lifetime_cool_points: number;
  google_profile: GoogleProfile;
  github_profile: GitHubProfile;
  discord_profile: DiscordProfile;
  campaign_experience: CampaignExperience[];
  asset_ids: string[];
  archived: boolean;
}

export interface CampaignRecord {
  id: string;
  date_created: string;
  date_modified: string;
  name: string;
  description: string | null;
  asset_ids: string[];
  desperation: number | null;
  danger: number | null;
  company_id: string;
  archived: boolean;
}

/** Blueprint trait, emitted raw (with is_archived/archive_date) inside CharacterTrait. */
export interface TraitRecord {
  id: string;
  name: string;
  description: string | null;
  date_created: string;
  date_modified: string;
  is_archived: boolean;
  archive_date: string | null;
  character_classes: CharacterClass[];
  game_versions: GameVersion[];
  link: string | null;
  show_when_zero: boolean;
  max_value: number;
  min_value: number;
  is_custom: boolean;
  initial_cost: number;
  upgrade_cost: number;
  sheet_section_name: string | null;
  sheet_section_id: string;
  parent_category_name: string | null;
  parent_category_id: string;
  custom_for_character_id: string | null;
  advantage_category_id: string | null;
  advantage_category_name: string | null;
}

export interface Specialty {
  name: string;
  type: 'ACTION' | 'OTHER' | 'PASSIVE' | 'RITUAL' | 'SPELL';
  description: string;
}

export interface CharacterRecord {
  id: string;
  date_created: string;
  date_modified: string;
  date_killed: string | null;
  character_class: CharacterClass;
  type: CharacterType;
  game_version: GameVersion;
  status: CharacterStatus;
  starting_points: number;
  name_first: string | null;
  name_last: string | null;
  name_nick: string | null;
  age: number | null;
  biography: string | null;
  demeanor: string | null;
  nature: string | null;
  concept_id: string | null;
  user_creator_id: string;
  user_player_id: string;
  company_id: string;
  campaign_id: string;
  asset_ids: string[];
  character_trait_ids: string[];
  specialties: Specialty[];
  vampire_attributes: Record<string, unknown>;
  werewolf_attributes: Record<string, unknown>;
  mage_attributes: Record<string, unknown> | null;
  hunter_attributes: Record<string, unknown> | null;
  archived: boolean;
  is_temporary: boolean;
}

export interface CharacterTraitRecord {
  id: string;
  character_id: string;
  value: number;
  trait_id: string;
}

export interface NoteRecord {
  id: string;
  date_created: string;
  date_modified: string;
  title: string;
  content: string;
  user_id: string;
  company_id: string;
  archived: boolean;
}

export interface QuickrollRecord {
  id: string;
  date_created: string;
  date_modified: string;
  name: string;
  description: string | null;
  user_id: string;
  company_id: string;
  trait_ids: string[];
  archived: boolean;
}

export interface DiceRollResult {
  total_result: number | null;
  total_result_type: RollResultType;
  total_result_humanized: string;
  total_dice_roll: number[];
  player_roll: number[];
  desperation_roll: number[];
  total_dice_roll_emoji: string;
  total_dice_roll_shortcode: string;
  player_roll_emoji: string;
  player_roll_shortcode: string;
  desperation_roll_emoji: string;
  desperation_roll_shortcode: string;
}

export interface DiceRollRecord {
  id: string;
  date_created: string;
  date_modified: string;
  difficulty: number | null;
  dice_size: DiceSize;
  num_dice: number;
  num_desperation_dice: number;
  result: DiceRollResult | null;
  comment: string | null;
  trait_ids: string[];
  user_id: string | null;
  character_id: string | null;
  campaign_id: string | null;
  company_id: string;
  archived: boolean;
}

export interface AssetRecord {
  id: string;
  date_created: string;
  date_modified: string;
  asset_type: AssetType;
  mime_type: string;
  original_filename: string;
  parent_type: 'user' | 'character' | 'campaign' | 'campaignbook' | 'campaignchapter' | 'company' | 'unknown';
  parent_id: string | null;
  company_id: string;
  uploaded_by: string;
  public_url: string;
  /** The uploaded bytes, kept so tests can inspect what arrived. Never emitted. */
  bytes: Buffer;
}

export interface SystemHealth {
  database_status: 'online' | 'offline';
  cache_status: 'online' | 'offline';
  version: string;
  /** v2 only. */
  database_latency_ms?: number | null;
  cache_latency_ms?: number | null;
  uptime?: string;
}

// ---- serialisers: wire objects are fresh copies so later mutations never leak into sent bodies

export function companyJson(c: CompanyRecord): object {
  const { archived: _archived, ...wire } = c;
  return { ...wire, user_ids: [...c.user_ids], settings: { ...c.settings } };
}

export function userJson(u: UserRecord): object {
  const { archived: _archived, ...wire } = u;
  return {
    ...wire,
    google_profile: { ...u.google_profile },
    github_profile: { ...u.github_profile },
    discord_profile: { ...u.discord_profile },
    campaign_experience: u.campaign_experience.map((e) => ({ ...e })),
    asset_ids: [...u.asset_ids],
  };
}

export function campaignJson(c: CampaignRecord): object {
  const { archived: _archived, ...wire } = c;
  return { ...wire, asset_ids: [...c.asset_ids] };
}

export function characterJson(c: CharacterRecord): object {
  const { archived: _archived, is_temporary: _temporary, ...wire } = c;
  const first = c.name_first ?? '';
  const last = c.name_last ?? '';
  const name = `${first} ${last}`.trim();
  const nameFull = c.name_nick ? `${first} '${c.name_nick}' ${last}`.trim() : name;
  return {
    ...structuredClone(wire),
    name,
    name_full: nameFull,
  };
}

export function noteJson(n: NoteRecord): object {
  return { id: n.id, date_created: n.date_created, date_modified: n.date_modified, title: n.title, content: n.content };
}

export function quickrollJson(q: QuickrollRecord): object {
  return {
    id: q.id,
    date_created: q.date_created,
    date_modified: q.date_modified,
    name: q.name,
    description: q.description,
    user_id: q.user_id,
    trait_ids: [...q.trait_ids],
  };
}

export function diceRollJson(d: DiceRollRecord): object {
  const { archived: _archived, ...wire } = d;
  return structuredClone(wire);
}

export function assetJson(a: AssetRecord): object {
  const { bytes: _bytes, ...wire } = a;
  return { ...wire };
}
