import { z } from 'zod';
import type { Deps } from '../../deps.js';
import type { AwardEntry } from '../../store/types.js';
import { AlreadyHandledError, ExpiredError, InvalidInputError, NotFoundInputError, PermissionDeniedError } from '../errors.js';
import { roleLabel } from '../roles.js';
import { mayAward, parseAwardAmount, whoMayAward } from '../xp-policy.js';
import { checkTarget, inScope, resolveCampaign, xpRuleFor, type AwardActor, type PickedMember, type TargetProblem } from './award-context.js';
import { mayResend, type AwardOrigin, type AwardOutcome } from './award-service.js';
import { mapLimit } from './map-limit.js';
import { normalizeReason, refuseIfNoOneAwardable } from './single-award.js';

/** Discord's user select holds 25 members; so does one scene. */
export const SCENE_MAX_MEMBERS = 25;
/** Awards in flight at once: low enough for the API's token bucket, high enough for a table of 25. */
export const SCENE_CONCURRENCY = 4;
export const SCENE_DRAFT_KIND = 'xp-scene';
const SCENE_DRAFT_TTL_MS = 30 * 60_000;

const SceneDraftSchema = z.object({
  kind: z.enum(['XP_ADD', 'CP_ADD']),
  amount: z.number().int().positive(),
  reason: z.string().nullable(),
  companyId: z.string(),
  campaignId: z.string(),
  campaignName: z.string(),
  rule: z.object({ policy: z.enum(['STORYTELLER_ONLY', 'FOLLOW_COMPANY']), companyRule: z.string().nullable() }),
  targets: z.array(z.object({ discordId: z.string(), userId: z.string() })),
  problems: z.array(z.object({ discordId: z.string(), problem: z.enum(['bot', 'not-linked', 'unapproved', 'not-allowed']) })),
});
export type SceneDraft = z.infer<typeof SceneDraftSchema> & { id: string; ownerDiscordId: string };

type SceneDeps = Pick<Deps, 'api' | 'directory' | 'store' | 'clock'>;

export interface SceneStartInput {
  /** The slash interaction's id: the draft id, the batch id, and the stem of every award key. */
  draftId: string;
  actor: AwardActor;
  kind: 'XP_ADD' | 'CP_ADD';
  amount: number;
  reason: string | null;
  campaign: string | null;
}

/** `/xp scene` and `/coolpoints scene`: checks what can be checked now and keeps it as a draft. */
export async function startScene(deps: SceneDeps, input: SceneStartInput): Promise<SceneDraft> {
  const { actor } = input;
  const rule = await xpRuleFor(deps, actor);
  refuseIfNoOneAwardable(rule, actor, input.kind);
  const amount = parseAwardAmount(input.amount, actor.settings.maxAwardAmount, input.kind === 'CP_ADD' ? 'cool points' : 'XP');
  const campaign = await resolveCampaign(deps, actor, input.campaign);
  const draft: SceneDraft = {
    id: input.draftId,
    ownerDiscordId: actor.discordId,
    kind: input.kind,
    amount,
    reason: normalizeReason(input.reason),
    companyId: actor.companyId,
    campaignId: campaign.id,
    campaignName: campaign.name,
    rule,
    targets: [],
    problems: [],
  };
  await saveDraft(deps, actor.guildId, draft);
  // Expired drafts are never read; sweeping them here keeps the table small.
  void deps.store.drafts.deleteExpired(deps.clock.now()).catch(() => undefined);
  return draft;
}

export async function loadScene(deps: Pick<Deps, 'store' | 'clock'>, draftId: string): Promise<SceneDraft> {
  const stored = await deps.store.drafts.get(draftId, deps.clock.now());
  const parsed = stored?.kind === SCENE_DRAFT_KIND ? SceneDraftSchema.safeParse(stored.payload) : undefined;
  if (stored === null || parsed === undefined || !parsed.success) {
    throw new ExpiredError('This scene award has expired (they last 30 minutes). Run the command again.');
  }
  return { ...parsed.data, id: stored.id, ownerDiscordId: stored.ownerDiscordId };
}

