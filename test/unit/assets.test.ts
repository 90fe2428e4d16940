import { describe, expect, it } from 'vitest';
import { NotFoundError, ServerError, type Asset, type UsersService, type ValentinaClient } from '../../src/api/index.js';
import {
  canDeleteAssets,
  deleteOwnedAsset,
  getAssetPage,
  resolveAssetOwner,
  saveAttachment,
  saveAttachments,
  type AssetActor,
} from '../../src/domain/assets.js';
import { AttachmentDownloader, type AttachmentRef, type DownloadFetch } from '../../src/domain/attachment-download.js';
import { AlreadyHandledError, InvalidInputError, NotFoundInputError, PermissionDeniedError } from '../../src/domain/errors.js';
import type { MemberLink } from '../../src/store/types.js';

const COMPANY = 'c0000000000000000000000a';
const PLAYER: AssetActor = { companyId: COMPANY, discordId: '100000000000000001', userId: 'a0000000000000000000000a', role: 'PLAYER' };
const ST: AssetActor = { companyId: COMPANY, discordId: '100000000000000002', userId: 'a0000000000000000000000b', role: 'STORYTELLER' };

function asset(id: string, over: Partial<Asset> = {}): Asset {
  return {
    id,
    asset_type: 'image',
    mime_type: 'image/png',
    original_filename: `${id}.png`,
    parent_type: 'user',
    parent_id: PLAYER.userId,
    uploaded_by: PLAYER.userId,
    public_url: `https://cdn.example/${id}.png`,
    ...over,
  };
}

/** An assets API in memory: records uploads, GET scoped to the parent, DELETE unscoped (as the API). */
function fakeAssetsApi(seed: Asset[] = [], opts: { failUpload?: (filename: string) => Error | undefined } = {}) {
  const assets = [...seed];
  const uploads: { userId: string; filename: string; bytes: number; contentType: string | undefined; key: string | undefined }[] = [];
  let next = 1;
  const notFound = () => new NotFoundError({ status: 404, title: 'Not Found', method: 'GET', path: '/assets', detail: 'Asset not found' });
  const users: Partial<UsersService> = {
    async uploadAsset(userId, filename, content, options = {}) {
      const failure = opts.failUpload?.(filename);
      if (failure !== undefined) throw failure;
      const bytes = content instanceof Uint8Array ? content.byteLength : content.size;
      uploads.push({ userId, filename, bytes, contentType: options.contentType, key: options.idempotencyKey });
      const created = asset(`e${String(next++).padStart(23, '0')}`, { original_filename: filename, mime_type: options.contentType ?? 'application/octet-stream', parent_id: userId });
      assets.push(created);
      return created;
    },
    async getAssetsPage(userId, options = {}) {
      const mine = assets.filter((a) => a.parent_id === userId);
      const offset = options.offset ?? 0;
      const limit = options.limit ?? 10;
      return { items: mine.slice(offset, offset + limit), total: mine.length, limit, offset };
    },
    async getAsset(userId, assetId) {
      const found = assets.find((a) => a.id === assetId);
      if (found === undefined || found.parent_id !== userId) throw notFound();
      return found;
    },
    async deleteAsset(_userId, assetId) {
      const i = assets.findIndex((a) => a.id === assetId);
      if (i < 0) throw notFound();
      assets.splice(i, 1);
    },
  };
  return { api: { users: () => users } as unknown as ValentinaClient, uploads, assets };
}

function identity(links: MemberLink[]) {
  return {
    async resolve(companyId: string, discordUserId: string) {
      return links.find((l) => l.companyId === companyId && l.discordUserId === discordUserId) ?? null;
    },
  };
}

const OTHER_LINK: MemberLink = { companyId: COMPANY, discordUserId: '100000000000000003', userId: 'a0000000000000000000000c', role: 'PLAYER', resolvedAt: 0 };
const PENDING_LINK: MemberLink = { companyId: COMPANY, discordUserId: '100000000000000004', userId: 'a0000000000000000000000d', role: 'UNAPPROVED', resolvedAt: 0 };

function ref(over: Partial<AttachmentRef> = {}): AttachmentRef {
  return { id: '900', filename: 'portrait.png', url: 'https://cdn.discordapp.com/attachments/1/900/portrait.png', size: 4, contentType: 'image/png', ...over };
}

/** A downloader whose CDN serves `bodies[filename]` (or `size` bytes) and counts requests. */
function downloader(bodies: Record<string, Uint8Array> = {}, maxBytes = 1_000) {
  const requested: string[] = [];
  const fetch: DownloadFetch = async (url) => {
    requested.push(url);
    const name = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
    return new Response(new Blob([bodies[name] ?? new Uint8Array([1, 2, 3, 4])]), { status: 200 });
  };
  return {
    attachments: new AttachmentDownloader({ maxBytes, allowedTypes: ['image/png', 'text/plain'], allowedHosts: ['cdn.discordapp.com'] }, { fetch }),
    requested,
  };
}

