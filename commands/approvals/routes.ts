import { ComponentType, TextInputStyle, type Interaction, type ModalComponentData } from 'discord.js';
import type { User } from '../../src/api/index.js';
import { componentRoute, type CommandRoutes, type ComponentInteraction, type HandlerContext } from '../../src/discord/command.js';
import { requireActor, requireRole, type Actor } from '../../src/discord/guards.js';
import {
  alreadyHandledMessage,
  ApprovalNotAppliedError,
  decideApproval,
  linkedElsewhere,
  LinkedElsewhereError,
  listPending,
  loadMergeTarget,
  loadPending,
  mergeScore,
  rankMergeCandidates,
  type ApprovalDecision,
  type ApprovalReceipt,
} from '../../src/domain/approvals.js';
import { AlreadyHandledError, NotFoundInputError } from '../../src/domain/errors.js';
import { displayName } from '../../src/domain/members.js';
import { userChoices } from '../../src/domain/user-admin.js';
import type { Deps } from '../../src/deps.js';
import { renderApprovalCard, type RenderedMessage } from '../../src/render/approval-card.js';
import { renderMergeAdminConfirm, renderMergeConfirm, renderMergePicker } from '../../src/render/approval-merge.js';
import { renderApprovalQueue } from '../../src/render/approval-queue.js';
import { renderApprovalReceipt, renderApprovalReceiptEmbed } from '../../src/render/approval-receipt.js';
import { renderApprovalUnsettled } from '../../src/render/approval-unsettled.js';
import { renderNoticeEmbed } from '../../src/render/error-embed.js';
import { COLORS } from '../../src/render/theme.js';
import {
  apiId,
  approveId,
  cardIds,
  decodeExpiry,
  denyId,
  encodeExpiry,
  mergeAdminId,
  mergeFindId,
  mergeId,
  mergeNoId,
  mergeOkId,
  mergePickId,
  mergeSearchId,
  pageId,
} from './ids.js';

/** How long the explicit confirm of a merge into an ADMIN user stays usable. */
const ADMIN_MERGE_CONFIRM_MS = 2 * 60_000;

async function requireAdmin(deps: Deps, interaction: Interaction): Promise<Actor> {
  const actor = await requireActor(deps, interaction);
  requireRole(actor, ['ADMIN'], 'handle registrations');
  return actor;
}

function messageIdOf(interaction: ComponentInteraction): string | undefined {
  if (interaction.isMessageComponent()) return interaction.message.id;
  if (interaction.isModalSubmit() && interaction.isFromMessage()) return interaction.message.id;
  return undefined;
}

async function queuePage(deps: Deps, actor: Actor, index: number, owner: string, notice?: RenderedMessage['embeds'][number]): Promise<RenderedMessage> {
  const pending = await listPending(deps, actor.companyId, actor.link.userId);
  const at = Math.min(Math.max(0, index), Math.max(0, pending.length - 1));
  const current = pending[at];
  const linked = current === undefined ? null : await linkedElsewhere(deps, actor.companyId, current);
  return renderApprovalQueue(
    pending,
    at,
    (u) => cardIds(u.id, String(at), linked?.id),
    { prev: pageId.encode([String(Math.max(0, at - 1))], owner), next: pageId.encode([String(at + 1)], owner) },
    notice,
    linked,
  );
}

/** A registration still open for a decision, or a clear "already handled by …". */
async function openPending(deps: Deps, actor: Actor, userId: string): Promise<User> {
  const card = await deps.store.approvalCards.get(actor.guildId, userId);
  if (card !== null && card.status !== 'PENDING') throw new AlreadyHandledError(alreadyHandledMessage(card));
  return loadPending(deps, actor.companyId, userId);
}

/**
 * One decision from a card or a /approvals page. A card becomes its receipt; a page shows the
 * receipt above the next registration (and the channel card, if any, becomes a receipt too).
 */
