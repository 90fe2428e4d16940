import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level: string;
  /** Values scrubbed from every line, whatever field or message they hide in. */
  secrets: readonly string[];
  /** Where JSON lines go; stdout by default. Tests pass a collector. */
  destination?: { write(line: string): unknown };
}

const INTERACTION_TOKEN_IN_URL = /(\/(?:webhooks|interactions)\/\d+\/)[\w.-]{20,}/g;

const REDACT_PATHS = [
  'token',
  'apiKey',
  'password',
  '*.token',
  '*.apiKey',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  'config.discordToken',
  'config.valentinaApiKey',
  // Sign in with Discord: nothing logs these; the paths catch a mistake.
  'access_token',
  '*.access_token',
  'accessToken',
  '*.accessToken',
  'config.signIn.clientSecret',
];

/**
 * pino's `redact` only covers known paths; a secret can also hide inside an error message or a
 * URL. So every serialised line also passes a scrubber before it is written.
 */
export function createLogger(options: LoggerOptions): Logger {
  const out = options.destination ?? process.stdout;
  const secrets = options.secrets.filter((s) => s.length > 0);
  const destination: DestinationStream = {
    write(line: string) {
      let clean = line;
      for (const secret of secrets) {
        if (clean.includes(secret)) clean = clean.split(secret).join('[REDACTED]');
      }
      // Interaction tokens ride in webhook and callback URLs; they act for the bot for 15 minutes.
      if (clean.includes('/webhooks/') || clean.includes('/interactions/')) clean = clean.replace(INTERACTION_TOKEN_IN_URL, '$1[REDACTED]');
      out.write(clean);
    },
  };
  return pino(
    {
      level: options.level,
      base: { app: 'valentina-bot' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}
