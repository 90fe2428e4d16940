import type { StoreLogger } from '../../src/store/index.js';
import type { NewAwardEntry } from '../../src/store/types.js';

/** A logger that remembers what each store start applied. */
export function captureLogger(): { logger: StoreLogger; applied: string[][] } {
  const applied: string[][] = [];
  const noop = (): void => {};
  return {
    applied,
    logger: {
      info(obj) {
        if ('applied' in obj && Array.isArray(obj.applied)) applied.push(obj.applied.map(String));
      },
      warn: noop,
      error: noop,
      debug: noop,
    },
  };
}

export function newAward(overrides: Partial<NewAwardEntry> = {}): NewAwardEntry {
  return {
    key: 'key-1',
    guildId: 'guild-1',
    companyId: 'company-1',
    campaignId: 'campaign-1',
    batchId: null,
    actorUserId: 'st-user',
    actorDiscordId: 'st-discord',
    targetUserId: 'player-user',
    targetDiscordId: 'player-discord',
    kind: 'XP_ADD',
    amount: 5,
    reason: 'great roleplay',
    undoOf: null,
    ...overrides,
  };
}
