import { NotFoundError, type Asset, type ValentinaClient } from '../api/index.js';
import type { MemberLink } from '../store/types.js';
import { AttachmentRefusedError, type AttachmentDownloader, type AttachmentRef } from './attachment-download.js';
import { describeError } from './describe-error.js';
import { AlreadyHandledError, InvalidInputError, NotFoundInputError, PermissionDeniedError, UserFacingError } from './errors.js';
import { isStaff, roleLabel } from './roles.js';

/** A message carries at most 10 attachments; the cap keeps one menu press bounded. */
export const MAX_ATTACHMENTS_PER_SAVE = 10;

export interface AssetDeps {
  api: ValentinaClient;
  attachments: AttachmentDownloader;
  identity: { resolve(companyId: string, discordUserId: string): Promise<MemberLink | null> };
}

/** Who is acting, as the domain needs it (no discord.js). */
export interface AssetActor {
  companyId: string;
  discordId: string;
  userId: string;
  role: string;
}

export interface AssetOwner {
  userId: string;
  discordId: string;
  self: boolean;
}

/**
 * The Valentina user whose assets a command works on: the actor, or (for storytellers and
 * admins only, when `staffOnly`) another linked, approved member.
 */
export async function resolveAssetOwner(
  deps: Pick<AssetDeps, 'identity'>,
  actor: AssetActor,
  member: { discordId: string; bot: boolean } | null,
  action: { verb: string; staffOnly: boolean },
): Promise<AssetOwner> {
  if (member === null || member.discordId === actor.discordId) return { userId: actor.userId, discordId: actor.discordId, self: true };
  if (action.staffOnly && !isStaff(actor.role)) {
    throw new PermissionDeniedError(
      `${action.verb} for another member`,
      `Only Storyteller or Admin users may; you are ${roleLabel(actor.role)}. Leave out \`member\` to use your own.`,
    );
  }
  if (member.bot) throw new InvalidInputError('Bots have no Valentina user and cannot hold assets. Pick a person.');
  const link = await deps.identity.resolve(actor.companyId, member.discordId);
  if (link === null) {
    throw new NotFoundInputError(
      `<@${member.discordId}> is not linked to a Valentina user, so they cannot hold assets. They can \`/register\`, or an admin can \`/link\` them.`,
    );
  }
  if (link.role === 'UNAPPROVED') {
    throw new InvalidInputError(`<@${member.discordId}> is still awaiting approval; assets can be saved for them once an admin approves them.`);
  }
  return { userId: link.userId, discordId: member.discordId, self: false };
}

/** Downloads one attachment under the policy and uploads it; either both happen or nothing is saved. */
export async function saveAttachment(
  deps: Pick<AssetDeps, 'api' | 'attachments'>,
  companyId: string,
  userId: string,
  att: AttachmentRef,
  idempotencyKey: string,
  actingUserId: string = userId,
): Promise<Asset> {
  const file = await deps.attachments.download(att);
  // The uploader is the invoker, not the owner: v2 checks and records the acting user (uploaded_by_id).
  return deps.api.users(companyId).uploadAsset(userId, file.filename, file.bytes, { contentType: file.contentType, idempotencyKey, actingUserId });
}

export interface SaveReport {
  saved: { filename: string; asset: Asset }[];
  refused: { filename: string; reason: string }[];
  /** Failures that were not the member's doing (API or network), for the log. */
  errors: unknown[];
}

/**
 * Saves every attachment of a message, one at a time (one file in memory at a time). Each is
 * checked and saved or refused on its own, and the report says which and why.
 */
export async function saveAttachments(
  deps: Pick<AssetDeps, 'api' | 'attachments'>,
  companyId: string,
  userId: string,
  attachments: readonly AttachmentRef[],
  keyFor: (att: AttachmentRef) => string,
  reference: string,
): Promise<SaveReport> {
  if (attachments.length === 0) throw new InvalidInputError('That message has no attachments. Use this on a message with files attached.');
  const report: SaveReport = { saved: [], refused: [], errors: [] };
  for (const [i, att] of attachments.entries()) {
    if (i >= MAX_ATTACHMENTS_PER_SAVE) {
      report.refused.push({ filename: att.filename, reason: `**${att.filename}**: at most ${MAX_ATTACHMENTS_PER_SAVE} files are saved at once.` });
      continue;
    }
    try {
      const asset = await saveAttachment(deps, companyId, userId, att, keyFor(att));
      report.saved.push({ filename: att.filename, asset });
    } catch (err) {
      if (err instanceof UserFacingError) {
        report.refused.push({ filename: att.filename, reason: err instanceof AttachmentRefusedError ? err.message : `**${att.filename}**: ${err.message}` });
      } else {
        report.refused.push({ filename: att.filename, reason: `**${att.filename}**: ${describeError(err, reference).message}` });
        report.errors.push(err);
      }
    }
  }
  return report;
}

export interface AssetPage {
  asset: Asset | null;
  /** Zero-based, clamped to the last asset (a deletion may have shortened the list). */
  index: number;
  total: number;
}

/** One asset per page: each page shows a preview and may carry a Delete button. */
export async function getAssetPage(deps: Pick<AssetDeps, 'api'>, companyId: string, userId: string, index: number): Promise<AssetPage> {
  const users = deps.api.users(companyId);
  const wanted = Math.max(0, Math.floor(index));
  const first = await users.getAssetsPage(userId, { limit: 1, offset: wanted });
  if (first.items[0] !== undefined || first.total === 0) return { asset: first.items[0] ?? null, index: first.total === 0 ? 0 : wanted, total: first.total };
  const last = first.total - 1;
  const page = await users.getAssetsPage(userId, { limit: 1, offset: last });
  return { asset: page.items[0] ?? null, index: last, total: page.total };
}

export function canDeleteAssets(actor: AssetActor, ownerUserId: string): boolean {
  return actor.userId === ownerUserId || isStaff(actor.role);
}

export function requireAssetDeleteRight(actor: AssetActor, ownerUserId: string): void {
  if (!canDeleteAssets(actor, ownerUserId)) {
    throw new PermissionDeniedError('delete this asset', `Only its owner or a Storyteller or Admin user may; you are ${roleLabel(actor.role)}.`);
  }
}

/**
 * Loads an asset of the given owner. The API's GET answers 404 when the asset's parent is not
 * that user, which is what makes the later DELETE (parent unchecked) safe.
 */
export async function getOwnedAsset(deps: Pick<AssetDeps, 'api'>, companyId: string, ownerUserId: string, assetId: string): Promise<Asset> {
  try {
    return await deps.api.users(companyId).getAsset(ownerUserId, assetId);
  } catch (err) {
    if (err instanceof NotFoundError) throw new AlreadyHandledError('That asset no longer exists; it may have been deleted already.');
    throw err;
  }
}

export async function deleteOwnedAsset(deps: Pick<AssetDeps, 'api'>, actor: AssetActor, ownerUserId: string, assetId: string): Promise<Asset> {
  requireAssetDeleteRight(actor, ownerUserId);
  const asset = await getOwnedAsset(deps, actor.companyId, ownerUserId, assetId);
  try {
    await deps.api.users(actor.companyId).deleteAsset(ownerUserId, asset.id);
  } catch (err) {
    if (err instanceof NotFoundError) throw new AlreadyHandledError('That asset was already deleted.');
    throw err;
  }
  return asset;
}

export function isImageAsset(asset: Pick<Asset, 'asset_type' | 'mime_type'>): boolean {
  return asset.asset_type === 'image' || asset.mime_type.toLowerCase().startsWith('image/');
}
