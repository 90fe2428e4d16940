import { createRequire } from 'node:module';
import type { GlobalFonts } from '@napi-rs/canvas';

/** The family charts draw with: DejaVu Sans from the `dejavu-fonts-ttf` package, so text looks the same on every host. */
export const CHART_FONT = 'ValentinaChartSans';

const FILES = ['dejavu-fonts-ttf/ttf/DejaVuSans.ttf', 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'] as const;

/**
 * Registers the chart font with the canvas library once per process. The library keeps fonts
 * in its own global registry, so asking it (rather than a flag of ours) keeps this idempotent.
 * A machine without system fonts would otherwise draw no text at all.
 */
export function ensureChartFonts(fonts: Pick<typeof GlobalFonts, 'has' | 'registerFromPath'>): void {
  if (fonts.has(CHART_FONT)) return;
  const require = createRequire(import.meta.url);
  for (const file of FILES) {
    const registered = fonts.registerFromPath(require.resolve(file), CHART_FONT);
    if (registered === null) throw new Error(`could not register chart font ${file}`);
  }
}
