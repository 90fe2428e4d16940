import type { CompanyDirectory } from './directory.js';

/**
 * True when no ADMIN user of the company carries a Discord profile yet. Until one does, a
 * member with Discord's Manage Server permission may bind the company and link the first admin;
 * after that, only linked ADMIN users may.
 */
export async function companyNeedsFirstAdmin(directory: CompanyDirectory, companyId: string): Promise<boolean> {
  const users = await directory.listUsers(companyId);
  return !users.some((u) => u.role === 'ADMIN' && typeof u.discord_profile?.id === 'string' && u.discord_profile.id !== '');
}
