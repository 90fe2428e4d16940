import { NotFoundError, type User } from '../api/index.js';
import type { Deps } from '../deps.js';
import { UNSETTLED_OUTCOME, type ApprovalCard } from '../store/types.js';
import { describeError } from './describe-error.js';
import { matchChoices } from './directory.js';
import { AlreadyHandledError, InvalidInputError, NotFoundInputError, UserFacingError } from './errors.js';
import { displayName } from './members.js';
import { roleLabel } from './roles.js';
import { isAmbiguousWrite, readBackAfterWait } from './write-settle.js';
import { assertKeepsAnAdmin } from './user-admin.js';

/**
 * A HANDLING claim older than this outlived any API call (retries included): the process that
 * held it died between claim and finish. It is released so the card does not stay stuck forever.
 */
export const STALE_CLAIM_MS = 5 * 60_000;

export type ApprovalRole = 'PLAYER' | 'STORYTELLER';

export type ApprovalDecision =
  | { kind: 'APPROVE'; role: ApprovalRole }
  | { kind: 'DENY' }
  /** `adminConfirmed`: the admin pressed the second, explicit confirm that merging into an ADMIN needs. */
  | { kind: 'MERGE'; primaryUserId: string; adminConfirmed?: boolean };

export interface ApprovalActor {
  /** The admin's company user: the requesting user the API sees. */
  userId: string;
  discordId: string;
}

export interface ApprovalReceipt {
  status: 'APPROVED' | 'DENIED' | 'MERGED';
  /** Role approved as (PLAYER/STORYTELLER), 'denied', or the display name merged into. */
  outcome: string;
  handledByDiscordId: string;
  /** The registrant as it was before the decision. */
  pending: User;
  /** The approved user, or the primary user of a merge; null on deny. */
  user: User | null;
  /** The stored card (its message in the approvals channel, when one was posted). */
  card: ApprovalCard | null;
  /** Things that did not work after the decision itself succeeded (the decision stands). */
  warnings: string[];
}

type ApprovalDeps = Pick<Deps, 'api' | 'store' | 'identity' | 'directory' | 'clock' | 'log'>;

/** The text a second admin hears when a card is taken or done. */
export function alreadyHandledMessage(card: ApprovalCard | null): string {
  const by = card?.handledByDiscordId ? ` by <@${card.handledByDiscordId}>` : '';
  switch (card?.status) {
    case 'HANDLING':
      return card.outcome?.startsWith(UNSETTLED_OUTCOME) === true
        ? `This registration was decided${by}, and the bot is checking with Valentina whether that went through. Wait for the card to update; nobody needs to decide again.`
        : `This registration is being handled${by} right now.`;
    case 'APPROVED':
      return `This registration was already handled${by}: approved as ${roleLabel(card.outcome ?? '')}.`;
    case 'DENIED':
      return `This registration was already handled${by}: denied.`;
    case 'MERGED':
      return `This registration was already handled${by}: merged into ${card.outcome ?? 'another user'}.`;
    default:
      return 'This registration was already handled.';
  }
}

/** Approving would give a member who already acts as another user a second one. */
export class LinkedElsewhereError extends UserFacingError {
  constructor(
    readonly memberId: string,
    readonly linkedUser: User,
  ) {
    super(
      `<@${memberId}> is already linked to **${displayName(linkedUser)}** (${roleLabel(linkedUser.role)}). ` +
        'Approving this registration would give them a second user. Merge it into the user they already have, or deny it. Nothing was decided.',
      'Already linked',
    );
  }
}

/**
 * The approved user a registration's Discord member already acts as, read fresh, or null. Such
 * a registration is a duplicate: it is merged (or denied), never approved.
 */
export async function linkedElsewhere(deps: Pick<Deps, 'api' | 'identity'>, companyId: string, pending: User): Promise<User | null> {
  const memberId = pending.discord_profile?.id ?? null;
  if (memberId === null || memberId === '') return null;
  const link = await deps.identity.resolve(companyId, memberId);
  if (link === null || link.userId === pending.id || link.role === 'UNAPPROVED') return null;
  const user = await deps.api
    .users(companyId)
    .get(link.userId)
    .catch((err: unknown) => {
      if (err instanceof NotFoundError) return null;
      throw err;
    });
  return user !== null && user.role !== 'UNAPPROVED' && user.discord_profile?.id === memberId ? user : null;
}

