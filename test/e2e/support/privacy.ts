/** Assertions that an interaction never showed the channel anything. */
import { expect } from 'vitest';
import type { InteractionHandle } from '../../fakes/discord/index.js';
import { embedText, finalAnswer, isPrivate, EPHEMERAL } from './replies.js';

/**
 * A refusal that was private from the first moment: the first callback (reply or "thinking…")
 * carried the ephemeral flag, and every message the interaction left is private.
 */
export async function privateFromTheStart(handle: InteractionHandle): Promise<{ title: string; text: string }> {
  const message = await finalAnswer(handle);
  expect(isPrivate(message)).toBe(true);
  const first = await handle.response();
  const flags = (first.data as { flags?: number } | undefined)?.flags ?? 0;
  expect(flags & EPHEMERAL, `first callback (type ${first.type}) was public`).toBe(EPHEMERAL);
  const original = handle.original();
  if (original !== undefined) expect(isPrivate(original)).toBe(true);
  for (const m of handle.followups()) expect(isPrivate(m)).toBe(true);
  return { title: message.embeds?.[0]?.title ?? '', text: embedText(message) };
}
