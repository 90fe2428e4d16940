import type { APIEmbed } from 'discord-api-types/v10';
import type { AwardEntry } from '../store/types.js';
import { signedAmount, totalsText } from './award-receipt.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

export type AuditEvent = 'award' | 'scene' | 'undo' | 'retry' | 'recovered' | 'recovery-failed' | 'confirmed' | 'unconfirmed' | 'late-refused';

const TITLES: Record<AuditEvent, string> = {
  award: 'Award',
  scene: 'Scene award',
  undo: 'Award undone',
  retry: 'Scene award retried',
  recovered: 'Award finished after a restart',
  'recovery-failed': 'Award not confirmed after a restart',
  confirmed: 'Award confirmed by Valentina after a delay',
  unconfirmed: 'Award never confirmed by Valentina',
  'late-refused': 'Award refused by Valentina on a later attempt',
};

const COLOR: Record<AuditEvent, number> = {
  award: COLORS.success,
  scene: COLORS.success,
  undo: COLORS.neutral,
  retry: COLORS.success,
  recovered: COLORS.info,
  'recovery-failed': COLORS.error,
  confirmed: COLORS.info,
  unconfirmed: COLORS.error,
  'late-refused': COLORS.error,
};

function line(e: AwardEntry): string {
  const target = e.targetDiscordId === null ? `user ${e.targetUserId}` : `<@${e.targetDiscordId}>`;
  const head = `\`#${e.id}\` <@${e.actorDiscordId}> → ${target} **${signedAmount(e.kind, e.amount)}**`;
  const detail = [
    e.undoOf === null ? '' : `undo of #${e.undoOf}`,
    e.reason === null ? '' : `“${truncate(e.reason, 100)}”`,
    e.status === 'APPLIED' && e.result !== null ? totalsText(e.result) : '',
    e.status === 'FAILED' ? `failed: ${truncate(e.error ?? 'unknown', 120)}` : '',
    e.status === 'PENDING' ? 'waiting for Valentina to confirm' : '',
  ].filter((d) => d !== '');
  return detail.length === 0 ? head : `${head}\n  ${detail.join(' · ')}`;
}

/** One audit-channel post: every award of one action (a single award, a scene, an undo, a recovery). */
export function renderAwardAudit(event: AuditEvent, entries: readonly AwardEntry[], campaignName: string): APIEmbed {
  const first = entries[0];
  return {
    color: COLOR[event],
    title: TITLES[event],
    description: truncate(entries.map(line).join('\n') || 'Nothing changed.', EMBED_LIMITS.description),
    fields: [{ name: 'Campaign', value: truncate(campaignName, EMBED_LIMITS.fieldValue), inline: true }],
    ...(first === undefined ? {} : { timestamp: new Date(first.updatedAt).toISOString() }),
  };
}
