import { companyGuard, created, noContent, ok, optionalQueryEnum, paginate, param, uaGuard } from '../context.js';
import type { RequestContext, RouteDef } from '../context.js';
import { ASSET_TYPES, assetJson } from '../models.js';
import { firstFilePart } from '../multipart.js';
import { fieldValidation, notFound } from '../problem.js';

const ASSETS = '/api/v1/companies/{company_id}/users/{user_id}/assets';

function listAssets(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const user = uaGuard(ctx, company);
  const type = optionalQueryEnum(ctx, 'asset_type', ASSET_TYPES);
  const assets = ctx.state.listAssets(user.id).filter((a) => type === undefined || a.asset_type === type);
  return paginate(ctx, assets, assetJson);
}

function uploadAsset(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const user = uaGuard(ctx, company);
  const file = firstFilePart(ctx.contentType, ctx.rawBody);
  if (!file) throw fieldValidation([{ field: 'data', message: 'Field required' }]);
  const asset = ctx.state.addAsset(user.id, { filename: file.filename, mime_type: file.contentType, bytes: Buffer.from(file.data) });
  ctx.state.touchCompany(company.id);
  return created(assetJson(asset));
}

function getAsset(ctx: RequestContext) {
  const company = companyGuard(ctx);
  const user = uaGuard(ctx, company);
  const asset = ctx.state.assets.get(param(ctx, 'asset_id'));
  if (!asset || asset.company_id !== company.id) throw notFound('S3 asset not found');
  if (asset.parent_id !== user.id) throw notFound('Asset not found');
  return ok(assetJson(asset));
}

function deleteAsset(ctx: RequestContext) {
  const company = companyGuard(ctx);
  uaGuard(ctx, company);
  const asset = ctx.state.assets.get(param(ctx, 'asset_id'));
  // The parent is not checked on delete (CONTRACT #15); assets are hard-deleted.
  if (!asset || asset.company_id !== company.id) throw notFound('S3 asset not found');
  ctx.state.assets.delete(asset.id);
  if (asset.parent_id !== null) {
    const owner = ctx.state.users.get(asset.parent_id);
    if (owner) owner.asset_ids = owner.asset_ids.filter((id) => id !== asset.id);
  }
  ctx.state.touchCompany(company.id);
  return noContent;
}

export const assetRoutes: RouteDef[] = [
  { method: 'GET', template: ASSETS, handler: listAssets, cacheable: true },
  { method: 'POST', template: `${ASSETS}/upload`, handler: uploadAsset },
  { method: 'GET', template: `${ASSETS}/{asset_id}`, handler: getAsset, cacheable: true },
  { method: 'DELETE', template: `${ASSETS}/{asset_id}`, handler: deleteAsset },
];
