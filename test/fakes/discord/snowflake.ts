const DISCORD_EPOCH = 1_420_070_400_000n;

/**
 * Generates real-looking, strictly increasing Discord snowflakes. @discordjs/rest buckets routes by
 * 17–19 digit ids and reads message timestamps from them, so the fake must not use small counters.
 */
export class SnowflakeGenerator {
  private last = 0n;

  constructor(private readonly now: () => number = Date.now) {}

  next(): string {
    let id = ((BigInt(this.now()) - DISCORD_EPOCH) << 22n) | (1n << 17n);
    if (id <= this.last) id = this.last + 1n;
    this.last = id;
    return id.toString();
  }
}

/** Milliseconds since the Unix epoch encoded in a snowflake. */
export function snowflakeTimestamp(id: string): number {
  return Number((BigInt(id) >> 22n) + DISCORD_EPOCH);
}