async function saveDraft(deps: Pick<Deps, 'store' | 'clock'>, guildId: string, draft: SceneDraft): Promise<void> {
  const { id, ownerDiscordId, ...payload } = draft;
  await deps.store.drafts.put({ id, guildId, ownerDiscordId, kind: SCENE_DRAFT_KIND, payload, expiresAt: deps.clock.now() + SCENE_DRAFT_TTL_MS });
}

/**
 * Sorts the picked members into those who will be awarded and the problems found, and keeps the
 * result in the draft for Confirm.
 */
export async function previewScene(
  deps: Pick<Deps, 'identity' | 'store' | 'clock'>,
  draftId: string,
  guildId: string,
  actor: { userId: string; role: string },
  picked: readonly PickedMember[],
): Promise<SceneDraft> {
  const draft = await loadScene(deps, draftId);
  const unique = [...new Map(picked.map((m) => [m.id, m])).values()].slice(0, SCENE_MAX_MEMBERS);
  const checks = await mapLimit(unique, SCENE_CONCURRENCY, (m) => checkTarget(deps, draft.companyId, m));
  const targets: SceneDraft['targets'] = [];
  const problems: SceneDraft['problems'] = [];
  unique.forEach((member, i) => {
    const check = checks[i];
    if (check === undefined) return;
    let problem: TargetProblem | undefined = check.ok ? undefined : check.problem;
    if (check.ok && !mayAward(draft.rule, actor, check.link.userId)) problem = 'not-allowed';
    if (problem !== undefined) problems.push({ discordId: member.id, problem });
    else if (check.ok) targets.push({ discordId: member.id, userId: check.link.userId });
  });
  const updated: SceneDraft = { ...draft, targets, problems };
  await saveDraft(deps, guildId, updated);
  return updated;
}

export interface SceneRun {
  draft: SceneDraft;
  batchId: string;
  /** Every award of the scene, as the journal has it now (in member order). */
  entries: AwardEntry[];
  /** Entries whose API call this run made (for the audit post). */
  freshlyApplied: AwardEntry[];
}

function sceneKey(batchId: string, userId: string): string {
  return `${batchId}:${userId}`;
}

/**
 * Confirm: journals every award first (so a crash mid-scene forgets nobody), then applies them
 * with bounded concurrency. The first key, in a fixed order, decides which click runs the scene:
 * a double click or a second shard finds it taken and does nothing.
 */
export async function confirmScene(
  deps: Pick<Deps, 'awards' | 'store' | 'clock'>,
  draftId: string,
  guildId: string,
  actor: { userId: string; discordId: string; role: string; companyId: string },
  origin?: AwardOrigin,
): Promise<SceneRun> {
  const draft = await loadScene(deps, draftId);
  if (draft.companyId !== actor.companyId) throw new ExpiredError('This server now uses another Valentina company. Run the command again.');
  if (draft.targets.length === 0) throw new InvalidInputError('Nobody in this scene can be awarded. Pick members who are linked and approved.');
  if (!draft.targets.every((t) => mayAward(draft.rule, actor, t.userId))) {
    throw new InvalidInputError('Your role changed since the preview. Run the command again.');
  }
  const batchId = draft.id;
  const ordered = [...draft.targets].sort((a, b) => a.userId.localeCompare(b.userId));
  const journalled: Array<{ entry: AwardEntry; created: boolean }> = [];
  for (const target of ordered) {
    const { entry, created } = await deps.awards.begin({
      key: sceneKey(batchId, target.userId),
      guildId,
      companyId: draft.companyId,
      campaignId: draft.campaignId,
      batchId,
      actorUserId: actor.userId,
      actorDiscordId: actor.discordId,
      targetUserId: target.userId,
      targetDiscordId: target.discordId,
      kind: draft.kind,
      amount: draft.amount,
      reason: draft.reason,
    });
    if (!created && journalled.length === 0) throw new AlreadyHandledError('This scene was already confirmed; its receipt is in the channel.');
    journalled.push({ entry, created });
  }
  // An award Valentina does not confirm stays PENDING ("waiting for Valentina") and is settled in the background.
  const outcomes = await mapLimit(journalled, SCENE_CONCURRENCY, (j) =>
    j.created ? deps.awards.settle(j.entry, origin) : deps.awards.settleExisting(j.entry, origin === undefined ? {} : { origin }),
  );
  return { draft, batchId, entries: inMemberOrder(draft, outcomes.map((o) => o.entry)), freshlyApplied: freshApplied(outcomes) };
}