export class ApprovalFailedError extends UserFacingError {
  constructor(reason: string) {
    super(`${reason}\nNothing was decided: the registration is open again, so you or another admin can retry.`, 'Could not finish');
  }
}

/** A pending registration, read fresh: a card may be older than what happened outside Discord. */
export async function loadPending(deps: Pick<Deps, 'api'>, companyId: string, userId: string): Promise<User> {
  let user: User;
  try {
    user = await deps.api.users(companyId).get(userId);
  } catch (err) {
    if (err instanceof NotFoundError) throw new NotFoundInputError('This registration no longer exists in Valentina: it was denied, merged or deleted elsewhere.');
    throw err;
  }
  if (user.role !== 'UNAPPROVED') {
    throw new AlreadyHandledError(`**${displayName(user)}** is already approved (${roleLabel(user.role)}); nothing left to decide.`);
  }
  return user;
}

async function claimOrExplain(deps: ApprovalDeps, guildId: string, userId: string, actorDiscordId: string): Promise<void> {
  const now = deps.clock.now();
  if (await deps.store.approvalCards.claim(guildId, userId, actorDiscordId, now)) return;
  const card = await deps.store.approvalCards.get(guildId, userId);
  if (card?.status === 'HANDLING' && now - card.updatedAt > STALE_CLAIM_MS) {
    // Only a claim still untouched for STALE_CLAIM_MS is released: one another admin took (or
    // refreshed) since our read stays theirs.
    if (await deps.store.approvalCards.release(guildId, userId, now, { claimedBefore: now - STALE_CLAIM_MS })) {
      deps.log.warn({ guildId, userId, heldBy: card.handledByDiscordId }, 'released a stale approval claim');
    }
    if (await deps.store.approvalCards.claim(guildId, userId, actorDiscordId, now)) return;
  }
  throw new AlreadyHandledError(alreadyHandledMessage(await deps.store.approvalCards.get(guildId, userId)));
}

/**
 * Approves, denies or merges one registration exactly once. The store claim decides between
 * concurrent clicks (double clicks, two admins, two shards) before any API call; only the winner
 * calls the API, and a failed call releases the claim so someone can retry.
 */
