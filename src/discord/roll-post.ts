import type { Interaction } from 'discord.js';
import type { z } from 'zod';
import type { Deps } from '../deps.js';
import { ExpiredError } from '../domain/errors.js';
import { REROLL_WINDOW_MS, rerollOpen, type RolledPool } from '../domain/rolls.js';
import { renderRollMessage, type RollButtons } from '../render/roll-embed.js';
import type { Responder } from './responder.js';

/** What every roll draft carries next to what its command needs to roll again. */
export interface RollDraftBase {
  rolledAt: number;
}

/**
 * Posts a roll result (`/quickroll roll`, `/roll`) with its follow-up buttons. What a button needs
 * (the comment is free text) is kept as a draft under the interaction id, for `ttlMs`; Re-roll
 * itself is open for REROLL_WINDOW_MS from `rolledAt`. A public roll is published (the command
 * was deferred privately); a private one stays with the roller.
 */
export async function postRoll(
  deps: Deps,
  interaction: Interaction,
  respond: Responder,
  rolled: RolledPool,
  draft: { kind: string; payload: object; ttlMs?: number | undefined },
  buttons: (draftId: string) => RollButtons,
): Promise<void> {
  const now = deps.clock.now();
  await deps.store.drafts.put({
    id: interaction.id,
    guildId: interaction.guildId ?? '',
    ownerDiscordId: interaction.user.id,
    kind: draft.kind,
    payload: { ...draft.payload, rolledAt: now },
    expiresAt: now + (draft.ttlMs ?? REROLL_WINDOW_MS),
  });
  // Expired roll drafts are dead weight; the store's index makes this sweep cheap.
  void deps.store.drafts.deleteExpired(now).catch((err: unknown) => deps.log.debug({ err }, 'draft sweep failed'));
  const message = renderRollMessage(rolled, `<@${interaction.user.id}>`, buttons(interaction.id));
  if (rolled.private) await respond.send(message, { ephemeral: true });
  else await respond.publish(message);
}

/**
 * The draft behind a roll's button, if it is still there and of this kind (undefined otherwise).
 */
export async function readRollDraft<P extends RollDraftBase>(deps: Deps, draftId: string, kind: string, schema: z.ZodType<P>): Promise<P | undefined> {
  const draft = await deps.store.drafts.get(draftId, deps.clock.now());
  return draft === null || draft.kind !== kind ? undefined : schema.safeParse(draft.payload).data;
}

/**
 * The draft of a Re-roll press, within the window; otherwise the buttons are taken off and the
 * presser is told how to roll again. The message's own age is checked too, so a draft that
 * outlived its window cannot re-open it.
 */
export async function openReroll<P extends RollDraftBase>(
  deps: Deps,
  interaction: Interaction,
  respond: Responder,
  draftId: string,
  draft: { kind: string; schema: z.ZodType<P>; again: string },
): Promise<P> {
  const now = deps.clock.now();
  const parsed = await readRollDraft(deps, draftId, draft.kind, draft.schema);
  const postedAt = interaction.isButton() ? interaction.message.createdTimestamp : now;
  if (parsed === undefined || !rerollOpen(parsed.rolledAt, now) || !rerollOpen(postedAt, now)) {
    await respond.update({ components: [] });
    throw new ExpiredError(`Re-roll is offered for ${REROLL_WINDOW_MS / 1000} seconds after a roll. Roll again with ${draft.again}.`);
  }
  return parsed;
}

/** After a re-roll, only the newest result keeps live buttons. */
export async function retireRoll(deps: Deps, respond: Responder, draftId: string): Promise<void> {
  await respond.update({ components: [] });
  await deps.store.drafts.delete(draftId);
}
