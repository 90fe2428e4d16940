/**
 * v2 wire shapes (CONTRACT-v2 §2) of the fake's stored records. The records are shared with v1;
 * these serialisers add what v2 shows (counts, parent ids, nullable profiles, settings id) and
 * drop what it removed (`asset_ids`, `user_ids`, `parent_type`).
 */
import type {
  AssetRecord, CampaignExperience, CampaignRecord, CharacterRecord, CharacterTraitRecord, CompanyRecord,
  DiceRollRecord, NoteRecord, QuickrollRecord, TraitRecord, UserRecord,
} from '../models.js';
import type { FakeState } from '../state.js';

function count<T>(items: Iterable<T>, keep: (item: T) => boolean): number {
  let n = 0;
  for (const item of items) if (keep(item)) n++;
  return n;
}

export function experienceV2(state: FakeState, userId: string, e: CampaignExperience): object {
  return {
    id: state.stableId(`experience:${userId}:${e.campaign_id}`),
    campaign_id: e.campaign_id,
    user_id: userId,
    xp_current: e.xp_current,
    xp_total: e.xp_total,
    cool_points: e.cool_points,
  };
}

export function userV2(state: FakeState, u: UserRecord): object {
  const d = u.discord_profile;
  const discord = d.id === null ? null : {
    id: d.id, username: d.username, global_name: d.global_name, avatar_id: d.avatar_id,
    discriminator: d.discriminator, email: d.email, verified: d.verified,
    avatar_url: d.avatar_id === null ? null : `https://cdn.discordapp.com/avatars/${d.id}/${d.avatar_id}.png`,
  };
  return {
    id: u.id,
    date_created: u.date_created,
    date_modified: u.date_modified,
    name_first: u.name_first,
    name_last: u.name_last,
    username: u.username,
    email: u.email,
    role: u.role,
    company_id: u.company_id,
    lifetime_xp: u.lifetime_xp,
    lifetime_cool_points: u.lifetime_cool_points,
    google_profile: u.google_profile.id === null ? null : { id: u.google_profile.id, email: u.google_profile.email },
    github_profile: u.github_profile.id === null ? null : { id: u.github_profile.id, login: u.github_profile.login, email: u.github_profile.email },
    discord_profile: discord,
    apple_profile: null,
    avatar_url: discord?.avatar_url ?? null,
    num_quickrolls: count(state.quickrolls.values(), (q) => !q.archived && q.user_id === u.id),
    num_notes: count(state.notes.values(), (n) => !n.archived && n.user_id === u.id),
    num_assets: count(state.assets.values(), (a) => a.parent_type === 'user' && a.parent_id === u.id),
    num_characters: count(state.characters.values(), (c) => !c.archived && c.user_player_id === u.id),
    campaign_experience: u.campaign_experience.map((e) => experienceV2(state, u.id, e)),
  };
}

function characterCounts(state: FakeState, keep: (c: CharacterRecord) => boolean) {
  const live = [...state.characters.values()].filter((c) => !c.archived && keep(c));
  return {
    num_player_characters: live.filter((c) => c.type === 'PLAYER').length,
    num_storyteller_characters: live.filter((c) => c.type === 'STORYTELLER').length,
    num_npc_characters: live.filter((c) => c.type === 'NPC').length,
  };
}

export function companyV2(state: FakeState, c: CompanyRecord): object {
  return {
    id: c.id,
    date_created: c.date_created,
    date_modified: c.date_modified,
    name: c.name,
    description: c.description,
    email: c.email,
    resources_modified_at: c.resources_modified_at,
    num_campaigns: count(state.campaigns.values(), (x) => !x.archived && x.company_id === c.id),
    ...characterCounts(state, (x) => x.company_id === c.id),
    num_users: state.listUsers(c.id).length,
    settings: {
      id: state.stableId(`settings:${c.id}`),
      character_autogen_xp_cost: c.settings.character_autogen_xp_cost ?? 10,
      character_autogen_num_choices: c.settings.character_autogen_num_choices ?? 3,
      character_autogen_starting_points: 0,
      permission_manage_campaign: c.settings.permission_manage_campaign,
      permission_manage_npc: 'UNRESTRICTED',
      permission_grant_xp: c.settings.permission_grant_xp,
      permission_free_trait_changes: c.settings.permission_free_trait_changes,
      permission_recoup_xp: 'UNRESTRICTED',
    },
  };
}

