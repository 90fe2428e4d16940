import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord-api-types/v10';
import type { AwardEntry } from '../store/types.js';
import { amountText } from './award-receipt.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

export interface NoticeMessage {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent>[];
}

const whom = (entry: Pick<AwardEntry, 'targetDiscordId'>) => (entry.targetDiscordId === null ? 'the member' : `<@${entry.targetDiscordId}>`);

function verb(entry: Pick<AwardEntry, 'kind'>): string {
  return entry.kind === 'XP_REMOVE' ? 'removal of' : 'award of';
}

/**
 * Private answer when Valentina did not confirm an award (timeout, reset, 5xx). It must not read
 * as an error: a storyteller who awards again would double it.
 */
export function renderUnconfirmedNotice(entry: AwardEntry, campaignName: string): NoticeMessage {
  return {
    embeds: [
      {
        color: COLORS.warning,
        title: 'Not confirmed yet: no need to award again',
        description: truncate(
          `Valentina did not confirm the ${verb(entry)} ${amountText(entry.kind, entry.amount)} for ${whom(entry)} in **${campaignName}** yet.\n\n` +
            'The bot keeps trying with the same request, so it can only be applied once. The receipt will be posted in this channel as soon as Valentina confirms it. ' +
            '**Please do not award it again.**',
          EMBED_LIMITS.description,
        ),
        footer: { text: `Journal entry #${entry.id}` },
      },
    ],
    components: [],
  };
}

/** Private answer for an award refused for now (rate limited), with an owner-only Retry button. */
export function renderRetryableFailure(title: string, message: string, retryId: string): NoticeMessage {
  return {
    embeds: [{ color: COLORS.error, title: truncate(title, EMBED_LIMITS.title), description: truncate(message, EMBED_LIMITS.description) }],
    components: [{ type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Primary, custom_id: retryId, label: 'Retry' }] }],
  };
}

/** Public note in the channel where an award was asked, when Valentina never confirmed it. */
export function renderLateFailure(entry: AwardEntry, campaignName: string): NoticeMessage {
  return {
    embeds: [
      {
        color: COLORS.error,
        title: 'Award not confirmed',
        description: truncate(
          `<@${entry.actorDiscordId}>'s ${verb(entry)} ${amountText(entry.kind, entry.amount)} for ${whom(entry)} in **${campaignName}**: ${entry.error ?? 'Valentina did not confirm it.'}`,
          EMBED_LIMITS.description,
        ),
        footer: { text: `Journal entry #${entry.id}` },
      },
    ],
    components: [],
  };
}

/** A private flow's closing state (the Retry message after a retry). */
export function renderAwardNotice(title: string, description: string, color: number = COLORS.neutral): NoticeMessage {
  return { embeds: [{ color, title: truncate(title, EMBED_LIMITS.title), description: truncate(description, EMBED_LIMITS.description) }], components: [] };
}
