import type { User } from '../../src/api/index.js';
import { renderApprovalCard, type RenderedMessage } from '../../src/render/approval-card.js';
import { cardIds } from './ids.js';

/** The card posted to the approvals channel (the announcer imports this when someone registers). */
export function approvalCardMessage(user: User): RenderedMessage {
  return renderApprovalCard(user, cardIds(user.id, 'c'));
}
