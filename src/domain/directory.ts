import type { Campaign, User, ValentinaClient } from '../api/index.js';

const TTL_MS = 60_000;

interface Entry<T> {
  value: T;
  until: number;
}

/**
 * Short-lived copies of a company's user and campaign lists, for autocomplete (which must
 * answer within 3 s and should spend no API call when warm) and for naming things in embeds.
 * Concurrent loads of one list share a single request.
 */
export class CompanyDirectory {
  private readonly users = new Map<string, Entry<User[]>>();
  private readonly campaigns = new Map<string, Entry<Campaign[]>>();
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(
    private readonly api: ValentinaClient,
    private readonly now: () => number,
  ) {}

  listUsers(companyId: string): Promise<User[]> {
    return this.cached(this.users, `users:${companyId}`, companyId, () => this.api.users(companyId).listAll());
  }

  /** Campaigns are nested under an acting user in this API version. */
  listCampaigns(companyId: string, actingUserId: string): Promise<Campaign[]> {
    return this.cached(this.campaigns, `campaigns:${companyId}`, companyId, () => this.api.campaigns(companyId, actingUserId).listAll());
  }

  async campaignName(companyId: string, actingUserId: string, campaignId: string): Promise<string> {
    const campaigns = await this.listCampaigns(companyId, actingUserId).catch(() => []);
    return campaigns.find((c) => c.id === campaignId)?.name ?? campaignId;
  }

  /** Users changed (approved, merged, created, linked, deleted). */
  invalidateUsers(companyId: string): void {
    this.users.delete(companyId);
  }

  private async cached<T>(map: Map<string, Entry<T>>, loadKey: string, companyId: string, load: () => Promise<T>): Promise<T> {
    const hit = map.get(companyId);
    if (hit !== undefined && hit.until > this.now()) return hit.value;
    const running = this.loading.get(loadKey) as Promise<T> | undefined;
    if (running !== undefined) return running;
    const p = load()
      .then((value) => {
        if (map.size > 1_000) map.clear();
        map.set(companyId, { value, until: this.now() + TTL_MS });
        return value;
      })
      .finally(() => this.loading.delete(loadKey));
    this.loading.set(loadKey, p);
    return p;
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
