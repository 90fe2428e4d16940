import type { AutocompleteInteraction, ChatInputCommandInteraction, Interaction } from 'discord.js';
import type { Logger } from '../logger.js';
import { ExpiredError, UserFacingError } from '../domain/errors.js';
import type { CommandModule, HandlerContext } from './command.js';
import { CommandRegistry, type LoadedRoutes } from './command-registry.js';
import { parseCustomId } from './custom-id.js';
import type { Deps } from '../deps.js';
import { answerAutocompleteEmpty, reportError } from './error-boundary.js';
import { Responder, type AckMode } from './responder.js';
import type { InteractionKind, InteractionOutcome } from './interaction-telemetry.js';

/** What the router learns about one interaction, for telemetry. */
interface Trace {
  command: string;
  kind: InteractionKind;
  outcome: InteractionOutcome;
  respond?: Responder;
}

/** Discord drops an unacknowledged interaction after 3 s; the safety net fires well before. */
const SAFETY_NET_MS = 2_200;
const AUTOCOMPLETE_BUDGET_MS = 2_500;

export class NotYoursError extends UserFacingError {
  constructor() {
    super('This belongs to someone else\'s command. Run the command yourself to get your own.', 'Not yours');
  }
}

export interface Router {
  handle(interaction: Interaction): Promise<void>;
  /** Resolves when every interaction in flight has finished (graceful shutdown). */
  drain(): Promise<void>;
  readonly inFlight: number;
  /** Namespaces of the command modules imported so far (each is imported on its first use). */
  loadedModules(): string[];
}

function slashKey(i: ChatInputCommandInteraction | AutocompleteInteraction): string {
  const group = i.options.getSubcommandGroup(false);
  const sub = i.options.getSubcommand(false);
  return [i.commandName, group, sub].filter((p): p is string => typeof p === 'string' && p !== '').join(' ');
}

