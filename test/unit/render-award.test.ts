import { describe, expect, it } from 'vitest';
import type { APIEmbed } from 'discord-api-types/v10';
import type { SceneDraft } from '../../src/domain/awards/scene.js';
import { renderAwardAudit } from '../../src/render/award-audit.js';
import { renderXpBalance } from '../../src/render/award-balance.js';
import { renderAwardReceipt, renderSceneReceipt } from '../../src/render/award-receipt.js';
import { renderScenePicker, renderScenePreview } from '../../src/render/award-scene.js';
import { renderLedger } from '../../src/render/ledger-embed.js';
import { EMBED_LIMITS } from '../../src/render/theme.js';
import type { AwardEntry } from '../../src/store/types.js';

function entry(over: Partial<AwardEntry> = {}): AwardEntry {
  return {
    id: 7,
    key: 'i:award',
    guildId: 'g',
    companyId: 'c',
    campaignId: 'camp',
    batchId: null,
    actorUserId: 'st',
    actorDiscordId: '100000000000000001',
    targetUserId: 'p',
    targetDiscordId: '100000000000000002',
    kind: 'XP_ADD',
    amount: 5,
    reason: 'Saved the prince',
    status: 'APPLIED',
    result: { xpCurrent: 25, xpTotal: 35, coolPoints: 2 },
    error: null,
    failure: null,
    undoOf: null,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_500,
    ...over,
  };
}

function text(embed: APIEmbed | undefined): string {
  if (embed === undefined) return '';
  return [embed.title, embed.description, ...(embed.fields ?? []).map((f) => `${f.name}\n${f.value}`), embed.footer?.text].filter(Boolean).join('\n');
}

