import { REST, RESTEvents, type InternalRequest, type RESTOptions, type ResponseLike } from '@discordjs/rest';

/**
 * Discord does not count requests made with an interaction token (the callback, follow-ups, and
 * reads, edits and deletes of the original response and follow-ups) against a bot's global rate
 * limit; each has its own bucket per interaction. @discordjs/rest counts every request against
 * one 50/s global budget, so above ~50 commands/s the edits that finish them wait in line.
 *
 * This REST manager sends those requests (discord.js makes them without the bot token, `auth:
 * false`) through a second manager whose global limit is off (`globalRequestsPerSecond:
 * Infinity`, as @discordjs/rest documents it); their own buckets, 429 handling and retries are
 * the library's as before. Every other request, including any webhook call with the bot token,
 * keeps the global limit.
 */
export class InteractionRouteREST extends REST {
  private readonly interactions: REST;
  private readonly webhookPrefix: string;

  constructor(options: Partial<RESTOptions>, applicationId: string) {
    super(options);
    this.webhookPrefix = `/webhooks/${applicationId}/`;
    this.interactions = new REST({ ...options, globalRequestsPerSecond: Number.POSITIVE_INFINITY });
    // Listeners on this manager (rate limits, responses, debug) see the interaction routes too.
    for (const event of Object.values(RESTEvents)) {
      this.interactions.on(event, (...args: unknown[]) => {
        (this.emit as (name: string, ...rest: unknown[]) => boolean)(event, ...args);
      });
    }
  }

  /** Whether a request is one Discord exempts from the global limit: made with an interaction token. */
  isInteractionRequest(request: Pick<InternalRequest, 'fullRoute' | 'auth'>): boolean {
    if (request.auth !== false) return false;
    const route: string = request.fullRoute;
    return (route.startsWith('/interactions/') && route.endsWith('/callback')) || route.startsWith(this.webhookPrefix);
  }

  override queueRequest(request: InternalRequest): Promise<ResponseLike> {
    return this.isInteractionRequest(request) ? this.interactions.queueRequest(request) : super.queueRequest(request);
  }

  override setToken(token: string): this {
    super.setToken(token);
    this.interactions.setToken(token);
    return this;
  }

  override clearHashSweeper(): void {
    super.clearHashSweeper();
    this.interactions.clearHashSweeper();
  }

  override clearHandlerSweeper(): void {
    super.clearHandlerSweeper();
    this.interactions.clearHandlerSweeper();
  }
}
