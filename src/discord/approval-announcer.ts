import { Routes, type APIMessage } from 'discord-api-types/v10';
import type { Client } from 'discord.js';
import type { User } from '../api/index.js';
import type { Clock, RegisteredHook } from '../deps.js';
import type { GuildContextService } from '../domain/guild-context.js';
import type { Logger } from '../logger.js';
import type { RenderedMessage } from '../render/approval-card.js';
import type { ApprovalCard, ApprovalCardRepo } from '../store/types.js';

export interface ApprovalAnnouncerDeps {
  guilds: GuildContextService;
  approvalCards: ApprovalCardRepo;
  log: Logger;
  clock: Clock;
}

/**
 * Posts an approval card to a guild's approvals channel when a member registers, and turns a
 * stored card into its receipt when the decision was made somewhere else (/approvals, the merge
 * picker). Talks to Discord's REST API directly: the bot caches no messages.
 */
export class ApprovalAnnouncer {
  constructor(
    private readonly client: Pick<Client, 'rest'>,
    private readonly deps: ApprovalAnnouncerDeps,
    /** May import the card's rendering on first use. */
    private readonly renderCard: (user: User) => RenderedMessage | Promise<RenderedMessage>,
  ) {}

  /**
   * The RegisteredHook. It never throws: the registration itself succeeded, and /approvals still
   * lists the member when the card cannot be posted.
   */
  readonly announce: RegisteredHook = async ({ guildId, user, discordUserId }) => {
    const log = this.deps.log.child({ module: 'approvals', guildId, userId: user.id, discordUserId });
    try {
      const { approvalsChannelId } = await this.deps.guilds.settings(guildId);
      if (approvalsChannelId === null) {
        log.info('no approvals channel set; the registration waits in /approvals');
        return;
      }
      const existing = await this.deps.approvalCards.get(guildId, user.id);
      // Someone already decided (through /approvals) before the card went out: nothing to announce.
      if (existing !== null && existing.status !== 'PENDING') return;
      const card = await this.renderCard(user);
      const message = (await this.client.rest.post(Routes.channelMessages(approvalsChannelId), {
        body: { embeds: card.embeds, components: card.components, allowed_mentions: { parse: [] } },
      })) as APIMessage;
      await this.deps.approvalCards.upsert(
        { guildId, userId: user.id, channelId: approvalsChannelId, messageId: message.id, status: 'PENDING', handledByDiscordId: null, outcome: null },
        this.deps.clock.now(),
      );
      log.info({ channelId: approvalsChannelId, messageId: message.id }, 'approval card posted');
    } catch (err) {
      log.warn({ err }, 'approval card could not be posted; the registration waits in /approvals');
    }
  };

  /** Replaces a posted card with its receipt. Cards that were never posted are left alone. */
  async settle(card: ApprovalCard | null, message: RenderedMessage): Promise<void> {
    if (card === null || card.channelId === '' || card.messageId === '') return;
    try {
      await this.client.rest.patch(Routes.channelMessage(card.channelId, card.messageId), {
        body: { content: message.content ?? null, embeds: message.embeds, components: message.components, allowed_mentions: { parse: [] } },
      });
    } catch (err) {
      this.deps.log.warn({ err, guildId: card.guildId, userId: card.userId, messageId: card.messageId }, 'approval card could not be turned into a receipt');
    }
  }
}
