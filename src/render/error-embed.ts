import type { APIEmbed } from 'discord-api-types/v10';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

export function renderErrorEmbed(title: string, message: string): APIEmbed {
  return {
    color: COLORS.error,
    title: truncate(title, EMBED_LIMITS.title),
    description: truncate(message, EMBED_LIMITS.description),
  };
}

export function renderNoticeEmbed(title: string, message: string, color: number = COLORS.info): APIEmbed {
  return { color, title: truncate(title, EMBED_LIMITS.title), description: truncate(message, EMBED_LIMITS.description) };
}
