import { ButtonStyle, ComponentType, type APIEmbed } from 'discord-api-types/v10';
import type { User } from '../api/index.js';
import { renderApprovalCard, type ApprovalCardIds, type MessageRow, type RenderedMessage } from './approval-card.js';
import { COLORS } from './theme.js';

export interface QueuePageIds {
  prev: string;
  next: string;
}

/**
 * One pending registration per page of /approvals, with the card's buttons. Prev/Next appear
 * only when there is more than one page. `notice` (a receipt) sits above the card.
 */
export function renderApprovalQueue(
  pending: readonly User[],
  index: number,
  ids: (user: User) => ApprovalCardIds,
  pageIds: QueuePageIds,
  notice?: APIEmbed,
  /** The approved user the current registration's member already acts as (see renderApprovalCard). */
  linkedTo?: User | null,
): RenderedMessage {
  const head = notice === undefined ? [] : [notice];
  const current = pending[index];
  if (current === undefined) {
    return {
      embeds: [
        ...head,
        {
          color: COLORS.success,
          title: 'Approval queue is empty',
          description: 'No one is waiting for approval. New registrations appear here and, when an approvals channel is set, as cards there.',
        },
      ],
      components: [],
    };
  }
  const card = renderApprovalCard(current, ids(current), `Pending ${index + 1} of ${pending.length} · Valentina user ${current.id}`, linkedTo);
  const rows: MessageRow[] = [...card.components];
  if (pending.length > 1) {
    rows.push({
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, style: ButtonStyle.Secondary, label: '◀ Prev', custom_id: pageIds.prev, disabled: index === 0 },
        { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Next ▶', custom_id: pageIds.next, disabled: index >= pending.length - 1 },
      ],
    });
  }
  return { embeds: [...head, ...card.embeds], components: rows };
}
