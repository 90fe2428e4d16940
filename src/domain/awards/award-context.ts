import type { Campaign } from '../../api/index.js';
import type { Deps } from '../../deps.js';
import type { GuildSettings, MemberLink } from '../../store/types.js';
import { InvalidInputError, NotFoundInputError } from '../errors.js';
import { matchChoices } from '../directory.js';
import type { XpRule } from '../xp-policy.js';
import type { DefaultCampaign } from '../campaign-defaults.js';

/** The invoking member as the awards domain needs them (built from the discord guard's Actor). */
export interface AwardActor {
  guildId: string;
  companyId: string;
  settings: GuildSettings;
  userId: string;
  discordId: string;
  role: string;
  /** The campaign used when none is named: the channel category's, else the server's. */
  defaultCampaign: DefaultCampaign;
}

export interface CampaignRef {
  id: string;
  name: string;
}

/**
 * Whether a journal entry belongs to the guild and the company it uses now: after a rebind, the
 * old company's awards are history, never undone or re-sent from this guild.
 */
export function inScope(entry: { guildId: string; companyId: string }, actor: Pick<AwardActor, 'guildId' | 'companyId'>): boolean {
  return entry.guildId === actor.guildId && entry.companyId === actor.companyId;
}

/** Value of the autocomplete hint entry shown when more campaigns match than Discord lists. */
export const KEEP_TYPING = '-';

/** The campaign an award goes to: the option when given, else the category's, else the guild's default. */
export async function resolveCampaign(
  deps: Pick<Deps, 'directory'>,
  actor: Pick<AwardActor, 'companyId' | 'userId' | 'defaultCampaign'>,
  requested: string | null,
): Promise<CampaignRef> {
  const wanted = requested?.trim() || null;
  const campaignId = wanted ?? actor.defaultCampaign.campaignId;
  if (campaignId === null) {
    throw new InvalidInputError(
      'No campaign given, and this server has no default campaign. Pick one with the `campaign` option, or ask an admin to set a default with `/setup campaign`.',
      'No campaign',
    );
  }
  const campaigns = await deps.directory.listCampaigns(actor.companyId, actor.userId);
  const found = campaigns.find((c) => c.id === campaignId);
  if (found !== undefined) return { id: found.id, name: found.name };
  if (wanted === null) {
    const whose = actor.defaultCampaign.source === 'category' ? "This channel category's campaign" : "This server's default campaign";
    throw new NotFoundInputError(
      `${whose} no longer exists in Valentina. Pick one with the \`campaign\` option, or ask an admin to run \`/setup campaign\`.`,
    );
  }
  throw new NotFoundInputError('That campaign is not in this company. Pick one from the list while typing the `campaign` option.');
}

/** Autocomplete entries for the `campaign` option, with a "keep typing" hint past Discord's 25. */
export function campaignChoices(campaigns: readonly Campaign[], query: string, defaultId: string | null): { name: string; value: string }[] {
  const matches = matchChoices(campaigns, query, (c) => c.name, campaigns.length);
  const label = (c: Campaign) => `${c.name}${c.id === defaultId ? ' (default)' : ''}`.slice(0, 100);
  if (matches.length <= 25) return matches.map((c) => ({ name: label(c), value: c.id }));
  const shown = matches.slice(0, 24);
  return [
    ...shown.map((c) => ({ name: label(c), value: c.id })),
    { name: `Keep typing to narrow down (${matches.length - shown.length} more)`, value: KEEP_TYPING },
  ];
}

/** Reads the company's grant rule only when the guild follows it. */
export async function xpRuleFor(deps: Pick<Deps, 'api'>, actor: Pick<AwardActor, 'companyId' | 'settings'>): Promise<XpRule> {
  if (actor.settings.xpPolicy === 'STORYTELLER_ONLY') return { policy: 'STORYTELLER_ONLY', companyRule: null };
  const company = await deps.api.companies().get(actor.companyId);
  return { policy: 'FOLLOW_COMPANY', companyRule: company.settings.permission_grant_xp };
}

/** What Discord says about a member the storyteller picked. */
export interface PickedMember {
  id: string;
  bot: boolean;
}

export type TargetProblem = 'bot' | 'not-linked' | 'unapproved' | 'not-allowed';

export type TargetCheck = { ok: true; link: MemberLink } | { ok: false; problem: TargetProblem };

/** Resolves a picked member to an approved company user, or names the problem. */
export async function checkTarget(deps: Pick<Deps, 'identity'>, companyId: string, member: PickedMember): Promise<TargetCheck> {
  if (member.bot) return { ok: false, problem: 'bot' };
  const link = await deps.identity.resolve(companyId, member.id);
  if (link === null) return { ok: false, problem: 'not-linked' };
  if (link.role === 'UNAPPROVED') return { ok: false, problem: 'unapproved' };
  return { ok: true, link };
}

export function problemText(problem: TargetProblem): string {
  switch (problem) {
    case 'bot':
      return 'is a bot';
    case 'not-linked':
      return 'is not linked to a Valentina user (they can `/register`, or an admin can `/link` them)';
    case 'unapproved':
      return 'is awaiting approval; XP cannot go to unapproved users';
    case 'not-allowed':
      return 'may not be awarded by you under the XP policy';
  }
}

const PROBLEM_TITLES: Readonly<Record<TargetProblem, string>> = {
  bot: 'Bots get no XP',
  'not-linked': 'Member not linked',
  unapproved: 'Member awaiting approval',
  'not-allowed': 'Not allowed',
};

/** The single-award version: a clear refusal instead of a problem list. */
export async function requireTarget(deps: Pick<Deps, 'identity'>, companyId: string, member: PickedMember): Promise<MemberLink> {
  const check = await checkTarget(deps, companyId, member);
  if (check.ok) return check.link;
  throw new InvalidInputError(`<@${member.id}> ${problemText(check.problem)}. Nothing was awarded.`, PROBLEM_TITLES[check.problem]);
}
