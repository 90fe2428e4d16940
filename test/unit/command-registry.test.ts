import { describe, expect, it } from 'vitest';
import { ApplicationCommandType } from 'discord-api-types/v10';
import { CommandRegistry, indexRoutes } from '../../src/discord/command-registry.js';
import type { CommandModule, CommandRoutes, ComponentRoute, SlashRoute } from '../../src/discord/command.js';

const run = async () => {};
const slashRoute: SlashRoute = { ack: 'ephemeral', run };
const component = (key: string): ComponentRoute => ({ key, version: 1, ack: 'update', handle: async () => true });

/** A module whose `load` is counted and answered by the test. */
function moduleWith(load: () => Promise<CommandRoutes>, namespace = 'demo'): CommandModule & { loads: number } {
  const module = {
    namespace,
    definitions: [
      { name: namespace, description: 'Demo', type: ApplicationCommandType.ChatInput },
      { name: 'Demo menu', type: ApplicationCommandType.User },
    ] as const satisfies CommandModule['definitions'],
    loads: 0,
    load() {
      module.loads += 1;
      return load();
    },
  };
  return module;
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('command registry', () => {
  it('finds the module of a command name, menu and custom_id namespace without importing it', () => {
    const demo = moduleWith(async () => ({}));
    const registry = new CommandRegistry([demo]);
    expect(registry.moduleFor('chat', 'demo')).toBe(demo);
    expect(registry.moduleFor('user-menu', 'Demo menu')).toBe(demo);
    expect(registry.moduleFor('chat', 'Demo menu')).toBeUndefined();
    expect(registry.moduleOfNamespace('demo')).toBe(demo);
    expect(registry.moduleOfNamespace('other')).toBeUndefined();
    expect(demo.loads).toBe(0);
    expect(registry.loaded()).toEqual([]);
  });

  it('imports a module once when its first uses arrive together', async () => {
    const gate = deferred<CommandRoutes>();
    const demo = moduleWith(() => gate.promise);
    const registry = new CommandRegistry([demo]);
    const uses = [registry.routes(demo), registry.routes(demo), registry.routes(demo)];
    expect(registry.loaded()).toEqual(['demo']);
    gate.resolve({ slash: { demo: slashRoute } });
    const [first, ...rest] = await Promise.all(uses);
    for (const r of rest) expect(r).toBe(first);
    expect(first?.slash.get('demo')).toBe(slashRoute);
    await registry.routes(demo);
    expect(demo.loads).toBe(1);
  });

  it('tries the import again on the next use after it failed, and shares the failure meanwhile', async () => {
    const attempts = [deferred<CommandRoutes>(), deferred<CommandRoutes>()];
    const demo = moduleWith(() => attempts[demo.loads - 1]?.promise ?? Promise.reject(new Error('unexpected import')));
    const registry = new CommandRegistry([demo]);
    const a = registry.routes(demo);
    const b = registry.routes(demo);
    attempts[0]?.reject(new Error('disk hiccup'));
    await expect(a).rejects.toThrow('disk hiccup');
    await expect(b).rejects.toThrow('disk hiccup');
    expect(demo.loads).toBe(1);
    expect(registry.loaded()).toEqual([]);

    const c = registry.routes(demo);
    attempts[1]?.resolve({ components: [component('demo:go')] });
    expect((await c).components.has('demo:go')).toBe(true);
    expect(demo.loads).toBe(2);
    await registry.routes(demo);
    expect(demo.loads).toBe(2);
  });

  it('refuses duplicate namespaces and command names across modules', () => {
    expect(() => new CommandRegistry([moduleWith(async () => ({})), moduleWith(async () => ({}))])).toThrow('duplicate namespace: demo');
    const other = moduleWith(async () => ({}), 'other');
    const clash: CommandModule = { ...other, definitions: [{ name: 'demo', description: 'Same name', type: ApplicationCommandType.ChatInput }] };
    expect(() => new CommandRegistry([moduleWith(async () => ({})), clash])).toThrow('duplicate command: chat:demo');
  });

  it('refuses, when a module loads, duplicate components and routes outside its own definitions', () => {
    const demo = moduleWith(async () => ({}));
    expect(() => indexRoutes(demo, { components: [component('demo:go'), component('demo:go')] })).toThrow('duplicate component: demo:go');
    expect(() => indexRoutes(demo, { components: [component('other:go')] })).toThrow('component other:go belongs to none');
    expect(() => indexRoutes(demo, { slash: { 'other sub': slashRoute } })).toThrow('slash route other sub belongs to none');
    expect(() => indexRoutes(demo, { autocomplete: { 'demo#x': { run: async () => [] }, demo: { run: async () => [] } } })).toThrow('autocomplete route demo belongs to none');
    expect(() => indexRoutes(demo, { userMenus: { 'Other menu': { ack: 'none', run } } })).toThrow('user menu Other menu belongs to none');
    expect(indexRoutes(demo, { slash: { 'demo sub': slashRoute }, userMenus: { 'Demo menu': { ack: 'none', run } } }).userMenus.size).toBe(1);
  });
});
