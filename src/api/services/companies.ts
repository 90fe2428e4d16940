import { CompanySchema, pageSchema, type Company, type CompanySettings, type Page } from '../models.js';
import { collect, type IterOptions, type PageOptions } from '../pagination.js';
import { path, type Route } from '../wire.js';
import { ApiResource, type ServiceContext } from './resource.js';

const CompanyPageSchema = pageSchema(CompanySchema);
const COMPANIES: Route = { path: '/companies', query: {} };

/** Companies visible to the API key, with their settings. */
export class CompaniesService extends ApiResource {
  constructor(ctx: ServiceContext) {
    super(ctx);
  }

  async getPage(options: PageOptions = {}): Promise<Page<Company>> {
    return this.fetchPage(COMPANIES, {}, CompanyPageSchema, options);
  }

  async listAll(): Promise<Company[]> {
    return collect(this.iterAll());
  }

  iterAll(options: IterOptions = {}): AsyncIterable<Company> {
    return this.iterate(COMPANIES, {}, CompanyPageSchema, options.limit);
  }

  async get(companyId: string): Promise<Company> {
    const id = this.validate.id('companyId', companyId);
    return this.transport.request({ method: 'GET', path: path`/companies/${id}` }, CompanySchema);
  }

  /**
   * The company's settings (XP grant permission and friends). Both generations embed them in
   * `GET C`; v2 adds `id`, `permission_manage_npc`, `permission_recoup_xp` (kept as extra members).
   * An unknown or inaccessible company is 404 on v1 and 403 (AuthorizationError) on v2.
   */
  async getSettings(companyId: string): Promise<CompanySettings> {
    return (await this.get(companyId)).settings;
  }
}
