import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
  type APIEmbedField,
} from 'discord-api-types/v10';
import { COOL_POINT_XP } from '../domain/xp-policy.js';
import type { AwardEntry, AwardKind, AwardResult } from '../store/types.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

export interface AwardMessage {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
}

export const LEDGER_HINT = 'History with reasons: /xp log';

const mention = (discordId: string | null) => (discordId === null ? 'a member' : `<@${discordId}>`);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "**5 XP**", "**2 cool points** (+20 XP)". */
export function amountText(kind: AwardKind, amount: number): string {
  if (kind === 'CP_ADD') return `**${plural(amount, 'cool point', 'cool points')}** (+${amount * COOL_POINT_XP} XP)`;
  return `**${amount} XP**`;
}

export function signedAmount(kind: AwardKind, amount: number): string {
  switch (kind) {
    case 'XP_ADD':
      return `+${amount} XP`;
    case 'XP_REMOVE':
      return `−${amount} XP`;
    case 'CP_ADD':
      return `+${plural(amount, 'cool point', 'cool points')}`;
  }
}

/** The totals after an award: what the member can spend, what they ever earned, their cool points. */
export function totalsText(result: AwardResult): string {
  return `**${result.xpCurrent}** XP available · ${result.xpTotal} earned · ${plural(result.coolPoints, 'cool point', 'cool points')}`;
}

function actionText(entry: Pick<AwardEntry, 'kind' | 'amount' | 'actorDiscordId' | 'targetDiscordId'>): string {
  const who = `<@${entry.actorDiscordId}>`;
  const whom = mention(entry.targetDiscordId);
  if (entry.kind === 'XP_REMOVE') return `${who} removed ${amountText(entry.kind, entry.amount)} from ${whom}`;
  return `${who} awarded ${amountText(entry.kind, entry.amount)} to ${whom}`;
}

function colorOf(kind: AwardKind): number {
  return kind === 'XP_REMOVE' ? COLORS.warning : kind === 'CP_ADD' ? COLORS.critical : COLORS.success;
}

function baseFields(reason: string | null, campaignName: string): APIEmbedField[] {
  return [
    ...(reason === null ? [] : [{ name: 'Reason', value: truncate(reason, EMBED_LIMITS.fieldValue), inline: false }]),
    { name: 'Campaign', value: truncate(campaignName, EMBED_LIMITS.fieldValue), inline: true },
  ];
}

function buttonRow(buttons: APIButtonComponent[]): APIActionRowComponent<APIButtonComponent>[] {
  return buttons.length === 0 ? [] : [{ type: ComponentType.ActionRow, components: buttons }];
}

export interface UndoneInfo {
  byDiscordId: string;
  at: number;
  /** Totals after the undo, when known. */
  result: AwardResult | null;
}

/**
 * The public receipt of one award. `undoId` adds the Undo button; `undone` turns the receipt into
 * its undone state (no buttons).
 */
export function renderAwardReceipt(view: { entry: AwardEntry; campaignName: string; undoId?: string; undone?: UndoneInfo; note?: string }): AwardMessage {
  const { entry, undone } = view;
  const fields = baseFields(entry.reason, view.campaignName);
  if (entry.result !== null) fields.push({ name: undone ? 'Totals then' : 'New totals', value: totalsText(entry.result), inline: false });
  if (undone !== undefined) {
    const now = undone.result === null ? '' : `\nNow ${totalsText(undone.result)}`;
    const kept = entry.kind === 'CP_ADD' ? `\nOnly the ${entry.amount * COOL_POINT_XP} converted XP was removed; the cool points stay.` : '';
    fields.push({ name: 'Undone', value: `by <@${undone.byDiscordId}> <t:${Math.floor(undone.at / 1000)}:R>${kept}${now}`, inline: false });
  }
  const embed: APIEmbed = {
    color: undone ? COLORS.neutral : colorOf(entry.kind),
    title: undone ? `Undone: ${signedAmount(entry.kind, entry.amount)}` : signedAmount(entry.kind, entry.amount),
    description: `${undone ? `~~${actionText(entry)}~~` : actionText(entry)}${view.note === undefined ? '' : `\n${view.note}`}`,
    fields,
    footer: { text: LEDGER_HINT },
    timestamp: new Date(entry.createdAt).toISOString(),
  };
  const undo = view.undoId === undefined || undone !== undefined ? [] : [undoButton(view.undoId)];
  return { embeds: [embed], components: buttonRow(undo) };
}

