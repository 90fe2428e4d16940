/**
 * Extra members for a world, and the award oracle: the bot's journal against the fake API's
 * experience state. An award the journal calls APPLIED (or UNDONE) must be in the API exactly
 * once; a FAILED one must not be there at all; nothing may stay PENDING.
 */
import type { AwardEntry } from '../../../src/store/types.js';
import { discordIdentity, sentWithKey, type World } from '../harness.js';

export interface ExtraMember {
  discordId: string;
  userId: string;
  name: string;
}

/** Linked, approved company users who are also members of the guild. */
export function addLinkedMembers(world: World, count: number, opts: { prefix: string; role?: 'PLAYER' | 'STORYTELLER' | 'ADMIN'; idBase: string }): ExtraMember[] {
  return Array.from({ length: count }, (_, i) => {
    const discordId = `${opts.idBase}${String(i).padStart(3, '0')}`;
    const name = `${opts.prefix}${i}`;
    const user = world.valentina.state.addUser(world.companyId, { role: opts.role ?? 'PLAYER', username: name, name_first: name, name_last: 'Extra', email: `${name}@example.com`, ...discordIdentity(world.generation, discordId, name) });
    world.discord.addUser({ id: discordId, username: name, globalName: name });
    world.discord.addMember(world.guildId, discordId, { permissions: '2150747136' });
    return { discordId, userId: user.id, name };
  });
}

export interface Balance {
  current: number;
  coolPoints: number;
}

/** Every company user's XP and cool points in the world's campaign. */
export function balances(world: World): Map<string, Balance> {
  const out = new Map<string, Balance>();
  for (const user of world.valentina.state.listUsers(world.companyId)) {
    const xp = world.valentina.state.experience(user.id, world.campaignId);
    out.set(user.id, { current: xp?.xp_current ?? 0, coolPoints: xp?.cool_points ?? 0 });
  }
  return out;
}

export async function journal(world: World): Promise<AwardEntry[]> {
  return (await world.store.awards.listLedger({ guildId: world.guildId, limit: 100_000, offset: 0 })).items;
}

const XP_PER_COOL_POINT = 10;

/**
 * Compares the journal with the API: for every user, baseline + what the journal says was applied
 * must equal what the API holds now. Returns the mismatches (empty when consistent).
 */
export async function journalProblems(world: World, baseline: ReadonlyMap<string, Balance>): Promise<string[]> {
  const problems: string[] = [];
  const expected = new Map<string, Balance>();
  for (const [id, b] of baseline) expected.set(id, { ...b });
  const entries = (await journal(world)).filter((e) => e.campaignId === world.campaignId);
  for (const e of entries) {
    if (e.status === 'PENDING') problems.push(`entry #${e.id} (${e.key}) is still PENDING`);
    if (e.status !== 'APPLIED' && e.status !== 'UNDONE') continue;
    const b = expected.get(e.targetUserId) ?? { current: 0, coolPoints: 0 };
    if (e.kind === 'XP_ADD') b.current += e.amount;
    else if (e.kind === 'XP_REMOVE') b.current -= e.amount;
    else {
      b.current += XP_PER_COOL_POINT * e.amount;
      b.coolPoints += e.amount;
    }
    expected.set(e.targetUserId, b);
    const confirmed = world.valentina.requests.some((r) => sentWithKey(world, r, e.key) && r.status >= 200 && r.status < 300);
    if (!confirmed) problems.push(`entry #${e.id} (${e.key}) is ${e.status} but the API never confirmed its key`);
  }
  const now = balances(world);
  for (const [userId, want] of expected) {
    const have = now.get(userId) ?? { current: 0, coolPoints: 0 };
    if (have.current !== want.current || have.coolPoints !== want.coolPoints) {
      const keys = entries.filter((e) => e.targetUserId === userId).map((e) => `${e.key}=${e.status}`);
      problems.push(`user ${userId}: the API holds ${have.current} XP / ${have.coolPoints} CP, the journal accounts for ${want.current} XP / ${want.coolPoints} CP (${keys.join(', ')})`);
    }
  }
  return problems;
}
