import { ButtonStyle, ComponentType, type APIButtonComponentWithCustomId, type APIStringSelectComponent } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { UserSchema, type User } from '../../src/api/index.js';
import { renderApprovalCard, type MessageRow } from '../../src/render/approval-card.js';
import { renderMergeConfirm, renderMergePicker } from '../../src/render/approval-merge.js';
import { renderApprovalQueue } from '../../src/render/approval-queue.js';
import { renderApprovalReceipt } from '../../src/render/approval-receipt.js';
import { cardIds } from '../../commands/approvals/ids.js';
import { parseCustomId } from '../../src/discord/custom-id.js';
import { approveId, mergeOkId } from '../../commands/approvals/ids.js';

function user(fields: Partial<Record<string, unknown>> & { id: string }): User {
  return UserSchema.parse({ username: 'nora', email: 'nora@example.com', role: 'UNAPPROVED', company_id: 'c1', name_first: 'Nora', name_last: 'Vale', ...fields });
}

function buttons(rows: MessageRow[]): APIButtonComponentWithCustomId[] {
  return rows.flatMap((r) => r.components).filter((c): c is APIButtonComponentWithCustomId => c.type === ComponentType.Button && 'custom_id' in c);
}

const pending = user({ id: 'b0000000000000000000000b', date_created: '2026-03-14T19:22:05Z', discord_profile: { id: '300000000000000001', global_name: 'Nora V' } });

