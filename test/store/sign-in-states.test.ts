import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/index.js';
import type { SignInState, Store } from '../../src/store/types.js';
import { storeKinds, type StoreHandle } from './harness.js';

const T0 = 1_700_000_000_000;

const state = (nonce: string, overrides: Partial<SignInState> = {}): SignInState => ({
  nonce,
  guildId: 'g1',
  companyId: 'co1',
  memberDiscordId: 'm1',
  channelId: 'ch1',
  requestedByDiscordId: null,
  requestedUserId: null,
  expiresAt: T0 + 600_000,
  ...overrides,
});

describe.each(storeKinds())('$name store: sign-in states', (kind) => {
  describe.skipIf(kind.skip !== false)(kind.skip === false ? 'single use' : kind.skip, () => {
    let handle: StoreHandle;
    let store: Store;
    let second: Store | undefined;

    beforeEach(async () => {
      handle = await kind.create({ now: () => T0 });
      store = handle.store;
    });
    afterEach(async () => {
      await second?.close();
      second = undefined;
      await handle.cleanup();
    });

    it('gives a state back once, with everything it was stored with', async () => {
      const stored = state('n1', { requestedByDiscordId: 'admin', requestedUserId: 'u1', channelId: null });
      await store.signInStates.put(stored);
      expect(await store.signInStates.take('n1', T0)).toEqual(stored);
      expect(await store.signInStates.take('n1', T0)).toBeNull();
    });

    it('never gives back an expired or unknown state, and clears expired ones', async () => {
      await store.signInStates.put(state('old', { expiresAt: T0 - 1 }));
      await store.signInStates.put(state('late', { expiresAt: T0 + 10 }));
      expect(await store.signInStates.take('late', T0 + 10)).toBeNull();
      expect(await store.signInStates.take('nope', T0)).toBeNull();
      await store.signInStates.put(state('fresh'));
      expect(await store.signInStates.deleteExpired(T0)).toBe(1);
      expect(await store.signInStates.take('fresh', T0)).not.toBeNull();
    });

    it('lets exactly one of many concurrent takers have it', async () => {
      await store.signInStates.put(state('race'));
      const results = await Promise.all(Array.from({ length: 8 }, () => store.signInStates.take('race', T0)));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });

    it('is shared by two processes on one database: the second cannot replay it', async () => {
      second = await createStore(handle.databaseUrl, { now: () => T0 });
      await store.signInStates.put(state('shared'));
      expect(await second.signInStates.take('shared', T0)).not.toBeNull();
      expect(await store.signInStates.take('shared', T0)).toBeNull();
    });
  });
});
