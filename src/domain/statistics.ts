import type { RollStatistics, TopTrait, ValentinaClient } from '../api/index.js';
import { InvalidInputError } from './errors.js';
import { isStaff } from './roles.js';

export const TOP_MIN = 1;
export const TOP_MAX = 10;
export const TOP_DEFAULT = 5;

export type OutcomeKey = 'critical' | 'success' | 'failure' | 'botch';

export interface OutcomeCount {
  key: OutcomeKey;
  label: string;
  count: number;
  /** 0–100, as the API computed it. */
  percent: number;
}

/** Roll statistics shaped for the embed and the chart. */
export interface StatsSummary {
  /** "Alice (alice)" or the campaign's name. */
  subject: string;
  kind: 'member' | 'campaign';
  totalRolls: number;
  outcomes: OutcomeCount[];
  averagePool: number | null;
  averageDifficulty: number | null;
  topTraits: TopTrait[];
  /** Top traits left out on purpose (see hideTopTraits). */
  topTraitsHidden: boolean;
  /** No d10 roll counted: the embed shows a friendly empty state and no chart. */
  empty: boolean;
}

export function parseTop(value: number | null): number {
  const top = value ?? TOP_DEFAULT;
  if (!Number.isInteger(top) || top < TOP_MIN || top > TOP_MAX) {
    throw new InvalidInputError(`\`top\` must be a whole number from ${TOP_MIN} to ${TOP_MAX} (default ${TOP_DEFAULT}); you gave ${top}.`);
  }
  return top;
}

/**
 * Anyone linked may read anyone's statistics: they are aggregates the table already saw roll by
 * roll. One exception: a storyteller's top traits can reveal what they rolled privately, so
 * players see a storyteller's or admin's counts but not their traits.
 */
export function hideTopTraits(viewerRole: string, subjectRole: string | null): boolean {
  return subjectRole !== null && isStaff(subjectRole) && !isStaff(viewerRole);
}

export function summarize(stats: RollStatistics, subject: string, kind: StatsSummary['kind'], hideTraits: boolean): StatsSummary {
  const outcomes: OutcomeCount[] = [
    { key: 'critical', label: 'Criticals', count: stats.criticals, percent: stats.criticals_percentage },
    { key: 'success', label: 'Successes', count: stats.successes, percent: stats.success_percentage },
    { key: 'failure', label: 'Failures', count: stats.failures, percent: stats.failure_percentage },
    { key: 'botch', label: 'Botches', count: stats.botches, percent: stats.botch_percentage },
  ];
  const scored = outcomes.reduce((sum, o) => sum + o.count, 0);
  return {
    subject,
    kind,
    totalRolls: stats.total_rolls,
    outcomes,
    averagePool: stats.average_pool,
    averageDifficulty: stats.average_difficulty,
    topTraits: hideTraits ? [] : stats.top_traits.filter((t) => t.usage_count > 0),
    topTraitsHidden: hideTraits,
    empty: scored === 0,
  };
}

export async function memberStatistics(
  api: ValentinaClient,
  input: { companyId: string; userId: string; subject: string; top: number; hideTraits: boolean },
): Promise<StatsSummary> {
  const stats = await api.users(input.companyId).getStatistics(input.userId, { numTopTraits: parseTop(input.top) });
  return summarize(stats, input.subject, 'member', input.hideTraits);
}

/**
 * A campaign's top traits mix everyone's rolls, storytellers' private ones included, and the API
 * cannot split them by roller: players see the campaign's counts but not its traits, as with a
 * storyteller's own statistics.
 */
export function hideCampaignTopTraits(viewerRole: string): boolean {
  return !isStaff(viewerRole);
}

export async function campaignStatistics(
  api: ValentinaClient,
  input: { companyId: string; actingUserId: string; viewerRole: string; campaignId: string; subject: string; top: number },
): Promise<StatsSummary> {
  const stats = await api.campaigns(input.companyId, input.actingUserId).getStatistics(input.campaignId, { numTopTraits: parseTop(input.top) });
  return summarize(stats, input.subject, 'campaign', hideCampaignTopTraits(input.viewerRole));
}
