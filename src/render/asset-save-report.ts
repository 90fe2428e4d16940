import type { APIEmbed } from 'discord-api-types/v10';
import { isImageAsset, type SaveReport } from '../domain/assets.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

/** What "Save attachments as assets" did, file by file: saved with links, refused with why. */
export function renderAssetSaveReport(report: SaveReport, owner: string): APIEmbed {
  const total = report.saved.length + report.refused.length;
  const color = report.refused.length === 0 ? COLORS.success : report.saved.length === 0 ? COLORS.error : COLORS.warning;
  const title = report.saved.length === 0 ? 'Nothing was saved' : `Saved ${report.saved.length} of ${total} file${total === 1 ? '' : 's'}`;
  const parts: string[] = [`Assets of ${owner}.`];
  if (report.saved.length > 0) {
    parts.push('**Saved**', ...report.saved.map(({ filename, asset }) => `✅ [${filename.replace(/([\\[\]])/g, '\\$1')}](${asset.public_url})`));
  }
  if (report.refused.length > 0) parts.push('**Not saved**', ...report.refused.map(({ reason }) => `❌ ${reason}`));
  const embed: APIEmbed = { color, title, description: truncate(parts.join('\n'), EMBED_LIMITS.description) };
  const firstImage = report.saved.find(({ asset }) => isImageAsset(asset) && /^https?:\/\//i.test(asset.public_url));
  if (firstImage !== undefined) embed.thumbnail = { url: firstImage.asset.public_url };
  return embed;
}
