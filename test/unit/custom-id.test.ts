import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CUSTOM_ID_MAX, CustomIdError, VALENTINA_ID_ARG, defineComponentId, parseCustomId } from '../../src/discord/custom-id.js';

const undo = defineComponentId('xp', 'undo', 1, z.tuple([z.string().regex(/^\d+$/)]));

describe('custom-id codec', () => {
  it('round-trips args and owner', () => {
    const raw = undo.encode(['42'], '123456789012345678');
    expect(raw).toBe('xp:undo:1:123456789012345678:42');
    const parsed = parseCustomId(raw);
    expect(parsed?.owner).toBe('123456789012345678');
    expect(parsed && undo.decode(parsed)).toEqual(['42']);
  });

  it('marks components anyone may press', () => {
    const parsed = parseCustomId(undo.encode(['7']));
    expect(parsed?.owner).toBeUndefined();
  });

  it('refuses another version, another action and args that fail the schema', () => {
    const v2 = parseCustomId('xp:undo:2:_:42');
    expect(v2 && undo.decode(v2)).toBeUndefined();
    const other = parseCustomId('xp:redo:1:_:42');
    expect(other && undo.decode(other)).toBeUndefined();
    const bad = parseCustomId('xp:undo:1:_:abc');
    expect(bad && undo.decode(bad)).toBeUndefined();
  });

  it('rejects malformed and oversized ids', () => {
    expect(parseCustomId('')).toBeUndefined();
    expect(parseCustomId('nonsense')).toBeUndefined();
    expect(parseCustomId('a:b:x:_')).toBeUndefined();
    expect(parseCustomId('a'.repeat(CUSTOM_ID_MAX + 1))).toBeUndefined();
  });

  it('throws when encoding would exceed 100 characters or smuggle a separator', () => {
    const many = defineComponentId('scene', 'pick', 1, z.array(z.string()));
    expect(() => many.encode(Array.from({ length: 10 }, () => '123456789012345678'))).toThrow(CustomIdError);
    expect(() => undo.encode(['4:2'])).toThrow(CustomIdError);
  });

  it('packs v2 UUID args to 23 characters and unpacks them, leaving v1 ObjectIds as they are', () => {
    const pair = defineComponentId('approvals', 'merge-adm', 1, z.tuple([z.string().regex(VALENTINA_ID_ARG), z.string().regex(VALENTINA_ID_ARG), z.string()]));
    const a = '019d6fdf-1868-77f5-970a-156e8f0f9d8c';
    const b = '019d6fdf-1868-77f5-970a-156e8f0f9d8d';
    const raw = pair.encode([a, b, 'zzzzzzzz'], '12345678901234567890');
    expect(raw.length).toBeLessThanOrEqual(CUSTOM_ID_MAX);
    expect(raw).not.toContain(a);
    const parsed = parseCustomId(raw);
    expect(parsed && pair.decode(parsed)).toEqual([a, b, 'zzzzzzzz']);
    const v1 = pair.encode(['68c1f7d0a1b2c3d4e5f60718', '68c1f7d0a1b2c3d4e5f60719', '1'], '1');
    expect(v1).toBe('approvals:merge-adm:1:1:68c1f7d0a1b2c3d4e5f60718:68c1f7d0a1b2c3d4e5f60719:1');
    const parsedV1 = parseCustomId(v1);
    expect(parsedV1 && pair.decode(parsedV1)).toEqual(['68c1f7d0a1b2c3d4e5f60718', '68c1f7d0a1b2c3d4e5f60719', '1']);
  });
});
