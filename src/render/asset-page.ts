import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord-api-types/v10';
import type { AssetPage } from '../domain/assets.js';
import { renderAssetEmbed } from './asset-embed.js';
import { COLORS } from './theme.js';

export type AssetMessage = { embeds: APIEmbed[]; components: APIActionRowComponent<APIButtonComponent>[] };

/**
 * One asset per page, with a preview. Prev/Next appear only when there is more than one asset;
 * Delete only when `deleteId` is given (the viewer owns the assets or is staff).
 */
export function renderAssetPage(
  page: AssetPage,
  opts: { owner: string; self: boolean; pageId: (index: number) => string; deleteId: string | null },
): AssetMessage {
  // Mentions render in descriptions only, so the owner is named there, never in a title or footer.
  if (page.asset === null) {
    const hint = opts.self ? ' Save one with `/asset upload`, or right-click a message → Apps → **Save attachments as assets**.' : '';
    return {
      embeds: [{ color: COLORS.neutral, title: opts.self ? 'Your assets' : 'Assets', description: `${opts.self ? 'You have' : `${opts.owner} has`} no assets yet.${hint}` }],
      components: [],
    };
  }
  const embed = renderAssetEmbed(page.asset, {
    footer: `${opts.self ? 'Your assets' : 'Assets'} · ${page.index + 1} of ${page.total}`,
    color: COLORS.neutral,
    ...(opts.self ? {} : { owner: opts.owner }),
  });
  const buttons: APIButtonComponent[] = [];
  if (page.total > 1) {
    const last = page.total - 1;
    buttons.push(
      { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: opts.pageId(Math.max(0, page.index - 1)), label: 'Prev', disabled: page.index === 0 },
      { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: opts.pageId(Math.min(last, page.index + 1)), label: 'Next', disabled: page.index >= last },
    );
  }
  if (opts.deleteId !== null) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Danger, custom_id: opts.deleteId, label: 'Delete' });
  return { embeds: [embed], components: buttons.length === 0 ? [] : [{ type: ComponentType.ActionRow, components: buttons }] };
}
