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
export async function finalAnswer(handle: InteractionHandle, timeoutMs = 10_000): Promise<APIMessage> {
  const hasEmbed = (m: APIMessage | undefined) => embedsOf(m).length > 0;
  await handle.waitFor((h) => hasEmbed(h.original()) || h.followups().some(hasEmbed), timeoutMs);
  const original = handle.original();
  if (original !== undefined && hasEmbed(original)) return original;
  const followup = handle.followups().find(hasEmbed);
  if (followup === undefined) throw new Error('no answer');
  return followup;
}