async function decide(interaction: ComponentInteraction, userId: string, decision: ApprovalDecision, from: string, ctx: HandlerContext): Promise<void> {
  const { deps, respond } = ctx;
  const actor = await requireAdmin(deps, interaction);
  const here = messageIdOf(interaction);
  /** The view of this message and, when it is not the channel card, of that card too. */
  const showEverywhere = async (view: RenderedMessage) => {
    await respond.update(view);
    const card = await deps.store.approvalCards.get(actor.guildId, userId);
    if (card !== null && card.messageId !== here) await deps.approvals?.settle(card, view);
  };
  let receipt: ApprovalReceipt;
  try {
    receipt = await decideApproval(
      deps,
      {
        guildId: actor.guildId,
        companyId: actor.companyId,
        actor: { userId: actor.link.userId, discordId: interaction.user.id },
        pendingUserId: userId,
        decision,
        idempotencyKey: interaction.id,
      },
      { onUnsettled: (pending) => showEverywhere(renderApprovalUnsettled(pending, decisionLabel(decision), interaction.user.id)) },
    );
  } catch (err) {
    // The view changes before the boundary says why privately; if even that fails, the answer still goes out.
    await showReopened(err, { ctx, actor, owner: interaction.user.id, userId, decision, from, showEverywhere }).catch((viewErr: unknown) => ctx.log.warn({ err: viewErr }, 'approval card could not be reopened'));
    throw err;
  }
  const view = renderApprovalReceipt(receipt);
  if (receipt.card !== null && receipt.card.messageId !== here) await deps.approvals?.settle(receipt.card, view);
  if (from === 'c' || decision.kind === 'MERGE') {
    await respond.update(view);
  } else {
    // The decision stands even when the queue cannot be re-read: then the page shows the receipt alone.
    const page = await queuePage(deps, actor, Number(from), interaction.user.id, renderApprovalReceiptEmbed(receipt)).catch((err: unknown) => {
      ctx.log.warn({ err }, 'approval queue could not be re-read after a decision');
      return view;
    });
    await respond.update(page);
  }
}

/**
 * After a decision that did not happen, the card (or page) offers the right choices again: a
 * decision Valentina did not apply reopens with a note; an Approve for a member who already acts
 * as another user turns into Merge into that user.
 */
async function showReopened(
  err: unknown,
  at: { ctx: HandlerContext; actor: Actor; owner: string; userId: string; decision: ApprovalDecision; from: string; showEverywhere: (view: RenderedMessage) => Promise<void> },
): Promise<void> {
  const { ctx, actor, owner, userId, decision, from } = at;
  const { deps, respond } = ctx;
  if (err instanceof ApprovalNotAppliedError) {
    const pending = await loadPending(deps, actor.companyId, userId);
    const note = `<@${owner}>'s ${decisionLabel(decision)} was not applied by Valentina; decide again.`;
    await at.showEverywhere(renderApprovalCard(pending, cardIds(pending.id, 'c'), undefined, null, note));
    if (from !== 'c' && decision.kind !== 'MERGE') await respond.update(await queuePage(deps, actor, Number(from), owner));
  } else if (err instanceof LinkedElsewhereError) {
    const pending = await loadPending(deps, actor.companyId, userId);
    await respond.update(
      from === 'c' ? renderApprovalCard(pending, cardIds(pending.id, 'c', err.linkedUser.id), undefined, err.linkedUser) : await queuePage(deps, actor, Number(from), owner),
    );
  }
}

function decisionLabel(decision: ApprovalDecision): string {
  if (decision.kind === 'APPROVE') return decision.role === 'PLAYER' ? 'Approve as Player' : 'Approve as Storyteller';
  return decision.kind === 'DENY' ? 'Deny' : 'Merge';
}