export async function decideApproval(
  deps: ApprovalDeps,
  input: {
    guildId: string;
    companyId: string;
    actor: ApprovalActor;
    pendingUserId: string;
    decision: ApprovalDecision;
    /** Derived from the interaction, so a re-delivered click replays instead of repeating. */
    idempotencyKey: string;
  },
  hooks: {
    /** Told when Valentina did not confirm the write: the card should say it is being checked. */
    onUnsettled?: (pending: User) => Promise<void>;
  } = {},
): Promise<ApprovalReceipt> {
  const { guildId, companyId, actor, pendingUserId, decision } = input;

  const before = await deps.store.approvalCards.get(guildId, pendingUserId);
  if (before !== null && before.status !== 'PENDING' && before.status !== 'HANDLING') {
    throw new AlreadyHandledError(alreadyHandledMessage(before));
  }
  await claimOrExplain(deps, guildId, pendingUserId, actor.discordId);

  let pending: User;
  let primary: User | null = null;
  let user: User | null = null;
  try {
    // Read fresh under the claim: the card may be older than what happened outside Discord.
    pending = await loadPending(deps, companyId, pendingUserId);
    if (decision.kind === 'APPROVE') {
      const other = await linkedElsewhere(deps, companyId, pending);
      if (other !== null) throw new LinkedElsewhereError(pending.discord_profile?.id ?? '', other);
    }
    if (decision.kind === 'MERGE') {
      primary = await loadMergeTarget(deps, companyId, pending, decision.primaryUserId, actor.userId);
      await assertMergeAllowed(deps, companyId, pending, primary, decision.adminConfirmed === true);
    }
  } catch (err) {
    throw await failed(deps, input, err);
  }
  try {
    user = await writeDecision(deps, input);
  } catch (err) {
    if (!isAmbiguousWrite(err)) throw await failed(deps, input, err);
    // Valentina may or may not have applied it: the card stays claimed (nobody is told to decide
    // again) while the outcome is read back after a safe wait.
    deps.log.warn({ err, guildId, pendingUserId, decision: decision.kind }, 'approval decision not confirmed; reading it back');
    await deps.store.approvalCards.markUnsettled(guildId, pendingUserId, actor.discordId, decisionTag(decision), deps.clock.now());
    await hooks.onUnsettled?.(pending).catch((hookErr: unknown) => deps.log.warn({ err: hookErr, guildId, pendingUserId }, 'could not show the unsettled approval'));
    const settled = await readBackDecision(deps, input).catch((readErr: unknown) => {
      deps.log.warn({ err: readErr, guildId, pendingUserId }, 'approval decision could not be read back');
      return 'unknown' as const;
    });
    if (settled === 'unknown') throw new ApprovalUnsettledError(pending);
    if (settled === 'not-applied') {
      await deps.store.approvalCards.release(guildId, pendingUserId, deps.clock.now(), { heldBy: actor.discordId });
      throw new ApprovalNotAppliedError();
    }
    user = settled.user;
    deps.log.info({ guildId, pendingUserId, decision: decision.kind }, 'approval decision read back: applied once');
  }

  const status = decision.kind === 'APPROVE' ? 'APPROVED' : decision.kind === 'DENY' ? 'DENIED' : 'MERGED';
  const outcome = decision.kind === 'APPROVE' ? decision.role : decision.kind === 'DENY' ? 'denied' : displayName(user ?? primary ?? pending);
  // The decision is made in Valentina: record it before anything else can fail.
  await deps.store.approvalCards.finish(guildId, pendingUserId, status, outcome, deps.clock.now());

  const warnings: string[] = [];
  const memberId = pending.discord_profile?.id ?? null;
  try {
    if (decision.kind === 'DENY') {
      await deps.identity.invalidateUser(companyId, pendingUserId);
    } else if (decision.kind === 'MERGE' && user !== null) {
      await deps.identity.invalidateUser(companyId, pendingUserId);
      user = await moveDiscordProfile(deps, companyId, actor, pending, user, `${input.idempotencyKey}:relink`, warnings);
      await deps.identity.linkUser(companyId, user);
    } else if (user !== null) {
      await deps.identity.linkUser(companyId, user);
    }
  } catch (err) {
    deps.log.warn({ err, guildId, pendingUserId }, 'linking after an approval decision failed');
    if (memberId !== null) warnings.push(`The member <@${memberId}> could not be linked automatically; use \`/link\` to finish.`);
  }
  deps.directory.invalidateUsers(companyId);

  return {
    status,
    outcome,
    handledByDiscordId: actor.discordId,
    pending,
    user,
    card: await deps.store.approvalCards.get(guildId, pendingUserId),
    warnings,
  };
}

type DecisionInput = Parameters<typeof decideApproval>[1];

/** Releases the claim after a definite failure and turns the error into the member's answer. */
async function failed(deps: ApprovalDeps, input: DecisionInput, err: unknown): Promise<Error> {
  await deps.store.approvalCards.release(input.guildId, input.pendingUserId, deps.clock.now(), { heldBy: input.actor.discordId });
  if (err instanceof UserFacingError) return err;
  const described = describeError(err, input.idempotencyKey);
  deps.log[described.level]({ err, guildId: input.guildId, pendingUserId: input.pendingUserId, decision: input.decision.kind }, 'approval decision failed');
  return new ApprovalFailedError(described.message);
}

/** The one write of a decision; its key comes from the interaction, so a re-delivery replays. */
async function writeDecision(deps: ApprovalDeps, input: DecisionInput): Promise<User | null> {
  const { decision, pendingUserId, actor } = input;
  const users = deps.api.users(input.companyId);
  if (decision.kind === 'APPROVE') {
    return users.approveUser(pendingUserId, decision.role, actor.userId, { idempotencyKey: `${input.idempotencyKey}:approve` });
  }
  if (decision.kind === 'DENY') {
    await users.denyUser(pendingUserId, actor.userId, { idempotencyKey: `${input.idempotencyKey}:deny` });
    return null;
  }
  return users.merge(decision.primaryUserId, pendingUserId, actor.userId, { idempotencyKey: `${input.idempotencyKey}:merge` });
}

