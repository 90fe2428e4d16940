import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { REST } from '@discordjs/rest';
import { Routes, type RESTPostAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { commandModules } from '../../commands/index.js';

export function allCommandDefinitions(): RESTPostAPIApplicationCommandsJSONBody[] {
  return commandModules.flatMap((m) => [...m.definitions]);
}

/** Registers every command globally, or to DEV_GUILD_ID for instant updates while developing. */
export async function deployCommands(config: Config): Promise<{ scope: string; count: number }> {
  const rest = new REST(config.discordApiUrl === undefined ? {} : { api: config.discordApiUrl }).setToken(config.discordToken);
  const body = allCommandDefinitions();
  const route =
    config.devGuildId === undefined
      ? Routes.applicationCommands(config.discordApplicationId)
      : Routes.applicationGuildCommands(config.discordApplicationId, config.devGuildId);
  await rest.put(route, { body });
  return { scope: config.devGuildId === undefined ? 'global' : `guild ${config.devGuildId}`, count: body.length };
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    const result = await deployCommands(loadConfig(process.env));
    process.stdout.write(`Registered ${result.count} commands (${result.scope}).\n`);
  } catch (err) {
    process.stderr.write(`${err instanceof ConfigError ? err.message : `Deploy failed: ${err instanceof Error ? err.message : String(err)}`}\n`);
    process.exit(1);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
