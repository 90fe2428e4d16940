import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AttachmentDownloader,
  AttachmentRefusedError,
  checkAttachment,
  formatBytes,
  isAllowedDownloadUrl,
  normalizeContentType,
  type AttachmentRef,
  type DownloadFetch,
  type DownloadPolicy,
} from '../../src/domain/attachment-download.js';

const POLICY: DownloadPolicy = {
  maxBytes: 1_000,
  allowedTypes: ['image/png', 'image/jpeg', 'text/plain'],
  allowedHosts: ['cdn.discordapp.com', 'media.discordapp.net'],
};

function att(over: Partial<AttachmentRef> = {}): AttachmentRef {
  return { id: '1', filename: 'portrait.png', url: 'https://cdn.discordapp.com/attachments/1/2/portrait.png?ex=1', size: 500, contentType: 'image/png', ...over };
}

/** A fetch that records every call and answers with the given body. */
function recordingFetch(body: () => ReadableStream<Uint8Array> | Uint8Array, headers: Record<string, string> = {}) {
  const calls: string[] = [];
  const fetch: DownloadFetch = async (url, init) => {
    calls.push(url);
    if (init.redirect !== 'error') throw new Error('redirects must be refused');
    const b = body();
    return new Response(b instanceof Uint8Array ? new Blob([b]) : b, { status: 200, headers });
  };
  return { fetch, calls };
}

async function refusal(p: Promise<unknown>): Promise<AttachmentRefusedError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AttachmentRefusedError)) throw new Error(`expected a refusal, got ${String(err)}`);
  return err;
}