/**
 * Whether an unconfirmed decision took effect: an approval leaves the user approved, a deny or a
 * merge leaves the registration gone (404). Anything else: not applied.
 */
async function readDecision(deps: Pick<Deps, 'api'>, input: Pick<DecisionInput, 'companyId' | 'pendingUserId' | 'decision'>): Promise<{ user: User | null } | 'not-applied'> {
  const users = deps.api.users(input.companyId);
  const now = await users.get(input.pendingUserId).catch((err: unknown) => {
    if (err instanceof NotFoundError) return null;
    throw err;
  });
  const { decision } = input;
  if (decision.kind === 'APPROVE') return now !== null && now.role !== 'UNAPPROVED' ? { user: now } : 'not-applied';
  if (now !== null) return 'not-applied';
  return { user: decision.kind === 'MERGE' ? await users.get(decision.primaryUserId) : null };
}

/** The same, after the safe wait for a write that may still be running. */
function readBackDecision(deps: ApprovalDeps, input: DecisionInput): Promise<{ user: User | null } | 'not-applied'> {
  return readBackAfterWait(deps.clock, () => readDecision(deps, input));
}

/** A decision as stored on an unsettled card (see UNSETTLED_OUTCOME). */
export function decisionTag(decision: ApprovalDecision): string {
  if (decision.kind === 'APPROVE') return `APPROVE:${decision.role}`;
  return decision.kind === 'DENY' ? 'DENY' : `MERGE:${decision.primaryUserId}`;
}

export function parseDecisionTag(outcome: string | null): ApprovalDecision | null {
  const [marker, kind, arg] = (outcome ?? '').split(':');
  if (marker !== UNSETTLED_OUTCOME) return null;
  if (kind === 'APPROVE' && (arg === 'PLAYER' || arg === 'STORYTELLER')) return { kind: 'APPROVE', role: arg };
  if (kind === 'DENY') return { kind: 'DENY' };
  if (kind === 'MERGE' && arg !== undefined && arg !== '') return { kind: 'MERGE', primaryUserId: arg, adminConfirmed: true };
  return null;
}

/** Past this, an unsettled card's own process is no longer checking it (it reads back after 15 s). */
export const UNSETTLED_RECOVERY_AFTER_MS = 2 * 60_000;

export interface RecoveredApproval {
  /** The card as stored after recovery (finished, or back to PENDING). */
  card: ApprovalCard;
  companyId: string;
  decision: ApprovalDecision;
  outcome: 'applied' | 'not-applied';
}

/**
 * Settles decisions a stopped process left "checking with Valentina": each is read back once;
 * applied ones are recorded (and the member linked as the decision says), the others reopened.
 * A card whose read fails stays for the next pass.
 */
export async function recoverUnsettledApprovals(
  deps: ApprovalDeps,
  opts: { ownsGuild: (guildId: string) => boolean; companyOf: (guildId: string) => Promise<string | null> },
): Promise<RecoveredApproval[]> {
  const now = deps.clock.now();
  const done: RecoveredApproval[] = [];
  for (const card of await deps.store.approvalCards.listUnsettled(now - UNSETTLED_RECOVERY_AFTER_MS, 25)) {
    const decision = parseDecisionTag(card.outcome);
    if (!opts.ownsGuild(card.guildId) || decision === null || card.handledByDiscordId === null) continue;
    try {
      const companyId = await opts.companyOf(card.guildId);
      if (companyId === null) continue;
      const settled = await readDecision(deps, { companyId, pendingUserId: card.userId, decision });
      if (settled === 'not-applied') {
        await deps.store.approvalCards.release(card.guildId, card.userId, deps.clock.now(), { heldBy: card.handledByDiscordId });
      } else {
        const status = decision.kind === 'APPROVE' ? 'APPROVED' : decision.kind === 'DENY' ? 'DENIED' : 'MERGED';
        const outcome = decision.kind === 'APPROVE' ? decision.role : decision.kind === 'DENY' ? 'denied' : displayName(settled.user ?? { name_first: null, name_last: null, username: decision.primaryUserId });
        await deps.store.approvalCards.finish(card.guildId, card.userId, status, outcome, deps.clock.now());
        if (decision.kind !== 'APPROVE') await deps.identity.invalidateUser(companyId, card.userId);
        if (settled.user !== null) await deps.identity.linkUser(companyId, settled.user);
        deps.directory.invalidateUsers(companyId);
      }
      const stored = await deps.store.approvalCards.get(card.guildId, card.userId);
      if (stored !== null) done.push({ card: stored, companyId, decision, outcome: settled === 'not-applied' ? 'not-applied' : 'applied' });
      deps.log.info({ guildId: card.guildId, pendingUserId: card.userId, outcome: settled === 'not-applied' ? 'not-applied' : 'applied' }, 'unsettled approval recovered');
    } catch (err) {
      deps.log.warn({ err, guildId: card.guildId, pendingUserId: card.userId }, 'unsettled approval could not be read back; trying again later');
    }
  }
  return done;
}

