/**
 * What the cross-cutting suites (faults, fuzz, permissions, secrets) look at: the answers a member
 * sees, the callbacks Discord received, the pings a message could make, and the writes the API saw.
 * Each oracle returns a list of problems (empty when fine), so a table-driven test can report
 * exactly which case broke and why.
 */
import type { APIEmbed, APIMessage } from 'discord-api-types/v10';
import type { InteractionHandle, RecordedRequest } from '../../fakes/discord/index.js';
import type { RecordedRequest as ValentinaRequest } from '../../fakes/valentina/index.js';
import { COLORS } from '../../../src/render/theme.js';
import type { World } from '../harness.js';

export const EPHEMERAL = 64;
/** Discord's acknowledgement deadline. */
export const ACK_DEADLINE_MS = 3_000;

export type MemberKey = keyof World['members'];

export function embedText(message: Pick<APIMessage, 'embeds'> | undefined): string {
  return (message?.embeds ?? [])
    .map((e: APIEmbed) => [e.title, e.description, ...(e.fields ?? []).map((f) => `${f.name} ${f.value}`), e.footer?.text].filter(Boolean).join('\n'))
    .join('\n');
}

/** Everything a member can read in a message: content and embeds. */
export function messageText(message: Pick<APIMessage, 'embeds' | 'content'> | undefined): string {
  return [message?.content ?? '', embedText(message)].filter((s) => s !== '').join('\n');
}

export const isEphemeral = (m: Pick<APIMessage, 'flags'> | undefined): boolean => ((m?.flags ?? 0) & EPHEMERAL) === EPHEMERAL;

/** Every custom_id on a message's components (or on any component tree). */
export function customIds(node: unknown): string[] {
  const out: string[] = [];
  const walk = (n: unknown): void => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n !== null && typeof n === 'object') {
      const rec = n as Record<string, unknown>;
      if (typeof rec['custom_id'] === 'string') out.push(rec['custom_id']);
      walk(rec['components']);
      walk(rec['component']);
    }
  };
  walk(node !== null && typeof node === 'object' && 'components' in node ? (node as { components: unknown }).components : node);
  return out;
}

export function idStartingWith(message: APIMessage | undefined, prefix: string): string {
  const id = customIds(message).find((c) => c.startsWith(prefix));
  if (id === undefined) throw new Error(`no ${prefix}… on the message; it has ${customIds(message).join(', ') || 'none'}`);
  return id;
}

