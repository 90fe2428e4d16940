import { randomUUID } from 'node:crypto';

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  bmp: 'image/bmp',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  json: 'application/json',
  pdf: 'application/pdf',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  zip: 'application/zip',
  gz: 'application/gzip',
};

/** Guesses a MIME type from a file name, as the Python client does; octet-stream when unknown. */
export function guessContentType(filename: string): string {
  const dot = filename.lastIndexOf('.');
  if (dot < 0) return 'application/octet-stream';
  return MIME_BY_EXTENSION[filename.slice(dot + 1).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Encodes one file part as multipart/form-data. Done by hand, once per call, because FormData
 * picks a new random boundary on every send: a retried upload would then have a different body
 * and its (reused) Idempotency-Key would be refused with 409.
 */
export function encodeFilePart(
  fieldName: string,
  filename: string,
  contentType: string,
  content: Uint8Array,
): { body: Uint8Array; contentType: string } {
  const boundary = `----valentina-${randomUUID()}`;
  const head =
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="${escapeQuoted(fieldName)}"; filename="${escapeQuoted(filename)}"\r\n` +
    `Content-Type: ${contentType}\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const encoder = new TextEncoder();
  const headBytes = encoder.encode(head);
  const tailBytes = encoder.encode(tail);
  const body = new Uint8Array(headBytes.length + content.length + tailBytes.length);
  body.set(headBytes, 0);
  body.set(content, headBytes.length);
  body.set(tailBytes, headBytes.length + content.length);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The escaping browsers apply to quoted names in Content-Disposition (WHATWG HTML). */
function escapeQuoted(text: string): string {
  return text.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}
