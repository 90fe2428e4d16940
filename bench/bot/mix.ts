/**
 * The interaction mix of the latency and throughput runs: a storyteller's award, a player's
 * quickroll roll, a player's statistics, and a quickroll-name autocomplete, in turn. When the
 * fake Discord has no xp/quickroll/stats commands registered (commands still being written), the
 * mix falls back to /whoami and the /link user autocomplete, and says so.
 */
import type { BenchWorld } from './world.js';
import { QUICKROLL_NAME } from './world.js';
import type { Shot } from './load.js';

export type ShotKind = 'award' | 'roll' | 'stats' | 'autocomplete' | 'whoami' | 'link-autocomplete';

export interface Mix {
  name: string;
  kinds: readonly ShotKind[];
  shot(i: number): Shot;
  /** One interaction of a kind by the i-th invoker (warm-ups, API-call counts). */
  of(kind: ShotKind, i: number): Shot;
}

export const FULL_KINDS: readonly ShotKind[] = ['award', 'roll', 'stats', 'autocomplete'];
const BASIC_KINDS: readonly ShotKind[] = ['whoami', 'link-autocomplete'];

export function hasFullMix(bench: BenchWorld): boolean {
  const names = new Set(bench.world.discord.commands().map((c) => c['name']));
  return ['xp', 'quickroll', 'stats'].every((n) => names.has(n));
}

export function createMix(bench: BenchWorld, full: boolean): Mix {
  const { world, players } = bench;
  const where = { guildId: world.guildId, channelId: world.channelId };
  const awarders = [world.members.storyteller.discordId, world.members.admin.discordId];
  const player = (i: number): string => players[i % players.length]?.discordId ?? world.members.player.discordId;
  const kinds = full ? FULL_KINDS : BASIC_KINDS;

  const of = (kind: ShotKind, i: number): Shot => {
    switch (kind) {
      case 'award':
        return {
          kind,
          fire: () =>
            world.discord.slash('xp', {
              ...where,
              subcommand: 'award',
              user: awarders[i % awarders.length] ?? world.members.storyteller.discordId,
              options: { member: player(i), amount: 1, reason: 'Bench scene' },
            }),
        };
      case 'roll':
        return { kind, fire: () => world.discord.slash('quickroll', { ...where, subcommand: 'roll', user: player(i), options: { name: QUICKROLL_NAME } }) };
      case 'stats':
        return { kind, fire: () => world.discord.slash('stats', { ...where, subcommand: 'member', user: player(i) }) };
      case 'autocomplete':
        return {
          kind,
          fire: () => world.discord.autocomplete('quickroll', { ...where, subcommand: 'roll', user: player(i), options: { name: 'Sh' }, focused: 'name' }),
        };
      case 'whoami':
        return { kind, fire: () => world.discord.slash('whoami', { ...where, user: player(i) }) };
      case 'link-autocomplete':
        return {
          kind,
          fire: () =>
            world.discord.autocomplete('link', { ...where, user: world.members.admin.discordId, options: { member: { user: player(i) }, user: 'pc' }, focused: 'user' }),
        };
    }
  };

  return {
    name: full ? 'award (xp award), quickroll roll, stats member, autocomplete (quickroll roll#name), in turn' : 'whoami and autocomplete (link#user), in turn (xp/quickroll/stats not registered)',
    kinds,
    shot: (i) => of(kinds[i % kinds.length] ?? 'whoami', Math.floor(i / kinds.length)),
    of,
  };
}
