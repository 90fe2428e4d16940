import {
  DiceRollCreateRequestSchema,
  DiceRollSchema,
  QuickrollRollRequestSchema,
  pageSchema,
  type DiceRoll,
  type DiceRollCreateRequest,
  type Page,
  type QuickrollRollRequest,
} from '../models.js';
import { collect, type IterOptions, type PageOptions } from '../pagination.js';
import { path, type Route } from '../wire.js';
import { ApiResource, headersOf, type ServiceContext, type WriteOptions } from './resource.js';

const DiceRollPageSchema = pageSchema(DiceRollSchema);

/** List filters. Without any, the list is company-wide. */
export interface DiceRollFilters {
  userId?: string;
  characterId?: string;
  campaignId?: string;
}

/** Dice rolls, made and read as an acting user (v1: path segment; v2: company-level route, `On-Behalf-Of`). */
export class DicerollsService extends ApiResource {
  readonly #companyId: string;
  readonly #userId: string;

  constructor(ctx: ServiceContext, companyId: string, userId: string) {
    super(ctx);
    this.#companyId = companyId;
    this.#userId = userId;
  }

  async getPage(options: DiceRollFilters & PageOptions = {}): Promise<Page<DiceRoll>> {
    return this.fetchPage(this.#route(), this.#filters(options), DiceRollPageSchema, options);
  }

  async listAll(filters: DiceRollFilters = {}): Promise<DiceRoll[]> {
    return collect(this.iterAll(filters));
  }

  iterAll(options: DiceRollFilters & IterOptions = {}): AsyncIterable<DiceRoll> {
    return this.iterate(this.#route(), this.#filters(options), DiceRollPageSchema, options.limit);
  }

  async get(dicerollId: string): Promise<DiceRoll> {
    const route = this.#route();
    const id = this.validate.id('dicerollId', dicerollId);
    return this.transport.request({ method: 'GET', path: `${route.path}${path`/${id}`}`, query: route.query, ...headersOf(route) }, DiceRollSchema);
  }

  /** A free-form roll; the server scores it. */
  async create(request: DiceRollCreateRequest, options?: WriteOptions): Promise<DiceRoll> {
    const route = this.#route();
    const body = this.validate.body('request', DiceRollCreateRequestSchema, request);
    body.trait_ids?.forEach((id, i) => this.validate.id(`trait_ids[${i}]`, id));
    if (body.character_id != null) this.validate.id('character_id', body.character_id);
    if (body.campaign_id != null) this.validate.id('campaign_id', body.campaign_id);
    return this.transport.request(
      { method: 'POST', path: route.path, query: route.query, ...headersOf(route), json: body, idempotencyKey: this.writeKey(options) },
      DiceRollSchema,
    );
  }

  /** Rolls a quickroll for a character: the pool is the sum of the character's matching trait values. */
  async createFromQuickroll(request: QuickrollRollRequest, options?: WriteOptions): Promise<DiceRoll> {
    const route = this.#route();
    const body = this.validate.body('request', QuickrollRollRequestSchema, request);
    this.validate.id('quickroll_id', body.quickroll_id);
    this.validate.id('character_id', body.character_id);
    return this.transport.request(
      { method: 'POST', path: `${route.path}/quickroll`, query: route.query, ...headersOf(route), json: body, idempotencyKey: this.writeKey(options) },
      DiceRollSchema,
    );
  }

  #route(): Route {
    return this.wire.dicerolls({
      companyId: this.validate.id('companyId', this.#companyId),
      actingUserId: this.validate.id('userId', this.#userId),
    });
  }

  /** This API spells these filters without underscores. */
  #filters(filters: DiceRollFilters): Record<string, string | undefined> {
    return {
      userid: this.validate.optionalId('userId', filters.userId),
      characterid: this.validate.optionalId('characterId', filters.characterId),
      campaignid: this.validate.optionalId('campaignId', filters.campaignId),
    };
  }
}
