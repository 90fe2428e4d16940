/** Embed colours, chosen to read on Discord's dark and light themes alike. */
export const COLORS = {
  info: 0x5865f2,
  success: 0x2ecc71,
  warning: 0xe67e22,
  error: 0xe74c3c,
  neutral: 0x95a5a6,
  critical: 0xf1c40f,
  botch: 0x8e44ad,
} as const;

/** Discord's embed limits we render against. */
export const EMBED_LIMITS = {
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
} as const;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}
