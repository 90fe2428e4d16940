import type { Deps } from '../../deps.js';
import type { AwardEntry, AwardKind } from '../../store/types.js';
import { AlreadyHandledError, ExpiredError, NotFoundInputError, PermissionDeniedError } from '../errors.js';
import { roleLabel } from '../roles.js';
import { mayAwardSomeone, parseAwardAmount, requireMayAward, whoMayAward, type XpRule } from '../xp-policy.js';
import { awardFailureError } from './award-errors.js';
import { inScope, requireTarget, resolveCampaign, xpRuleFor, type AwardActor, type CampaignRef, type PickedMember } from './award-context.js';
import { RECOVERY_WINDOW_MS, type AwardOrigin, type AwardOutcome } from './award-service.js';
import { REASON_MAX } from './award-limits.js';

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
  /** Where it was asked: a late confirmation posts its receipt there. */
  origin?: AwardOrigin;
}

export interface AwardReceipt {
  status: 'applied';
  entry: AwardEntry;
  campaign: CampaignRef;
  /** False when this was a re-delivery of an award already made: no second audit post. */
  fresh: boolean;
}

/**
 * Valentina did not confirm the award (timeout, reset, 5xx). It stays journalled as pending and the
 * bot keeps settling it with the same key; the receipt follows when Valentina answers.
 */
export interface UnconfirmedAward {
  status: 'unconfirmed';
  entry: AwardEntry;
  campaign: CampaignRef;
}

export type SingleAwardResult = AwardReceipt | UnconfirmedAward;

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
export async function awardSingle(deps: Pick<Deps, 'api' | 'directory' | 'identity' | 'awards'>, input: SingleAwardInput): Promise<SingleAwardResult> {
  const { actor, kind } = input;
  const rule = await xpRuleFor(deps, actor);
  refuseIfNoOneAwardable(rule, actor, kind);
  const amount = parseAwardAmount(input.amount, actor.settings.maxAwardAmount, kind === 'CP_ADD' ? 'cool points' : 'XP');
  const target = await requireTarget(deps, actor.companyId, input.target);
  requireMayAward(rule, actor, target.userId, VERBS[kind]);
  const campaign = await resolveCampaign(deps, actor, input.campaign);

  const outcome = await deps.awards.apply(
    {
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
    },
    input.origin === undefined ? {} : { origin: input.origin },
  );
  return singleResult(outcome, campaign, `<@${input.target.id}>`);
}

function singleResult(outcome: AwardOutcome, campaign: CampaignRef, targetMention: string): SingleAwardResult {
  switch (outcome.status) {
    case 'applied':
      return { status: 'applied', entry: outcome.entry, campaign, fresh: outcome.fresh };
    case 'unconfirmed':
      return { status: 'unconfirmed', entry: outcome.entry, campaign };
    case 'pending':
      throw new AlreadyHandledError('This award is already being applied. Its receipt will appear once Valentina confirms it.');
    case 'failed':
      throw awardFailureError(outcome, { targetMention, campaignName: campaign.name, amount: outcome.entry.amount, offerRetry: true });
  }
}

/**
 * The Retry button of a single award refused for now: sends the same entry again with its own key,
 * by whoever made it, while the policy still lets them and the API could still replay it.
 */
export async function retrySingle(
  deps: Pick<Deps, 'api' | 'directory' | 'store' | 'awards' | 'clock'>,
  entryId: number,
  actor: AwardActor,
  origin?: AwardOrigin,
): Promise<SingleAwardResult> {
  const entry = await deps.store.awards.get(entryId);
  if (entry === null || !inScope(entry, actor)) throw new NotFoundInputError('This award is no longer in the journal.');
  if (entry.actorUserId !== actor.userId) throw new PermissionDeniedError('retry this award', 'Only whoever made it may retry it.');
  const campaign = { id: entry.campaignId, name: await deps.directory.campaignName(entry.companyId, actor.userId, entry.campaignId) };
  switch (entry.status) {
    case 'APPLIED':
    case 'UNDONE':
      throw new AlreadyHandledError('This award was already applied; its receipt is in the channel.');
    case 'PENDING':
      throw new AlreadyHandledError('This award is already being applied. Its receipt will appear once Valentina confirms it.');
    case 'FAILED':
      if (entry.failure !== 'definite') {
        throw new AlreadyHandledError(
          'Valentina never confirmed this award, so it may or may not have been applied, and the bot will not send it again. Check `/xp show` before awarding it again.',
        );
      }
      break;
  }
  if (deps.clock.now() - entry.createdAt >= RECOVERY_WINDOW_MS) {
    throw new ExpiredError('This award is about an hour old, too old to resend safely. Check `/xp show` and run the command again if it is missing.');
  }
  const rule = await xpRuleFor(deps, actor);
  requireMayAward(rule, actor, entry.targetUserId, VERBS[entry.kind]);
  const outcome = await deps.awards.settleExisting(entry, { retryFailed: true, ...(origin === undefined ? {} : { origin }) });
  return singleResult(outcome, campaign, entry.targetDiscordId === null ? 'The member' : `<@${entry.targetDiscordId}>`);
}