/** Valentina did not confirm a decision and could not be asked afterwards: its outcome is unknown. */
export class ApprovalUnsettledError extends UserFacingError {
  constructor(readonly pending: User) {
    super(
      'Valentina did not confirm this decision, and could not be asked afterwards whether it was applied. ' +
        `Check **${displayName(pending)}** with \`/user info\` in a few minutes. The card stays claimed meanwhile and reopens by itself ` +
        `${Math.round(STALE_CLAIM_MS / 60_000)} minutes after the click if nothing was decided.`,
      'Outcome unknown',
    );
  }
}

/** The unconfirmed decision turned out not to be applied: the registration is open again. */
export class ApprovalNotAppliedError extends UserFacingError {
  constructor() {
    super(
      'Valentina did not confirm this decision, and checking afterwards showed it was **not** applied. Nothing was decided: the registration is open again for a new decision.',
      'Not applied',
    );
  }
}

/** A merge into an ADMIN user needs a second, explicit confirm (it hands admin rights to a Discord account). */
export class AdminMergeNeedsConfirmError extends UserFacingError {
  constructor(primary: User) {
    super(`**${displayName(primary)}** is an Admin: merging into them needs the explicit confirm. Open the merge again and confirm it.`, 'Confirm the merge');
  }
}

/** The user a registration is merged into: another, approved user of the company, never the acting admin's own. */
export async function loadMergeTarget(deps: Pick<Deps, 'api'>, companyId: string, pending: User, primaryUserId: string, actorUserId: string): Promise<User> {
  if (primaryUserId === pending.id) throw new InvalidInputError('A registration cannot be merged into itself. Pick the existing user it duplicates.');
  if (primaryUserId === actorUserId) {
    throw new InvalidInputError(
      'You cannot merge a registration into your own user: your user, and your admin rights, would move to that Discord account. ' +
        'Pick the user the registration duplicates, or ask another admin.',
    );
  }
  let primary: User;
  try {
    primary = await deps.api.users(companyId).get(primaryUserId);
  } catch (err) {
    if (err instanceof NotFoundError) throw new NotFoundInputError('The user to merge into no longer exists. Pick another one.');
    throw err;
  }
  if (primary.role === 'UNAPPROVED') {
    throw new InvalidInputError(`**${displayName(primary)}** is awaiting approval too. Merge into an approved user (admin, storyteller or player).`);
  }
  const previous = primary.discord_profile?.id ?? null;
  if (!deps.api.wire.capabilities.writableProfiles && previous !== null && previous !== '' && mergeMovesDiscord(pending, primary)) {
    // v2 keeps the primary's verified Discord sign-in through a merge and lets no one rewrite it:
    // the member would end up with no user at all.
    throw new InvalidInputError(
      `**${displayName(primary)}** signs in with another Discord account (<@${previous}>), and this Valentina server only changes that ` +
        'through a sign-in by its owner. Merging would leave this member with no user. Deny the registration, or merge into a user without a Discord account.',
      'Cannot merge into that user',
    );
  }
  return primary;
}

/** True when the merge would point the primary's Discord profile at another member. */
export function mergeMovesDiscord(pending: User, primary: User): boolean {
  const memberId = pending.discord_profile?.id ?? null;
  return memberId !== null && memberId !== '' && primary.discord_profile?.id !== memberId;
}

/**
 * Checks a merge into an ADMIN: it must be confirmed explicitly, and it may not take the
 * company's last Admin with a Discord account away from that account (read fresh).
 */
