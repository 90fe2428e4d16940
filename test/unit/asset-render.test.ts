import { ButtonStyle } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import type { Asset } from '../../src/api/index.js';
import { renderAssetDeleted, renderAssetDeletePrompt } from '../../src/render/asset-delete.js';
import { renderAssetEmbed } from '../../src/render/asset-embed.js';
import { renderAssetPage } from '../../src/render/asset-page.js';
import { renderAssetSaveReport } from '../../src/render/asset-save-report.js';
import { COLORS } from '../../src/render/theme.js';

function asset(over: Partial<Asset> = {}): Asset {
  return {
    id: 'e00000000000000000000001',
    asset_type: 'image',
    mime_type: 'image/png',
    original_filename: 'portrait [v2].png',
    parent_type: 'user',
    parent_id: 'a0000000000000000000000a',
    uploaded_by: 'a0000000000000000000000a',
    public_url: 'https://d1.cloudfront.net/e1/portrait.png',
    ...over,
  };
}

const pageId = (i: number) => `asset:page:1:42:a0000000000000000000000a:${i}`;

describe('renderAssetEmbed', () => {
  it('links public_url and previews images', () => {
    const embed = renderAssetEmbed(asset());
    expect(embed.url).toBe('https://d1.cloudfront.net/e1/portrait.png');
    expect(embed.image).toEqual({ url: 'https://d1.cloudfront.net/e1/portrait.png' });
    expect(embed.description).toContain('[portrait \\[v2\\].png](https://d1.cloudfront.net/e1/portrait.png)');
    expect(embed.description).toContain('Type: **image** · `image/png`');
  });

  it('has no image preview for other files', () => {
    const embed = renderAssetEmbed(asset({ asset_type: 'document', mime_type: 'application/pdf', original_filename: 'handout.pdf' }));
    expect(embed.image).toBeUndefined();
    expect(embed.url).toBe('https://d1.cloudfront.net/e1/portrait.png');
  });

  it('names another owner in the description, where mentions render', () => {
    expect(renderAssetEmbed(asset(), { owner: '<@123>' }).description).toContain('Owner: <@123>');
  });
});

describe('renderAssetPage', () => {
  it('shows no page buttons for a single asset, and Delete when allowed', () => {
    const msg = renderAssetPage({ asset: asset(), index: 0, total: 1 }, { owner: 'you', self: true, pageId, deleteId: 'asset:delete:1:42:x' });
    expect(msg.components[0]?.components.map((b) => ('label' in b ? b.label : ''))).toEqual(['Delete']);
    expect(msg.embeds[0]?.footer?.text).toBe('Your assets · 1 of 1');
  });

  it('shows Prev/Next with more than one asset and no Delete for a viewer who may not', () => {
    const msg = renderAssetPage({ asset: asset(), index: 2, total: 3 }, { owner: '<@7>', self: false, pageId, deleteId: null });
    const buttons = msg.components[0]?.components ?? [];
    expect(buttons.map((b) => ('label' in b ? b.label : ''))).toEqual(['Prev', 'Next']);
    expect(buttons.map((b) => ('custom_id' in b ? b.custom_id : ''))).toEqual([pageId(1), pageId(2)]);
    expect(buttons.map((b) => b.disabled)).toEqual([false, true]);
    expect(msg.embeds[0]?.description).toContain('Owner: <@7>');
  });

  it('has a friendly empty state with no buttons', () => {
    const mine = renderAssetPage({ asset: null, index: 0, total: 0 }, { owner: 'you', self: true, pageId, deleteId: null });
    expect(mine.embeds[0]?.description).toContain('/asset upload');
    expect(mine.components).toEqual([]);
    const theirs = renderAssetPage({ asset: null, index: 0, total: 0 }, { owner: '<@7>', self: false, pageId, deleteId: null });
    expect(theirs.embeds[0]?.description).toBe('<@7> has no assets yet.');
  });
});

describe('asset delete prompt and receipt', () => {
  it('asks first, then keeps only a way back', () => {
    const prompt = renderAssetDeletePrompt(asset(), { confirm: 'c', cancel: 'x' });
    expect(prompt.embeds[0]?.title).toBe('Delete this asset?');
    expect(prompt.components[0]?.components.map((b) => ('style' in b ? b.style : 0))).toEqual([ButtonStyle.Danger, ButtonStyle.Secondary]);
    const done = renderAssetDeleted(asset(), pageId(0));
    expect(done.embeds[0]?.description).toBe('`portrait [v2].png` was deleted for good.');
    expect(done.components[0]?.components.map((b) => ('label' in b ? b.label : ''))).toEqual(['Back to the list']);
  });
});

describe('renderAssetSaveReport', () => {
  it('lists saved files with links and refused files with reasons', () => {
    const embed = renderAssetSaveReport(
      { saved: [{ filename: 'a.png', asset: asset() }], refused: [{ filename: 'b.exe', reason: '**b.exe** is `application/x-msdownload`, which is not allowed.' }], errors: [] },
      '<@1>',
    );
    expect(embed.title).toBe('Saved 1 of 2 files');
    expect(embed.color).toBe(COLORS.warning);
    expect(embed.description).toBe(
      'Assets of <@1>.\n**Saved**\n✅ [a.png](https://d1.cloudfront.net/e1/portrait.png)\n**Not saved**\n❌ **b.exe** is `application/x-msdownload`, which is not allowed.',
    );
    expect(embed.thumbnail).toEqual({ url: 'https://d1.cloudfront.net/e1/portrait.png' });
  });

  it('is red when nothing was saved and green when everything was', () => {
    expect(renderAssetSaveReport({ saved: [], refused: [{ filename: 'x', reason: 'r' }], errors: [] }, '<@1>')).toMatchObject({ title: 'Nothing was saved', color: COLORS.error });
    expect(renderAssetSaveReport({ saved: [{ filename: 'a.png', asset: asset() }], refused: [], errors: [] }, '<@1>')).toMatchObject({ title: 'Saved 1 of 1 file', color: COLORS.success });
  });
});
