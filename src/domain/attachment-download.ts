import { guessContentType } from '../api/multipart.js';
import { InvalidInputError } from './errors.js';

/** What Discord says about an attachment; the discord layer fills it in. `size` is only a claim. */
export interface AttachmentRef {
  id: string;
  filename: string;
  url: string;
  size: number;
  contentType: string | null;
}

export interface DownloadPolicy {
  maxBytes: number;
  /** MIME types without parameters, lower case. */
  allowedTypes: readonly string[];
  /** `host` or `host:port` entries. */
  allowedHosts: readonly string[];
  /** Why the allowed types are what they are, when the server narrowed them (said in a refusal). */
  typesNote?: string;
}

export interface DownloadedFile {
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

export type RefusalReason = 'too-large' | 'type' | 'host' | 'empty' | 'timeout' | 'download';

/** One attachment that was not saved, with a message saying what was wrong and what is allowed. */
export class AttachmentRefusedError extends InvalidInputError {
  constructor(
    readonly filename: string,
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

export type DownloadFetch = (url: string, init: RequestInit) => Promise<Response>;

export const DEFAULT_DOWNLOAD_TIMEOUT_MS = 20_000;

/** Sizes as people read them: decimal units, so the API's 10,000,000-byte cap reads "10 MB". */
export function formatBytes(n: number): string {
  if (n < 1_000) return `${n} B`;
  if (n < 1_000_000) return `${trimZero(n / 1_000)} KB`;
  return `${trimZero(n / 1_000_000)} MB`;
}

function trimZero(n: number): string {
  return n.toFixed(1).replace(/\.0$/, '');
}

/** `image/PNG; charset=x` → `image/png`; empty or missing → null. */
export function normalizeContentType(raw: string | null | undefined): string | null {
  const base = raw?.split(';')[0]?.trim().toLowerCase() ?? '';
  return base === '' ? null : base;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Whether a download URL points at an allowed host. The rule:
 * - the host must equal an entry of `allowedHosts`; an entry without a port matches only the
 *   scheme's default port, an entry with a port matches only that port;
 * - the scheme must be https, except that plain http is accepted for loopback hosts
 *   (127.0.0.1, localhost, ::1), where the test CDN runs. An explicit port alone never allows
 *   http, so a mistyped public `host:port` entry cannot downgrade a download to cleartext;
 * - URLs carrying credentials are refused.
 */
export function isAllowedDownloadUrl(raw: string, allowedHosts: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  const hostname = url.hostname.toLowerCase();
  if (url.protocol === 'http:') {
    if (!LOOPBACK.has(hostname)) return false;
  } else if (url.protocol !== 'https:') {
    return false;
  }
  return allowedHosts.some((entry) => {
    let allowed: URL;
    try {
      // Parsed with the URL's own scheme so default ports normalise the same way on both sides.
      allowed = new URL(`${url.protocol}//${entry.trim()}`);
    } catch {
      return false;
    }
    return allowed.hostname.toLowerCase() === hostname && allowed.port === url.port && allowed.pathname === '/';
  });
}

/**
 * Everything that can be checked without touching the network: declared size, content type
 * and host. Returns the content type the upload will carry.
 */
export function checkAttachment(att: AttachmentRef, policy: DownloadPolicy): { contentType: string } {
  const name = `**${att.filename}**`;
  if (att.size > policy.maxBytes) {
    throw new AttachmentRefusedError(
      att.filename,
      'too-large',
      `${name} is ${formatBytes(att.size)}; the largest file allowed is ${formatBytes(policy.maxBytes)}.`,
    );
  }
  // Discord leaves content_type out for some files; then the extension decides, as the API client does.
  const contentType = normalizeContentType(att.contentType) ?? guessContentType(att.filename);
  if (!policy.allowedTypes.includes(contentType)) {
    throw new AttachmentRefusedError(
      att.filename,
      'type',
      `${name} is \`${contentType}\`, which is not allowed${policy.typesNote === undefined ? '' : ` (${policy.typesNote})`}. Allowed types: ${policy.allowedTypes.map((t) => `\`${t}\``).join(', ')}.`,
    );
  }
  if (!isAllowedDownloadUrl(att.url, policy.allowedHosts)) {
    throw new AttachmentRefusedError(
      att.filename,
      'host',
      `${name} is not hosted on Discord's CDN, so it was not downloaded. Only files from ${policy.allowedHosts.map((h) => `\`${h}\``).join(', ')} are saved.`,
    );
  }
  return { contentType };
}

/**
 * Downloads Discord attachments under a policy. The declared size is checked before any
 * request; the body is streamed and counted, and the download is aborted as soon as it passes
 * the maximum, whatever the attachment or content-length claimed. Redirects are refused so a
 * download cannot leave the allowed hosts.
 */
export class AttachmentDownloader {
  private readonly fetch: DownloadFetch;
  private readonly timeoutMs: number;

  constructor(
    readonly policy: DownloadPolicy,
    opts: { fetch?: DownloadFetch; timeoutMs?: number } = {},
  ) {
    this.fetch = opts.fetch ?? ((url, init) => fetch(url, init));
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_DOWNLOAD_TIMEOUT_MS;
  }

  check(att: AttachmentRef): { contentType: string } {
    return checkAttachment(att, this.policy);
  }

  async download(att: AttachmentRef): Promise<DownloadedFile> {
    const { contentType } = this.check(att);
    const name = `**${att.filename}**`;
    const max = this.policy.maxBytes;
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    timer.unref();
    const failed = (err: unknown): AttachmentRefusedError => {
      if (err instanceof AttachmentRefusedError) return err;
      if (timedOut) {
        return new AttachmentRefusedError(att.filename, 'timeout', `Downloading ${name} took longer than ${Math.round(this.timeoutMs / 1000)} s, so it was stopped. Try again later.`);
      }
      return new AttachmentRefusedError(att.filename, 'download', `${name} could not be downloaded from Discord. Try uploading it again.`);
    };
    try {
      const res = await this.fetch(att.url, { signal: controller.signal, redirect: 'error' });
      if (!res.ok || res.body === null) {
        await res.body?.cancel().catch(() => undefined);
        throw new AttachmentRefusedError(att.filename, 'download', `Discord's CDN answered ${res.status} for ${name}. Try uploading it again.`);
      }
      const tooLarge = () =>
        new AttachmentRefusedError(
          att.filename,
          'too-large',
          `${name} turned out larger than ${formatBytes(max)} while downloading (it claimed ${formatBytes(att.size)}), so the download was stopped. The largest file allowed is ${formatBytes(max)}.`,
        );
      const declaredLength = Number(res.headers.get('content-length') ?? Number.NaN);
      if (Number.isFinite(declaredLength) && declaredLength > max) {
        controller.abort();
        throw tooLarge();
      }
      const bytes = await readCapped(res.body, max, () => {
        controller.abort();
        return tooLarge();
      });
      if (bytes.byteLength === 0) throw new AttachmentRefusedError(att.filename, 'empty', `${name} is empty; there is nothing to save.`);
      return { filename: att.filename, contentType, bytes };
    } catch (err) {
      throw failed(err);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Reads a body into memory, stopping the moment it passes `max` bytes. */
async function readCapped(body: ReadableStream<Uint8Array>, max: number, onTooLarge: () => Error): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      const err = onTooLarge();
      await reader.cancel().catch(() => undefined);
      throw err;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
