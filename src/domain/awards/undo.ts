import { idGenerationOf } from '../../api/index.js';
import type { AwardEntry, AwardKind } from '../../store/types.js';
import { AlreadyHandledError, ExpiredError, InvalidInputError, NotFoundInputError, PermissionDeniedError, UserFacingError } from '../errors.js';
import { COOL_POINT_XP, mayUndo, type XpActor } from '../xp-policy.js';
import { awardFailureError } from './award-errors.js';
import type { AwardOrigin, AwardOutcome, AwardService } from './award-service.js';
import { mapLimit } from './map-limit.js';

/** The Undo button on a receipt works this long after the award. */
export const UNDO_WINDOW_MS = 10 * 60_000;
/** Undo calls in flight at once for a scene. */
export const UNDO_CONCURRENCY = 4;

export function undoExpiresAt(entries: readonly AwardEntry[]): number {
  return Math.min(...entries.map((e) => e.createdAt)) + UNDO_WINDOW_MS;
}

/**
 * What reverts an award. The API has no cool-point removal, so undoing cool points removes only
 * the XP they converted to; the cool-point count stays.
 */
export function reversalOf(entry: Pick<AwardEntry, 'kind' | 'amount'>): { kind: Exclude<AwardKind, 'CP_ADD'>; amount: number } {
  switch (entry.kind) {
    case 'XP_ADD':
      return { kind: 'XP_REMOVE', amount: entry.amount };
    case 'XP_REMOVE':
      return { kind: 'XP_ADD', amount: entry.amount };
    case 'CP_ADD':
      return { kind: 'XP_REMOVE', amount: entry.amount * COOL_POINT_XP };
  }
}

/** The undo entry's key: one per award, so two Undo clicks (or two admins) cannot both revert it. */
export function undoKeyOf(entry: Pick<AwardEntry, 'key'>): string {
  return `${entry.key}:undo`;
}

/** Valentina did not confirm the undo; the bot keeps settling it with the same key. */
export class UnconfirmedUndoError extends UserFacingError {
  constructor() {
    super(
      'Valentina did not confirm the undo yet. The bot keeps trying with the same request, so it can only happen once, and a receipt follows in this channel when Valentina confirms it. No need to press Undo again.',
      'Undo not confirmed yet',
    );
  }
}

export interface UndoPlan {
  /** The applied awards that will be reverted. */
  entries: AwardEntry[];
  /** Cool points are involved: the storyteller must confirm that their count stays. */
  coolPoints: boolean;
}

/**
 * Checks that the awards may be undone now by this actor: inside the window, by the awarder or an
 * admin, and still applied. Throws the refusal a member should see.
 */
export function planUndo(entries: readonly AwardEntry[], actor: XpActor, now: number): UndoPlan {
  if (entries.length === 0) throw new NotFoundInputError('This award is no longer in the journal.');
  if (entries.some((e) => e.undoOf !== null)) throw new InvalidInputError('An undo cannot itself be undone.');
  const generation = idGenerationOf(actor.userId);
  if (generation !== undefined && entries.some((e) => idGenerationOf(e.targetUserId) !== generation)) {
    // Made before the Valentina server was upgraded: its ids mean nothing to the new server.
    throw new InvalidInputError('This award was made before the Valentina server was upgraded. It stays in `/xp log` as history and cannot be undone from here; use `/xp remove` instead.', 'History');
  }
  if (now > undoExpiresAt(entries)) {
    throw new ExpiredError('Undo only works for 10 minutes after an award. Use `/xp remove` to take XP back.');
  }
  if (!entries.every((e) => mayUndo(e, actor))) {
    throw new PermissionDeniedError('undo this award', 'Only whoever made it, or an Admin, may undo it.');
  }
  const applied = entries.filter((e) => e.status === 'APPLIED');
  if (applied.length === 0) {
    if (entries.some((e) => e.status === 'UNDONE')) throw new AlreadyHandledError('This award was already undone.');
    throw new InvalidInputError('Nothing here was applied, so there is nothing to undo.');
  }
  return { entries: applied, coolPoints: applied.some((e) => e.kind === 'CP_ADD') };
}

export interface UndoResult {
  original: AwardEntry;
  outcome: AwardOutcome;
}

/** Reverts each award with its own journal entry (undoOf set); the original turns UNDONE once applied. */
export async function runUndo(awards: AwardService, plan: UndoPlan, actor: { userId: string; discordId: string }, origin?: AwardOrigin): Promise<UndoResult[]> {
  return mapLimit(plan.entries, UNDO_CONCURRENCY, async (original) => {
    const reversal = reversalOf(original);
    const outcome = await awards.apply(
      {
        key: undoKeyOf(original),
        guildId: original.guildId,
        companyId: original.companyId,
        campaignId: original.campaignId,
        batchId: null,
        actorUserId: actor.userId,
        actorDiscordId: actor.discordId,
        targetUserId: original.targetUserId,
        targetDiscordId: original.targetDiscordId,
        kind: reversal.kind,
        amount: reversal.amount,
        reason: original.reason,
        undoOf: original.id,
      },
      // A failed undo (say, the XP was spent meanwhile) may be tried again while the window lasts.
      { retryFailed: true, ...(origin === undefined ? {} : { origin }) },
    );
    return { original, outcome };
  });
}

/** A single award's undo: the reverted entry, or the refusal to show. */
export function singleUndoResult(result: UndoResult, context: { campaignName: string }): AwardEntry {
  const { outcome, original } = result;
  if (outcome.status === 'applied') {
    if (!outcome.fresh) throw new AlreadyHandledError('This award was already undone.');
    return outcome.entry;
  }
  if (outcome.status === 'pending') throw new AlreadyHandledError('This award is being undone right now.');
  if (outcome.status === 'unconfirmed') throw new UnconfirmedUndoError();
  const mention = original.targetDiscordId === null ? 'The member' : `<@${original.targetDiscordId}>`;
  throw awardFailureError(outcome, { targetMention: mention, campaignName: context.campaignName, amount: reversalOf(original).amount });
}
