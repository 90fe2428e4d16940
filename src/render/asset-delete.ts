import { ButtonStyle, ComponentType } from 'discord-api-types/v10';
import type { Asset } from '../api/index.js';
import { renderAssetEmbed } from './asset-embed.js';
import type { AssetMessage } from './asset-page.js';
import { COLORS } from './theme.js';

/** The confirm step before an asset is hard-deleted. */
export function renderAssetDeletePrompt(asset: Asset, ids: { confirm: string; cancel: string }): AssetMessage {
  return {
    embeds: [renderAssetEmbed(asset, { title: 'Delete this asset?', footer: 'Deleting removes the file for good.', color: COLORS.warning })],
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.Button, style: ButtonStyle.Danger, custom_id: ids.confirm, label: 'Delete' },
          { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: ids.cancel, label: 'Cancel' },
        ],
      },
    ],
  };
}

/** The prompt edited into its receipt: the confirm buttons go, a way back to the list stays. */
export function renderAssetDeleted(asset: Asset, backId: string): AssetMessage {
  const name = asset.original_filename === '' ? asset.id : asset.original_filename;
  return {
    embeds: [{ color: COLORS.success, title: 'Asset deleted', description: `\`${name.replace(/`/g, "'")}\` was deleted for good.` }],
    components: [
      { type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: backId, label: 'Back to the list' }] },
    ],
  };
}
