import type { APIEmbed } from 'discord-api-types/v10';
import { COLORS } from './theme.js';

export interface LedgerExportView {
  kind: 'csv' | 'csv.gz';
  rows: number;
  csvBytes: number;
  fileBytes: number;
  maxBytes: number;
  /** "everyone in this server", "you", or a mention. */
  subject: string;
  campaignName: string | null;
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

/** The private note that comes with the exported file. */
export function renderLedgerExport(view: LedgerExportView): APIEmbed {
  const scope = `${view.subject}${view.campaignName === null ? ', every campaign' : `, campaign **${view.campaignName}**`}`;
  const lines = [
    `**${view.rows.toLocaleString('en-US')}** ledger ${view.rows === 1 ? 'entry' : 'entries'} for ${scope}, oldest first.`,
    'Dates are UTC (ISO 8601). Failed and undone entries are included: filter on the **status** column. Text cells that start with `=`, `+`, `-` or `@` carry a leading `\'` so spreadsheets never run them as formulas.',
  ];
  if (view.kind === 'csv.gz') {
    lines.push(
      `The CSV is ${formatMegabytes(view.csvBytes)}, over the ${formatMegabytes(view.maxBytes)} Discord accepts here, so it is gzipped (${formatMegabytes(view.fileBytes)}). Double-click it on macOS, or open it with 7-Zip on Windows; or run the export again for one \`member\` or \`campaign\`.`,
    );
  }
  return { color: COLORS.info, title: 'XP ledger export', description: lines.join('\n\n') };
}

/** When nothing matches: no file, a sentence instead. */
export function renderEmptyLedgerExport(subject: string, campaignName: string | null): APIEmbed {
  return {
    color: COLORS.neutral,
    title: 'XP ledger export',
    description: `The ledger has no entries for ${subject}${campaignName === null ? '' : ` in **${campaignName}**`} yet, so there is nothing to export.`,
  };
}