export async function assertMergeAllowed(deps: Pick<Deps, 'api'>, companyId: string, pending: User, primary: User, adminConfirmed: boolean): Promise<void> {
  if (primary.role !== 'ADMIN') return;
  if (!adminConfirmed) throw new AdminMergeNeedsConfirmError(primary);
  if (mergeMovesDiscord(pending, primary)) await assertKeepsAnAdmin(deps, companyId, primary, 'move');
}

/**
 * A merge keeps the primary's own Discord profile. The member who registered must end up on
 * the primary, so when the primary carries another (or no) Discord id it is pointed at theirs.
 */
async function moveDiscordProfile(
  deps: ApprovalDeps,
  companyId: string,
  actor: ApprovalActor,
  pending: User,
  primary: User,
  idempotencyKey: string,
  warnings: string[],
): Promise<User> {
  const profile = pending.discord_profile;
  const memberId = profile?.id ?? null;
  if (memberId === null || memberId === '' || primary.discord_profile?.id === memberId) return primary;
  try {
    const previous = primary.discord_profile?.id ?? null;
    const updated = await deps.api.users(companyId).update(
      primary.id,
      {
        requesting_user_id: actor.userId,
        discord_profile: {
          id: memberId,
          username: profile?.username ?? null,
          global_name: profile?.global_name ?? null,
          avatar_id: profile?.avatar_id ?? null,
          avatar_url: profile?.avatar_url ?? null,
          discriminator: profile?.discriminator ?? null,
        },
      },
      { idempotencyKey },
    );
    if (previous !== null && previous !== '') {
      warnings.push(`**${displayName(primary)}** was linked to <@${previous}> before; it now belongs to <@${memberId}>.`);
    }
    return updated;
  } catch (err) {
    deps.log.warn({ err, companyId, primaryUserId: primary.id }, 'moving the Discord profile after a merge failed');
    warnings.push(`The merge is done, but <@${memberId}> could not be linked to **${displayName(primary)}**: use \`/link\` to finish.`);
    return primary;
  }
}

function norm(text: string | null | undefined): string {
  return (text ?? '').trim().toLowerCase();
}

/** How much an existing user looks like the registrant (higher is likelier the same person). */
export function mergeScore(pending: User, candidate: User): number {
  let score = 0;
  const email = norm(pending.email);
  const other = norm(candidate.email);
  if (email !== '' && email === other) score += 100;
  else if (email !== '' && other !== '' && email.split('@')[0] === other.split('@')[0]) score += 30;
  const discordId = pending.discord_profile?.id ?? null;
  if (discordId !== null && discordId !== '' && candidate.discord_profile?.id === discordId) score += 80;
  const first = norm(pending.name_first);
  const last = norm(pending.name_last);
  if (last !== '' && last === norm(candidate.name_last)) score += first !== '' && first === norm(candidate.name_first) ? 60 : 20;
  else if (first !== '' && first === norm(candidate.name_first)) score += 10;
  if (norm(pending.username) !== '' && norm(pending.username) === norm(candidate.username)) score += 15;
  return score;
}

/**
 * Users a registration may be merged into, best matches first (email, Discord id, names), then
 * by name. A query narrows them the way autocomplete does.
 */
export function rankMergeCandidates(pending: User, users: readonly User[], query = '', max = 25): { items: User[]; total: number } {
  const eligible = users.filter((u) => u.id !== pending.id && u.role !== 'UNAPPROVED');
  const matching = query.trim() === '' ? eligible : matchChoices(eligible, query, (u) => `${displayName(u)} ${u.email ?? ''}`, eligible.length);
  const ranked = matching
    .map((u) => ({ u, score: mergeScore(pending, u) }))
    .sort((a, b) => b.score - a.score || displayName(a.u).localeCompare(displayName(b.u)))
    .map((r) => r.u);
  return { items: ranked.slice(0, max), total: ranked.length };
}

/** The pending registrations an admin sees in /approvals, oldest first (the API's order). */
export async function listPending(deps: Pick<Deps, 'api'>, companyId: string, requestingUserId: string): Promise<User[]> {
  return deps.api.users(companyId).listAllUnapproved(requestingUserId);
}
