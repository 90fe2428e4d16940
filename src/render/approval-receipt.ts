import type { APIEmbed } from 'discord-api-types/v10';
import type { User } from '../api/index.js';
import { displayName } from '../domain/members.js';
import { roleLabel } from '../domain/roles.js';
import { registrationFields, type RenderedMessage } from './approval-card.js';
import type { ApprovalCard } from '../store/types.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

export interface ApprovalReceiptView {
  status: 'APPROVED' | 'DENIED' | 'MERGED';
  /** Role approved as, or the display name merged into. */
  outcome: string;
  handledByDiscordId: string;
  pending: User;
  warnings?: readonly string[];
}

/** One line for the decision, e.g. "Approved as Player by @admin". */
export function approvalDecisionLine(view: Pick<ApprovalReceiptView, 'status' | 'outcome' | 'handledByDiscordId'>): string {
  const by = `by <@${view.handledByDiscordId}>`;
  if (view.status === 'APPROVED') return `Approved as ${roleLabel(view.outcome)} ${by}`;
  if (view.status === 'DENIED') return `Denied ${by}`;
  return `Merged into **${view.outcome}** ${by}`;
}

export function renderApprovalReceiptEmbed(view: ApprovalReceiptView): APIEmbed {
  const warnings = view.warnings && view.warnings.length > 0 ? `\n\n⚠️ ${view.warnings.join('\n⚠️ ')}` : '';
  return {
    color: view.status === 'DENIED' ? COLORS.neutral : COLORS.success,
    title: truncate(`${view.status === 'APPROVED' ? 'Approved' : view.status === 'DENIED' ? 'Denied' : 'Merged'}: ${displayName(view.pending)}`, EMBED_LIMITS.title),
    description: truncate(`${approvalDecisionLine(view)}.${warnings}`, EMBED_LIMITS.description),
    fields: registrationFields(view.pending),
    footer: { text: `Valentina user ${view.pending.id}` },
  };
}

/** The card once decided: the same facts, the decision, and no buttons. */
export function renderApprovalReceipt(view: ApprovalReceiptView): RenderedMessage {
  return { embeds: [renderApprovalReceiptEmbed(view)], components: [] };
}

/**
 * The receipt of a decision settled after a restart: the registrant may be gone from Valentina
 * (denied or merged), so it names the decision and who made it, without the registration's fields.
 */
export function renderRecoveredReceipt(card: ApprovalCard): RenderedMessage {
  const status = card.status === 'APPROVED' || card.status === 'DENIED' || card.status === 'MERGED' ? card.status : 'APPROVED';
  const line = approvalDecisionLine({ status, outcome: card.outcome ?? '', handledByDiscordId: card.handledByDiscordId ?? '' });
  return {
    embeds: [
      {
        color: status === 'DENIED' ? COLORS.neutral : COLORS.success,
        title: status === 'APPROVED' ? 'Approved' : status === 'DENIED' ? 'Denied' : 'Merged',
        description: truncate(`${line}. Valentina confirmed it after a restart; it was applied once.`, EMBED_LIMITS.description),
        footer: { text: `Valentina user ${card.userId}` },
      },
    ],
    components: [],
  };
}
