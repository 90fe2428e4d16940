import { idGenerationOf, type User, type UserLookupResult, type ValentinaClient } from '../api/index.js';
import type { Logger } from '../logger.js';
import type { MemberLink, MemberLinkRepo } from '../store/types.js';

/** How long a miss may be answered from the last walk before the change probe is asked. */
const MISS_PROBE_MS = 15_000;
const MEMORY_MAX = 50_000;

interface WalkState {
  at: number;
  modifiedAt: string | null;
}

/**
 * Maps a Discord member to the company user whose `discord_profile.id` is theirs.
 * On v2 a cold miss is one `users/lookup?discord_id=` call filtered to the company. v1 has no
 * lookup by Discord id, so there a cold miss walks the user list once per company (coalesced
 * across concurrent callers) and stores every link it finds. Warm resolutions come from memory,
 * then the store, and spend no API call while within the TTL. A stored link holding the other
 * generation's user id (a server upgraded from v1 to v2) is never sent: it is re-resolved.
 */
export class IdentityService {
  private readonly memory = new Map<string, { link: MemberLink | null; until: number }>();
  private readonly walks = new Map<string, WalkState>();
  private readonly walking = new Map<string, Promise<void>>();
  private readonly looking = new Map<string, Promise<void>>();

  constructor(
    private readonly api: ValentinaClient,
    private readonly links: MemberLinkRepo,
    private readonly opts: { ttlMs: number; now: () => number; log: Logger },
  ) {}

  async resolve(companyId: string, discordUserId: string): Promise<MemberLink | null> {
    const key = `${companyId}:${discordUserId}`;
    const now = this.opts.now();
    const hit = this.memory.get(key);
    if (hit !== undefined && hit.until > now) return hit.link;

    let stored = await this.links.get(companyId, discordUserId);
    if (stored !== null && this.isOtherGeneration(stored.userId)) {
      await this.links.delete(companyId, discordUserId);
      stored = null;
    }
    if (stored !== null && stored.resolvedAt + this.opts.ttlMs > now) {
      this.remember(key, stored, stored.resolvedAt + this.opts.ttlMs);
      return stored;
    }
    if (stored !== null) {
      const refreshed = await this.refresh(stored);
      if (refreshed !== null) return refreshed;
    }
    if (this.api.wire.capabilities.userLookup) await this.lookupOnce(companyId, discordUserId);
    else await this.walkIfChanged(companyId);
    const found = await this.links.get(companyId, discordUserId);
    // A miss is remembered briefly, so an unlinked member hammering commands costs no walks.
    this.remember(key, found, found === null ? now + MISS_PROBE_MS : now + this.opts.ttlMs);
    return found;
  }

  /** Records a link the bot itself just made (register, /link, approval) without a walk. */
  async linkUser(companyId: string, user: User): Promise<MemberLink | null> {
    const discordId = user.discord_profile?.id ?? null;
    await this.links.deleteByUser(companyId, user.id);
    this.forgetUser(companyId, user.id);
    if (discordId === null) return null;
    const link: MemberLink = { companyId, discordUserId: discordId, userId: user.id, role: user.role, resolvedAt: this.opts.now() };
    await this.links.upsert(link);
    this.remember(`${companyId}:${discordId}`, link, link.resolvedAt + this.opts.ttlMs);
    return link;
  }

  /** Forgets what is known about a user (approved, merged, deleted, role changed). */
  async invalidateUser(companyId: string, userId: string): Promise<void> {
    this.forgetUser(companyId, userId);
    await this.links.deleteByUser(companyId, userId);
    this.walks.delete(companyId);
  }

  /** Forgets a whole company: the next miss walks again. */
  async invalidateCompany(companyId: string): Promise<void> {
    for (const key of [...this.memory.keys()]) if (key.startsWith(`${companyId}:`)) this.memory.delete(key);
    this.walks.delete(companyId);
  }

  private async refresh(stored: MemberLink): Promise<MemberLink | null> {
    try {
      const user = await this.api.users(stored.companyId).get(stored.userId);
      if (user.discord_profile?.id === stored.discordUserId) {
        const link: MemberLink = { ...stored, role: user.role, resolvedAt: this.opts.now() };
        await this.links.upsert(link);
        this.remember(`${stored.companyId}:${stored.discordUserId}`, link, link.resolvedAt + this.opts.ttlMs);
        return link;
      }
    } catch (err) {
      this.opts.log.debug({ err, userId: stored.userId }, 'stored link no longer valid');
    }
    await this.links.delete(stored.companyId, stored.discordUserId);
    this.walks.delete(stored.companyId);
    return null;
  }