describe('approval card', () => {
  it('shows names, email, username and the member as a mention, with the four decisions', () => {
    const card = renderApprovalCard(pending, cardIds(pending.id, 'c'));
    const embed = card.embeds[0];
    expect(embed?.title).toBe('Registration waiting: Nora Vale (nora)');
    const fields = Object.fromEntries((embed?.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({ Name: 'Nora Vale', Username: 'nora', Email: 'nora@example.com', 'Discord member': '<@300000000000000001> (Nora V)', Registered: '<t:1773516125:R>' });
    expect(buttons(card.components).map((b) => [b.label, b.style])).toEqual([
      ['Approve as Player', ButtonStyle.Success],
      ['Approve as Storyteller', ButtonStyle.Primary],
      ['Deny', ButtonStyle.Danger],
      ['Merge into…', ButtonStyle.Secondary],
    ]);
    const first = parseCustomId(buttons(card.components)[0]?.custom_id ?? '');
    expect(first && approveId.decode(first)).toEqual([pending.id, 'PLAYER', 'c']);
    expect(first?.owner).toBeUndefined();
  });

  it('warns and offers Merge instead of Approve when the member already acts as another user, on a card and a queue page', () => {
    const existing = user({ id: 'e0000000000000000000000e', role: 'STORYTELLER', username: 'nora-old', name_last: 'Old', discord_profile: { id: '300000000000000001' } });
    const card = renderApprovalCard(pending, cardIds(pending.id, 'c', existing.id), undefined, existing);
    expect(card.embeds[0]?.description).toContain('<@300000000000000001> is already linked to **Nora Old (nora-old)** (Storyteller)');
    expect(buttons(card.components).map((b) => b.label)).toEqual(['Merge into Nora Old (nora-old)', 'Deny', 'Merge into another…']);
    const merge = parseCustomId(buttons(card.components)[0]?.custom_id ?? '');
    expect(merge && mergeOkId.decode(merge)).toEqual([pending.id, existing.id]);
    const page = renderApprovalQueue([pending], 0, (u) => cardIds(u.id, '0', existing.id), { prev: 'p', next: 'n' }, undefined, existing);
    expect(buttons(page.components).some((b) => b.label?.startsWith('Approve'))).toBe(false);
  });

  it('says when the registrant is not on Discord', () => {
    const outside = user({ id: 'f0000000000000000000000f' });
    const fields = renderApprovalCard(outside, cardIds(outside.id, '0')).embeds[0]?.fields ?? [];
    expect(fields.find((f) => f.name === 'Discord member')?.value).toBe('Not linked (registered outside Discord)');
  });
});

describe('approval receipt', () => {
  it('keeps the facts, states the decision and removes the buttons', () => {
    const approved = renderApprovalReceipt({ status: 'APPROVED', outcome: 'PLAYER', handledByDiscordId: '200000000000000001', pending });
    expect(approved.components).toEqual([]);
    expect(approved.embeds[0]?.description).toBe('Approved as Player by <@200000000000000001>.');
    expect(approved.embeds[0]?.fields?.some((f) => f.value.includes('<@300000000000000001>'))).toBe(true);
    expect(renderApprovalReceipt({ status: 'DENIED', outcome: 'denied', handledByDiscordId: '2', pending }).embeds[0]?.description).toBe('Denied by <@2>.');
    const merged = renderApprovalReceipt({ status: 'MERGED', outcome: 'Nora Vale (nvale)', handledByDiscordId: '2', pending, warnings: ['moved'] });
    expect(merged.embeds[0]?.description).toBe('Merged into **Nora Vale (nvale)** by <@2>.\n\n⚠️ moved');
  });
});

describe('approval queue', () => {
  const ids = (u: User) => cardIds(u.id, '0');
  const pageIds = { prev: 'approvals:page:1:9:0', next: 'approvals:page:1:9:1' };
  it('shows Prev/Next only when there is more than one registration', () => {
    expect(buttons(renderApprovalQueue([pending], 0, ids, pageIds).components).map((b) => b.label)).not.toContain('Next ▶');
    const two = renderApprovalQueue([pending, user({ id: 'c0000000000000000000000c' })], 0, ids, pageIds);
    const nav = buttons(two.components).filter((b) => b.label === '◀ Prev' || b.label === 'Next ▶');
    expect(nav.map((b) => [b.label, b.disabled])).toEqual([
      ['◀ Prev', true],
      ['Next ▶', false],
    ]);
    expect(two.embeds[0]?.footer?.text).toMatch(/^Pending 1 of 2/);
  });

  it('says the queue is empty, keeping a receipt on top', () => {
    const empty = renderApprovalQueue([], 0, ids, pageIds, { title: 'Approved: Nora' });
    expect(empty.components).toEqual([]);
    expect(empty.embeds.map((e) => e.title)).toEqual(['Approved: Nora', 'Approval queue is empty']);
  });
});

describe('merge picker', () => {
  const pickerIds = { select: 'approvals:merge-pick:1:9:b', search: 'approvals:merge-search:1:9:b', cancel: 'approvals:merge-no:1:9' };
  const candidates = Array.from({ length: 25 }, (_, i) => user({ id: `e${i}`, role: 'PLAYER', username: `p${i}`, email: `p${i}@example.com` }));

  it('offers up to 25 users in a select, with a Search button when there are more', () => {
    const picker = renderMergePicker(pending, { items: candidates, total: 40 }, pickerIds);
    const select = picker.components[0]?.components[0] as APIStringSelectComponent;
    expect(select.type).toBe(ComponentType.StringSelect);
    expect(select.options).toHaveLength(25);
    expect(select.options[0]).toMatchObject({ value: 'e0', description: 'Player · p0@example.com' });
    expect(buttons(picker.components).map((b) => b.label)).toEqual(['Search', 'Cancel']);
    expect(picker.embeds[0]?.description).toMatch(/Showing 25 of 40/);
  });

  it('has no Search button when everyone fits, and no select when nothing matches', () => {
    expect(buttons(renderMergePicker(pending, { items: candidates.slice(0, 3), total: 3 }, pickerIds).components).map((b) => b.label)).toEqual(['Cancel']);
    const none = renderMergePicker(pending, { items: [], total: 0 }, pickerIds, 'zzz');
    expect(none.components.flatMap((r) => r.components).some((c) => c.type === ComponentType.StringSelect)).toBe(false);
    expect(none.embeds[0]?.description).toMatch(/No approved user matches that search/);
    expect(buttons(none.components).map((b) => b.label)).toEqual(['Search again', 'Cancel']);
  });

  it('asks for confirmation naming both users and the member who moves', () => {
    const primary = user({ id: 'e1', role: 'STORYTELLER', username: 'nvale', email: 'nv@example.com' });
    const confirm = renderMergeConfirm(pending, primary, { confirm: 'ok', cancel: 'no' });
    expect(confirm.embeds[0]?.description).toMatch(/\*\*Nora Vale \(nora\)\*\* \(nora@example.com\) will be merged into \*\*Nora Vale \(nvale\)\*\* \(Storyteller, nv@example.com\)/);
    expect(confirm.embeds[0]?.description).toMatch(/<@300000000000000001> will act as/);
    expect(buttons(confirm.components).map((b) => b.custom_id)).toEqual(['ok', 'no']);
  });
});
