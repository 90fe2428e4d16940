import type { Campaign, User, ValentinaClient } from '../api/index.js';
import type { Logger } from '../logger.js';
import { listCacheOptions, SwrCache } from './swr-cache.js';

const MAX_ENTRIES = 1_000;
/** A company of 10,000 users is about 30 MB as cached objects; one such list must still fit. */
const USERS_MAX_BYTES = 128 * 1024 * 1024;

/**
 * Short-lived copies of a company's user and campaign lists, for autocomplete (which must
 * answer within 3 s and should spend no API call when warm) and for naming things in embeds.
 * Expired lists are served while one background load refreshes them; concurrent loads of one
 * list share a single request.
 */
export class CompanyDirectory {
  private readonly users: SwrCache<User[]>;
  private readonly campaigns: SwrCache<Campaign[]>;

  constructor(
    private readonly api: ValentinaClient,
    now: () => number,
    log?: Pick<Logger, 'warn'>,
  ) {
    this.users = new SwrCache(listCacheOptions(now, MAX_ENTRIES, log, USERS_MAX_BYTES)('users'));
    this.campaigns = new SwrCache(listCacheOptions(now, MAX_ENTRIES, log)('campaigns'));
  }

  listUsers(companyId: string): Promise<User[]> {
    return this.users.get(companyId, () => this.api.users(companyId).listAll());
  }

  /** Campaigns are nested under an acting user in this API version. */
  listCampaigns(companyId: string, actingUserId: string): Promise<Campaign[]> {
    return this.campaigns.get(companyId, () => this.api.campaigns(companyId, actingUserId).listAll());
  }

  async campaignName(companyId: string, actingUserId: string, campaignId: string): Promise<string> {
    const campaigns = await this.listCampaigns(companyId, actingUserId).catch(() => []);
    return campaigns.find((c) => c.id === campaignId)?.name ?? campaignId;
  }

  /** Users changed (approved, merged, created, linked, deleted). */
  invalidateUsers(companyId: string): void {
    this.users.delete(companyId);
  }
}

/** Ranks entries for an autocomplete query: prefix matches first, then substring matches. */
export function matchChoices<T>(items: readonly T[], query: string, text: (item: T) => string, max = 25): T[] {
  const q = query.trim().toLowerCase();
  if (q === '') return items.slice(0, max);
  const prefix: T[] = [];
  const inner: T[] = [];
  for (const item of items) {
    const t = text(item).toLowerCase();
    if (t.startsWith(q)) prefix.push(item);
    else if (t.includes(q)) inner.push(item);
    if (prefix.length >= max) break;
  }
  return [...prefix, ...inner].slice(0, max);
}
