import type {
  ApplicationCommandOptionChoiceData,
  AutocompleteInteraction,
  ButtonInteraction,
  ChatInputCommandInteraction,
  MessageContextMenuCommandInteraction,
  ModalSubmitInteraction,
  RESTPostAPIApplicationCommandsJSONBody,
  AnySelectMenuInteraction,
  UserContextMenuCommandInteraction,
} from 'discord.js';
import type { Logger } from '../logger.js';
import type { ComponentId, ParsedCustomId } from './custom-id.js';
import type { Deps } from '../deps.js';
import type { AckMode, Responder } from './responder.js';
import type { HelpAudience } from '../domain/help.js';

export type { HelpAudience } from '../domain/help.js';

export interface HandlerContext {
  deps: Deps;
  log: Logger;
  respond: Responder;
}

export interface SlashRoute {
  /** Acknowledge before `run` (anything that calls the API). 'none' for modals or instant answers. */
  ack: AckMode;
  run(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void>;
}

export interface AutocompleteRoute {
  run(interaction: AutocompleteInteraction, ctx: Omit<HandlerContext, 'respond'>): Promise<ApplicationCommandOptionChoiceData[]>;
}

export interface UserMenuRoute {
  ack: AckMode;
  run(interaction: UserContextMenuCommandInteraction, ctx: HandlerContext): Promise<void>;
}

export interface MessageMenuRoute {
  ack: AckMode;
  run(interaction: MessageContextMenuCommandInteraction, ctx: HandlerContext): Promise<void>;
}

export type ComponentInteraction = ButtonInteraction | AnySelectMenuInteraction | ModalSubmitInteraction;

/** A component route with its argument types erased behind `handle`, so routes fit in one list. */
export interface ComponentRoute {
  key: string;
  version: number;
  ack: AckMode;
  handle(interaction: ComponentInteraction, parsed: ParsedCustomId, ctx: HandlerContext): Promise<boolean>;
}

export function componentRoute<Args extends readonly string[]>(
  id: ComponentId<Args>,
  route: { ack: AckMode; run(interaction: ComponentInteraction, args: Args, ctx: HandlerContext): Promise<void> },
): ComponentRoute {
  return {
    key: id.key,
    version: id.version,
    ack: route.ack,
    async handle(interaction, parsed, ctx) {
      const args = id.decode(parsed);
      if (args === undefined) return false;
      await route.run(interaction, args, ctx);
      return true;
    },
  };
}

/** What `/help` says about a command beyond its definition's descriptions. */
export interface CommandHelp {
  /** Who the command is for, unless `audiences` names another for one entry. */
  audience: HelpAudience;
  /** Per slash key (`xp award`) or context-menu name. */
  audiences?: Readonly<Record<string, HelpAudience>>;
  /** One typical use, e.g. `/roll dice pool:7 difficulty:6`. */
  example: string;
}

/** The handlers of one command module: imported on its first use, not at start-up. */
export interface CommandRoutes {
  slash?: Readonly<Record<string, SlashRoute>>;
  autocomplete?: Readonly<Record<string, AutocompleteRoute>>;
  userMenus?: Readonly<Record<string, UserMenuRoute>>;
  messageMenus?: Readonly<Record<string, MessageMenuRoute>>;
  components?: readonly ComponentRoute[];
}

/**
 * One slash-command group (the folder under `commands/`). Its namespace is the command name
 * and the custom_id namespace of its components.
 * Slash keys: `name`, `name sub`, or `name group sub`. Autocomplete keys: slash key + `#option`.
 * What deploying and routing need (definitions, help) is loaded at start; the handlers come from
 * `load` on the module's first use, so a process keeps only the code of commands people run.
 */
export interface CommandModule {
  namespace: string;
  definitions: readonly RESTPostAPIApplicationCommandsJSONBody[];
  /** For `/help`; without it a command is listed for approved members with no example. */
  help?: CommandHelp;
  /** Imports the handler modules. Callers go through the router's memo (one import per module). */
  load(): Promise<CommandRoutes>;
}
