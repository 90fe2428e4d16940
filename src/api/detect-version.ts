import { ApiVersionError } from './errors.js';
import { V1_MARCH_2026, V2_JULY_2026, type WireProfile } from './wire.js';

/** `VALENTINA_API_VERSION`: detect from the server, or force a generation. */
export type ApiVersionSetting = 'auto' | 'v1' | 'v2';

/**
 * The wire profile for a server version read from `GET /api/v1/health` (CONTRACT-v2 §9):
 * 0.8.x–0.9.x speak v1, 0.15.0 and later speak v2. 0.10–0.14 were transitional (UUIDs with
 * `requesting_user_id`) and match neither contract; they, a missing version and anything
 * unreadable throw ApiVersionError, which names the setting that forces a profile.
 */
export function profileForServerVersion(version: string | undefined): WireProfile {
  const m = version === undefined ? null : /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(version.trim());
  if (m === null) throw new ApiVersionError(version);
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major === 0 && (minor === 8 || minor === 9)) return V1_MARCH_2026;
  if (major > 0 || minor >= 15) return V2_JULY_2026;
  throw new ApiVersionError(version);
}