function searchModal(pendingUserId: string, owner: string): ModalComponentData {
  return {
    customId: mergeFindId.encode([pendingUserId], owner),
    title: 'Find the user to merge into',
    components: [
      {
        type: ComponentType.ActionRow,
        components: [
          { type: ComponentType.TextInput, customId: 'query', label: 'Name, username or email', style: TextInputStyle.Short, minLength: 1, maxLength: 100, required: true },
        ],
      },
    ],
  };
}

async function mergePicker(deps: Deps, actor: Actor, pendingUserId: string, owner: string, query: string): Promise<RenderedMessage> {
  const pending = await openPending(deps, actor, pendingUserId);
  // The acting admin's own user is never a merge target (it would move their rights to another account).
  const users = (await deps.directory.listUsers(actor.companyId)).filter((u) => u.id !== actor.link.userId);
  return renderMergePicker(
    pending,
    rankMergeCandidates(pending, users, query),
    { select: mergePickId.encode([pending.id], owner), search: mergeSearchId.encode([pending.id], owner), cancel: mergeNoId.encode([], owner) },
    query,
  );
}

async function mergeConfirm(deps: Deps, actor: Actor, pendingUserId: string, primaryUserId: string, owner: string): Promise<RenderedMessage> {
  const pending = await openPending(deps, actor, pendingUserId);
  const primary = await loadMergeTarget(deps, actor.companyId, pending, primaryUserId, actor.link.userId);
  return renderMergeConfirm(pending, primary, { confirm: mergeOkId.encode([pending.id, primary.id], owner), cancel: mergeNoId.encode([], owner) });
}

function pickedId(raw: string): string {
  const parsed = apiId.safeParse(raw.trim());
  if (!parsed.success) throw new NotFoundInputError('Pick a user from the list while typing a name or email.');
  return parsed.data;
}

