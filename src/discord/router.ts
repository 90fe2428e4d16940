import type { AutocompleteInteraction, ChatInputCommandInteraction, Interaction } from 'discord.js';
import type { Logger } from '../logger.js';
import { ExpiredError, UserFacingError } from '../domain/errors.js';
import type { CommandModule, ComponentRoute, HandlerContext, AutocompleteRoute, SlashRoute, UserMenuRoute, MessageMenuRoute } from './command.js';
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
}

function slashKey(i: ChatInputCommandInteraction | AutocompleteInteraction): string {
  const group = i.options.getSubcommandGroup(false);
  const sub = i.options.getSubcommand(false);
  return [i.commandName, group, sub].filter((p): p is string => typeof p === 'string' && p !== '').join(' ');
}

export function createRouter(modules: readonly CommandModule[], deps: Deps): Router {
  const slash = new Map<string, SlashRoute>();
  const autocomplete = new Map<string, AutocompleteRoute>();
  const userMenus = new Map<string, UserMenuRoute>();
  const messageMenus = new Map<string, MessageMenuRoute>();
  const components = new Map<string, ComponentRoute>();
  const addUnique = <T>(map: Map<string, T>, key: string, value: T, what: string) => {
    if (map.has(key)) throw new Error(`duplicate ${what}: ${key}`);
    map.set(key, value);
  };
  for (const m of modules) {
    for (const [k, v] of Object.entries(m.slash ?? {})) addUnique(slash, k, v, 'slash route');
    for (const [k, v] of Object.entries(m.autocomplete ?? {})) addUnique(autocomplete, k, v, 'autocomplete route');
    for (const [k, v] of Object.entries(m.userMenus ?? {})) addUnique(userMenus, k, v, 'user menu');
    for (const [k, v] of Object.entries(m.messageMenus ?? {})) addUnique(messageMenus, k, v, 'message menu');
    for (const c of m.components ?? []) addUnique(components, c.key, c, 'component');
  }

  const inFlight = new Set<Promise<void>>();
  let idle: (() => void) | undefined;

  async function withAck(respond: Responder, mode: AckMode, log: Logger, work: () => Promise<void>) {
    // The safety net: whatever the handler or the API does, Discord hears from us in time.
    const timer = setTimeout(() => {
      if (!respond.acknowledged) {
        log.warn('handler slow to acknowledge; deferring');
        respond.defer(mode === 'none' ? 'ephemeral' : mode).catch((err: unknown) => log.debug({ err }, 'safety-net defer failed'));
      }
    }, SAFETY_NET_MS);
    timer.unref();
    try {
      await respond.defer(mode);
      await work();
    } finally {
      clearTimeout(timer);
    }
  }

  async function dispatch(interaction: Interaction, log: Logger, trace: Trace): Promise<void> {
    if (interaction.isAutocomplete()) {
      const key = `${slashKey(interaction)}#${interaction.options.getFocused(true).name}`;
      const route = autocomplete.get(key);
      trace.kind = 'autocomplete';
      if (route === undefined) return answerAutocompleteEmpty(interaction, log);
      trace.command = slashKey(interaction);
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), AUTOCOMPLETE_BUDGET_MS);
      });
      try {
        const choices = await Promise.race([route.run(interaction, { deps, log }), budget]);
        if (choices === 'late') {
          trace.outcome = 'error';
          log.warn({ key }, 'autocomplete too slow; answered empty');
          return answerAutocompleteEmpty(interaction, log);
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
        const route = slash.get(slashKey(interaction));
        trace.kind = 'slash';
        if (route !== undefined) trace.command = slashKey(interaction);
        if (route === undefined) throw new ExpiredError('This command is not available any more. Discord may still be showing an old version of it.');
        await withAck(respond, route.ack, log, () => route.run(interaction, ctx));
      } else if (interaction.isUserContextMenuCommand()) {
        const route = userMenus.get(interaction.commandName);
        trace.kind = 'user-menu';
        if (route !== undefined) trace.command = interaction.commandName;
        if (route === undefined) throw new ExpiredError('This menu entry is not available any more.');
        await withAck(respond, route.ack, log, () => route.run(interaction, ctx));
      } else if (interaction.isMessageContextMenuCommand()) {
        const route = messageMenus.get(interaction.commandName);
        trace.kind = 'message-menu';
        if (route !== undefined) trace.command = interaction.commandName;
        if (route === undefined) throw new ExpiredError('This menu entry is not available any more.');
        await withAck(respond, route.ack, log, () => route.run(interaction, ctx));
      } else if (interaction.isMessageComponent() || interaction.isModalSubmit()) {
        const parsed = parseCustomId(interaction.customId);
        const route = parsed === undefined ? undefined : components.get(`${parsed.namespace}:${parsed.action}`);
        trace.kind = 'component';
        if (route !== undefined) trace.command = route.key;
        if (parsed === undefined || route === undefined || route.version !== parsed.version) {
          throw new ExpiredError('This button or menu has expired. Run the command again.');
        }
        if (parsed.owner !== undefined && parsed.owner !== interaction.user.id) throw new NotYoursError();
        await withAck(respond, route.ack, log, async () => {
          const handled = await route.handle(interaction, parsed, ctx);
          if (!handled) throw new ExpiredError('This button or menu has expired. Run the command again.');
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
