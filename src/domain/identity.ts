import { NotFoundError, idGenerationOf, type User, type UserLookupResult, type ValentinaClient } from '../api/index.js';
import type { Logger } from '../logger.js';
import type { MemberLink, MemberLinkRepo } from '../store/types.js';
import { BoundedCache } from './bounded-cache.js';
import { displayName } from './members.js';

/** How long a miss may be answered from the last walk before the change probe is asked. */
const MISS_PROBE_MS = 15_000;
/**
 * How long this process answers a link (or a miss) from memory before it reads the shared store
 * again. The member_links table is what shard processes share, and every path that changes a
 * role or a link (approve, deny, merge, /user update and delete, /link, register) writes it; so
 * a change made through one process is seen by every other within this time. A version row in
 * the store would cost the same one indexed read per resolution, plus a write per change and a
 * migration, to learn only "read the link again"; reading the link itself answers directly.
 */
export const IDENTITY_MEMORY_MS = 5_000;
const MEMORY_MAX_ENTRIES = 50_000;
const MEMORY_MAX_BYTES = 16 * 1024 * 1024;

/** Two or more approved users of a company carry one Discord id: the member is linked to neither. */
export interface IdentityConflict {
  companyId: string;
  discordUserId: string;
  /** The approved users carrying the id, in the API's list order. */
  users: Array<{ id: string; role: string; name: string }>;
}