/**
 * "Retry failed": only the awards Valentina refused (nothing was applied), each with its original
 * key, inside the API's replay window, and only while the presser may still award each member.
 * Awards still waiting for Valentina are PENDING and never re-sent from here (the background
 * settle owns them), nor are awards never confirmed: they may have been applied.
 */
export async function retryScene(
  deps: Pick<Deps, 'awards' | 'store' | 'api' | 'clock'>,
  batchId: string,
  actor: Pick<AwardActor, 'guildId' | 'companyId' | 'settings' | 'userId' | 'role'>,
  origin?: AwardOrigin,
): Promise<{ entries: AwardEntry[]; freshlyApplied: AwardEntry[] }> {
  const all = await sceneEntries(deps, batchId);
  if (all.length === 0 || !all.every((e) => inScope(e, actor))) {
    throw new NotFoundInputError('This scene is not in this server\'s journal any more.');
  }
  const now = deps.clock.now();
  const failed = all.filter((e) => e.status === 'FAILED');
  const resendable = failed.filter((e) => mayResend(e, now));
  if (resendable.length === 0) {
    if (failed.some((e) => e.failure === 'definite')) {
      throw new ExpiredError('These awards are about an hour old, too old to resend safely. Check `/xp show` and award again whoever is missing.');
    }
    if (failed.length > 0) {
      throw new AlreadyHandledError(
        'The failed awards here were never confirmed by Valentina, so they may or may not have been applied, and the bot will not send them again. Check `/xp show` and award again whoever is missing.',
      );
    }
    if (all.some((e) => e.status === 'PENDING')) {
      throw new AlreadyHandledError('Nothing here failed. The awards still waiting for Valentina are being retried by the bot with the same request; their receipts follow.');
    }
    throw new AlreadyHandledError('Nothing in this scene is left to retry.');
  }
  // The presser's rights as they are now, not as they were when the scene ran.
  const rule = await xpRuleFor(deps, actor);
  const refused = resendable.filter((e) => !mayAward(rule, actor, e.targetUserId));
  if (refused.length > 0) {
    throw new PermissionDeniedError('retry these awards', `${whoMayAward(rule)} You are ${roleLabel(actor.role)}.`);
  }
  if (resendable.some((e) => deps.awards.isInFlight(e.key))) throw new AlreadyHandledError('A retry of this scene is already running.');
  const outcomes = await mapLimit(resendable, SCENE_CONCURRENCY, (e) => deps.awards.settleExisting(e, { retryFailed: true, ...(origin === undefined ? {} : { origin }) }));
  const byKey = new Map(outcomes.map((o) => [o.entry.key, o.entry]));
  return { entries: all.map((e) => byKey.get(e.key) ?? e), freshlyApplied: freshApplied(outcomes) };
}

/** A scene's awards, without their undo entries. */
export async function sceneEntries(deps: Pick<Deps, 'store'>, batchId: string): Promise<AwardEntry[]> {
  return (await deps.store.awards.listBatch(batchId)).filter((e) => e.undoOf === null);
}

function freshApplied(outcomes: readonly AwardOutcome[]): AwardEntry[] {
  return outcomes.filter((o) => o.status === 'applied' && o.fresh).map((o) => o.entry);
}

function inMemberOrder(draft: SceneDraft, entries: AwardEntry[]): AwardEntry[] {
  const order = new Map(draft.targets.map((t, i) => [t.userId, i]));
  return [...entries].sort((a, b) => (order.get(a.targetUserId) ?? 0) - (order.get(b.targetUserId) ?? 0));
}

