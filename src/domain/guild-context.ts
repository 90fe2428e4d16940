import type { GuildSettings, GuildSettingsPatch, GuildSettingsRepo } from '../store/types.js';
import { NoCompanyError } from './errors.js';

const CACHE_MS = 30_000;

export interface GuildContext {
  settings: GuildSettings;
  companyId: string;
}

/**
 * What the operator allows, from the config: one company for every guild, and the companies
 * each named guild may bind. No guild can bind a company that is not listed here, so a stranger
 * who invites the bot cannot take a group's company over.
 */
export interface CompanyPolicy {
  defaultCompanyId: string | undefined;
  guildCompanies: ReadonlyMap<string, readonly string[]>;
}

/**
 * A guild's settings with a short in-memory cache: hot paths (every award, every roll) read them,
 * and they change only through /setup. Another shard's /setup shows up within CACHE_MS.
 */
export class GuildContextService {
  private readonly cache = new Map<string, { settings: GuildSettings; until: number }>();

  constructor(
    private readonly repo: GuildSettingsRepo,
    private readonly policy: CompanyPolicy,
    private readonly now: () => number,
  ) {}

  /** The companies this guild may use: those the operator named for it, then the default. */
  allowedCompanies(guildId: string): string[] {
    const named = this.policy.guildCompanies.get(guildId) ?? [];
    const fallback = this.policy.defaultCompanyId;
    return fallback === undefined || named.includes(fallback) ? [...named] : [...named, fallback];
  }

  /** True when the operator's config names this company for this very guild. */
  operatorBound(guildId: string, companyId: string): boolean {
    return (this.policy.guildCompanies.get(guildId) ?? []).includes(companyId);
  }

  /**
   * The company a guild uses now: its /setup binding while the operator still allows it; else the
   * one company the operator pinned it to; else the default; null when there is none. A binding
   * the operator withdrew is ignored, not trusted.
   */
  companyOf(settings: GuildSettings): string | null {
    if (settings.companyId !== null && this.allowedCompanies(settings.guildId).includes(settings.companyId)) return settings.companyId;
    const named = this.policy.guildCompanies.get(settings.guildId) ?? [];
    if (named.length === 1 && named[0] !== undefined) return named[0];
    return this.policy.defaultCompanyId ?? null;
  }

  async settings(guildId: string): Promise<GuildSettings> {
    const hit = this.cache.get(guildId);
    if (hit !== undefined && hit.until > this.now()) return hit.settings;
    const stored = (await this.repo.get(guildId)) ?? (await this.repo.upsert(guildId, {}));
    this.remember(stored);
    return stored;
  }

  /** The guild's company (see companyOf); throws NoCompanyError when there is none. */
  async require(guildId: string): Promise<GuildContext> {
    const settings = await this.settings(guildId);
    const companyId = this.companyOf(settings);
    if (companyId === null) throw new NoCompanyError(this.allowedCompanies(guildId).length > 0);
    return { settings, companyId };
  }

  async update(guildId: string, patch: GuildSettingsPatch): Promise<GuildSettings> {
    const updated = await this.repo.upsert(guildId, patch);
    this.remember(updated);
    return updated;
  }

  private remember(settings: GuildSettings): void {
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(settings.guildId, { settings, until: this.now() + CACHE_MS });
  }
}
