/**
 * The baseline: a minimal discord.js bot with the bot's intents and discord.js's default caches.
 * It answers the way the bot does, at the least cost discord.js allows: autocomplete at once (no
 * choices); a command with a defer, one request to the Valentina API (the health route, at the
 * same fake latency as the bot's calls), then an edit of the reply. What it costs is what
 * discord.js itself costs; the bench divides the real bot's figures by its figures.
 */
import { Client, Events, GatewayIntentBits, type Interaction, type RepliableInteraction } from 'discord.js';

export interface BareBot {
  client: Client;
  /** Answers not yet complete (acknowledged and, for commands, edited). */
  readonly inFlight: number;
  /** Answers Discord refused (late, already acknowledged…) or API calls that failed. */
  readonly failures: number;
}

export function createBareBot(opts: { apiUrl?: string | undefined; valentinaUrl?: string | undefined; valentinaKey?: string | undefined }): BareBot {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates],
    ...(opts.apiUrl === undefined ? {} : { rest: { api: opts.apiUrl } }),
  });
  let inFlight = 0;
  let failures = 0;
  const health = opts.valentinaUrl === undefined ? undefined : new URL('/api/v1/health', opts.valentinaUrl).href;
  const headers: Record<string, string> = opts.valentinaKey === undefined ? {} : { 'X-API-KEY': opts.valentinaKey };
  const command = async (interaction: RepliableInteraction): Promise<void> => {
    await interaction.deferReply();
    let text = 'Hello from the bare bot.';
    if (health !== undefined) {
      const res = await fetch(health, { headers });
      const body = (await res.json()) as { database_status?: unknown };
      text = `Hello from the bare bot (API ${String(body.database_status)}).`;
    }
    await interaction.editReply({ content: text });
  };
  const answer = (interaction: Interaction): Promise<unknown> | undefined => {
    if (interaction.isAutocomplete()) return interaction.respond([]);
    if (interaction.isRepliable()) return command(interaction);
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
