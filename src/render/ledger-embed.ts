import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord-api-types/v10';
import type { LedgerPage } from '../domain/awards/ledger.js';
import type { AwardEntry, AwardStatus } from '../store/types.js';
import { signedAmount } from './award-receipt.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

export interface LedgerView {
  page: LedgerPage;
  /** Whose ledger: a mention, or "everyone". */
  subject: string;
  /** Set when the ledger is filtered to one campaign. */
  campaignName: string | null;
  /** Campaign names for entries when the ledger spans campaigns. */
  campaignNameOf: (id: string) => string;
  /** Whether each line names its member (the ledger is not about one member). */
  showTarget: boolean;
  pageId: (page: number) => string;
}

const STATUS: Record<AwardStatus, string> = {
  APPLIED: '✅ applied',
  FAILED: '❌ failed',
  UNDONE: '↩️ undone',
  PENDING: '⏳ pending',
};

const REASON_MAX = 120;

function line(entry: AwardEntry, view: LedgerView): string {
  const parts = [`<t:${Math.floor(entry.createdAt / 1000)}:R>`, `**${signedAmount(entry.kind, entry.amount)}**`];
  if (view.showTarget) parts.push(entry.targetDiscordId === null ? 'a member' : `<@${entry.targetDiscordId}>`);
  parts.push(`by <@${entry.actorDiscordId}>`, STATUS[entry.status]);
  if (view.campaignName === null) parts.push(truncate(view.campaignNameOf(entry.campaignId), 60));
  const detail = [
    entry.undoOf === null ? '' : `undo of #${entry.undoOf}`,
    entry.reason === null ? '' : `“${truncate(entry.reason, REASON_MAX)}”`,
    entry.status === 'FAILED' && entry.error !== null ? truncate(entry.error, REASON_MAX) : '',
  ].filter((d) => d !== '');
  return `\`#${entry.id}\` ${parts.join(' · ')}${detail.length > 0 ? `\n  ${detail.join(' · ')}` : ''}`;
}

/**
 * One page of the award journal, newest first. Prev/Next appear only when there is more than one
 * page; `pageId(n)` builds the custom_id that shows page n.
 */
export function renderLedger(view: LedgerView): { embeds: APIEmbed[]; components: APIActionRowComponent<APIButtonComponent>[] } {
  const { page } = view;
  const where = view.campaignName === null ? '' : ` in ${view.campaignName}`;
  const title = truncate(`XP ledger${where}`, EMBED_LIMITS.title);
  if (page.total === 0) {
    return { embeds: [{ color: COLORS.neutral, title, description: `No awards recorded for ${view.subject} yet.` }], components: [] };
  }
  const embed: APIEmbed = {
    color: COLORS.info,
    title,
    description: truncate([`For ${view.subject}, newest first.`, '', ...page.items.map((e) => line(e, view))].join('\n'), EMBED_LIMITS.description),
    footer: { text: `${page.pages > 1 ? `Page ${page.page + 1} of ${page.pages} · ` : ''}${page.total} entr${page.total === 1 ? 'y' : 'ies'}` },
  };
  const components: APIActionRowComponent<APIButtonComponent>[] = [];
  if (page.pages > 1) {
    const last = page.pages - 1;
    components.push({
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: view.pageId(Math.max(0, page.page - 1)), label: 'Prev', disabled: page.page === 0 },
        { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: view.pageId(Math.min(last, page.page + 1)), label: 'Next', disabled: page.page >= last },
      ],
    });
  }
  return { embeds: [embed], components };
}