describe('checkAttachment', () => {
  it('refuses a declared size above the maximum and names both sizes', () => {
    expect(() => checkAttachment(att({ size: 1_001 }), POLICY)).toThrow(/1 KB; the largest file allowed is 1 KB/);
    try {
      checkAttachment(att({ size: 12_345_678 }), { ...POLICY, maxBytes: 10_000_000 });
    } catch (err) {
      expect(err).toBeInstanceOf(AttachmentRefusedError);
      expect((err as AttachmentRefusedError).reason).toBe('too-large');
      expect((err as AttachmentRefusedError).message).toContain('12.3 MB');
      expect((err as AttachmentRefusedError).message).toContain('10 MB');
    }
  });

  it('accepts exactly the maximum', () => {
    expect(checkAttachment(att({ size: 1_000 }), POLICY)).toEqual({ contentType: 'image/png' });
  });

  it('refuses a content type outside the allow-list and lists what is allowed', () => {
    const err = (() => {
      try {
        checkAttachment(att({ filename: 'tool.exe', contentType: 'application/x-msdownload' }), POLICY);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(AttachmentRefusedError);
    expect((err as AttachmentRefusedError).reason).toBe('type');
    expect((err as AttachmentRefusedError).message).toContain('`application/x-msdownload`');
    expect((err as AttachmentRefusedError).message).toContain('`image/png`, `image/jpeg`, `text/plain`');
  });

  it('normalises parameters and case of the declared type', () => {
    expect(checkAttachment(att({ filename: 'a.txt', contentType: 'Text/Plain; charset=utf-8' }), POLICY)).toEqual({ contentType: 'text/plain' });
  });

  it('guesses the type from the extension when Discord gave none', () => {
    expect(checkAttachment(att({ filename: 'photo.JPG', contentType: null }), POLICY)).toEqual({ contentType: 'image/jpeg' });
    expect(() => checkAttachment(att({ filename: 'noext', contentType: null }), POLICY)).toThrow(/application\/octet-stream/);
  });

  it('refuses a host that is not allowed', () => {
    expect(() => checkAttachment(att({ url: 'https://evil.example/portrait.png' }), POLICY)).toThrow(/not hosted on Discord's CDN/);
  });
});

describe('isAllowedDownloadUrl', () => {
  const hosts = ['cdn.discordapp.com', '127.0.0.1:4567', 'localhost', 'files.example:8443'];

  it('accepts https on an allowed host at its default port', () => {
    expect(isAllowedDownloadUrl('https://cdn.discordapp.com/attachments/1/2/a.png', hosts)).toBe(true);
    expect(isAllowedDownloadUrl('https://CDN.discordapp.com/a.png', hosts)).toBe(true);
  });

  it('refuses http on a public host, even an allowed one', () => {
    expect(isAllowedDownloadUrl('http://cdn.discordapp.com/a.png', hosts)).toBe(false);
    expect(isAllowedDownloadUrl('http://files.example:8443/a.png', hosts)).toBe(false);
    expect(isAllowedDownloadUrl('https://files.example:8443/a.png', hosts)).toBe(true);
  });

  it('accepts http on a loopback entry, with the port it names', () => {
    expect(isAllowedDownloadUrl('http://127.0.0.1:4567/attachments/1/2/a.png', hosts)).toBe(true);
    expect(isAllowedDownloadUrl('http://127.0.0.1:4568/attachments/1/2/a.png', hosts)).toBe(false);
    expect(isAllowedDownloadUrl('http://localhost/a.png', hosts)).toBe(true);
    expect(isAllowedDownloadUrl('http://localhost:9999/a.png', hosts)).toBe(false);
  });

  it('refuses other ports, look-alike hosts, credentials and other schemes', () => {
    expect(isAllowedDownloadUrl('https://cdn.discordapp.com:8443/a.png', hosts)).toBe(false);
    expect(isAllowedDownloadUrl('https://cdn.discordapp.com.evil.example/a.png', hosts)).toBe(false);
    expect(isAllowedDownloadUrl('https://evilcdn.discordapp.com/a.png', hosts)).toBe(false);
    expect(isAllowedDownloadUrl('https://user:pw@cdn.discordapp.com/a.png', hosts)).toBe(false);
    expect(isAllowedDownloadUrl('ftp://cdn.discordapp.com/a.png', hosts)).toBe(false);
    expect(isAllowedDownloadUrl('file:///etc/passwd', hosts)).toBe(false);
    expect(isAllowedDownloadUrl('not a url', hosts)).toBe(false);
  });
});

describe('AttachmentDownloader', () => {
  it('refuses a declared size above the maximum before any request', async () => {
    const { fetch, calls } = recordingFetch(() => new Uint8Array(10));
    const err = await refusal(new AttachmentDownloader(POLICY, { fetch }).download(att({ size: 5_000 })));
    expect(err.reason).toBe('too-large');
    expect(calls).toEqual([]);
  });

  it('refuses a type that is not allowed before any request', async () => {
    const { fetch, calls } = recordingFetch(() => new Uint8Array(10));
    const err = await refusal(new AttachmentDownloader(POLICY, { fetch }).download(att({ filename: 'x.zip', contentType: 'application/zip' })));
    expect(err.reason).toBe('type');
    expect(calls).toEqual([]);
  });

  it('refuses a host that is not allowed before any request', async () => {
    const { fetch, calls } = recordingFetch(() => new Uint8Array(10));
    const err = await refusal(new AttachmentDownloader(POLICY, { fetch }).download(att({ url: 'https://example.com/portrait.png' })));
    expect(err.reason).toBe('host');
    expect(calls).toEqual([]);
  });

  it('returns the exact bytes of an honest attachment', async () => {
    const bytes = Uint8Array.from({ length: 700 }, (_, i) => i % 251);
    const { fetch, calls } = recordingFetch(() => bytes);
    const file = await new AttachmentDownloader(POLICY, { fetch }).download(att({ size: 700 }));
    expect(calls).toHaveLength(1);
    expect(file).toEqual({ filename: 'portrait.png', contentType: 'image/png', bytes });
  });

  it('aborts a body that streams past the maximum, whatever the attachment declared', async () => {
    let pulled = 0;
    let cancelled = false;
    const endless = () =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 100;
          controller.enqueue(new Uint8Array(100));
        },
        cancel() {
          cancelled = true;
        },
      });
    const { fetch } = recordingFetch(endless);
    const err = await refusal(new AttachmentDownloader(POLICY, { fetch }).download(att({ size: 10 })));
    expect(err.reason).toBe('too-large');
    expect(err.message).toContain('claimed 10 B');
    expect(cancelled).toBe(true);
    // Stopped on the first chunk past 1000 bytes: nothing near "endless" was read.
    expect(pulled).toBeLessThanOrEqual(1_300);
  });

  it('refuses at once when content-length already says too much', async () => {
    let pulled = 0;
    const stream = () =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 1;
          controller.enqueue(new Uint8Array(10));
          if (pulled > 3) controller.close();
        },
      });
    const { fetch } = recordingFetch(stream, { 'content-length': '2000' });
    const err = await refusal(new AttachmentDownloader(POLICY, { fetch }).download(att({ size: 10 })));
    expect(err.reason).toBe('too-large');
  });

  it('refuses an empty file', async () => {
    const { fetch } = recordingFetch(() => new Uint8Array(0));
    const err = await refusal(new AttachmentDownloader(POLICY, { fetch }).download(att({ size: 0 })));
    expect(err.reason).toBe('empty');
  });

  it('reports a CDN error status', async () => {
    const fetch: DownloadFetch = async () => new Response('gone', { status: 404 });
    const err = await refusal(new AttachmentDownloader(POLICY, { fetch }).download(att()));
    expect(err.reason).toBe('download');
    expect(err.message).toContain('404');
  });

  it('turns a network failure into a refusal for that file', async () => {
    const fetch: DownloadFetch = async () => {
      throw new TypeError('fetch failed');
    };
    const err = await refusal(new AttachmentDownloader(POLICY, { fetch }).download(att()));
    expect(err.reason).toBe('download');
  });
});