  private isOtherGeneration(userId: string): boolean {
    const generation = idGenerationOf(userId);
    return generation !== undefined && generation !== this.api.apiVersion;
  }

  /** v2: one lookup call per member (coalesced), stored like a walk's finding. */
  private async lookupOnce(companyId: string, discordUserId: string): Promise<void> {
    const key = `${companyId}:${discordUserId}`;
    const running = this.looking.get(key);
    if (running !== undefined) return running;
    const p = this.lookup(companyId, discordUserId).finally(() => this.looking.delete(key));
    this.looking.set(key, p);
    return p;
  }

  private async lookup(companyId: string, discordUserId: string): Promise<void> {
    const startedAt = this.opts.now();
    const hits = (await this.api.userLookup().byDiscordId(discordUserId)).filter((r) => r.company_id === companyId);
    // Two users can carry one Discord id (a duplicate sign-in awaiting merge): the approved one wins.
    const best = hits.find((r) => r.role !== 'UNAPPROVED') ?? hits[0];
    if (best === undefined) {
      await this.links.delete(companyId, discordUserId);
      return;
    }
    await this.links.upsert(this.linkOf(companyId, discordUserId, best, startedAt));
  }

  private linkOf(companyId: string, discordUserId: string, hit: UserLookupResult, resolvedAt: number): MemberLink {
    return { companyId, discordUserId, userId: hit.user_id, role: hit.role, resolvedAt };
  }

  private async walkIfChanged(companyId: string): Promise<void> {
    const running = this.walking.get(companyId);
    if (running !== undefined) return running;
    const p = this.decideAndWalk(companyId).finally(() => this.walking.delete(companyId));
    this.walking.set(companyId, p);
    return p;
  }

  private async decideAndWalk(companyId: string): Promise<void> {
    const last = this.walks.get(companyId);
    const now = this.opts.now();
    if (last !== undefined && now - last.at < MISS_PROBE_MS) return;
    if (last !== undefined) {
      // resources_modified_at moves on every audited change: unchanged means no new user or profile.
      const company = await this.api.companies().get(companyId);
      const modifiedAt = company.resources_modified_at ?? null;
      if (modifiedAt !== null && modifiedAt === last.modifiedAt) {
        this.walks.set(companyId, { at: now, modifiedAt });
        return;
      }
    }
    await this.walk(companyId);
  }

  private async walk(companyId: string): Promise<void> {
    const startedAt = this.opts.now();
    const company = await this.api.companies().get(companyId);
    const byDiscordId = new Map<string, MemberLink>();
    let users = 0;
    for await (const user of this.api.users(companyId).iterAll({ limit: 100 })) {
      users += 1;
      const discordId = user.discord_profile?.id;
      if (discordId === undefined || discordId === null || discordId === '') continue;
      // Two users can carry one Discord id (a duplicate registration awaiting merge): the approved one wins.
      const seen = byDiscordId.get(discordId);
      if (seen !== undefined && seen.role !== 'UNAPPROVED') continue;
      byDiscordId.set(discordId, { companyId, discordUserId: discordId, userId: user.id, role: user.role, resolvedAt: startedAt });
    }
    const found = [...byDiscordId.values()];
    await this.links.replaceAll(companyId, found);
    for (const key of [...this.memory.keys()]) if (key.startsWith(`${companyId}:`)) this.memory.delete(key);
    this.walks.set(companyId, { at: startedAt, modifiedAt: company.resources_modified_at ?? null });
    this.opts.log.info({ companyId, users, linked: found.length, ms: this.opts.now() - startedAt }, 'walked company users');
  }

  private forgetUser(companyId: string, userId: string): void {
    for (const [key, value] of this.memory) {
      if (key.startsWith(`${companyId}:`) && value.link?.userId === userId) this.memory.delete(key);
    }
  }

  private remember(key: string, link: MemberLink | null, until: number): void {
    if (this.memory.size >= MEMORY_MAX) this.memory.clear();
    this.memory.set(key, { link, until });
  }
}
