import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** What a signed OAuth `state` carries: which member of which guild asked, and until when it is good. */
export interface StateClaims {
  nonce: string;
  guildId: string;
  memberDiscordId: string;
  expiresAt: number;
}

const ClaimsSchema = z.object({ n: z.string().min(16).max(64), g: z.string().min(1).max(32), m: z.string().min(1).max(32), e: z.number().int() });

/**
 * Signs and checks the OAuth `state` (HMAC-SHA256). The key is derived from the application's
 * client secret with HKDF under a purpose label, so the secret itself never signs anything and
 * a key for another purpose can be derived from it without overlap.
 */
export class StateSigner {
  readonly #key: Buffer;

  constructor(clientSecret: string) {
    this.#key = Buffer.from(hkdfSync('sha256', clientSecret, 'valentina-discord-bot', 'oauth-state/v1', 32));
  }

  static newNonce(): string {
    return randomBytes(18).toString('base64url');
  }

  sign(claims: StateClaims): string {
    const payload = Buffer.from(JSON.stringify({ n: claims.nonce, g: claims.guildId, m: claims.memberDiscordId, e: claims.expiresAt })).toString('base64url');
    return `${payload}.${this.#mac(payload).toString('base64url')}`;
  }

  /** The claims of a state this bot signed, or null for anything else (malformed, forged, cut short). */
  verify(state: string): StateClaims | null {
    if (state.length > 512) return null;
    const [payload, mac, extra] = state.split('.');
    if (payload === undefined || mac === undefined || extra !== undefined) return null;
    const given = Buffer.from(mac, 'base64url');
    const expected = this.#mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    const parsed = ClaimsSchema.safeParse(raw);
    if (!parsed.success) return null;
    return { nonce: parsed.data.n, guildId: parsed.data.g, memberDiscordId: parsed.data.m, expiresAt: parsed.data.e };
  }

  #mac(payload: string): Buffer {
    return createHmac('sha256', this.#key).update(payload).digest();
  }
}
