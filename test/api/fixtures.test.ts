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
  pageSchema,
} from '../../src/api/index.js';
import { IDS, harness, json } from './helpers/scripted-fetch.js';

const DIR = new URL('../../docs/valentina-api/fixtures/', import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const read = (file: string): unknown => JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as unknown;

const MODELS: Record<string, z.ZodType> = {
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

const PROBLEM_CLASSES: Record<number, new (...args: never[]) => APIError> = {
  400: ValidationError,
  401: AuthenticationError,
  403: AuthorizationError,
  404: NotFoundError,
  409: ConflictError,
  429: RateLimitError,
};

describe('shared fixtures', () => {
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

  it('parsing keeps the values (spot checks)', () => {
    const user = UserSchema.parse(read('user.json'));
    expect(user.lifetime_xp).toBe(15);
    expect(user.discord_profile.id).toBe('310907223012884480');
    const page = pageSchema(DiceRollSchema).parse(read('paginated_dicerolls.json'));
    expect(page.total).toBe(23);
    expect(page.items[1]?.result?.total_result_type).toBe('BOTCH');
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
    const h = harness({ maxRetries: 0 });
    h.script(json(status, body));
    const err = await h.client.users(IDS.company).get(IDS.user).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(cls);
    expect(err).toMatchObject({ status, title: problem.title, detail: problem.detail });
  });
});
