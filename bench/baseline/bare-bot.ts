/**
 * The baseline: a minimal discord.js bot with the bot's intents and discord.js's default caches,
 * answering every interaction at once with a static message (autocomplete: no choices). What it
 * costs is what discord.js itself costs; the bench divides the real bot's figures by its figures.
 */
import { Client, Events, GatewayIntentBits, type Interaction } from 'discord.js';

export interface BareBot {
  client: Client;
  /** Answers not yet acknowledged by Discord. */
  readonly inFlight: number;
  /** Answers Discord refused (late, already acknowledged…). */
  readonly failures: number;
}

export function createBareBot(opts: { apiUrl?: string | undefined }): BareBot {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    ...(opts.apiUrl === undefined ? {} : { rest: { api: opts.apiUrl } }),
  });
  let inFlight = 0;
  let failures = 0;
  const answer = (interaction: Interaction): Promise<unknown> | undefined => {
    if (interaction.isAutocomplete()) return interaction.respond([]);
    if (interaction.isRepliable()) return interaction.reply({ content: 'Hello from the bare bot.' });
    return undefined;
  };
  client.on(Events.InteractionCreate, (interaction) => {
    const pending = answer(interaction);
    if (pending === undefined) return;
    inFlight += 1;
    pending
      .catch(() => {
        failures += 1;
      })
      .finally(() => {
        inFlight -= 1;
      });
  });
  return {
    client,
    get inFlight() {
      return inFlight;
    },
    get failures() {
      return failures;
    },
  };
}