export const approvalsRoutes: CommandRoutes = {
  slash: {
    'approvals list': {
      ack: 'ephemeral',
      async run(interaction, { deps, respond }) {
        const actor = await requireAdmin(deps, interaction);
        await respond.send(await queuePage(deps, actor, 0, interaction.user.id));
      },
    },
    'approvals merge': {
      ack: 'ephemeral',
      async run(interaction, { deps, respond }) {
        const actor = await requireAdmin(deps, interaction);
        const pendingUserId = pickedId(interaction.options.getString('pending', true));
        const primaryUserId = pickedId(interaction.options.getString('into', true));
        await respond.send(await mergeConfirm(deps, actor, pendingUserId, primaryUserId, interaction.user.id));
      },
    },
  },
  autocomplete: {
    'approvals merge#pending': {
      async run(interaction, { deps }) {
        const actor = await requireAdmin(deps, interaction);
        // The cached directory answers within autocomplete's budget; the command re-checks the choice.
        const pending = (await deps.directory.listUsers(actor.companyId)).filter((u) => u.role === 'UNAPPROVED');
        return userChoices(pending, interaction.options.getFocused(), (u) => `${displayName(u)} · ${u.email ?? 'no email'}`);
      },
    },
    'approvals merge#into': {
      async run(interaction, { deps }) {
        const actor = await requireAdmin(deps, interaction);
        const users = await deps.directory.listUsers(actor.companyId);
        const pending = users.find((u) => u.id === interaction.options.getString('pending', false));
        const approved = users.filter((u) => u.role !== 'UNAPPROVED' && u.id !== actor.link.userId);
        // Once the registration is chosen, its likeliest duplicates come first.
        const ordered = pending === undefined ? approved : [...approved].sort((a, b) => mergeScore(pending, b) - mergeScore(pending, a));
        return userChoices(ordered, interaction.options.getFocused(), (u) => `${displayName(u)} · ${u.email ?? 'no email'}`);
      },
    },
  },
  components: [
    componentRoute(approveId, {
      ack: 'update',
      run: (interaction, [userId, role, from], ctx) => decide(interaction, userId, { kind: 'APPROVE', role }, from, ctx),
    }),
    componentRoute(denyId, {
      ack: 'update',
      run: (interaction, [userId, from], ctx) => decide(interaction, userId, { kind: 'DENY' }, from, ctx),
    }),
    componentRoute(mergeId, {
      ack: 'ephemeral',
      async run(interaction, [userId], { deps, respond }) {
        const actor = await requireAdmin(deps, interaction);
        await respond.send(await mergePicker(deps, actor, userId, interaction.user.id, ''));
      },
    }),
    componentRoute(pageId, {
      ack: 'update',
      async run(interaction, [index], { deps, respond }) {
        const actor = await requireAdmin(deps, interaction);
        await respond.update(await queuePage(deps, actor, Number(index), interaction.user.id));
      },
    }),
    componentRoute(mergeSearchId, {
      // A modal must be the first answer; the owner check already ran in the router.
      ack: 'none',
      async run(interaction, [userId], { respond }) {
        await respond.showModal(searchModal(userId, interaction.user.id));
      },
    }),
    componentRoute(mergeFindId, {
      ack: 'update',
      async run(interaction, [userId], { deps, respond }) {
        if (!interaction.isModalSubmit()) return;
        const actor = await requireAdmin(deps, interaction);
        await respond.update(await mergePicker(deps, actor, userId, interaction.user.id, interaction.fields.getTextInputValue('query')));
      },
    }),
    componentRoute(mergePickId, {
      ack: 'update',
      async run(interaction, [userId], { deps, respond }) {
        if (!interaction.isStringSelectMenu()) return;
        const actor = await requireAdmin(deps, interaction);
        const primaryUserId = pickedId(interaction.values[0] ?? '');
        await respond.update(await mergeConfirm(deps, actor, userId, primaryUserId, interaction.user.id));
      },
    }),
    componentRoute(mergeOkId, {
      ack: 'update',
      async run(interaction, [userId, primaryUserId], ctx) {
        const { deps, respond } = ctx;
        const actor = await requireAdmin(deps, interaction);
        const pending = await openPending(deps, actor, userId);
        const primary = await loadMergeTarget(deps, actor.companyId, pending, primaryUserId, actor.link.userId);
        if (primary.role !== 'ADMIN') return decide(interaction, userId, { kind: 'MERGE', primaryUserId }, 'c', ctx);
        // Into an ADMIN: a second, explicit and expiring confirm, privately when pressed on the channel card.
        const expiresAt = deps.clock.now() + ADMIN_MERGE_CONFIRM_MS;
        const owner = interaction.user.id;
        const prompt = renderMergeAdminConfirm(pending, primary, { confirm: mergeAdminId.encode([pending.id, primary.id, encodeExpiry(expiresAt)], owner), cancel: mergeNoId.encode([], owner) }, expiresAt);
        const card = await deps.store.approvalCards.get(actor.guildId, userId);
        if (card !== null && card.messageId !== '' && card.messageId === messageIdOf(interaction)) await respond.whisper(prompt);
        else await respond.update(prompt);
      },
    }),
    componentRoute(mergeAdminId, {
      ack: 'update',
      async run(interaction, [userId, primaryUserId, expiry], ctx) {
        // Who may press comes before whether it expired: a non-admin hears a refusal either way.
        await requireAdmin(ctx.deps, interaction);
        if (ctx.deps.clock.now() > decodeExpiry(expiry)) {
          await ctx.respond.update({ embeds: [renderNoticeEmbed('Merge not done', 'That confirm expired. Nothing changed; open the merge again if you still want it.', COLORS.neutral)], components: [] });
          return;
        }
        await decide(interaction, userId, { kind: 'MERGE', primaryUserId, adminConfirmed: true }, 'c', ctx);
      },
    }),
    componentRoute(mergeNoId, {
      ack: 'update',
      async run(_interaction, _args, { respond }) {
        await respond.update({ embeds: [renderNoticeEmbed('Merge cancelled', 'Nothing changed. The registration is still waiting.', COLORS.neutral)], components: [] });
      },
    }),
  ],
};