export function campaignV2(state: FakeState, c: CampaignRecord): object {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    in_game_date: null,
    desperation: c.desperation ?? 0,
    danger: c.danger ?? 0,
    company_id: c.company_id,
    num_books: 0,
    num_chapters: 0,
    num_notes: 0,
    ...characterCounts(state, (x) => x.campaign_id === c.id),
    date_created: c.date_created,
    date_modified: c.date_modified,
  };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function characterV2(c: CharacterRecord): object {
  const first = c.name_first ?? '';
  const last = c.name_last ?? '';
  const name = `${first} ${last}`.trim();
  const va = c.vampire_attributes;
  const wa = c.werewolf_attributes;
  const nameDescription = (v: unknown): { name: string | null; description: string | null } =>
    v !== null && typeof v === 'object'
      ? { name: stringOrNull((v as Record<string, unknown>)['name']), description: stringOrNull((v as Record<string, unknown>)['description']) }
      : { name: null, description: null };
  const bane = nameDescription(va['bane']);
  const compulsion = nameDescription(va['compulsion']);
  return {
    id: c.id,
    name_first: first,
    name_last: last,
    name_nick: c.name_nick,
    name,
    name_full: c.name_nick ? `${first} '${c.name_nick}' ${last}`.trim() : name,
    character_class: c.character_class,
    // DEVELOPER characters do not exist on v2.
    type: c.type === 'DEVELOPER' ? 'STORYTELLER' : c.type,
    game_version: c.game_version,
    status: c.status,
    starting_points: c.starting_points,
    age: c.age,
    date_of_birth: null,
    biography: c.biography,
    demeanor: c.demeanor,
    nature: c.nature,
    concept_id: c.concept_id,
    concept_name: null,
    is_temporary: c.is_temporary,
    date_killed: c.date_killed,
    user_creator_id: c.user_creator_id,
    user_player_id: c.type === 'PLAYER' ? c.user_player_id : null,
    company_id: c.company_id,
    campaign_id: c.campaign_id,
    num_inventory_items: 0,
    num_notes: 0,
    num_assets: c.asset_ids.length,
    specialties: [],
    vampire_attributes: c.character_class === 'VAMPIRE' || c.character_class === 'GHOUL' ? {
      clan_id: null, clan_name: stringOrNull(va['clan_name']), generation: typeof va['generation'] === 'number' ? va['generation'] : null,
      sire: stringOrNull(va['sire']), bane_name: bane.name, bane_description: bane.description,
      compulsion_name: compulsion.name, compulsion_description: compulsion.description,
    } : null,
    werewolf_attributes: c.character_class === 'WEREWOLF' ? {
      tribe_id: null, tribe_name: stringOrNull(wa['tribe_name']), auspice_id: null, auspice_name: stringOrNull(wa['auspice_name']),
      pack_name: stringOrNull(wa['pack_name']), total_renown: typeof wa['total_renown'] === 'number' ? wa['total_renown'] : 0,
    } : null,
    mage_attributes: c.character_class === 'MAGE' ? { sphere: null, tradition: null } : null,
    hunter_attributes: c.character_class === 'HUNTER' ? { creed: null } : null,
    chapter_ids: [],
    date_created: c.date_created,
    date_modified: c.date_modified,
  };
}

export function traitV2(t: TraitRecord): object {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    character_classes: [...t.character_classes],
    game_versions: [...t.game_versions],
    link: t.link,
    show_when_zero: t.show_when_zero,
    max_value: t.max_value,
    min_value: t.min_value,
    initial_cost: t.initial_cost,
    upgrade_cost: t.upgrade_cost,
    count_based_cost_multiplier: null,
    is_rollable: true,
    sheet_section_id: t.sheet_section_id,
    sheet_section_name: t.sheet_section_name,
    category_id: t.parent_category_id,
    category_name: t.parent_category_name,
    custom_for_character_id: t.custom_for_character_id,
    subcategory_id: null,
    subcategory_name: null,
    pool: null,
    opposing_pool: null,
    system: null,
    gift_attributes: null,
    powers: [],
    date_created: t.date_created,
    date_modified: t.date_modified,
  };
}

/** CharacterTrait dates are Python `isoformat()` (`+00:00`) on v2 (CONTRACT-v2 §1.4). */
export function characterTraitV2(state: FakeState, ct: CharacterTraitRecord): object {
  const trait = state.traits.get(ct.trait_id);
  if (trait === undefined) throw new Error(`fake state: character trait ${ct.id} names unknown trait ${ct.trait_id}`);
  const stamp = (state.characters.get(ct.character_id)?.date_created ?? trait.date_created).replace(/Z$/, '+00:00');
  return { id: ct.id, character_id: ct.character_id, value: ct.value, trait: traitV2(trait), date_created: stamp, date_modified: stamp };
}

export function noteV2(n: NoteRecord): object {
  return {
    id: n.id, date_created: n.date_created, date_modified: n.date_modified, title: n.title, content: n.content,
    company_id: n.company_id, campaign_id: null, book_id: null, chapter_id: null, character_id: null, user_id: n.user_id,
  };
}

export function quickrollV2(q: QuickrollRecord): object {
  return {
    id: q.id, date_created: q.date_created, date_modified: q.date_modified, name: q.name,
    description: q.description ?? '', user_id: q.user_id, trait_ids: [...q.trait_ids],
  };
}

export function diceRollV2(d: DiceRollRecord): object {
  const { archived: _archived, ...wire } = d;
  return structuredClone(wire);
}

export function assetV2(a: AssetRecord): object {
  return {
    id: a.id, date_created: a.date_created, date_modified: a.date_modified, asset_type: a.asset_type,
    mime_type: a.mime_type, original_filename: a.original_filename, public_url: a.public_url, company_id: a.company_id,
    uploaded_by_id: a.uploaded_by, character_id: null, campaign_id: null, book_id: null, chapter_id: null,
    user_parent_id: a.parent_type === 'user' ? a.parent_id : null,
  };
}
