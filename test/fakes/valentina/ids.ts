import { randomBytes } from 'node:crypto';

/** Generates 24-hex lowercase ObjectIds: 4-byte seconds, 5 random bytes per generator, 3-byte counter. */
export function createIdGenerator(now: () => Date): () => string {
  const machine = randomBytes(5).toString('hex');
  let counter = randomBytes(3).readUIntBE(0, 3);
  return () => {
    counter = (counter + 1) % 0x1000000;
    const seconds = Math.floor(now().getTime() / 1000) % 0x100000000;
    return seconds.toString(16).padStart(8, '0') + machine + counter.toString(16).padStart(6, '0');
  };
}

/** Server-set timestamps are whole seconds with a `Z` suffix (CONTRACT §1.4). */
export function isoSeconds(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

export function isObjectId(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID.test(value);
}
