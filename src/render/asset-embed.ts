import type { APIEmbed } from 'discord-api-types/v10';
import type { Asset } from '../api/index.js';
import { isImageAsset } from '../domain/assets.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

/** Link targets Discord accepts in an embed; anything else is shown as text only. */
function isWebUrl(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** Markdown link text must not close the link early. */
function linkText(text: string): string {
  return text.replace(/([\\[\]])/g, '\\$1');
}

/** One asset: its name linking to `public_url`, type and file type, and a preview for images. */
export function renderAssetEmbed(asset: Asset, opts: { title?: string; owner?: string; footer?: string; color?: number } = {}): APIEmbed {
  const name = asset.original_filename === '' ? asset.id : asset.original_filename;
  const web = isWebUrl(asset.public_url);
  const lines = [
    web ? `[${linkText(name)}](${asset.public_url})` : name,
    `Type: **${asset.asset_type}** · \`${asset.mime_type}\``,
  ];
  if (opts.owner !== undefined) lines.push(`Owner: ${opts.owner}`);
  const embed: APIEmbed = {
    color: opts.color ?? COLORS.info,
    title: truncate(opts.title ?? name, EMBED_LIMITS.title),
    description: truncate(lines.join('\n'), EMBED_LIMITS.description),
  };
  if (web) embed.url = asset.public_url;
  if (web && isImageAsset(asset)) embed.image = { url: asset.public_url };
  if (opts.footer !== undefined) embed.footer = { text: truncate(opts.footer, EMBED_LIMITS.footer) };
  return embed;
}