describe('resolveAssetOwner', () => {
  const deps = { identity: identity([OTHER_LINK, PENDING_LINK]) };

  it('is the actor when no member (or the actor) is named', async () => {
    expect(await resolveAssetOwner(deps, PLAYER, null, { verb: 'upload assets', staffOnly: true })).toEqual({ userId: PLAYER.userId, discordId: PLAYER.discordId, self: true });
    expect((await resolveAssetOwner(deps, PLAYER, { discordId: PLAYER.discordId, bot: false }, { verb: 'upload assets', staffOnly: true })).self).toBe(true);
  });

  it('lets a player name another member only where staffOnly is off', async () => {
    await expect(resolveAssetOwner(deps, PLAYER, { discordId: OTHER_LINK.discordUserId, bot: false }, { verb: 'upload assets', staffOnly: true })).rejects.toThrow(PermissionDeniedError);
    await expect(resolveAssetOwner(deps, PLAYER, { discordId: OTHER_LINK.discordUserId, bot: false }, { verb: 'upload assets', staffOnly: true })).rejects.toThrow(/Storyteller or Admin.*you are Player/);
    expect((await resolveAssetOwner(deps, PLAYER, { discordId: OTHER_LINK.discordUserId, bot: false }, { verb: 'list assets', staffOnly: false })).userId).toBe(OTHER_LINK.userId);
  });

  it('lets a storyteller name another linked member', async () => {
    expect(await resolveAssetOwner(deps, ST, { discordId: OTHER_LINK.discordUserId, bot: false }, { verb: 'upload assets', staffOnly: true })).toEqual({
      userId: OTHER_LINK.userId,
      discordId: OTHER_LINK.discordUserId,
      self: false,
    });
  });

  it('refuses a member who is not linked, a pending member, and bots, clearly', async () => {
    await expect(resolveAssetOwner(deps, ST, { discordId: '100000000000000099', bot: false }, { verb: 'upload assets', staffOnly: true })).rejects.toThrow(NotFoundInputError);
    await expect(resolveAssetOwner(deps, ST, { discordId: '100000000000000099', bot: false }, { verb: 'upload assets', staffOnly: true })).rejects.toThrow(/<@100000000000000099> is not linked.*\/register.*\/link/);
    await expect(resolveAssetOwner(deps, ST, { discordId: PENDING_LINK.discordUserId, bot: false }, { verb: 'upload assets', staffOnly: true })).rejects.toThrow(/awaiting approval/);
    await expect(resolveAssetOwner(deps, ST, { discordId: '100000000000000098', bot: true }, { verb: 'upload assets', staffOnly: true })).rejects.toThrow(InvalidInputError);
  });
});

describe('saveAttachment', () => {
  it('downloads then uploads with the checked content type and the idempotency key', async () => {
    const { api, uploads } = fakeAssetsApi();
    const { attachments } = downloader();
    const saved = await saveAttachment({ api, attachments }, COMPANY, PLAYER.userId, ref(), 'i1:asset-upload');
    expect(saved.original_filename).toBe('portrait.png');
    expect(uploads).toEqual([{ userId: PLAYER.userId, filename: 'portrait.png', bytes: 4, contentType: 'image/png', key: 'i1:asset-upload' }]);
  });

  it('uploads nothing when the download is refused', async () => {
    const { api, uploads } = fakeAssetsApi();
    const { attachments, requested } = downloader({ 'big.png': new Uint8Array(5_000) });
    await expect(saveAttachment({ api, attachments }, COMPANY, PLAYER.userId, ref({ filename: 'big.png', url: 'https://cdn.discordapp.com/a/big.png', size: 10 }), 'k')).rejects.toThrow(
      /turned out larger than 1 KB/,
    );
    expect(requested).toHaveLength(1);
    expect(uploads).toEqual([]);
  });
});

