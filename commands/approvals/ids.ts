import { z } from 'zod';
import { defineComponentId } from '../../src/discord/custom-id.js';
import type { ApprovalCardIds } from '../../src/render/approval-card.js';

/** Valentina ids: 24 hex characters in this API era; kept a little wider on purpose. */
export const apiId = z.string().regex(/^[A-Za-z0-9-]{1,36}$/);
/** Where a decision button sits: `c` on a card in the approvals channel, else the /approvals page index. */
const origin = z.union([z.literal('c'), z.string().regex(/^\d{1,4}$/)]);
const index = z.string().regex(/^\d{1,4}$/);

export const approveId = defineComponentId('approvals', 'approve', 1, z.tuple([apiId, z.enum(['PLAYER', 'STORYTELLER']), origin]));
export const denyId = defineComponentId('approvals', 'deny', 1, z.tuple([apiId, origin]));
export const mergeId = defineComponentId('approvals', 'merge', 1, z.tuple([apiId]));
export const pageId = defineComponentId('approvals', 'page', 1, z.tuple([index]));
export const mergePickId = defineComponentId('approvals', 'merge-pick', 1, z.tuple([apiId]));
export const mergeSearchId = defineComponentId('approvals', 'merge-search', 1, z.tuple([apiId]));
export const mergeFindId = defineComponentId('approvals', 'merge-find', 1, z.tuple([apiId]));
export const mergeOkId = defineComponentId('approvals', 'merge-ok', 1, z.tuple([apiId, apiId]));
export const mergeNoId = defineComponentId('approvals', 'merge-no', 1, z.tuple([]));
/** When a confirm stops working: epoch seconds in base 36 (keeps the custom_id under 100 characters). */
const expiry = z.string().regex(/^[0-9a-z]{1,8}$/);
/** The second, explicit confirm of a merge into an ADMIN user; it expires. */
export const mergeAdminId = defineComponentId('approvals', 'merge-adm', 1, z.tuple([apiId, apiId, expiry]));

export function encodeExpiry(atMs: number): string {
  return Math.ceil(atMs / 1000).toString(36);
}

export function decodeExpiry(text: string): number {
  return parseInt(text, 36) * 1000;
}

/**
 * The four decision buttons; anyone may press (the handler checks for ADMIN). With
 * `linkedUserId` (the member already acts as that user) a direct merge replaces Approve.
 */
export function cardIds(userId: string, from: string, linkedUserId?: string): ApprovalCardIds {
  return {
    approvePlayer: approveId.encode([userId, 'PLAYER', from]),
    approveStoryteller: approveId.encode([userId, 'STORYTELLER', from]),
    deny: denyId.encode([userId, from]),
    merge: mergeId.encode([userId]),
    ...(linkedUserId === undefined ? {} : { mergeInto: mergeOkId.encode([userId, linkedUserId]) }),
  };
}
