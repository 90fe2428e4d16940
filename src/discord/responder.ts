import {
  DiscordAPIError,
  MessageFlags,
  type InteractionReplyOptions,
  type InteractionEditReplyOptions,
  type InteractionUpdateOptions,
  type ModalComponentData,
  type ModalBuilder,
  type RepliableInteraction,
} from 'discord.js';

/** How an interaction is acknowledged before slow work. */
export type AckMode = 'ephemeral' | 'public' | 'update' | 'none';

/** The message-editing answers exist only for components and modals opened from a message. */
function messageAnswers(i: RepliableInteraction):
  | { update(o: InteractionUpdateOptions): Promise<unknown>; deferUpdate(): Promise<unknown> }
  | undefined {
  if (i.isMessageComponent()) return { update: (o) => i.update(o), deferUpdate: () => i.deferUpdate() };
  if (i.isModalSubmit() && i.isFromMessage()) return { update: (o) => i.update(o), deferUpdate: () => i.deferUpdate() };
  return undefined;
}

/**
 * A request that died before Discord answered (a reset or a closed keep-alive socket). undici
 * reports the latter as SocketError, which @discordjs/rest does not retry on its own.
 */
function isNetworkFailure(err: unknown): boolean {
  if (!(err instanceof Error) || err instanceof DiscordAPIError) return false;
  const code = (err as { code?: unknown }).code;
  return err.name === 'SocketError' || (typeof code === 'string' && (code.startsWith('UND_ERR_') || ['ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code)));
}

/** One more try after a network failure, for steps a repeat cannot duplicate (Discord refuses a second callback; an edit is the same edit). */
async function againOnNetworkFailure<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (!isNetworkFailure(err)) throw err;
    return step();
  }
}

export interface MessagePayload {
  content?: string;
  embeds?: InteractionReplyOptions['embeds'];
  components?: InteractionReplyOptions['components'];
  files?: InteractionReplyOptions['files'];
}

/**
 * The one owner of an interaction's acknowledgement. The state flips synchronously before any
 * await, so the router's 3-second safety net and a handler can never both acknowledge.
 * Every message it sends disallows mentions.
 */
export class Responder {
  private acked: 'no' | 'deferred-reply' | 'deferred-update' | 'replied' = 'no';
  private ephemeral = false;
  private pending: Promise<unknown> = Promise.resolve();
  private firstAckAt: number | undefined;

  constructor(readonly interaction: RepliableInteraction) {}

  /** performance.now() when Discord accepted the first answer or defer (for latency metrics). */
  get acknowledgedAt(): number | undefined {
    return this.firstAckAt;
  }

  private noteAck<T>(step: Promise<T>): Promise<T> {
    return step.then((value) => {
      this.firstAckAt ??= performance.now();
      return value;
    });
  }

  get acknowledged(): boolean {
    return this.acked !== 'no';
  }

  /** Defers unless already acknowledged. `update` defers a component's message edit. */
  async defer(mode: AckMode): Promise<void> {
    if (this.acked !== 'no' || mode === 'none') return this.pending.then(() => undefined);
    const i = this.interaction;
    const onMessage = messageAnswers(i);
    if (mode === 'update' && onMessage !== undefined) {
      this.acked = 'deferred-update';
      this.pending = this.noteAck(againOnNetworkFailure(() => onMessage.deferUpdate()));
    } else {
      this.acked = 'deferred-reply';
      this.ephemeral = mode !== 'public';
      this.pending = this.noteAck(againOnNetworkFailure(() => i.deferReply(this.ephemeral ? { flags: MessageFlags.Ephemeral } : {})));
    }
    // Not acknowledged after all: the safety net or the error boundary may still answer.
    this.pending = this.pending.catch((err: unknown) => {
      this.acked = 'no';
      throw err;
    });
    await this.pending;
  }

  /**
   * Sends the answer: a reply, the edit of a deferred reply, or a follow-up when the first
   * answer is already out. `ephemeral` only applies when nothing was sent yet.
   */
  async send(payload: MessagePayload, opts: { ephemeral?: boolean } = {}): Promise<void> {
    await this.previousStep();
    const i = this.interaction;
    const base = { ...payload, allowedMentions: { parse: [] } };
    if (this.acked === 'no') {
      this.acked = 'replied';
      this.ephemeral = opts.ephemeral ?? false;
      const flags = this.ephemeral ? MessageFlags.Ephemeral : undefined;
      this.pending = this.noteAck(againOnNetworkFailure(() => i.reply({ ...base, ...(flags === undefined ? {} : { flags }) } as InteractionReplyOptions)));
    } else if (this.acked === 'deferred-reply') {
      this.acked = 'replied';
      this.pending = againOnNetworkFailure(() => i.editReply(base as InteractionEditReplyOptions));
    } else {
      const flags = opts.ephemeral ? MessageFlags.Ephemeral : undefined;
      this.pending = i.followUp({ ...base, ...(flags === undefined ? {} : { flags }) } as InteractionReplyOptions);
    }
    await this.pending;
  }

  /**
   * The public result of a command that was deferred privately, so that a refusal found on the
   * way never showed the channel anything: the private "thinking…" is removed and the result
   * posted for everyone. Not yet acknowledged, it is an ordinary public reply.
   */
  async publish(payload: MessagePayload): Promise<void> {
    await this.previousStep();
    if (this.acked !== 'deferred-reply' || !this.ephemeral) return this.send(payload);
    this.acked = 'replied';
    // Should the delete fail, Discord turns the follow-up into the private reply: the result still
    // reaches its author, and nothing private is ever shown to the channel.
    await this.interaction.deleteReply().catch(() => undefined);
    this.pending = this.interaction.followUp({ ...payload, allowedMentions: { parse: [] } } as InteractionReplyOptions);
    await this.pending;
  }

  /** Replaces the message a component sits on (or, for a command, the reply). */
  async update(payload: MessagePayload): Promise<void> {
    await this.previousStep();
    const i = this.interaction;
    const base = { ...payload, allowedMentions: { parse: [] } };
    const onMessage = messageAnswers(i);
    if (this.acked === 'no' && onMessage !== undefined) {
      this.acked = 'replied';
      this.pending = this.noteAck(againOnNetworkFailure(() => onMessage.update(base as InteractionUpdateOptions)));
    } else if (this.acked === 'deferred-update' || this.acked === 'deferred-reply' || this.acked === 'replied') {
      this.pending = againOnNetworkFailure(() => i.editReply(base as InteractionEditReplyOptions));
    } else {
      this.acked = 'replied';
      this.pending = this.noteAck(i.reply(base as InteractionReplyOptions));
    }
    await this.pending;
  }

  /** Private message to the presser of a component, leaving the message itself alone. */
  async whisper(payload: MessagePayload): Promise<void> {
    await this.previousStep();
    if (this.acked === 'no') return this.send(payload, { ephemeral: true });
    if (this.acked === 'deferred-reply') {
      if (this.ephemeral) return this.send(payload);
      // A public "thinking…" must not turn into a public error: drop it, answer privately.
      this.acked = 'replied';
      await this.interaction.deleteReply().catch(() => undefined);
    }
    this.pending = this.interaction.followUp({ ...payload, allowedMentions: { parse: [] }, flags: MessageFlags.Ephemeral } as InteractionReplyOptions);
    await this.pending;
  }

  /** Waits for the step before; its failure was already reported to its caller and must not stop this answer. */
  private async previousStep(): Promise<void> {
    await this.pending.then(
      () => undefined,
      () => undefined,
    );
  }

  /** A modal must be the first answer. */
  async showModal(modal: ModalBuilder | ModalComponentData): Promise<void> {
    const i = this.interaction;
    if (this.acked !== 'no' || i.isModalSubmit()) throw new Error('a modal must be the first answer');
    this.acked = 'replied';
    this.pending = this.noteAck(i.showModal(modal));
    await this.pending;
  }
}
