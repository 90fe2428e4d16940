import { ComponentType, type APIButtonComponentWithCustomId } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { UserSchema, type User } from '../../src/api/index.js';
import { pageOf } from '../../src/domain/user-admin.js';
import type { MessageRow } from '../../src/render/approval-card.js';
import { renderDeletePrompt, renderDeleted } from '../../src/render/user-delete.js';
import { renderUserInfo } from '../../src/render/user-info.js';
import { renderUserList } from '../../src/render/user-list.js';

function user(fields: Partial<Record<string, unknown>> & { id: string }): User {
  return UserSchema.parse({ username: 'ann', email: 'ann@example.com', role: 'PLAYER', company_id: 'c1', name_first: 'Ann', name_last: 'Lee', ...fields });
}

function buttons(rows: MessageRow[]): APIButtonComponentWithCustomId[] {
  return rows.flatMap((r) => r.components).filter((c): c is APIButtonComponentWithCustomId => c.type === ComponentType.Button && 'custom_id' in c);
}

const ids = { prev: 'user:page:1:9:0:ALL', next: 'user:page:1:9:1:ALL' };

describe('user list', () => {
  it('lists one line per user with role, email and Discord mention', () => {
    const list = renderUserList(pageOf([user({ id: 'u1', discord_profile: { id: '300000000000000001' } }), user({ id: 'u2', role: 'ADMIN', username: 'bo', name_first: null, name_last: null, email: null })], 0), null, ids);
    expect(list.embeds[0]?.description).toBe('**Ann Lee (ann)** · Player · ann@example.com · <@300000000000000001>\n**bo** · Admin · no email');
    expect(list.components).toEqual([]);
    expect(list.embeds[0]?.footer?.text).toMatch(/^Page 1 of 1 · 2 users/);
  });

  it('adds Prev/Next only with more than one page', () => {
    const many = Array.from({ length: 11 }, (_, i) => user({ id: `u${i}` }));
    const last = renderUserList(pageOf(many, 1), 'PLAYER', ids);
    expect(buttons(last.components).map((b) => [b.label, b.disabled])).toEqual([
      ['◀ Prev', false],
      ['Next ▶', true],
    ]);
    expect(last.embeds[0]?.title).toBe('Users: Player');
  });

  it('says when a role has nobody', () => {
    expect(renderUserList(pageOf([], 0), 'STORYTELLER', ids).embeds[0]?.description).toBe('No user has the role Storyteller.');
  });
});

describe('user info', () => {
  it('shows role, contact, Discord link and XP per campaign, with a note on top after a change', () => {
    const u = user({ id: 'u1', discord_profile: { id: '300000000000000001', username: 'ann' }, campaign_experience: [{ campaign_id: 'k1', xp_current: 5, xp_total: 12, cool_points: 1 }] });
    const embed = renderUserInfo(u, (id) => (id === 'k1' ? 'Chicago' : '?'), { title: 'Updated', text: '• role: Player → Storyteller' });
    expect(embed.title).toBe('Updated: Ann Lee (ann)');
    expect(embed.description).toBe('• role: Player → Storyteller');
    const fields = Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields).toMatchObject({ Role: 'Player', Email: 'ann@example.com', Discord: '<@300000000000000001> (ann)', Campaigns: 'Chicago: **5** XP available · 12 earned · 1 CP' });
    expect(renderUserInfo(user({ id: 'u2' }), () => '?').fields?.find((f) => f.name === 'Discord')?.value).toBe('Not linked');
  });
});

describe('delete prompt', () => {
  it('asks someone else\'s deletion with Delete/Cancel', () => {
    const prompt = renderDeletePrompt(user({ id: 'u1' }), false, { confirm: 'ok', cancel: 'no' });
    expect(buttons(prompt.components).map((b) => [b.label, b.custom_id])).toEqual([
      ['Delete', 'ok'],
      ['Cancel', 'no'],
    ]);
  });

  it('warns clearly when it is your own user and asks for the username', () => {
    const prompt = renderDeletePrompt(user({ id: 'u1' }), true, { confirm: 'self', cancel: 'no' });
    expect(prompt.embeds[0]?.title).toBe('Delete your own user?');
    expect(prompt.embeds[0]?.description).toMatch(/type your username `ann`/);
    expect(buttons(prompt.components)[0]?.label).toBe('Delete myself…');
  });

  it('turns into a receipt without buttons', () => {
    const done = renderDeleted(user({ id: 'u1' }), '200000000000000001');
    expect(done.components).toEqual([]);
    expect(done.embeds[0]?.description).toBe('Player · ann@example.com · deleted by <@200000000000000001>.');
  });
});