export async function eventually<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > until) throw new Error(`${what} not met in ${timeoutMs} ms; last value ${JSON.stringify(value)?.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The messages an interaction created (its @original and follow-ups), as they are now. */
export function createdMessages(handle: InteractionHandle): APIMessage[] {
  const original = handle.original();
  const isOwnOriginal = original !== undefined && handle.responded !== undefined && (handle.responded.type === 4 || handle.responded.type === 5);
  return [...(isOwnOriginal ? [original] : []), ...handle.followups()];
}

const LOADING = 1 << 7;
const hasText = (m: APIMessage | undefined): m is APIMessage => m !== undefined && ((m.embeds ?? []).length > 0 || (m.content ?? '') !== '');

/**
 * What the member was shown in answer, or undefined while the bot is still working: the last
 * follow-up; else, after a reply or defer, the @original once it stops loading; else, after an
 * update, the component's message once it was (re)written after the click.
 */
export function visibleAnswer(handle: InteractionHandle): APIMessage | undefined {
  const r = handle.responded;
  if (r === undefined) return undefined;
  const followups = handle.followups().filter(hasText);
  const last = followups[followups.length - 1];
  if (last !== undefined) return last;
  const original = handle.original();
  if (r.type === 4 || r.type === 7) return hasText(original) ? original : undefined;
  if (r.type === 5) return hasText(original) && ((original.flags ?? 0) & LOADING) === 0 ? original : undefined;
  if (r.type === 6) {
    const edited = original?.edited_timestamp === null || original?.edited_timestamp === undefined ? Number.NaN : Date.parse(original.edited_timestamp);
    return hasText(original) && edited >= r.at ? original : undefined;
  }
  return undefined;
}

/** Resolves once the handle shows an answer (see visibleAnswer), or rejects after the timeout. */
export async function answerOf(handle: InteractionHandle, timeoutMs = 15_000): Promise<APIMessage> {
  await handle.waitFor((h) => visibleAnswer(h) !== undefined, timeoutMs);
  const answer = visibleAnswer(handle);
  if (answer === undefined) throw new Error('no answer');
  return answer;
}

/** Resolves with the first follow-up (a whisper after an update, or a public receipt after a private flow). */
export async function followupOf(handle: InteractionHandle, timeoutMs = 15_000): Promise<APIMessage> {
  await handle.waitFor((h) => h.followups().some(hasText), timeoutMs);
  const m = handle.followups().find(hasText);
  if (m === undefined) throw new Error('no follow-up');
  return m;
}

/** Waits until the in-process bot has nothing in flight (all answers sent). */
export async function botIdle(world: World, timeoutMs = 20_000): Promise<void> {
  await eventually(() => world.bot.router.inFlight, (n) => n === 0, timeoutMs, 'bot idle');
}

/** Acknowledged within Discord's 3 s, and Discord refused no callback. */
export function ackProblems(handle: InteractionHandle): string[] {
  const problems: string[] = [];
  const r = handle.responded;
  if (r === undefined) problems.push('never acknowledged');
  else if (!(r.latencyMs < ACK_DEADLINE_MS)) problems.push(`acknowledged after ${r.latencyMs} ms`);
  for (const rej of handle.rejections()) problems.push(`Discord refused a callback: ${rej.reason} (${rej.code})`);
  return problems;
}

/** Text that means internals leaked into a reply. */
const INTERNALS: Array<[RegExp, string]> = [
  [/\bat [\w.<>]+ \(?[^\s)]*:\d+:\d+\)?/, 'a stack frame'],
  [/\b\w*(Error|Exception): /, 'an error class name'],
  [/[{[]\s*"[\w-]+"\s*:/, 'raw JSON'],
  [/\[object \w+\]/, '[object …]'],
  [/\bundefined\b/, '"undefined"'],
  [/\bNaN\b/, '"NaN"'],
  [/SQLITE_|ECONN|ETIMEDOUT|ZodError|node_modules|\/api\/v1\//, 'internal names'],
];

export interface AnswerExpectation {
  /** The answer must be a private red error embed. */
  error?: boolean;
  /** The answer must be private. */
  private?: boolean;
  /** A pattern the text must match. */
  matches?: RegExp;
}

/** A member-readable answer: an embed with a title and text, no internals, private/red as expected. */
export function answerProblems(message: APIMessage | undefined, expect: AnswerExpectation = {}): string[] {
  if (message === undefined) return ['no answer'];
  const problems: string[] = [];
  const text = messageText(message);
  if (text.trim() === '') problems.push('an empty answer');
  for (const [re, what] of INTERNALS) if (re.test(text)) problems.push(`${what} in the answer: ${JSON.stringify(text.slice(0, 300))}`);
  if (/An unexpected error happened/.test(text)) problems.push(`the catch-all "unexpected error" answer (a handler crashed): ${JSON.stringify(text.slice(0, 200))}`);
  if ((expect.private === true || expect.error === true) && !isEphemeral(message)) problems.push('the answer is public');
  if (expect.error === true) {
    const embed = message.embeds?.[0];
    if (embed?.color !== COLORS.error) problems.push(`not a red error embed: ${JSON.stringify(text.slice(0, 200))}`);
    if ((embed?.title ?? '').trim() === '' || (embed?.description ?? '').trim() === '') problems.push('an error embed without title or text');
  }
  if (expect.matches !== undefined && !expect.matches.test(text)) problems.push(`text ${JSON.stringify(text.slice(0, 200))} does not match ${String(expect.matches)}`);
  return problems;
}

/** The REST requests that create or edit a message: callbacks with a message, follow-ups, edits, channel posts. */
export function messageWrites(requests: readonly RecordedRequest[]): Array<{ request: RecordedRequest; body: Record<string, unknown> }> {
  const out: Array<{ request: RecordedRequest; body: Record<string, unknown> }> = [];
  for (const r of requests) {
    if (r.method !== 'POST' && r.method !== 'PATCH') continue;
    const body = r.body !== null && typeof r.body === 'object' ? (r.body as Record<string, unknown>) : undefined;
    if (body === undefined) continue;
    if (/^\/interactions\/\d+\/[^/]+\/callback$/.test(r.path)) {
      // 4 reply and 7 update carry a message; 5/6 defers, 8 choices and 9 modals cannot ping.
      if ((body['type'] === 4 || body['type'] === 7) && body['data'] !== null && typeof body['data'] === 'object') {
        out.push({ request: r, body: body['data'] as Record<string, unknown> });
      }
    } else if (/^\/webhooks\/\d+\/[^/]+(\/messages\/[^/]+)?$/.test(r.path) || /^\/channels\/\d+\/messages(\/\d+)?$/.test(r.path)) {
      out.push({ request: r, body });
    }
  }
  return out;
}

/** Whether an allowed_mentions value lets nothing ping: `parse: []` and no user or role lists. */
export function pingsNobody(allowed: unknown): boolean {
  if (allowed === null || typeof allowed !== 'object') return false;
  const a = allowed as { parse?: unknown; users?: unknown; roles?: unknown };
  const empty = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 0);
  return Array.isArray(a.parse) && a.parse.length === 0 && empty(a.users) && empty(a.roles);
}

/** Every message write must carry allowed_mentions that ping nobody; every stored bot message must ping nobody. */
export function pingProblems(world: World, requests: readonly RecordedRequest[] = world.discord.requests): string[] {
  const problems: string[] = [];
  for (const { request, body } of messageWrites(requests)) {
    if (!pingsNobody(body['allowed_mentions'])) {
      problems.push(`${request.method} ${request.path} sent allowed_mentions ${JSON.stringify(body['allowed_mentions'])} with ${JSON.stringify(String(body['content'] ?? '').slice(0, 80))}`);
    }
  }
  return problems;
}

/** The messages the fake resolved as pinging someone (it honours allowed_mentions like Discord). */
export function pingedMessages(world: World, messageIds: Iterable<string>): string[] {
  const problems: string[] = [];
  for (const id of messageIds) {
    const m = world.discord.message(id);
    if (m === undefined) continue;
    if (m.mention_everyone || (m.mentions ?? []).length > 0 || (m.mention_roles ?? []).length > 0) {
      problems.push(`message ${id} pings: everyone=${String(m.mention_everyone)} users=${(m.mentions ?? []).map((u) => u.id).join(',')} roles=${(m.mention_roles ?? []).join(',')}`);
    }
  }
  return problems;
}

export const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

export function apiWrites(requests: readonly ValentinaRequest[]): ValentinaRequest[] {
  return requests.filter((r) => WRITE_METHODS.has(r.method));
}

/** The `requesting_user_id` a request carried (body or query), if any. */
export function requesterOf(r: ValentinaRequest): string | undefined {
  // v2 names the acting user in On-Behalf-Of.
  if (r.onBehalfOf !== undefined) return r.onBehalfOf;
  const fromBody = r.body !== null && typeof r.body === 'object' ? (r.body as Record<string, unknown>)['requesting_user_id'] : undefined;
  if (typeof fromBody === 'string') return fromBody;
  return r.query['requesting_user_id'];
}

/** Records unhandled promise rejections of this process while a suite runs. */
export function collectUnhandledRejections(): { readonly seen: unknown[]; stop(): void } {
  const seen: unknown[] = [];
  const listener = (reason: unknown) => {
    seen.push(reason);
  };
  process.on('unhandledRejection', listener);
  return {
    seen,
    stop() {
      process.off('unhandledRejection', listener);
    },
  };
}

export function memberContext(world: World, who: MemberKey): { user: string; guildId: string; channelId: string } {
  return { user: world.members[who].discordId, guildId: world.guildId, channelId: world.channelId };
}

export function xpOf(world: World, userId: string): { current: number; total: number; coolPoints: number } {
  const xp = world.valentina.state.experience(userId, world.campaignId);
  return { current: xp?.xp_current ?? 0, total: xp?.xp_total ?? 0, coolPoints: xp?.cool_points ?? 0 };
}
