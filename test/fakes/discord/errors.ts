/** A Discord JSON error response, thrown by route handlers and turned into an HTTP reply by the router. */
export class DiscordHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly errors?: Record<string, unknown>,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return this.errors === undefined
      ? { message: this.message, code: this.code }
      : { message: this.message, code: this.code, errors: this.errors };
  }
}

/** Discord's JSON error codes that the fake produces. */
export const ErrorCode = {
  General: 0,
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMember: 10007,
  UnknownMessage: 10008,
  UnknownRole: 10011,
  UnknownUser: 10013,
  UnknownWebhook: 10015,
  UnknownInteraction: 10062,
  UnknownApplicationCommand: 10063,
  MissingAccess: 50001,
  CannotEditOtherUsersMessage: 50005,
  EmptyMessage: 50006,
  CannotSendMessagesToUser: 50007,
  MissingPermissions: 50013,
  InvalidWebhookToken: 50027,
  InvalidFormBody: 50035,
  AlreadyAcknowledged: 40060,
} as const;

export const notFound = (code: number, what: string): DiscordHttpError => new DiscordHttpError(404, code, `Unknown ${what}`);
