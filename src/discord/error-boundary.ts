import { DiscordAPIError, type AutocompleteInteraction, type Interaction } from 'discord.js';
import type { Logger } from '../logger.js';
import { describeError } from '../domain/describe-error.js';
import { renderErrorEmbed } from '../render/error-embed.js';
import type { Responder } from './responder.js';

/** Discord errors that only mean the message or interaction is gone: nothing to tell anyone. */
const SILENT_DISCORD_CODES = new Set([10003, 10008, 10062, 40060]);

/**
 * The one place where an error becomes a user-facing reply: private, no mentions, and sent
 * with reply, editReply or followUp depending on what was already sent.
 */
export async function reportError(interaction: Interaction, respond: Responder | undefined, err: unknown, log: Logger): Promise<void> {
  if (err instanceof DiscordAPIError && typeof err.code === 'number' && SILENT_DISCORD_CODES.has(err.code)) {
    log.debug({ err }, 'discord object gone');
    return;
  }
  const described = describeError(err, interaction.id);
  log[described.level]({ err }, 'interaction failed');
  if (interaction.isAutocomplete()) {
    await answerAutocompleteEmpty(interaction, log);
    return;
  }
  if (respond === undefined) return;
  try {
    await respond.whisper({ embeds: [renderErrorEmbed(described.title, described.message)] });
  } catch (replyErr) {
    log.debug({ err: replyErr }, 'could not deliver the error reply');
  }
}

export async function answerAutocompleteEmpty(interaction: AutocompleteInteraction, log: Logger): Promise<void> {
  if (interaction.responded) return;
  try {
    await interaction.respond([]);
  } catch (err) {
    log.debug({ err }, 'autocomplete could not be answered');
  }
}
