import { describe, expect, it } from 'vitest';
import type { Client } from 'discord.js';
import { CommandMentions, commandMention } from '../../src/discord/command-mentions.js';
import { mayUse, type HelpAudience } from '../../src/domain/help.js';
import { renderHelpOverview } from '../../src/render/help-embed.js';

describe('command mentions', () => {
  it('is clickable with a deployed id, plain text without one', () => {
    const ids = new Map([['roll', '123']]);
    expect(commandMention('roll dice', ids)).toBe('</roll dice:123>');
    expect(commandMention('help', ids)).toBe('`/help`');
  });
});

describe('help audiences', () => {
  const audiences: HelpAudience[] = ['everyone', 'newcomer', 'member', 'storyteller', 'awarder', 'admin'];
  it.each([
    [null, false, ['everyone', 'newcomer']],
    ['UNAPPROVED', true, ['everyone']],
    ['PLAYER', false, ['everyone', 'member']],
    ['PLAYER', true, ['everyone', 'member', 'awarder']],
    ['STORYTELLER', true, ['everyone', 'member', 'storyteller', 'awarder']],
    ['ADMIN', true, ['everyone', 'member', 'storyteller', 'awarder', 'admin']],
  ] as const)('role %s (may award: %s) may use %j', (role, mayAward, allowed) => {
    expect(audiences.filter((a) => mayUse(a, { role, mayAward }))).toEqual(allowed);
  });
});

describe('help overview', () => {
  it('stays within embed limits however many commands there are', () => {
    const sections = Array.from({ length: 40 }, (_, i) => ({ name: `/cmd${i}`, lines: Array.from({ length: 30 }, (_, j) => ({ use: `</cmd${i} sub${j}:1>`, description: 'x'.repeat(90) })) }));
    const embed = renderHelpOverview({ intro: 'hi', sections, footer: 'f' });
    expect(embed.fields?.length).toBeLessThanOrEqual(25);
    const total = (embed.title ?? '').length + (embed.description ?? '').length + (embed.footer?.text.length ?? 0) + (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(6000);
    expect(embed.fields?.length).toBeGreaterThan(0);
    for (const f of embed.fields ?? []) expect(f.value.length).toBeLessThanOrEqual(1024);
  });
});

describe('CommandMentions', () => {
  /** A client whose application commands are these, per scope; counts the fetches. */
  function fakeClient(scopes: Record<string, Array<{ id: string; name: string; type: number }>>, calls: string[], fail = false) {
    const fetch = async (opts?: { guildId?: string }) => {
      const scope = opts?.guildId ?? 'global';
      calls.push(scope);
      if (fail) throw new Error('discord down');
      return new Map((scopes[scope] ?? []).map((c) => [c.id, c]));
    };
    return { application: { commands: { fetch } } } as unknown as Client;
  }

  it('fetches the global commands once, and the development guild\'s only there', async () => {
    const calls: string[] = [];
    const client = fakeClient({ global: [{ id: '1', name: 'roll', type: 1 }, { id: '2', name: 'Award XP', type: 2 }], '77': [{ id: '9', name: 'help', type: 1 }] }, calls);
    const mentions = new CommandMentions(() => 0, { debug() {} }, '77');
    expect([...(await mentions.ids(client, '55'))]).toEqual([['roll', '1']]);
    expect([...(await mentions.ids(client, '77'))]).toEqual([['roll', '1'], ['help', '9']]);
    await mentions.ids(client, '77');
    expect(calls).toEqual(['global', '77']);
  });

  it('falls back to plain names when Discord cannot be asked, and asks again a minute later', async () => {
    const calls: string[] = [];
    let now = 0;
    const mentions = new CommandMentions(() => now, { debug() {} });
    const client = fakeClient({}, calls, true);
    expect((await mentions.ids(client, null)).size).toBe(0);
    await mentions.ids(client, null);
    expect(calls).toEqual(['global']);
    now = 61_000;
    await mentions.ids(client, null);
    expect(calls).toEqual(['global', 'global']);
  });
});