function undoButton(customId: string): APIButtonComponent {
  return { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: customId, label: 'Undo (10 min)' };
}

const LINE_DETAIL_MAX = 120;

function sceneLine(entry: AwardEntry): string {
  const who = mention(entry.targetDiscordId);
  switch (entry.status) {
    case 'APPLIED':
      return `✅ ${who}: ${entry.result === null ? 'applied' : totalsText(entry.result)}`;
    case 'UNDONE':
      return `↩️ ${who}: undone`;
    case 'PENDING':
      return `⏳ ${who}: waiting for Valentina`;
    case 'FAILED':
      return `❌ ${who}: ${truncate(entry.error ?? 'failed', LINE_DETAIL_MAX)}`;
  }
}

export interface SceneReceiptView {
  entries: AwardEntry[];
  campaignName: string;
  /** Shown while some awards were refused by Valentina and may be sent again. */
  retryId?: string;
  /** Shown while the undo window lasts and something is applied. */
  undoId?: string;
  undone?: { byDiscordId: string; at: number };
}

/** The public receipt of a scene: one line per member with their new totals or what went wrong. */
export function renderSceneReceipt(view: SceneReceiptView): AwardMessage {
  const first = view.entries[0];
  if (first === undefined) return { embeds: [{ color: COLORS.neutral, title: 'Scene award', description: 'Nobody was awarded.' }], components: [] };
  const count = (status: AwardEntry['status']) => view.entries.filter((e) => e.status === status).length;
  const failed = count('FAILED');
  const applied = count('APPLIED');
  const waiting = count('PENDING');
  const summary = [
    `<@${first.actorDiscordId}> awarded ${amountText(first.kind, first.amount)} each to ${plural(view.entries.length, 'member', 'members')}.`,
    failed > 0 ? `**${failed} failed**; the others are applied or on their way.${view.retryId === undefined ? '' : ' Retrying only redoes the ones Valentina refused.'}` : '',
    waiting > 0
      ? `**${waiting} waiting for Valentina** to confirm. The bot keeps trying with the same request, so each can only be applied once; a receipt follows for each. Do not award them again.`
      : '',
  ].filter((l) => l !== '');
  const undone = view.undone === undefined ? [] : [{ name: 'Undone', value: `by <@${view.undone.byDiscordId}> <t:${Math.floor(view.undone.at / 1000)}:R>`, inline: false }];
  const embed: APIEmbed = {
    color: view.undone ? COLORS.neutral : failed > 0 || waiting > 0 ? COLORS.warning : colorOf(first.kind),
    title: `${view.undone ? 'Undone: scene' : 'Scene'} award, ${signedAmount(first.kind, first.amount)} each`,
    description: truncate([...summary, '', ...view.entries.map(sceneLine)].join('\n'), EMBED_LIMITS.description),
    fields: [...baseFields(first.reason, view.campaignName), ...undone],
    footer: { text: LEDGER_HINT },
    timestamp: new Date(first.createdAt).toISOString(),
  };
  const buttons: APIButtonComponent[] = [];
  const resendable = view.entries.filter((e) => e.status === 'FAILED' && e.failure === 'definite').length;
  if (view.retryId !== undefined && resendable > 0) {
    buttons.push({ type: ComponentType.Button, style: ButtonStyle.Primary, custom_id: view.retryId, label: `Retry failed (${resendable})` });
  }
  if (view.undoId !== undefined && applied > 0 && view.undone === undefined) buttons.push(undoButton(view.undoId));
  return { embeds: [embed], components: buttonRow(buttons) };
}
