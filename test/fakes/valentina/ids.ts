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

/** UUID v7 (time-ordered, lowercase, hyphenated) as the v2 server mints them (CONTRACT-v2 §1.4). */
export function createUuidV7Generator(now: () => Date): () => string {
  let lastMs = -1;
  let seq = 0;
  return () => {
    const ms = now().getTime();
    // Monotonic within one millisecond: a 12-bit counter in rand_a keeps the order of creation.
    seq = ms === lastMs ? (seq + 1) & 0xfff : randomBytes(2).readUInt16BE(0) & 0x7ff;
    lastMs = ms;
    const bytes = randomBytes(16);
    bytes.writeUIntBE(ms, 0, 6);
    bytes[6] = 0x70 | (seq >> 8);
    bytes[7] = seq & 0xff;
    bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** v2 `date_created`/`date_modified`: microseconds and `Z` (CONTRACT-v2 §1.4). */
export function isoMicros(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
