import type { z } from 'zod';

/** Discord's limit for a component or modal custom_id. */
export const CUSTOM_ID_MAX = 100;
const SEP = ':';
const ANYONE = '_';

/**
 * Format: `<namespace>:<action>:<version>:<owner|_>[:<arg>…]`.
 * The owner is the only Discord user who may press the component (`_` for anyone); the router
 * checks it before the handler runs. Args are ids or small enums, never free text.
 */
export interface ParsedCustomId {
  namespace: string;
  action: string;
  version: number;
  owner: string | undefined;
  args: string[];
}

export class CustomIdError extends Error {
  override name = 'CustomIdError';
}

export function parseCustomId(raw: string): ParsedCustomId | undefined {
  if (raw.length === 0 || raw.length > CUSTOM_ID_MAX) return undefined;
  const parts = raw.split(SEP);
  const [namespace, action, versionText, owner, ...args] = parts;
  if (namespace === undefined || action === undefined || versionText === undefined || owner === undefined) return undefined;
  if (!/^\d{1,3}$/.test(versionText) || namespace === '' || action === '') return undefined;
  return { namespace, action, version: Number(versionText), owner: owner === ANYONE ? undefined : owner, args };
}

/**
 * One component kind: encode and decode are symmetric and typed by a zod tuple.
 * Bump `version` when the argument layout changes; old messages then answer "expired".
 */
export interface ComponentId<Args extends readonly string[]> {
  readonly namespace: string;
  readonly action: string;
  readonly version: number;
  readonly key: string;
  encode(args: Args, owner?: string): string;
  decode(parsed: ParsedCustomId): Args | undefined;
}

export function defineComponentId<Schema extends z.ZodType<readonly string[]>>(
  namespace: string,
  action: string,
  version: number,
  schema: Schema,
): ComponentId<z.infer<Schema>> {
  for (const part of [namespace, action]) {
    if (part.includes(SEP) || part === '') throw new CustomIdError(`bad custom_id part: ${part}`);
  }
  return {
    namespace,
    action,
    version,
    key: `${namespace}${SEP}${action}`,
    encode(args, owner) {
      for (const arg of args) {
        if (arg.includes(SEP)) throw new CustomIdError(`custom_id argument contains "${SEP}"`);
      }
      const raw = [namespace, action, String(version), owner ?? ANYONE, ...args.map(packArg)].join(SEP);
      if (raw.length > CUSTOM_ID_MAX) throw new CustomIdError(`custom_id longer than ${CUSTOM_ID_MAX}: ${raw.length}`);
      return raw;
    },
    decode(parsed) {
      if (parsed.namespace !== namespace || parsed.action !== action || parsed.version !== version) return undefined;
      const result = schema.safeParse(parsed.args.map(unpackArg));
      return result.success ? result.data : undefined;
    },
  };
}

/** A Valentina id as a component argument: a v1 ObjectId or a v2 UUID (packed on the wire, see packArg). */
export const VALENTINA_ID_ARG = /^(?:[0-9a-f]{24}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

const UUID_ARG = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PACKED_UUID = /^~[A-Za-z0-9_-]{22}$/;

/**
 * A UUID argument (Valentina v2 ids) travels as `~` + its 16 bytes in base64url, 23 characters
 * instead of 36, so a component naming two users stays under Discord's 100. Everything else,
 * v1 ObjectIds included, is sent as is (buttons already posted keep working).
 */
function packArg(arg: string): string {
  if (!UUID_ARG.test(arg)) return arg;
  return `~${Buffer.from(arg.replace(/-/g, ''), 'hex').toString('base64url')}`;
}

function unpackArg(arg: string): string {
  if (!PACKED_UUID.test(arg)) return arg;
  const hex = Buffer.from(arg.slice(1), 'base64url').toString('hex');
  if (hex.length !== 32) return arg;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
