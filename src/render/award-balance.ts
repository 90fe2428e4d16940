import type { APIEmbed } from 'discord-api-types/v10';
import type { AwardResult } from '../store/types.js';
import { LEDGER_HINT, totalsText } from './award-receipt.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

export interface BalanceRow {
  campaignName: string;
  isDefault: boolean;
  totals: AwardResult;
}

/** `/xp show`: a member's XP and cool points per campaign. */
export function renderXpBalance(view: { memberMention: string; rows: readonly BalanceRow[]; lifetime: { xp: number; coolPoints: number } | null }): APIEmbed {
  const shown = view.rows.slice(0, EMBED_LIMITS.fields - 1);
  const fields = shown.map((r) => ({
    name: truncate(`${r.campaignName}${r.isDefault ? ' (default)' : ''}`, EMBED_LIMITS.fieldName),
    value: totalsText(r.totals),
    inline: false,
  }));
  const more = view.rows.length > shown.length ? ` · +${view.rows.length - shown.length} more campaigns` : '';
  return {
    color: COLORS.info,
    title: 'Experience',
    description: [
      view.memberMention,
      view.lifetime === null ? '' : `Lifetime: ${view.lifetime.xp} XP · ${view.lifetime.coolPoints} cool points`,
    ]
      .filter((l) => l !== '')
      .join('\n'),
    fields: fields.length > 0 ? fields : [{ name: 'Campaigns', value: 'No experience recorded yet.', inline: false }],
    footer: { text: `${LEDGER_HINT}${more}` },
  };
}