describe('saveAttachments', () => {
  it('saves what passes and reports each refusal with its reason', async () => {
    const { api, uploads } = fakeAssetsApi();
    const { attachments, requested } = downloader({ 'liar.png': new Uint8Array(2_000) });
    const files = [
      ref({ id: '1', filename: 'ok.png', url: 'https://cdn.discordapp.com/a/ok.png' }),
      ref({ id: '2', filename: 'huge.png', url: 'https://cdn.discordapp.com/a/huge.png', size: 50_000 }),
      ref({ id: '3', filename: 'tool.exe', url: 'https://cdn.discordapp.com/a/tool.exe', contentType: 'application/x-msdownload' }),
      ref({ id: '4', filename: 'liar.png', url: 'https://cdn.discordapp.com/a/liar.png', size: 10 }),
      ref({ id: '5', filename: 'notes.txt', url: 'https://cdn.discordapp.com/a/notes.txt', contentType: 'text/plain' }),
    ];
    const report = await saveAttachments({ api, attachments }, COMPANY, PLAYER.userId, files, (f) => `i9:asset-save:${f.id}`, 'i9');
    expect(report.saved.map((s) => s.filename)).toEqual(['ok.png', 'notes.txt']);
    expect(report.refused.map((r) => r.filename)).toEqual(['huge.png', 'tool.exe', 'liar.png']);
    expect(report.refused[0]?.reason).toContain('50 KB; the largest file allowed is 1 KB');
    expect(report.refused[1]?.reason).toContain('not allowed');
    expect(report.refused[2]?.reason).toContain('turned out larger');
    expect(report.errors).toEqual([]);
    // Refused by their declared metadata: never requested.
    expect(requested.map((u) => u.split('/').pop())).toEqual(['ok.png', 'liar.png', 'notes.txt']);
    expect(uploads.map((u) => u.key)).toEqual(['i9:asset-save:1', 'i9:asset-save:5']);
  });

  it('reports an API failure for one file and still saves the others', async () => {
    const { api, uploads } = fakeAssetsApi([], {
      failUpload: (name) => (name === 'b.png' ? new ServerError({ status: 500, title: 'Internal Server Error', method: 'POST', path: '/upload' }) : undefined),
    });
    const { attachments } = downloader();
    const report = await saveAttachments(
      { api, attachments },
      COMPANY,
      PLAYER.userId,
      [ref({ id: '1', filename: 'a.png', url: 'https://cdn.discordapp.com/x/a.png' }), ref({ id: '2', filename: 'b.png', url: 'https://cdn.discordapp.com/x/b.png' })],
      (f) => f.id,
      'ref42',
    );
    expect(report.saved.map((s) => s.filename)).toEqual(['a.png']);
    expect(report.refused[0]?.reason).toMatch(/^\*\*b\.png\*\*: The Valentina API did not answer properly.*ref `ref42`/);
    expect(report.errors).toHaveLength(1);
    expect(uploads).toHaveLength(1);
  });

  it('refuses a message without attachments', async () => {
    const { api } = fakeAssetsApi();
    await expect(saveAttachments({ api, attachments: downloader().attachments }, COMPANY, PLAYER.userId, [], (f) => f.id, 'r')).rejects.toThrow(/no attachments/);
  });

  it('saves at most ten and says so for the rest', async () => {
    const { api, uploads } = fakeAssetsApi();
    const files = Array.from({ length: 11 }, (_, i) => ref({ id: String(i), filename: `f${i}.png`, url: `https://cdn.discordapp.com/x/f${i}.png` }));
    const report = await saveAttachments({ api, attachments: downloader().attachments }, COMPANY, PLAYER.userId, files, (f) => f.id, 'r');
    expect(uploads).toHaveLength(10);
    expect(report.refused).toEqual([{ filename: 'f10.png', reason: '**f10.png**: at most 10 files are saved at once.' }]);
  });
});

describe('asset pages and deletion', () => {
  const seed = [asset('e00000000000000000000001'), asset('e00000000000000000000002'), asset('e00000000000000000000003', { parent_id: OTHER_LINK.userId })];

  it('pages one asset at a time and clamps past the end', async () => {
    const { api } = fakeAssetsApi(seed);
    expect(await getAssetPage({ api }, COMPANY, PLAYER.userId, 1)).toMatchObject({ index: 1, total: 2, asset: { id: 'e00000000000000000000002' } });
    expect(await getAssetPage({ api }, COMPANY, PLAYER.userId, 7)).toMatchObject({ index: 1, total: 2, asset: { id: 'e00000000000000000000002' } });
    expect(await getAssetPage({ api }, COMPANY, 'a00000000000000000000099', 3)).toEqual({ asset: null, index: 0, total: 0 });
  });

  it('lets the owner and staff delete, nobody else', async () => {
    expect(canDeleteAssets(PLAYER, PLAYER.userId)).toBe(true);
    expect(canDeleteAssets(ST, PLAYER.userId)).toBe(true);
    expect(canDeleteAssets(PLAYER, OTHER_LINK.userId)).toBe(false);
    const { api, assets } = fakeAssetsApi(seed);
    await expect(deleteOwnedAsset({ api }, PLAYER, OTHER_LINK.userId, 'e00000000000000000000003')).rejects.toThrow(PermissionDeniedError);
    expect(assets).toHaveLength(3);
  });

  it("refuses an asset id that is not the named owner's (the API's DELETE does not check)", async () => {
    const { api, assets } = fakeAssetsApi(seed);
    await expect(deleteOwnedAsset({ api }, PLAYER, PLAYER.userId, 'e00000000000000000000003')).rejects.toThrow(AlreadyHandledError);
    expect(assets).toHaveLength(3);
  });

  it('deletes once; the second press is already handled', async () => {
    const { api, assets } = fakeAssetsApi(seed);
    expect((await deleteOwnedAsset({ api }, ST, PLAYER.userId, 'e00000000000000000000001')).id).toBe('e00000000000000000000001');
    expect(assets.map((a) => a.id)).toEqual(['e00000000000000000000002', 'e00000000000000000000003']);
    await expect(deleteOwnedAsset({ api }, ST, PLAYER.userId, 'e00000000000000000000001')).rejects.toThrow('no longer exists');
  });
});
