import { describe, expect, it } from 'vitest';
import { ApplicationCommandOptionType, ApplicationCommandType } from 'discord-api-types/v10';
import { commandModules } from '../../commands/index.js';
import { registryEntries } from '../../commands/help/index.js';
import { indexRoutes, type LoadedRoutes } from '../../src/discord/command-registry.js';
import type { CommandModule } from '../../src/discord/command.js';

interface Opt {
  name: string;
  description?: string;
  type: number;
  options?: Opt[];
  choices?: unknown[];
  autocomplete?: boolean;
}
interface Def {
  name: string;
  description?: string;
  type?: number;
  options?: Opt[];
}

const NAME = /^[-_\p{L}\p{N}]{1,32}$/u;
const defs = commandModules.flatMap((m) => m.definitions as readonly Def[]);

/** Every leaf path of a chat command: `name`, `name sub`, `name group sub`, with its options. */
function leaves(def: Def): Array<{ key: string; options: Opt[] }> {
  const subs = (def.options ?? []).filter((o) => o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup);
  if (subs.length === 0) return [{ key: def.name, options: def.options ?? [] }];
  return subs.flatMap((s) =>
    s.type === ApplicationCommandOptionType.SubcommandGroup
      ? (s.options ?? []).map((leaf) => ({ key: `${def.name} ${s.name} ${leaf.name}`, options: leaf.options ?? [] }))
      : [{ key: `${def.name} ${s.name}`, options: s.options ?? [] }],
  );
}

describe('command registry', () => {
  it('has unique namespaces and unique command names per type', () => {
    const namespaces = commandModules.map((m) => m.namespace);
    expect(new Set(namespaces).size).toBe(namespaces.length);
    const keys = defs.map((d) => `${d.type ?? 1}:${d.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('respects Discord limits', () => {
    const check = (o: Opt | Def, depth: number) => {
      expect(o.name.length).toBeLessThanOrEqual(32);
      if ((o as Def).type === ApplicationCommandType.ChatInput || depth > 0) {
        expect(o.name, o.name).toMatch(NAME);
        expect(o.name).toBe(o.name.toLowerCase());
        expect((o.description ?? '').length, o.name).toBeGreaterThan(0);
        expect((o.description ?? '').length, o.name).toBeLessThanOrEqual(100);
      }
      expect((o.options ?? []).length).toBeLessThanOrEqual(25);
      expect(((o as Opt).choices ?? []).length).toBeLessThanOrEqual(25);
      const required = (o.options ?? []).map((x) => (x as Opt & { required?: boolean }).required === true);
      // Required options must come first.
      expect(required.indexOf(false) === -1 || !required.slice(required.indexOf(false)).includes(true), o.name).toBe(true);
      for (const child of o.options ?? []) check(child, depth + 1);
    };
    for (const d of defs) check(d, 0);
    expect(defs.filter((d) => (d.type ?? 1) === ApplicationCommandType.ChatInput).length).toBeLessThanOrEqual(100);
  });

  /** Every module's handlers, imported and checked the way the router does on first use. */
  const loadAll = async (): Promise<Array<{ module: CommandModule; routes: LoadedRoutes }>> =>
    Promise.all(commandModules.map(async (module) => ({ module, routes: indexRoutes(module, await module.load()) })));

  it('has a handler for every subcommand, autocomplete option and context menu, and nothing stray', async () => {
    const loaded = await loadAll();
    const slash = new Set(loaded.flatMap(({ routes }) => [...routes.slash.keys()]));
    const auto = new Set(loaded.flatMap(({ routes }) => [...routes.autocomplete.keys()]));
    const userMenus = new Set(loaded.flatMap(({ routes }) => [...routes.userMenus.keys()]));
    const messageMenus = new Set(loaded.flatMap(({ routes }) => [...routes.messageMenus.keys()]));
    const expectedSlash = new Set<string>();
    const expectedAuto = new Set<string>();
    for (const d of defs) {
      if (d.type === ApplicationCommandType.User) expect(userMenus.has(d.name), d.name).toBe(true);
      else if (d.type === ApplicationCommandType.Message) expect(messageMenus.has(d.name), d.name).toBe(true);
      else
        for (const leaf of leaves(d)) {
          expectedSlash.add(leaf.key);
          for (const o of leaf.options) if (o.autocomplete === true) expectedAuto.add(`${leaf.key}#${o.name}`);
        }
    }
    expect([...slash].sort()).toEqual([...expectedSlash].sort());
    expect([...auto].sort()).toEqual([...expectedAuto].sort());
    const menuNames = (type: number) => defs.filter((d) => d.type === type).map((d) => d.name).sort();
    expect([...userMenus].sort()).toEqual(menuNames(ApplicationCommandType.User));
    expect([...messageMenus].sort()).toEqual(menuNames(ApplicationCommandType.Message));
  });

  it('tells /help who each command is for, with an example that uses it', () => {
    const entries = registryEntries(commandModules);
    for (const m of commandModules) {
      expect(m.help, m.namespace).toBeDefined();
      const own = new Set(entries.filter((e) => e.module === m).map((e) => e.key));
      for (const key of Object.keys(m.help?.audiences ?? {})) expect(own.has(key), `${m.namespace}: ${key}`).toBe(true);
      const example = m.help?.example ?? '';
      expect([...own].some((key) => example === `/${key}` || example.startsWith(`/${key} `)), `${m.namespace}: ${example}`).toBe(true);
    }
  });

  it('keeps /roll within Discord\'s limits on options and their ranges', () => {
    const roll = defs.find((d) => d.name === 'roll');
    const sub = (name: string) => (roll?.options ?? []).find((o) => o.name === name)?.options ?? [];
    const pool = sub('dice').find((o) => o.name === 'pool') as (Opt & { min_value?: number; max_value?: number }) | undefined;
    expect([pool?.min_value, pool?.max_value]).toEqual([1, 50]);
    expect(sub('traits').filter((o) => o.autocomplete === true).map((o) => o.name)).toEqual(['trait', 'character', 'trait2', 'trait3', 'trait4', 'trait5']);
  });

  it('names components after their own namespace', async () => {
    for (const { module, routes } of await loadAll()) {
      for (const key of routes.components.keys()) expect(key.split(':')[0]).toBe(module.namespace);
    }
  });
});
