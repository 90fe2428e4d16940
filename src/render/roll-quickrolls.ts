import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
} from 'discord-api-types/v10';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

export const QUICKROLL_PAGE_SIZE = 10;

export interface QuickrollLine {
  name: string;
  /** "Strength + Brawl" */
  formula: string;
  description: string | null;
}

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

export function pageCount(total: number, pageSize = QUICKROLL_PAGE_SIZE): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

/** One page of the member's quickrolls. `page` is 0-based and clamped. */
export function renderQuickrollList(lines: readonly QuickrollLine[], page: number): { embed: APIEmbed; page: number; pages: number } {
  const pages = pageCount(lines.length);
  const current = Math.min(Math.max(0, page), pages - 1);
  if (lines.length === 0) {
    return {
      page: 0,
      pages: 1,
      embed: {
        color: COLORS.neutral,
        title: 'Your quickrolls',
        description: 'You have no quickrolls yet. Save a dice pool with `/quickroll create`, then roll it with `/quickroll roll`.',
      },
    };
  }
  const slice = lines.slice(current * QUICKROLL_PAGE_SIZE, (current + 1) * QUICKROLL_PAGE_SIZE);
  const fields = slice.map((l) => ({
    name: truncate(l.name, EMBED_LIMITS.fieldName),
    value: truncate(l.description === null ? l.formula : `${l.formula}\n*${l.description}*`, EMBED_LIMITS.fieldValue),
    inline: false,
  }));
  return {
    page: current,
    pages,
    embed: {
      color: COLORS.info,
      title: 'Your quickrolls',
      fields,
      footer: { text: pages > 1 ? `Page ${current + 1} of ${pages} · ${lines.length} quickrolls` : `${lines.length} quickroll${lines.length === 1 ? '' : 's'}` },
    },
  };
}

/** Previous/next buttons, only when there is more than one page. */
export function renderPageButtons(page: number, pages: number, customIdFor: (page: number) => string): Row[] {
  if (pages <= 1) return [];
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Previous', custom_id: customIdFor(page - 1), disabled: page <= 0 },
        { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Next', custom_id: customIdFor(page + 1), disabled: page >= pages - 1 },
      ],
    },
  ];
}

export function renderQuickrollReceipt(verb: 'Created' | 'Updated', line: QuickrollLine): APIEmbed {
  return {
    color: COLORS.success,
    title: truncate(`${verb} quickroll ${line.name}`, EMBED_LIMITS.title),
    description: truncate(
      `**${line.formula}**${line.description === null ? '' : `\n*${line.description}*`}\n\nRoll it with \`/quickroll roll\`.`,
      EMBED_LIMITS.description,
    ),
  };
}

export function renderDeleteConfirm(name: string, confirmId: string, cancelId: string): { embeds: APIEmbed[]; components: Row[] } {
  return {
    embeds: [{ color: COLORS.warning, title: truncate(`Delete the quickroll ${name}?`, EMBED_LIMITS.title), description: 'This cannot be undone.' }],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Danger, label: 'Delete', custom_id: confirmId },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Cancel', custom_id: cancelId },
        ],
      },
    ],
  };
}

export function renderDeleteOutcome(name: string, outcome: 'deleted' | 'cancelled' | 'expired'): APIEmbed {
  if (outcome === 'deleted') return { color: COLORS.success, title: truncate(`Deleted the quickroll ${name}`, EMBED_LIMITS.title) };
  if (outcome === 'cancelled') return { color: COLORS.warning, title: 'Cancelled', description: truncate(`The quickroll **${name}** was kept.`, EMBED_LIMITS.description) };
  return { color: COLORS.neutral, title: 'Expired', description: truncate(`Nothing was deleted. Run \`/quickroll delete\` again to delete **${name}**.`, EMBED_LIMITS.description) };
}
