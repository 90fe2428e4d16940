import type { Deps } from '../../deps.js';
import type { AwardEntry, AwardKind } from '../../store/types.js';
import { AlreadyHandledError, PermissionDeniedError } from '../errors.js';
import { roleLabel } from '../roles.js';
import { mayAwardSomeone, parseAwardAmount, requireMayAward, whoMayAward, type XpRule } from '../xp-policy.js';
import { awardFailureError } from './award-errors.js';
import { requireTarget, resolveCampaign, xpRuleFor, type AwardActor, type CampaignRef, type PickedMember } from './award-context.js';

export const REASON_MAX = 200;

export interface SingleAwardInput {
  /** Idempotency key derived from the interaction, e.g. `${interaction.id}:award`. */
  key: string;
  actor: AwardActor;
  target: PickedMember;
  kind: AwardKind;
  /** As typed: a number from a slash option, or a modal's text. */
  amount: number | string;
  reason: string | null;
  campaign: string | null;
}

export interface AwardReceipt {
  entry: AwardEntry;
  campaign: CampaignRef;
  /** False when this was a re-delivery of an award already made: no second audit post. */
  fresh: boolean;
}

const VERBS: Record<AwardKind, string> = { XP_ADD: 'award XP', XP_REMOVE: 'remove XP', CP_ADD: 'award cool points' };

export function normalizeReason(raw: string | null | undefined): string | null {
  const text = raw?.replace(/\s+/g, ' ').trim() ?? '';
  return text === '' ? null : text.slice(0, REASON_MAX);
}

/** Refuses early, before any member lookup, when the actor may not award anyone. */
export function refuseIfNoOneAwardable(rule: XpRule, actor: AwardActor, kind: AwardKind): void {
  if (!mayAwardSomeone(rule, actor)) {
    throw new PermissionDeniedError(VERBS[kind], `${whoMayAward(rule)} You are ${roleLabel(actor.role)}.`);
  }
}

/**
 * `/xp award`, `/xp remove`, `/coolpoints award` and the "Award XP" menu: checks policy, amount,
 * target and campaign, then journals and applies the award with the interaction's key.
 */
export async function awardSingle(deps: Pick<Deps, 'api' | 'directory' | 'identity' | 'awards'>, input: SingleAwardInput): Promise<AwardReceipt> {
  const { actor, kind } = input;
  const rule = await xpRuleFor(deps, actor);
  refuseIfNoOneAwardable(rule, actor, kind);
  const amount = parseAwardAmount(input.amount, actor.settings.maxAwardAmount, kind === 'CP_ADD' ? 'cool points' : 'XP');
  const target = await requireTarget(deps, actor.companyId, input.target);
  requireMayAward(rule, actor, target.userId, VERBS[kind]);
  const campaign = await resolveCampaign(deps, actor, input.campaign);

  const outcome = await deps.awards.apply({
    key: input.key,
    guildId: actor.guildId,
    companyId: actor.companyId,
    campaignId: campaign.id,
    batchId: null,
    actorUserId: actor.userId,
    actorDiscordId: actor.discordId,
    targetUserId: target.userId,
    targetDiscordId: input.target.id,
    kind,
    amount,
    reason: normalizeReason(input.reason),
  });
  if (outcome.status === 'pending') throw new AlreadyHandledError('This award is already being applied. Its receipt will appear once Valentina confirms it.');
  if (outcome.status === 'failed') throw awardFailureError(outcome, { targetMention: `<@${input.target.id}>`, campaignName: campaign.name, amount });
  return { entry: outcome.entry, campaign, fresh: outcome.fresh };
}
