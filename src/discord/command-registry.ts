import { ApplicationCommandType } from 'discord.js';
import type { AutocompleteRoute, CommandModule, CommandRoutes, ComponentRoute, MessageMenuRoute, SlashRoute, UserMenuRoute } from './command.js';

/** One module's handlers, indexed the way the router looks them up. */
export interface LoadedRoutes {
  slash: ReadonlyMap<string, SlashRoute>;
  autocomplete: ReadonlyMap<string, AutocompleteRoute>;
  userMenus: ReadonlyMap<string, UserMenuRoute>;
  messageMenus: ReadonlyMap<string, MessageMenuRoute>;
  /** By `namespace:action`. */
  components: ReadonlyMap<string, ComponentRoute>;
}

type Kind = 'chat' | 'user-menu' | 'message-menu';

function kindOf(type: number | undefined): Kind {
  if (type === ApplicationCommandType.User) return 'user-menu';
  if (type === ApplicationCommandType.Message) return 'message-menu';
  return 'chat';
}

/**
 * Indexes a module's routes and checks them: every key must belong to one of the module's own
 * definitions (or, for components, its namespace) and appear once. Unique names and namespaces
 * across modules are checked by the registry, so no two modules can claim one route.
 */
export function indexRoutes(module: CommandModule, routes: CommandRoutes): LoadedRoutes {
  const own = (kind: Kind) => new Set(module.definitions.filter((d) => kindOf(d.type) === kind).map((d) => d.name));
  const chat = own('chat');
  const check = <T>(what: string, entries: Iterable<[string, T]>, belongs: (key: string) => boolean): Map<string, T> => {
    const map = new Map<string, T>();
    for (const [key, route] of entries) {
      if (!belongs(key)) throw new Error(`${module.namespace}: ${what} ${key} belongs to none of its definitions`);
      if (map.has(key)) throw new Error(`${module.namespace}: duplicate ${what}: ${key}`);
      map.set(key, route);
    }
    return map;
  };
  const chatKey = (key: string) => chat.has(key.split(/[ #]/)[0] ?? '');
  const userMenus = own('user-menu');
  const messageMenus = own('message-menu');
  return {
    slash: check('slash route', Object.entries(routes.slash ?? {}), chatKey),
    autocomplete: check('autocomplete route', Object.entries(routes.autocomplete ?? {}), (k) => chatKey(k) && k.includes('#')),
    userMenus: check('user menu', Object.entries(routes.userMenus ?? {}), (k) => userMenus.has(k)),
    messageMenus: check('message menu', Object.entries(routes.messageMenus ?? {}), (k) => messageMenus.has(k)),
    components: check(
      'component',
      (routes.components ?? []).map((c): [string, ComponentRoute] => [c.key, c]),
      (k) => k.startsWith(`${module.namespace}:`),
    ),
  };
}

/**
 * Which module answers which command name, menu and custom_id namespace (known from the
 * definitions at start), and each module's routes once imported. The import happens on first
 * use and is shared by everyone asking meanwhile; a failed one is forgotten, so the next use
 * tries again instead of failing until restart.
 */
export class CommandRegistry {
  private readonly byName = new Map<string, CommandModule>();
  private readonly byNamespace = new Map<string, CommandModule>();
  private readonly loading = new Map<CommandModule, Promise<LoadedRoutes>>();

  constructor(modules: readonly CommandModule[]) {
    for (const m of modules) {
      if (this.byNamespace.has(m.namespace)) throw new Error(`duplicate namespace: ${m.namespace}`);
      this.byNamespace.set(m.namespace, m);
      for (const d of m.definitions) {
        const key = `${kindOf(d.type)}:${d.name}`;
        if (this.byName.has(key)) throw new Error(`duplicate command: ${key}`);
        this.byName.set(key, m);
      }
    }
  }

  /** The module that defines a chat command, user menu or message menu of this name. */
  moduleFor(kind: Kind, name: string): CommandModule | undefined {
    return this.byName.get(`${kind}:${name}`);
  }

  /** The module whose components use this custom_id namespace. */
  moduleOfNamespace(namespace: string): CommandModule | undefined {
    return this.byNamespace.get(namespace);
  }

  /** Namespaces of the modules whose handlers are imported or being imported. */
  loaded(): string[] {
    return [...this.loading.keys()].map((m) => m.namespace);
  }

  routes(module: CommandModule): Promise<LoadedRoutes> {
    const known = this.loading.get(module);
    if (known !== undefined) return known;
    const routes = module.load().then((r) => indexRoutes(module, r));
    this.loading.set(module, routes);
    routes.catch(() => {
      if (this.loading.get(module) === routes) this.loading.delete(module);
    });
    return routes;
  }
}
