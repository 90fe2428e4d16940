import type { AssetType } from './models.js';

export interface UploadedFile {
  fieldName: string | null;
  filename: string;
  contentType: string;
  data: Buffer;
}

function boundaryOf(contentType: string): string | null {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!match) return null;
  return (match[1] ?? match[2] ?? '').trim() || null;
}

function param(header: string, name: string): string | null {
  const match = new RegExp(`(?:^|;)\\s*${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i').exec(header);
  if (!match) return null;
  const quoted = match[1];
  const raw = quoted !== undefined ? quoted.replace(/\\"/g, '"') : (match[2] ?? '').trim();
  // WHATWG FormData percent-encodes only '"', CR and LF in names; backslashes stay literal.
  return raw.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
}

/**
 * Returns the first part that carries a filename, whatever its field name (the server takes the
 * single uploaded file, CONTRACT §3.2). `null` when the body is not multipart or holds no file.
 */
export function firstFilePart(contentType: string | undefined, body: Buffer): UploadedFile | null {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) return null;
  const boundary = boundaryOf(contentType);
  if (!boundary) return null;
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    let start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') return null;
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    if (headerEnd === -1) return null;
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
    if (next === -1) return null;
    const headers = body.subarray(start, headerEnd).toString('utf8').split('\r\n');
    let disposition = '';
    let partType = 'application/octet-stream';
    for (const line of headers) {
      const colon = line.indexOf(':');
      if (colon === -1) continue;
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === 'content-disposition') disposition = value;
      else if (key === 'content-type') partType = value;
    }
    const filename = param(disposition, 'filename');
    if (filename !== null) {
      return {
        fieldName: param(disposition, 'name'),
        filename,
        contentType: partType,
        data: body.subarray(headerEnd + 4, next),
      };
    }
    pos = next + 2;
  }
  return null;
}

const DOCUMENT_TYPES = new Set([
  'application/pdf',
  'application/msword',
  'application/rtf',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/epub+zip',
]);
const ARCHIVE_TYPES = new Set([
  'application/zip',
  'application/x-zip-compressed',
  'application/gzip',
  'application/x-gzip',
  'application/x-tar',
  'application/x-7z-compressed',
  'application/x-rar-compressed',
  'application/vnd.rar',
  'application/x-bzip2',
]);

/** The server derives `asset_type` from the part's MIME type; there is no allow-list in this era. */
export function assetTypeForMime(mime: string): AssetType {
  const type = (mime.split(';')[0] ?? '').trim().toLowerCase();
  const major = type.split('/')[0];
  if (major === 'image') return 'image';
  if (major === 'text') return 'text';
  if (major === 'audio') return 'audio';
  if (major === 'video') return 'video';
  if (DOCUMENT_TYPES.has(type) || type.startsWith('application/vnd.openxmlformats-officedocument')
    || type.startsWith('application/vnd.oasis.opendocument')) return 'document';
  if (ARCHIVE_TYPES.has(type)) return 'archive';
  return 'other';
}

/** Path stripped, quotes/semicolons/control characters removed, `&` -> `and`, at most 200 chars. */
export function sanitizeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/&/g, 'and')
    // eslint-disable-next-line no-control-regex
    .replace(/["';\u0000-\u001f\u007f]/g, '')
    .trim()
    .slice(0, 200);
  return cleaned === '' ? 'unnamed' : cleaned;
}

/** A CDN-looking URL on a reserved domain: the bot may link it, nobody may fetch it. */
export function publicUrlFor(companyId: string, userId: string, assetType: AssetType, assetId: string, filename: string): string {
  const dot = filename.lastIndexOf('.');
  const ext = dot > 0 ? filename.slice(dot + 1).replace(/[^A-Za-z0-9]/g, '').toLowerCase() : '';
  return `https://cdn.example.invalid/${companyId}/user/${userId}/${assetType}/${assetId}${ext ? `.${ext}` : ''}`;
}
