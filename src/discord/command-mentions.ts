import { ApplicationCommandType, type Client } from 'discord.js';
import type { Logger } from '../logger.js';

/** How long a failed fetch keeps /help on plain names before it asks again. */
const RETRY_AFTER_MS = 60_000;

interface Entry {
  ids: Promise<Map<string, string>>;
  failedAt: number | null;
}

/**
 * The ids Discord gave the deployed chat commands, so `/help` can show clickable mentions
 * (`</roll dice:123>`). Fetched once (the global commands, and DEV_GUILD_ID's own where the deploy
 * script put them for development) and kept until the process restarts, as deployment does.
 */
export class CommandMentions {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number,
    private readonly log: Pick<Logger, 'debug'>,
    private readonly devGuildId?: string,
  ) {}

  /** Command name → id; empty when Discord could not be asked (mentions fall back to plain text). */
  async ids(client: Client, guildId: string | null): Promise<Map<string, string>> {
    const devGuild = guildId !== null && guildId === this.devGuildId;
    const [global, guild] = await Promise.all([this.load(client, 'global'), devGuild ? this.load(client, guildId) : new Map<string, string>()]);
    return new Map([...global, ...guild]);
  }

  private load(client: Client, scope: string): Promise<Map<string, string>> {
    const cached = this.entries.get(scope);
    if (cached !== undefined && (cached.failedAt === null || this.now() - cached.failedAt < RETRY_AFTER_MS)) return cached.ids;
    const entry: Entry = { ids: Promise.resolve(new Map()), failedAt: null };
    entry.ids = this.fetch(client, scope).catch((err: unknown) => {
      this.log.debug({ err, scope }, 'command ids unavailable; /help shows plain names');
      entry.failedAt = this.now();
      return new Map<string, string>();
    });
    this.entries.set(scope, entry);
    return entry.ids;
  }

  private async fetch(client: Client, scope: string): Promise<Map<string, string>> {
    if (client.application === null) throw new Error('application not ready');
    const commands = scope === 'global' ? await client.application.commands.fetch() : await client.application.commands.fetch({ guildId: scope });
    const ids = new Map<string, string>();
    for (const command of commands.values()) if (command.type === ApplicationCommandType.ChatInput) ids.set(command.name, command.id);
    return ids;
  }
}

/** `</name sub:id>`, a clickable command in Discord; plain `/name sub` when the id is unknown. */
export function commandMention(path: string, ids: ReadonlyMap<string, string>): string {
  const id = ids.get(path.split(' ')[0] ?? '');
  return id === undefined ? `\`/${path}\`` : `</${path}:${id}>`;
}
