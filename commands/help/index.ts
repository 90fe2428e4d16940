import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type APIApplicationCommandOption,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';
import type { CommandModule, HelpAudience } from '../../src/discord/command.js';

/** One runnable entry of the registry: a slash leaf (`roll dice`) or a context menu. */
export interface Entry {
  module: CommandModule;
  command: string;
  key: string;
  kind: 'slash' | 'user-menu' | 'message-menu';
  description: string;
  options: { name: string; description: string; required: boolean }[];
  audience: HelpAudience;
}

const isSubcommand = (o: APIApplicationCommandOption) =>
  o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup;

function optionLines(options: readonly APIApplicationCommandOption[]): Entry['options'] {
  return options.filter((o) => !isSubcommand(o)).map((o) => ({ name: o.name, description: o.description, required: 'required' in o && o.required === true }));
}

function audienceOf(module: CommandModule, key: string): HelpAudience {
  return module.help?.audiences?.[key] ?? module.help?.audience ?? 'member';
}

/** Every entry the registry deploys, in registry order: what /help lists cannot drift from what runs. */
export function registryEntries(modules: readonly CommandModule[]): Entry[] {
  const out: Entry[] = [];
  const add = (module: CommandModule, command: string, key: string, kind: Entry['kind'], description: string, options: Entry['options']) =>
    out.push({ module, command, key, kind, description, options, audience: audienceOf(module, key) });
  for (const module of modules) {
    for (const def of module.definitions as readonly RESTPostAPIApplicationCommandsJSONBody[]) {
      if (def.type === ApplicationCommandType.User) add(module, def.name, def.name, 'user-menu', 'on a member: right-click → Apps', []);
      else if (def.type === ApplicationCommandType.Message) add(module, def.name, def.name, 'message-menu', 'on a message: right-click → Apps', []);
      else {
        const options = 'options' in def ? (def.options ?? []) : [];
        const subs = options.filter(isSubcommand);
        if (subs.length === 0) add(module, def.name, def.name, 'slash', 'description' in def ? (def.description ?? '') : '', optionLines(options));
        for (const sub of subs) {
          if (sub.type === ApplicationCommandOptionType.SubcommandGroup) {
            for (const leaf of sub.options ?? []) add(module, def.name, `${def.name} ${sub.name} ${leaf.name}`, 'slash', leaf.description, optionLines(leaf.options ?? []));
          } else if (sub.type === ApplicationCommandOptionType.Subcommand) {
            add(module, def.name, `${def.name} ${sub.name}`, 'slash', sub.description, optionLines(sub.options ?? []));
          }
        }
      }
    }
  }
  return out;
}

/** `/help [command]`, built from the registry it is given (the one the router and deploy script use). */
export function helpCommand(registry: () => readonly CommandModule[]): CommandModule {
  const definitions = [
    {
      name: 'help',
      description: 'What you can do with this bot, or how one command works',
      type: ApplicationCommandType.ChatInput,
      dm_permission: false,
      options: [{ name: 'command', description: 'A command to explain, with an example', type: ApplicationCommandOptionType.String, autocomplete: true, max_length: 64 }],
    },
  ] as const satisfies readonly RESTPostAPIApplicationCommandsJSONBody[];

  return {
    namespace: 'help',
    definitions,
    help: { audience: 'everyone', example: '/help command:roll' },
    load: async () => (await import('./routes.js')).helpRoutes(registry),
  };
}
