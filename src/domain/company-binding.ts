import type { Company } from '../api/index.js';
import type { Deps } from '../deps.js';
import { matchChoices } from './directory.js';
import { NoCompanyError, NotFoundInputError, PermissionDeniedError } from './errors.js';

/**
 * The companies a guild may bind, as the bot's key sees them. Only what the operator allows for
 * this guild (VALENTINA_GUILD_COMPANIES, VALENTINA_COMPANY_ID) is ever listed or bound, never
 * everything the API key reaches: the key may serve other groups.
 */
export async function bindableCompanies(deps: Pick<Deps, 'api' | 'guilds'>, guildId: string): Promise<Company[]> {
  const allowed = deps.guilds.allowedCompanies(guildId);
  if (allowed.length === 0) return [];
  const companies = await deps.api.companies().listAll();
  return allowed.flatMap((id) => companies.filter((c) => c.id === id));
}

export async function companyChoices(deps: Pick<Deps, 'api' | 'guilds'>, guildId: string, query: string): Promise<Array<{ name: string; value: string }>> {
  const companies = await bindableCompanies(deps, guildId);
  return matchChoices(companies, query, (c) => c.name).map((c) => ({ name: c.name.slice(0, 100), value: c.id }));
}

/** `/setup company`: binds one of the companies the operator allows for this guild. */
export async function bindCompany(deps: Pick<Deps, 'api' | 'guilds' | 'identity'>, guildId: string, companyId: string) {
  const allowed = deps.guilds.allowedCompanies(guildId);
  if (allowed.length === 0) throw new NoCompanyError(false);
  if (!allowed.includes(companyId)) {
    throw new PermissionDeniedError(
      'bind that company',
      "The bot's operator has not allowed that company for this server. Pick one from the list while typing, or ask the operator to add it to `VALENTINA_GUILD_COMPANIES`.",
    );
  }
  const company = (await bindableCompanies(deps, guildId)).find((c) => c.id === companyId);
  if (company === undefined) throw new NotFoundInputError("The bot's API key cannot see that company. Ask the bot's operator to check `VALENTINA_GUILD_COMPANIES` and the API key.");
  const settings = await deps.guilds.update(guildId, { companyId: company.id, defaultCampaignId: null });
  await deps.identity.invalidateCompany(company.id);
  return settings;
}
