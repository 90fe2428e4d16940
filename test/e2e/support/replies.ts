/** Reading what the bot showed, for end-to-end tests. */
import type { APIEmbed, APIMessage } from 'discord-api-types/v10';
import type { InteractionHandle } from '../../fakes/discord/index.js';

export const EPHEMERAL = 64;

export function embedsOf(message: APIMessage | undefined): APIEmbed[] {
  return message?.embeds ?? [];
}

/** Titles, descriptions, fields and footers of a message's embeds, as one searchable text. */
export function embedText(message: APIMessage | undefined): string {
  return embedsOf(message)
    .map((e) => [e.title, e.description, ...(e.fields ?? []).map((f) => `${f.name} ${f.value}`), e.footer?.text].filter(Boolean).join('\n'))
    .join('\n');
}

export const isPrivate = (m: APIMessage | undefined): boolean => ((m?.flags ?? 0) & EPHEMERAL) === EPHEMERAL;

export interface Control {
  type: number;
  label?: string;
  custom_id?: string;
  disabled?: boolean;
  options?: Array<{ label: string; value: string }>;
}

export function controls(message: APIMessage | undefined): Control[] {
  return ((message?.components ?? []) as unknown as Array<{ components?: Control[] }>).flatMap((row) => row.components ?? []);
}

/** The custom_id of the control with this label; throws naming the labels present. */
export function customId(message: APIMessage | undefined, label: string): string {
  const found = controls(message).find((c) => c.label === label);
  if (found?.custom_id === undefined) throw new Error(`no control "${label}" in: ${JSON.stringify(controls(message).map((c) => c.label))}`);
  return found.custom_id;
}

/** The final visible answer of an interaction: the edited @original, or the first follow-up with an embed. */
export async function finalAnswer(handle: InteractionHandle, timeoutMs = 15_000): Promise<APIMessage> {
  const hasEmbed = (m: APIMessage | undefined) => embedsOf(m).length > 0;
  await handle.waitFor((h) => hasEmbed(h.original()) || h.followups().some(hasEmbed), timeoutMs);
  const original = handle.original();
  if (original !== undefined && hasEmbed(original)) return original;
  const followup = handle.followups().find(hasEmbed);
  if (followup === undefined) throw new Error('no answer');
  return followup;
}

/** The first follow-up with an embed (a public receipt after a private flow, or a whisper). */
export async function firstFollowup(handle: InteractionHandle, timeoutMs = 20_000): Promise<APIMessage> {
  await handle.waitFor((h) => h.followups().some((m) => embedsOf(m).length > 0), timeoutMs);
  const m = handle.followups().find((f) => embedsOf(f).length > 0);
  if (m === undefined) throw new Error('no follow-up');
  return m;
}

/** Every custom_id on a message's components, however deeply nested. */
export function customIds(message: APIMessage | undefined): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const rec = node as Record<string, unknown>;
      if (typeof rec['custom_id'] === 'string') out.push(rec['custom_id']);
      walk(rec['components']);
    }
  };
  walk(message?.components ?? []);
  return out;
}

/** Polls `read` until `ok` holds; for state the bot settles in the background. */
export async function eventually<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > until) throw new Error(`condition not met in ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