describe('AttachmentDownloader against a real HTTP server', () => {
  let server: Server | undefined;

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
    server = undefined;
  });

  async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  it('closes the connection of a lying attachment once the maximum is passed', async () => {
    const total = 64 * 1024;
    let sent = 0;
    let reportClose: (seen: { sent: number; finished: boolean }) => void = () => undefined;
    const closed = new Promise<{ sent: number; finished: boolean }>((resolve) => {
      reportClose = resolve;
    });
    const host = await listen((_req, res) => {
      // No content-length: the only way to know the size is to count.
      res.writeHead(200, { 'content-type': 'image/png' });
      res.on('close', () => reportClose({ sent, finished: res.writableFinished }));
      const chunk = Buffer.alloc(1024, 1);
      const tick = setInterval(() => {
        if (res.destroyed || sent >= total) {
          clearInterval(tick);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(chunk);
        sent += chunk.length;
      }, 2);
    });
    const policy = { ...POLICY, maxBytes: 8 * 1024, allowedHosts: [host] };
    const err = await refusal(new AttachmentDownloader(policy).download(att({ url: `http://${host}/attachments/1/2/portrait.png`, size: 100 })));
    expect(err.reason).toBe('too-large');
    const seen = await closed;
    expect(seen.finished).toBe(false);
    expect(seen.sent).toBeLessThan(total);
  });

  it('stops a download that takes longer than the timeout', async () => {
    const host = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.write(Buffer.alloc(10));
      // Never ends.
    });
    const downloader = new AttachmentDownloader({ ...POLICY, allowedHosts: [host] }, { timeoutMs: 150 });
    const err = await refusal(downloader.download(att({ url: `http://${host}/a.png` })));
    expect(err.reason).toBe('timeout');
    expect(err.message).toContain('took longer than');
  });

  it('does not follow a redirect off the allowed hosts', async () => {
    let hits = 0;
    const host = await listen((_req, res) => {
      hits += 1;
      res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere.png' });
      res.end();
    });
    const err = await refusal(new AttachmentDownloader({ ...POLICY, allowedHosts: [host] }).download(att({ url: `http://${host}/a.png` })));
    expect(err.reason).toBe('download');
    expect(hits).toBe(1);
  });
});

describe('formatting', () => {
  it('formats sizes in decimal units', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500)).toBe('1.5 KB');
    expect(formatBytes(10_000_000)).toBe('10 MB');
  });

  it('normalises content types', () => {
    expect(normalizeContentType(' IMAGE/PNG ; q=1')).toBe('image/png');
    expect(normalizeContentType('')).toBeNull();
    expect(normalizeContentType(null)).toBeNull();
  });
});
