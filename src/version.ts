import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'valentina-discord-bot';

/**
 * The bot's package.json version. Walks up from this module, because it sits at different
 * depths under tsx (`src/`) and in the built image (`dist/src/`).
 */
export function readBotVersion(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (let i = 0; i < 5; i++) {
    try {
      const parsed: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      if (typeof parsed === 'object' && parsed !== null && 'name' in parsed && parsed.name === PACKAGE_NAME && 'version' in parsed && typeof parsed.version === 'string') {
        return parsed.version;
      }
    } catch {
      // No package.json at this level: keep walking up.
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
