import type { User } from '../api/index.js';
import { displayName } from '../domain/members.js';
import { registrationFields, type RenderedMessage } from './approval-card.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

/**
 * A card whose decision Valentina did not confirm: no buttons (nobody should decide again) while
 * the bot reads the outcome back; it then becomes the receipt, or reopens with a note.
 */
export function renderApprovalUnsettled(pending: User, decision: string, byDiscordId: string): RenderedMessage {
  return {
    embeds: [
      {
        color: COLORS.neutral,
        title: truncate(`Checking with Valentina: ${displayName(pending)}`, EMBED_LIMITS.title),
        description: truncate(
          `<@${byDiscordId}> chose **${decision}**, and Valentina did not confirm it in time. ` +
            'The bot is checking whether it went through (this takes about 15 seconds); nobody needs to decide again. This card then shows the outcome.',
          EMBED_LIMITS.description,
        ),
        fields: registrationFields(pending),
        footer: { text: `Unsettled · Valentina user ${pending.id}` },
      },
    ],
    components: [],
  };
}