export function createRouter(modules: readonly CommandModule[], deps: Deps): Router {
  const registry = new CommandRegistry(modules);
  const inFlight = new Set<Promise<void>>();
  let idle: (() => void) | undefined;

  /**
   * Finds the route (importing its module on first use), acknowledges as it declares, runs it.
   * The safety net covers the import too: whatever the import, the handler or the API does,
   * Discord hears from us in time.
   */
  async function withAck(respond: Responder, log: Logger, find: () => Promise<{ ack: AckMode; run: () => Promise<void> }>) {
    // Until the route is known (an import slower than the net), the net defers privately.
    let mode: AckMode = 'none';
    const timer = setTimeout(() => {
      if (!respond.acknowledged) {
        log.warn('handler slow to acknowledge; deferring');
        respond.defer(mode === 'none' ? 'ephemeral' : mode).catch((err: unknown) => log.debug({ err }, 'safety-net defer failed'));
      }
    }, SAFETY_NET_MS);
    timer.unref();
    try {
      const route = await find();
      mode = route.ack;
      await respond.defer(route.ack);
      await route.run();
    } finally {
      clearTimeout(timer);
    }
  }

  /** The routes of the module that owns a name, or nothing when no module does. */
  async function routesFor(module: CommandModule | undefined): Promise<LoadedRoutes | undefined> {
    return module === undefined ? undefined : registry.routes(module);
  }

  async function dispatch(interaction: Interaction, log: Logger, trace: Trace): Promise<void> {
    if (interaction.isAutocomplete()) {
      const key = `${slashKey(interaction)}#${interaction.options.getFocused(true).name}`;
      trace.kind = 'autocomplete';
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), AUTOCOMPLETE_BUDGET_MS);
      });
      try {
        // The budget covers the first use's import too.
        const choices = await Promise.race([
          routesFor(registry.moduleFor('chat', interaction.commandName)).then((routes) => {
            const route = routes?.autocomplete.get(key);
            if (route === undefined) return undefined;
            trace.command = slashKey(interaction);
            return route.run(interaction, { deps, log });
          }),
          budget,
        ]);
        if (choices === undefined) return await answerAutocompleteEmpty(interaction, log);
        if (choices === 'late') {
          trace.outcome = 'error';
          log.warn({ key }, 'autocomplete too slow; answered empty');
          return await answerAutocompleteEmpty(interaction, log);
        }
        if (!interaction.responded) await interaction.respond(choices.slice(0, 25));
      } catch (err) {
        trace.outcome = err instanceof UserFacingError ? 'refused' : 'error';
        await reportError(interaction, undefined, err, log);
      } finally {
        clearTimeout(timer);
      }
      return;
    }
    if (!interaction.isRepliable()) return;
    const respond = new Responder(interaction);
    trace.respond = respond;
    const ctx: HandlerContext = { deps, log, respond };
    try {
      if (interaction.isChatInputCommand()) {
        trace.kind = 'slash';
        await withAck(respond, log, async () => {
          const route = (await routesFor(registry.moduleFor('chat', interaction.commandName)))?.slash.get(slashKey(interaction));
          if (route === undefined) throw new ExpiredError('This command is not available any more. Discord may still be showing an old version of it.');
          trace.command = slashKey(interaction);
          return { ack: route.ack, run: () => route.run(interaction, ctx) };
        });
      } else if (interaction.isUserContextMenuCommand()) {
        trace.kind = 'user-menu';
        await withAck(respond, log, async () => {
          const route = (await routesFor(registry.moduleFor('user-menu', interaction.commandName)))?.userMenus.get(interaction.commandName);
          if (route === undefined) throw new ExpiredError('This menu entry is not available any more.');
          trace.command = interaction.commandName;
          return { ack: route.ack, run: () => route.run(interaction, ctx) };
        });
      } else if (interaction.isMessageContextMenuCommand()) {
        trace.kind = 'message-menu';
        await withAck(respond, log, async () => {
          const route = (await routesFor(registry.moduleFor('message-menu', interaction.commandName)))?.messageMenus.get(interaction.commandName);
          if (route === undefined) throw new ExpiredError('This menu entry is not available any more.');
          trace.command = interaction.commandName;
          return { ack: route.ack, run: () => route.run(interaction, ctx) };
        });
      } else if (interaction.isMessageComponent() || interaction.isModalSubmit()) {
        trace.kind = 'component';
        const parsed = parseCustomId(interaction.customId);
        await withAck(respond, log, async () => {
          const routes = parsed === undefined ? undefined : await routesFor(registry.moduleOfNamespace(parsed.namespace));
          const route = parsed === undefined ? undefined : routes?.components.get(`${parsed.namespace}:${parsed.action}`);
          if (route !== undefined) trace.command = route.key;
          if (parsed === undefined || route === undefined || route.version !== parsed.version) {
            throw new ExpiredError('This button or menu has expired. Run the command again.');
          }
          if (parsed.owner !== undefined && parsed.owner !== interaction.user.id) throw new NotYoursError();
          return {
            ack: route.ack,
            run: async () => {
              const handled = await route.handle(interaction, parsed, ctx);
              if (!handled) throw new ExpiredError('This button or menu has expired. Run the command again.');
            },
          };
        });
      }
    } catch (err) {
      trace.outcome = err instanceof UserFacingError ? 'refused' : 'error';
      await reportError(interaction, respond, err, log);
    }
  }

  return {
    get inFlight() {
      return inFlight.size;
    },
    loadedModules: () => registry.loaded(),
    handle(interaction) {
      const log = deps.log.child({
        interactionId: interaction.id,
        kind: interaction.type,
        command: interaction.isCommand() || interaction.isAutocomplete() ? interaction.commandName : undefined,
        customId: interaction.isMessageComponent() || interaction.isModalSubmit() ? interaction.customId : undefined,
        guildId: interaction.guildId ?? undefined,
        userId: interaction.user.id,
      });
      const started = deps.clock.now();
      const receivedAt = performance.now();
      const trace: Trace = { command: 'unknown', kind: 'component', outcome: 'ok' };
      const p = dispatch(interaction, log, trace)
        .catch((err: unknown) => {
          trace.outcome = 'error';
          log.error({ err }, 'router failure');
        })
        .finally(() => {
          inFlight.delete(p);
          log.debug({ ms: deps.clock.now() - started }, 'interaction done');
          const ackedAt = trace.respond?.acknowledgedAt;
          deps.telemetry?.interactionDone({
            command: trace.command,
            kind: trace.kind,
            outcome: trace.outcome,
            ackMs: ackedAt === undefined ? null : ackedAt - receivedAt,
            totalMs: performance.now() - receivedAt,
          });
          if (inFlight.size === 0 && idle !== undefined) idle();
        });
      inFlight.add(p);
      return p;
    },
    drain() {
      if (inFlight.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        idle = resolve;
      });
    },
  };
}
