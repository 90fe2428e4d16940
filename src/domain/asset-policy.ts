import type { UploadLimits } from '../api/index.js';
import type { DownloadPolicy } from './attachment-download.js';

/** The image types a server that stores images only accepts (CONTRACT-v2 §3.3), recognised by their bytes. */
export const SERVER_IMAGE_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];

/** Room left for the multipart envelope (boundary, part headers, file name) under a body cap. */
const ENVELOPE_BYTES = 16 * 1024;

/**
 * The operator's attachment policy narrowed to what the connected server stores, so a file the
 * server would refuse is refused before it is downloaded, with a reason the member can act on:
 * a v2 server keeps images only and reads at most 5 MiB per request.
 */
export function assetPolicyFor(policy: DownloadPolicy, limits: UploadLimits): DownloadPolicy {
  let narrowed: DownloadPolicy = policy;
  if (limits.imageOnly) {
    narrowed = {
      ...narrowed,
      allowedTypes: narrowed.allowedTypes.filter((t) => SERVER_IMAGE_TYPES.includes(t)),
      typesNote: 'this Valentina server stores images only',
    };
  }
  if (limits.maxBodyBytes !== null) narrowed = { ...narrowed, maxBytes: Math.min(narrowed.maxBytes, limits.maxBodyBytes - ENVELOPE_BYTES) };
  return narrowed;
}