/** Every Discord embed limit, and the 6000-character total. */
function expectWithinLimits(embed: APIEmbed | undefined): void {
  expect(embed).toBeDefined();
  if (embed === undefined) return;
  expect((embed.title ?? '').length).toBeLessThanOrEqual(EMBED_LIMITS.title);
  expect((embed.description ?? '').length).toBeLessThanOrEqual(EMBED_LIMITS.description);
  expect((embed.fields ?? []).length).toBeLessThanOrEqual(EMBED_LIMITS.fields);
  for (const f of embed.fields ?? []) {
    expect(f.name.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldName);
    expect(f.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
    expect(f.value.length).toBeGreaterThan(0);
  }
  expect(text(embed).length).toBeLessThanOrEqual(6000);
}

describe('renderAwardReceipt', () => {
  it('says who awarded whom, how much, why, where, and the new totals, with Undo and a ledger hint', () => {
    const message = renderAwardReceipt({ entry: entry(), campaignName: 'Blood and Smoke', undoId: 'xp:undo:1:_:7' });
    const t = text(message.embeds[0]);
    expect(message.embeds[0]?.title).toBe('+5 XP');
    expect(t).toContain('<@100000000000000001> awarded **5 XP** to <@100000000000000002>');
    expect(t).toContain('Saved the prince');
    expect(t).toContain('Blood and Smoke');
    expect(t).toContain('**25** XP available · 35 earned · 2 cool points');
    expect(t).toContain('/xp log');
    expect(message.components[0]?.components[0]).toMatchObject({ custom_id: 'xp:undo:1:_:7', label: 'Undo (10 min)' });
  });

  it('words removals and cool points', () => {
    expect(text(renderAwardReceipt({ entry: entry({ kind: 'XP_REMOVE', amount: 3 }), campaignName: 'C' }).embeds[0])).toContain('removed **3 XP** from');
    const cp = text(renderAwardReceipt({ entry: entry({ kind: 'CP_ADD', amount: 1 }), campaignName: 'C' }).embeds[0]);
    expect(cp).toContain('**1 cool point** (+10 XP)');
  });

  it('shows the undone state without buttons', () => {
    const message = renderAwardReceipt({
      entry: entry({ kind: 'CP_ADD', amount: 2, status: 'UNDONE' }),
      campaignName: 'C',
      undoId: 'xp:undo:1:_:7',
      undone: { byDiscordId: '100000000000000009', at: 1_700_000_100_000, result: { xpCurrent: 5, xpTotal: 35, coolPoints: 2 } },
    });
    const t = text(message.embeds[0]);
    expect(message.embeds[0]?.title).toBe('Undone: +2 cool points');
    expect(t).toContain('by <@100000000000000009> <t:1700000100:R>');
    expect(t).toContain('Only the 20 converted XP was removed; the cool points stay.');
    expect(t).toContain('Now **5** XP available');
    expect(message.components).toEqual([]);
  });

  it('stays within embed limits with a maximal reason', () => {
    expectWithinLimits(renderAwardReceipt({ entry: entry({ reason: 'x'.repeat(5_000) }), campaignName: 'y'.repeat(2_000) }).embeds[0]);
  });
});

describe('renderSceneReceipt', () => {
  const members = (n: number, over: (i: number) => Partial<AwardEntry> = () => ({})) =>
    Array.from({ length: n }, (_, i) => entry({ id: i + 1, targetDiscordId: `2000000000000000${String(i).padStart(2, '0')}`, batchId: 'b', ...over(i) }));

  it('lists each member with new totals, failures with reasons, and offers Retry and Undo', () => {
    const entries = members(3, (i) => (i === 1 ? { status: 'FAILED', result: null, error: 'The Valentina API did not answer properly.', failure: 'definite' } : {}));
    const message = renderSceneReceipt({ entries, campaignName: 'Camp', retryId: 'xp:scene-retry:1:9:b', undoId: 'xp:undo-scene:1:_:b' });
    const t = text(message.embeds[0]);
    expect(t).toContain('awarded **5 XP** each to 3 members');
    expect(t).toContain('**1 failed**');
    expect(t).toContain('✅ <@200000000000000000>: **25** XP available');
    expect(t).toContain('❌ <@200000000000000001>: The Valentina API did not answer properly.');
    expect(message.components[0]?.components.map((c) => ('label' in c ? c.label : ''))).toEqual(['Retry failed (1)', 'Undo (10 min)']);
  });

  it('drops Retry when nothing failed', () => {
    const message = renderSceneReceipt({ entries: members(2), campaignName: 'Camp', retryId: 'r', undoId: 'u' });
    expect(message.components[0]?.components.map((c) => ('label' in c ? c.label : ''))).toEqual(['Undo (10 min)']);
  });

  it('stays within limits for 25 members that all failed with long reasons', () => {
    const entries = members(25, () => ({ status: 'FAILED', result: null, error: 'e'.repeat(1_000), reason: 'r'.repeat(500) }));
    expectWithinLimits(renderSceneReceipt({ entries, campaignName: 'Camp', retryId: 'r' }).embeds[0]);
  });
});

describe('scene picker and preview', () => {
  const draft: SceneDraft = {
    id: '555',
    ownerDiscordId: '1',
    kind: 'XP_ADD',
    amount: 2,
    reason: null,
    companyId: 'c',
    campaignId: 'camp',
    campaignName: 'Camp',
    rule: { policy: 'STORYTELLER_ONLY', companyRule: null },
    targets: [{ discordId: '300000000000000001', userId: 'u1' }],
    problems: [
      { discordId: '300000000000000002', problem: 'not-linked' },
      { discordId: '300000000000000003', problem: 'bot' },
    ],
  };
  const ids = { select: 'xp:scene-pick:1:1:555', confirm: 'xp:scene-ok:1:1:555', cancel: 'xp:scene-cancel:1:1:555' };

  it('offers a user select of up to 25 and Cancel', () => {
    const message = renderScenePicker({ ...draft, targets: [], problems: [] }, ids);
    expect(message.components[0]?.components[0]).toMatchObject({ custom_id: ids.select, max_values: 25, default_values: [] });
    expect(message.components[1]?.components.map((c) => ('custom_id' in c ? c.custom_id : ''))).toEqual([ids.cancel]);
  });

  it('previews who will be awarded and the problems, keeping the selection', () => {
    const message = renderScenePreview(draft, ids);
    const t = text(message.embeds[0]);
    expect(t).toContain('Will award (1)');
    expect(t).toContain('<@300000000000000002> is not linked');
    expect(t).toContain('<@300000000000000003> is a bot');
    expect(message.components[0]?.components[0]).toMatchObject({
      default_values: [
        { id: '300000000000000001', type: 'user' },
        { id: '300000000000000002', type: 'user' },
        { id: '300000000000000003', type: 'user' },
      ],
    });
    expect(message.components[1]?.components.map((c) => ('label' in c ? c.label : ''))).toEqual(['Confirm (1)', 'Cancel']);
  });

  it('offers no Confirm when nobody can be awarded', () => {
    const message = renderScenePreview({ ...draft, targets: [] }, ids);
    expect(message.components[1]?.components.map((c) => ('label' in c ? c.label : ''))).toEqual(['Cancel']);
  });
});

describe('renderLedger', () => {
  const page = (n: number, total: number, pageNo = 0) => ({
    items: Array.from({ length: n }, (_, i) => entry({ id: i + 1, reason: 'r'.repeat(1_000), status: i % 4 === 0 ? 'FAILED' : 'APPLIED', error: i % 4 === 0 ? 'x'.repeat(500) : null })),
    total,
    page: pageNo,
    pages: Math.max(1, Math.ceil(total / 10)),
  });
  const view = (p: ReturnType<typeof page>) => ({
    page: p,
    subject: 'everyone in this server',
    campaignName: null,
    campaignNameOf: () => 'Camp',
    showTarget: true,
    pageId: (n: number) => `xp:log:1:9:${n}:-:-`,
  });

  it('shows date, kind, amount, member, awarder, status and reason', () => {
    const t = text(renderLedger(view(page(1, 1))).embeds[0]);
    expect(t).toContain('<t:1700000000:R>');
    expect(t).toContain('**+5 XP**');
    expect(t).toContain('by <@100000000000000001>');
    expect(t).toContain('❌ failed');
    expect(t).toContain('Camp');
  });

  it('has page buttons only with more than one page', () => {
    expect(renderLedger(view(page(3, 3))).components).toEqual([]);
    const first = renderLedger(view(page(10, 25)));
    expect(first.components[0]?.components).toMatchObject([
      { custom_id: 'xp:log:1:9:0:-:-', disabled: true },
      { custom_id: 'xp:log:1:9:1:-:-', disabled: false },
    ]);
    expect(first.embeds[0]?.footer?.text).toBe('Page 1 of 3 · 25 entries');
  });

  it('stays within limits with long reasons and errors', () => {
    expectWithinLimits(renderLedger(view(page(10, 40, 1))).embeds[0]);
  });

  it('says so when empty', () => {
    expect(text(renderLedger(view(page(0, 0))).embeds[0])).toContain('No awards recorded');
  });
});

describe('audit and balance', () => {
  it('posts one line per award with totals or failure', () => {
    const embed = renderAwardAudit('scene', [entry(), entry({ id: 8, status: 'FAILED', result: null, error: 'boom' })], 'Camp');
    const t = text(embed);
    expect(embed.title).toBe('Scene award');
    expect(t).toContain('`#7` <@100000000000000001> → <@100000000000000002> **+5 XP**');
    expect(t).toContain('failed: boom');
    expectWithinLimits(renderAwardAudit('scene', Array.from({ length: 25 }, (_, i) => entry({ id: i, reason: 'z'.repeat(900) })), 'Camp'));
  });

  it('shows a balance per campaign, default marked', () => {
    const embed = renderXpBalance({
      memberMention: '<@1>',
      rows: [{ campaignName: 'Camp', isDefault: true, totals: { xpCurrent: 1, xpTotal: 2, coolPoints: 0 } }],
      lifetime: { xp: 2, coolPoints: 0 },
    });
    expect(text(embed)).toContain('Camp (default)');
    expect(text(embed)).toContain('**1** XP available · 2 earned · 0 cool points');
    const many = renderXpBalance({ memberMention: '<@1>', rows: Array.from({ length: 40 }, () => ({ campaignName: 'c', isDefault: false, totals: { xpCurrent: 1, xpTotal: 1, coolPoints: 1 } })), lifetime: null });
    expectWithinLimits(many);
    expect(many.footer?.text).toContain('+16 more campaigns');
  });
});