/** Told once per conflict found by a walk (the Discord layer tells the company's admins). */
export type IdentityConflictListener = (conflict: IdentityConflict) => Promise<void>;

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
  private readonly memory: BoundedCache<{ link: MemberLink | null }>;
  private readonly walks = new Map<string, WalkState>();
  private readonly walking = new Map<string, Promise<void>>();
  /** Per company, the conflicts the last walk of this process found, by Discord id. */
  private readonly conflicts = new Map<string, Map<string, IdentityConflict>>();
  /** Conflicts already reported, so each is told once per process (each guild's own shard posts it). */
  private readonly reported = new Set<string>();
  private conflictListener: IdentityConflictListener | undefined;
  private readonly looking = new Map<string, Promise<void>>();

  constructor(
    private readonly api: ValentinaClient,
    private readonly links: MemberLinkRepo,
    private readonly opts: { ttlMs: number; now: () => number; log: Logger; memoryMs?: number },
  ) {
    this.memory = new BoundedCache({
      maxEntries: MEMORY_MAX_ENTRIES,
      maxBytes: MEMORY_MAX_BYTES,
      ttlMs: opts.memoryMs ?? IDENTITY_MEMORY_MS,
      now: opts.now,
    });
  }

  /** Who hears about Discord ids carried by two approved users (set once, by the Discord runtime). */
  onConflict(listener: IdentityConflictListener): void {
    this.conflictListener = listener;
  }

  async resolve(companyId: string, discordUserId: string): Promise<MemberLink | null> {
    const key = `${companyId}:${discordUserId}`;
    const now = this.opts.now();
    const hit = this.memory.get(key);
    if (hit !== undefined) return hit.link;

    let stored = await this.links.get(companyId, discordUserId);
    if (stored !== null && this.isOtherGeneration(stored.userId)) {
      await this.links.delete(companyId, discordUserId);
      stored = null;
    }
    if (stored !== null && stored.resolvedAt + this.opts.ttlMs > now) {
      this.memory.set(key, { link: stored });
      return stored;
    }
    if (stored !== null) {
      const refreshed = await this.refresh(stored);
      if (refreshed !== null) return refreshed;
    }
    if (this.api.wire.capabilities.userLookup) await this.lookupOnce(companyId, discordUserId);
    else await this.walkIfChanged(companyId);
    const found = await this.links.get(companyId, discordUserId);
    // A miss is remembered briefly too, so an unlinked member hammering commands costs no store reads.
    this.memory.set(key, { link: found });
    return found;
  }

  /** The conflict that keeps a member unlinked (two approved users with their Discord id), if any. */
  conflictFor(companyId: string, discordUserId: string): IdentityConflict | null {
    return this.conflicts.get(companyId)?.get(discordUserId) ?? null;
  }

  /** Records a link the bot itself just made (register, /link, approval) without a walk. */
  async linkUser(companyId: string, user: User): Promise<MemberLink | null> {
    const discordId = user.discord_profile?.id ?? null;
    await this.links.deleteByUser(companyId, user.id);
    this.forgetUser(companyId, user.id);
    if (discordId === null || discordId === '') return null;
    const link: MemberLink = { companyId, discordUserId: discordId, userId: user.id, role: user.role, resolvedAt: this.opts.now() };
    await this.links.upsert(link);
    // The bot made this link on purpose (after clearing the id elsewhere): it ends a known conflict.
    this.conflicts.get(companyId)?.delete(discordId);
    this.memory.set(`${companyId}:${discordId}`, { link });
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
    this.memory.deleteWhere((key) => key.startsWith(`${companyId}:`));
    this.walks.delete(companyId);
  }

  /**
   * Re-checks a link past its TTL with one GET. Only a definite answer drops it: the user is gone
   * (404) or carries another Discord id. A timeout, a 429 or an outage keeps answering from the
   * stored link (checked again after the memory lifetime) instead of forcing a full walk.
   */
  private async refresh(stored: MemberLink): Promise<MemberLink | null> {
    const key = `${stored.companyId}:${stored.discordUserId}`;
    let user: User | null;
    try {
      user = await this.api.users(stored.companyId).get(stored.userId);
    } catch (err) {
      if (!(err instanceof NotFoundError)) {
        this.opts.log.warn({ err, userId: stored.userId }, 'could not re-check a stored link; answering from it');
        this.memory.set(key, { link: stored });
        return stored;
      }
      this.opts.log.debug({ userId: stored.userId }, 'stored link points at a user that is gone');
      user = null;
    }
    if (user !== null && user.discord_profile?.id === stored.discordUserId) {
      const link: MemberLink = { ...stored, role: user.role, resolvedAt: this.opts.now() };
      await this.links.upsert(link);
      this.memory.set(key, { link });
      return link;
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
    const approved = hits.filter((r) => r.role !== 'UNAPPROVED');
    if (approved.length > 1) {
      // As in a walk: never let list order pick which of two approved users the member acts as.
      await this.links.delete(companyId, discordUserId);
      const users = await Promise.all(
        approved.map(async (r) => {
          const name = await this.api
            .users(companyId)
            .get(r.user_id)
            .then(displayName, () => r.user_id);
          return { id: r.user_id, role: r.role, name };
        }),
      );
      const conflict: IdentityConflict = { companyId, discordUserId, users };
      const known = this.conflicts.get(companyId) ?? new Map<string, IdentityConflict>();
      known.set(discordUserId, conflict);
      this.conflicts.set(companyId, known);
      this.report(conflict);
      return;
    }
    this.conflicts.get(companyId)?.delete(discordUserId);
    // A duplicate sign-in awaiting merge next to one approved user: the approved one wins.
    const best = approved[0] ?? hits[0];
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
    const byDiscordId = new Map<string, User[]>();
    let users = 0;
    for await (const user of this.api.users(companyId).iterAll({ limit: 100 })) {
      users += 1;
      const discordId = user.discord_profile?.id;
      if (discordId === undefined || discordId === null || discordId === '') continue;
      const carriers = byDiscordId.get(discordId);
      if (carriers === undefined) byDiscordId.set(discordId, [user]);
      else carriers.push(user);
    }
    const found: MemberLink[] = [];
    const conflicts = new Map<string, IdentityConflict>();
    for (const [discordId, carriers] of byDiscordId) {
      const approved = carriers.filter((u) => u.role !== 'UNAPPROVED');
      if (approved.length > 1) {
        // Picking one would let list order decide who the member acts as (a demoted admin could
        // come back as admin): link neither, and tell the admins.
        conflicts.set(discordId, {
          companyId,
          discordUserId: discordId,
          users: approved.map((u) => ({ id: u.id, role: u.role, name: displayName(u) })),
        });
        continue;
      }
      // One approved user wins over duplicate registrations still awaiting a merge.
      const chosen = approved[0] ?? carriers[carriers.length - 1];
      if (chosen !== undefined) found.push({ companyId, discordUserId: discordId, userId: chosen.id, role: chosen.role, resolvedAt: startedAt });
    }
    await this.links.replaceAll(companyId, found);
    this.memory.deleteWhere((key) => key.startsWith(`${companyId}:`));
    this.conflicts.set(companyId, conflicts);
    this.walks.set(companyId, { at: startedAt, modifiedAt: company.resources_modified_at ?? null });
    this.opts.log.info({ companyId, users, linked: found.length, conflicts: conflicts.size, ms: this.opts.now() - startedAt }, 'walked company users');
    for (const conflict of conflicts.values()) this.report(conflict);
  }

  private report(conflict: IdentityConflict): void {
    const signature = `${conflict.companyId}:${conflict.discordUserId}:${conflict.users.map((u) => u.id).sort().join(',')}`;
    if (this.reported.has(signature)) return;
    if (this.reported.size >= MEMORY_MAX_ENTRIES) this.reported.clear();
    this.reported.add(signature);
    this.opts.log.warn({ companyId: conflict.companyId, discordUserId: conflict.discordUserId, userIds: conflict.users.map((u) => u.id) }, 'two approved users carry one Discord id; linked neither');
    const listener = this.conflictListener;
    if (listener === undefined) return;
    // Told in the background: a resolution must not wait for a post to Discord.
    void listener(conflict).catch((err: unknown) => this.opts.log.warn({ err, companyId: conflict.companyId }, 'identity conflict could not be reported'));
  }

  private forgetUser(companyId: string, userId: string): void {
    this.memory.deleteWhere((key, value) => key.startsWith(`${companyId}:`) && value.link?.userId === userId);
  }
}
