import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  APIError,
  AssetSchema,
  AuthenticationError,
  AuthorizationError,
  CampaignExperienceSchema,
  CampaignSchema,
  CharacterSchema,
  CharacterTraitSchema,
  CompanySchema,
  ConflictError,
  DiceRollSchema,
  NoteSchema,
  NotFoundError,
  ProblemDetailsSchema,
  QuickrollSchema,
  RateLimitError,
  RollStatisticsSchema,
  SystemHealthSchema,
  UserSchema,
  ValidationError,
  IdentifyResponseSchema,
  ServerError,
  UnprocessableEntityError,
  UserLookupResultSchema,
  V2_JULY_2026,
  V1_MARCH_2026,
  pageSchema,
  type WireProfile,
} from '../../src/api/index.js';
import { IDS, harness, json } from './helpers/scripted-fetch.js';
import { V2_IDS } from './helpers/v2-ids.js';
import { z as zod } from 'zod';

const V1_MODELS: Record<string, z.ZodType> = {
  asset: AssetSchema,
  campaign: CampaignSchema,
  campaign_experience: CampaignExperienceSchema,
  character: CharacterSchema,
  character_trait: CharacterTraitSchema,
  company: CompanySchema,
  diceroll_quickroll: DiceRollSchema,
  note: NoteSchema,
  quickroll: QuickrollSchema,
  roll_statistics: RollStatisticsSchema,
  system_health: SystemHealthSchema,
  user: UserSchema,
  paginated_assets: pageSchema(AssetSchema),
  paginated_campaigns: pageSchema(CampaignSchema),
  paginated_character_traits: pageSchema(CharacterTraitSchema),
  paginated_characters: pageSchema(CharacterSchema),
  paginated_dicerolls: pageSchema(DiceRollSchema),
  paginated_empty: pageSchema(UserSchema),
  paginated_notes: pageSchema(NoteSchema),
  paginated_quickrolls: pageSchema(QuickrollSchema),
  paginated_users: pageSchema(UserSchema),
  paginated_users_unapproved: pageSchema(UserSchema),
};

/** v2 (CONTRACT-v2 fixtures): the same domain schemas, plus the new operations' bodies. */
const V2_MODELS: Record<string, z.ZodType> = {
  ...V1_MODELS,
  diceroll: DiceRollSchema,
  character_detail_with_traits: CharacterSchema,
  identify_response_created: IdentifyResponseSchema,
  identify_response_matched: IdentifyResponseSchema,
  paginated_companies: pageSchema(CompanySchema),
  roll_statistics_empty: RollStatisticsSchema,
  system_health_unhealthy: SystemHealthSchema,
  user_detail_with_includes: UserSchema,
  user_lookup_empty: zod.array(UserLookupResultSchema),
  user_lookup_results: zod.array(UserLookupResultSchema),
};

const PROBLEM_CLASSES: Record<number, new (...args: never[]) => APIError> = {
  400: ValidationError,
  401: AuthenticationError,
  403: AuthorizationError,
  404: NotFoundError,
  409: ConflictError,
  413: APIError,
  422: UnprocessableEntityError,
  429: RateLimitError,
  503: ServerError,
};

interface Generation {
  name: string;
  dir: URL;
  models: Record<string, z.ZodType>;
  wire: WireProfile;
  ids: { company: string; user: string };
}

const GENERATIONS: Generation[] = [
  { name: 'v1', dir: new URL('../../docs/valentina-api/fixtures/', import.meta.url), models: V1_MODELS, wire: V1_MARCH_2026, ids: IDS },
  { name: 'v2', dir: new URL('../../docs/valentina-api/v2/fixtures/', import.meta.url), models: V2_MODELS, wire: V2_JULY_2026, ids: V2_IDS },
];

describe.each(GENERATIONS)('shared $name fixtures', ({ dir: DIR, models: MODELS, wire, ids }) => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
  const read = (file: string): unknown => JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as unknown;

  it('the folder is there and every file is mapped to a schema', () => {
    expect(files.length).toBeGreaterThan(20);
    const unmapped = files.map((f) => f.replace(/\.json$/, '')).filter((n) => !n.startsWith('problem_') && !(n in MODELS));
    expect(unmapped).toEqual([]);
  });

  const modelFiles = files.filter((f) => !f.startsWith('problem_'));
  it.each(modelFiles)('%s parses with its schema', (file) => {
    const schema = MODELS[file.replace(/\.json$/, '')];
    if (schema === undefined) throw new Error(`no schema for ${file}`);
    const result = schema.safeParse(read(file));
    expect(result.error?.issues ?? []).toEqual([]);
  });

  const problemFiles = files.filter((f) => f.startsWith('problem_'));
  it.each(problemFiles)('%s parses as a problem and maps to the right error class', async (file) => {
    const body = read(file);
    const problem = ProblemDetailsSchema.parse(body);
    expect(problem.status).toBeTypeOf('number');
    expect(problem.title).toBeTypeOf('string');
    const status = problem.status ?? 0;
    const cls = PROBLEM_CLASSES[status];
    if (cls === undefined) throw new Error(`no class for ${status}`);
    const h = harness({ maxRetries: 0, wire });
    h.script(json(status, body));
    const err = await h.client.users(ids.company).get(ids.user).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(cls);
    expect(err).toMatchObject({ status, title: problem.title, detail: problem.detail, code: problem.code });
  });
});

describe('v1 fixtures', () => {
  const DIR = new URL('../../docs/valentina-api/fixtures/', import.meta.url);
  const read = (file: string): unknown => JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as unknown;

  it('parsing keeps the values (spot checks)', () => {
    const user = UserSchema.parse(read('user.json'));
    expect(user.lifetime_xp).toBe(15);
    expect(user.discord_profile.id).toBe('310907223012884480');
    const page = pageSchema(DiceRollSchema).parse(read('paginated_dicerolls.json'));
    expect(page.total).toBe(23);
    expect(page.items[1]?.result?.total_result_type).toBe('BOTCH');
  });
});

describe('v2 fixtures read as the domain types the bot uses', () => {
  const DIR = new URL('../../docs/valentina-api/v2/fixtures/', import.meta.url);
  const read = (file: string): unknown => JSON.parse(readFileSync(new URL(`${file}.json`, DIR), 'utf8')) as unknown;

  it('fills what v2 lacks: null profiles become empty ones, asset parents and trait categories get their v1 names', () => {
    const user = UserSchema.parse(read('user'));
    expect(user.google_profile.id).toBeNull();
    expect(user.asset_ids).toEqual([]);
    expect(user.lifetime_xp).toBe(35);
    const asset = AssetSchema.parse(read('asset'));
    expect(asset.parent_type).toBe('user');
    expect(asset.parent_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(asset.uploaded_by).toBe((read('asset') as { uploaded_by_id: string }).uploaded_by_id);
    const trait = CharacterTraitSchema.parse(read('character_trait'));
    expect(trait.trait.parent_category_name).toBe((read('character_trait') as { trait: { category_name: string } }).trait.category_name);
  });

  it('a quickroll without a description reads as null on both generations', () => {
    const raw = read('quickroll') as Record<string, unknown>;
    expect(QuickrollSchema.parse({ ...raw, description: '' }).description).toBeNull();
    expect(QuickrollSchema.parse({ ...raw, description: 'Aim and fire' }).description).toBe('Aim and fire');
  });

  it('identity errors keep their code', () => {
    const problem = ProblemDetailsSchema.parse(read('problem_422_token'));
    expect(problem.code).toBe('TOKEN_VERIFICATION_FAILED');
  });
});
