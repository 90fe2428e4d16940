/** How an interaction ended, as the router saw it. */
export type InteractionOutcome = 'ok' | 'refused' | 'error';

/** Kinds of interaction the router serves. */
export type InteractionKind = 'slash' | 'autocomplete' | 'user-menu' | 'message-menu' | 'component';

export interface InteractionEvent {
  /**
   * The route, never an id: a slash key (`xp award`), a menu name, or a component's
   * `namespace:action`; `unknown` when no route matched (so crafted ids cannot add labels).
   */
  command: string;
  kind: InteractionKind;
  outcome: InteractionOutcome;
  /** From receipt to Discord accepting the first answer or defer; null when none was sent. */
  ackMs: number | null;
  /** From receipt to the handler finishing (the complete answer). */
  totalMs: number;
}

/** Told about every interaction the router finishes (metrics). */
export interface InteractionTelemetry {
  interactionDone(event: InteractionEvent): void;
}
