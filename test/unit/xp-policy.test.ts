import { describe, expect, it } from 'vitest';
import { InvalidInputError, PermissionDeniedError } from '../../src/domain/errors.js';
import { mayAward, mayAwardSomeone, mayUndo, parseAwardAmount, requireMayAward, requireMayViewOthers, whoMayAward, type XpRule } from '../../src/domain/xp-policy.js';

const ROLES = ['ADMIN', 'STORYTELLER', 'PLAYER', 'UNAPPROVED'] as const;
const DEFAULT: XpRule = { policy: 'STORYTELLER_ONLY', companyRule: null };
const follow = (companyRule: string): XpRule => ({ policy: 'FOLLOW_COMPANY', companyRule });

describe('mayAward', () => {
  // [policy, company rule, role, self?] → allowed
  const matrix: Array<[XpRule, (typeof ROLES)[number], boolean, boolean]> = [];
  for (const companyRule of [null, 'UNRESTRICTED', 'STORYTELLER', 'PLAYER'] as const) {
    const rule: XpRule = { policy: 'STORYTELLER_ONLY', companyRule };
    for (const role of ROLES) for (const self of [true, false]) matrix.push([rule, role, self, role === 'ADMIN' || role === 'STORYTELLER']);
  }
  for (const role of ROLES) {
    for (const self of [true, false]) {
      const approved = role !== 'UNAPPROVED';
      const staff = role === 'ADMIN' || role === 'STORYTELLER';
      matrix.push([follow('UNRESTRICTED'), role, self, approved]);
      matrix.push([follow('STORYTELLER'), role, self, staff]);
      matrix.push([follow('PLAYER'), role, self, staff || (approved && self)]);
      // An unknown company value is read as the strict rule.
      matrix.push([follow('SOMETHING_NEW'), role, self, staff]);
    }
  }

  it.each(matrix)('%o, %s, self=%s → %s', (rule, role, self, expected) => {
    const actor = { userId: 'u-actor', role };
    expect(mayAward(rule, actor, self ? 'u-actor' : 'u-other')).toBe(expected);
  });

  it('never lets a player award under the default, even when the company is UNRESTRICTED', () => {
    const rule: XpRule = { policy: 'STORYTELLER_ONLY', companyRule: 'UNRESTRICTED' };
    expect(mayAward(rule, { userId: 'p', role: 'PLAYER' }, 'p')).toBe(false);
    expect(mayAwardSomeone(rule, { userId: 'p', role: 'PLAYER' })).toBe(false);
  });

  it('lets a player award only themselves when the company rule is PLAYER', () => {
    expect(mayAwardSomeone(follow('PLAYER'), { userId: 'p', role: 'PLAYER' })).toBe(true);
    expect(mayAward(follow('PLAYER'), { userId: 'p', role: 'PLAYER' }, 'q')).toBe(false);
  });
});

describe('requireMayAward', () => {
  it('says who may and what the actor is', () => {
    let caught: unknown;
    try {
      requireMayAward(DEFAULT, { userId: 'p', role: 'PLAYER' }, 'q', 'award XP');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PermissionDeniedError);
    const message = (caught as Error).message;
    expect(message).toContain('Only Storyteller and Admin users may award or remove XP');
    expect(message).toContain('You are Player');
    expect(message).toContain('award XP to someone else');
  });

  it('passes when allowed', () => {
    expect(() => requireMayAward(DEFAULT, { userId: 's', role: 'STORYTELLER' }, 'q', 'award XP')).not.toThrow();
  });

  it('describes each company rule differently', () => {
    const texts = new Set([whoMayAward(DEFAULT), whoMayAward(follow('UNRESTRICTED')), whoMayAward(follow('STORYTELLER')), whoMayAward(follow('PLAYER'))]);
    expect(texts.size).toBe(4);
    expect(whoMayAward(follow('PLAYER'))).toContain('only award themselves');
  });
});

describe('parseAwardAmount', () => {
  it.each([1, 5, 100])('accepts %d up to the maximum', (n) => {
    expect(parseAwardAmount(n, 100, 'XP')).toBe(n);
  });

  it('accepts a modal text with spaces', () => {
    expect(parseAwardAmount(' 12 ', 100, 'XP')).toBe(12);
  });

  it.each([0, -3, 101, 2.5, Number.NaN, Number.POSITIVE_INFINITY])('refuses %d with the allowed range', (n) => {
    expect(() => parseAwardAmount(n, 100, 'XP')).toThrow(InvalidInputError);
    expect(() => parseAwardAmount(n, 100, 'XP')).toThrow(/from 1 to 100/);
  });

  it.each(['', 'ten', '1e3', '-1', '3.5', '0x10'])('refuses the text %j', (text) => {
    expect(() => parseAwardAmount(text, 100, 'cool points')).toThrow(/whole number of cool points from 1 to 100/);
  });
});

describe('mayUndo and requireMayView', () => {
  it('lets the awarder or an admin undo', () => {
    const entry = { actorUserId: 'st' };
    expect(mayUndo(entry, { userId: 'st', role: 'STORYTELLER' })).toBe(true);
    expect(mayUndo(entry, { userId: 'ad', role: 'ADMIN' })).toBe(true);
    expect(mayUndo(entry, { userId: 'st2', role: 'STORYTELLER' })).toBe(false);
    expect(mayUndo(entry, { userId: 'p', role: 'PLAYER' })).toBe(false);
  });

  it("shows other members' XP to storytellers and admins only", () => {
    expect(() => requireMayViewOthers({ userId: 'p', role: 'PLAYER' })).toThrow(PermissionDeniedError);
    expect(() => requireMayViewOthers({ userId: 'p', role: 'PLAYER' })).toThrow(/Players see only their own/);
    expect(() => requireMayViewOthers({ userId: 's', role: 'STORYTELLER' })).not.toThrow();
    expect(() => requireMayViewOthers({ userId: 'a', role: 'ADMIN' })).not.toThrow();
  });
});
