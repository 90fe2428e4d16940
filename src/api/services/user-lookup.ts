import { z } from 'zod';
import { UserLookupResultSchema, type UserLookupResult } from '../models.js';
import { RequestValidationError } from '../errors.js';
import { ApiResource, type ServiceContext } from './resource.js';
import { CompaniesService } from './companies.js';
import { UsersService } from './users.js';

const UserLookupListSchema = z.array(UserLookupResultSchema);
const SNOWFLAKE = /^\d{1,20}$/;

/**
 * Finds users across every company the API key can see (v2 `GET /users/lookup`, one call, not
 * paginated). v1 has no such route; there the same answer is produced by walking: one companies
 * list, then each company's users (by Discord id: every user page, 100 per call; by email: one
 * filtered call per company). Archived users are never returned.
 */
export class UserLookupService extends ApiResource {
  readonly #ctx: ServiceContext;

  constructor(ctx: ServiceContext) {
    super(ctx);
    this.#ctx = ctx;
  }

  /** Users whose linked Discord identity is `discordId` (a snowflake), in every visible company. */
  async byDiscordId(discordId: string): Promise<UserLookupResult[]> {
    if (typeof discordId !== 'string' || !SNOWFLAKE.test(discordId)) {
      throw new RequestValidationError('discordId', 'discordId must be a Discord snowflake (digits only)');
    }
    if (this.wire.capabilities.userLookup) return this.#lookup({ discord_id: discordId });
    return this.#walk(async (companyId) => {
      const out = [];
      for await (const user of new UsersService(this.#ctx, companyId).iterAll({ limit: this.wire.maxPageLimit })) {
        if (user.discord_profile.id === discordId) out.push(user);
      }
      return out;
    });
  }

  /** Users with exactly this email address (case-sensitive), in every visible company. */
  async byEmail(email: string): Promise<UserLookupResult[]> {
    const address = this.validate.nonEmptyString('email', email);
    if (this.wire.capabilities.userLookup) return this.#lookup({ email: address });
    return this.#walk((companyId) => new UsersService(this.#ctx, companyId).listAll({ email: address }));
  }

  async #lookup(query: Record<string, string>): Promise<UserLookupResult[]> {
    return this.transport.request({ method: 'GET', path: '/users/lookup', query }, UserLookupListSchema);
  }

  async #walk(usersOf: (companyId: string) => Promise<ReadonlyArray<{ id: string; role: string }>>): Promise<UserLookupResult[]> {
    const out: UserLookupResult[] = [];
    for await (const company of new CompaniesService(this.#ctx).iterAll({ limit: this.wire.maxPageLimit })) {
      for (const user of await usersOf(company.id)) {
        out.push({ company_id: company.id, company_name: company.name, user_id: user.id, role: user.role });
      }
    }
    return out;
  }
}
