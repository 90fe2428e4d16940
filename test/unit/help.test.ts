import { describe, expect, it } from 'vitest';
import { commandMention } from '../../src/discord/command-mentions.js';
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
  const audiences: HelpAudience[] = ['everyone', 'newcomer', 'member', 'storyteller', 'admin'];
  it.each([
    [null, ['everyone', 'newcomer']],
    ['UNAPPROVED', ['everyone']],
    ['PLAYER', ['everyone', 'member']],
    ['STORYTELLER', ['everyone', 'member', 'storyteller']],
    ['ADMIN', ['everyone', 'member', 'storyteller', 'admin']],
  ] as const)('role %s may use %j', (role, allowed) => {
    expect(audiences.filter((a) => mayUse(a, { role }))).toEqual(allowed);
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
