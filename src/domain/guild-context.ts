import type { GuildSettings, GuildSettingsPatch, GuildSettingsRepo } from '../store/types.js';
import { NoCompanyError } from './errors.js';

const CACHE_MS = 30_000;

export interface GuildContext {
  settings: GuildSettings;
  companyId: string;
}

/**
 * A guild's settings with a short in-memory cache: hot paths (every award, every roll) read them,
 * and they change only through /setup. Another shard's /setup shows up within CACHE_MS.
 */
export class GuildContextService {
  private readonly cache = new Map<string, { settings: GuildSettings; until: number }>();

  constructor(
    private readonly repo: GuildSettingsRepo,
    private readonly defaultCompanyId: string | undefined,
    private readonly now: () => number,
  ) {}

  async settings(guildId: string): Promise<GuildSettings> {
    const hit = this.cache.get(guildId);
    if (hit !== undefined && hit.until > this.now()) return hit.settings;
    const stored = (await this.repo.get(guildId)) ?? (await this.repo.upsert(guildId, {}));
    this.remember(stored);
    return stored;
  }

  /** The guild's company, falling back to VALENTINA_COMPANY_ID; throws NoCompanyError when neither is set. */
  async require(guildId: string): Promise<GuildContext> {
    const settings = await this.settings(guildId);
    const companyId = settings.companyId ?? this.defaultCompanyId;
    if (companyId === undefined || companyId === null) throw new NoCompanyError();
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
