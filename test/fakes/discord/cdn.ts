import type { IncomingMessage, ServerResponse } from 'node:http';
import { sleep } from './http-util.js';
import type { World } from './world.js';

/** One CDN download as the fake saw it. */
export interface CdnRequest {
  path: string;
  at: number;
  status: number;
  /** Bytes actually written before the response ended or the client went away. */
  bytesSent: number;
  /** True when the client closed the connection before the whole body was sent. */
  aborted: boolean;
}

const CHUNK = 16 * 1024;

/**
 * Serves attachments at `/attachments/{channel}/{id}/{filename}` (and the media proxy path
 * `/media/attachments/…`) with their real content-type and content-length, even when the
 * attachment object's `size` lies. `slowMs` spaces 16 KiB chunks so a client can abort mid-download.
 */
export function createCdnHandler(world: World, log: CdnRequest[]): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://cdn');
    const entry: CdnRequest = { path: url.pathname, at: Date.now(), status: 0, bytesSent: 0, aborted: false };
    log.push(entry);
    const match = /^(?:\/media)?\/(?:ephemeral-)?attachments\/(\d+)\/(\d+)\/([^/]+)$/.exec(url.pathname);
    const stored = match ? world.attachments.get(match[2] ?? '') : undefined;
    const filename = match ? decodeURIComponent(match[3] ?? '') : '';
    if (!match || !stored || stored.channelId !== match[1] || stored.api.filename !== filename) {
      entry.status = 404;
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('404: Not Found');
      return;
    }
    const bytes = stored.bytes;
    entry.status = 200;
    res.writeHead(200, {
      'content-type': stored.api.content_type ?? 'application/octet-stream',
      'content-length': bytes.byteLength.toString(),
      'cache-control': 'public, max-age=31536000',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    if (stored.slowMs <= 0) {
      res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), () => {
        entry.bytesSent = bytes.byteLength;
      });
      return;
    }
    let closed = false;
    res.on('close', () => {
      closed = true;
      if (entry.bytesSent < bytes.byteLength) entry.aborted = true;
    });
    void (async () => {
      for (let offset = 0; offset < bytes.byteLength; offset += CHUNK) {
        if (closed) return;
        const chunk = bytes.subarray(offset, Math.min(offset + CHUNK, bytes.byteLength));
        res.write(chunk);
        entry.bytesSent += chunk.byteLength;
        await sleep(stored.slowMs);
      }
      if (!closed) res.end();
    })();
  };
}
