import { CampaignSchema, RollStatisticsSchema, pageSchema, type Campaign, type Page, type RollStatistics } from '../models.js';
import { collect, type IterOptions, type PageOptions } from '../pagination.js';
import { path, type Route } from '../wire.js';
import { ApiResource, type ServiceContext } from './resource.js';
import type { StatisticsOptions } from './users.js';

const CampaignPageSchema = pageSchema(CampaignSchema);

/** Campaigns of a company, read as an acting user (the route shape comes from the wire profile). */
export class CampaignsService extends ApiResource {
  readonly #companyId: string;
  readonly #userId: string;

  constructor(ctx: ServiceContext, companyId: string, userId: string) {
    super(ctx);
    this.#companyId = companyId;
    this.#userId = userId;
  }

  async getPage(options: PageOptions = {}): Promise<Page<Campaign>> {
    return this.fetchPage(this.#route(), {}, CampaignPageSchema, options);
  }

  async listAll(): Promise<Campaign[]> {
    return collect(this.iterAll());
  }

  iterAll(options: IterOptions = {}): AsyncIterable<Campaign> {
    return this.iterate(this.#route(), {}, CampaignPageSchema, options.limit);
  }

  async get(campaignId: string): Promise<Campaign> {
    const route = this.#route();
    const id = this.validate.id('campaignId', campaignId);
    return this.transport.request({ method: 'GET', path: `${route.path}${path`/${id}`}`, query: route.query }, CampaignSchema);
  }

  /** Roll statistics of the campaign's d10 rolls. */
  async getStatistics(campaignId: string, options: StatisticsOptions = {}): Promise<RollStatistics> {
    const route = this.#route();
    const id = this.validate.id('campaignId', campaignId);
    const numTopTraits = this.validate.nonNegativeInt('numTopTraits', options.numTopTraits ?? 5);
    return this.transport.request(
      { method: 'GET', path: `${route.path}${path`/${id}/statistics`}`, query: { ...route.query, num_top_traits: numTopTraits } },
      RollStatisticsSchema,
    );
  }

  #route(): Route {
    return this.wire.campaigns({
      companyId: this.validate.id('companyId', this.#companyId),
      actingUserId: this.validate.id('userId', this.#userId),
    });
  }
}
