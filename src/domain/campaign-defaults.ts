import type { CategoryCampaign, CategoryCampaignRepo, GuildSettings } from '../store/types.js';

const CACHE_MS = 30_000;
const CACHE_MAX = 10_000;

/** Where a command's campaign came from when the member did not name one. */
export type CampaignSource = 'category' | 'server' | 'none';

export interface DefaultCampaign {
  /** The campaign to use, or null when neither the category nor the server has one. */
  campaignId: string | null;
  source: CampaignSource;
}

/**
 * The default campaign of the place a command was used: the campaign bound to the channel's
 * category (when that binding belongs to the guild's current company), else the server default.
 * Bindings are read on every award and roll, so each guild's list is kept for CACHE_MS; this
 * process's own changes apply at once, another shard's within CACHE_MS.
 */
export class CampaignDefaults {
  private readonly cache = new Map<string, { bindings: CategoryCampaign[]; until: number }>();

  constructor(
    private readonly repo: CategoryCampaignRepo,
    private readonly now: () => number,
  ) {}

  async bindings(guildId: string): Promise<CategoryCampaign[]> {
    const hit = this.cache.get(guildId);
    if (hit !== undefined && hit.until > this.now()) return hit.bindings;
    const bindings = await this.repo.list(guildId);
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(guildId, { bindings, until: this.now() + CACHE_MS });
    return bindings;
  }

  /** Bindings that apply under the guild's current company (others are left over from a rebind). */
  async current(guildId: string, companyId: string): Promise<CategoryCampaign[]> {
    return (await this.bindings(guildId)).filter((b) => b.companyId === companyId);
  }

  async resolve(guild: { settings: GuildSettings; companyId: string }, categoryId: string | null): Promise<DefaultCampaign> {
    if (categoryId !== null) {
      const bound = (await this.current(guild.settings.guildId, guild.companyId)).find((b) => b.categoryId === categoryId);
      if (bound !== undefined) return { campaignId: bound.campaignId, source: 'category' };
    }
    const serverDefault = guild.settings.defaultCampaignId;
    return serverDefault === null ? { campaignId: null, source: 'none' } : { campaignId: serverDefault, source: 'server' };
  }

  async bind(binding: { guildId: string; categoryId: string; companyId: string; campaignId: string }): Promise<void> {
    this.cache.delete(binding.guildId);
    await this.repo.put(binding);
    this.cache.delete(binding.guildId);
  }

  async unbind(guildId: string, categoryId: string): Promise<boolean> {
    this.cache.delete(guildId);
    const removed = await this.repo.delete(guildId, categoryId);
    this.cache.delete(guildId);
    return removed;
  }
}
