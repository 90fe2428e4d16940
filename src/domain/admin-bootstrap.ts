import type { CompanyDirectory } from './directory.js';
import type { GuildContextService } from './guild-context.js';

/**
 * The first-run case: true when the operator's config binds this company to this very guild
 * (VALENTINA_GUILD_COMPANIES) and no ADMIN user of the company carries a Discord profile yet.
 * Until one does, a member with Discord's Manage Server permission there may change the settings
 * and link themselves to the first admin; after that, only linked ADMIN users may. Any other
 * guild (one a stranger invited the bot to) never gets this.
 */
export async function mayBootstrapAdmin(
  deps: { directory: CompanyDirectory; guilds: GuildContextService },
  guildId: string,
  companyId: string,
): Promise<boolean> {
  if (!deps.guilds.operatorBound(guildId, companyId)) return false;
  const users = await deps.directory.listUsers(companyId);
  return !users.some((u) => u.role === 'ADMIN' && typeof u.discord_profile?.id === 'string' && u.discord_profile.id !== '');
}
