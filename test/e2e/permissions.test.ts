/**
 * Permission matrix (issue 6 §4): every command, menu, autocomplete and component, pressed by an
 * ADMIN, a STORYTELLER and a PLAYER user, a member who is not linked and an UNAPPROVED user, under
 * both XP policies of the bot (set with /setup xp-policy) and each company `permission_grant_xp`.
 * One cell per (row, role, policy): the intended roles act (the write reaches the API, or the
 * answer/modal/choices come), everyone else gets a private refusal and nothing is written. The
 * requester the API sees is always the invoker's own linked user.
 *
 * The expected table is written here from the issues (3, 4, 5), not read from the bot's policy code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionContext, InteractionHandle, OptionValue } from '../fakes/discord/index.js';
import type { RecordedRequest } from '../fakes/valentina/index.js';
import { APPLICATION_ID, discordIdentity, startWorld, type World } from './harness.js';
import type { FakeGeneration } from '../fakes/valentina/index.js';
import { assetConfirmId, assetDeleteId } from '../../commands/asset/routes.js';
import { encodeExpiry, mergeAdminId, mergeOkId } from '../../commands/approvals/ids.js';
import { COMPONENTS } from './support/components.js';
import { menus, slashPaths } from './support/fuzz-cases.js';
import {
  ackProblems,
  answerProblems,
  botIdle,
  collectUnhandledRejections,
  eventually,
  isEphemeral,
  requesterOf,
  visibleAnswer,
  WRITE_METHODS,
} from './support/observe.js';
import { COLORS } from '../../src/render/theme.js';
import { commandModules } from '../../commands/index.js';
import type { AwardEntry, AwardKind } from '../../src/store/types.js';

type Role = 'admin' | 'storyteller' | 'player' | 'unlinked' | 'unapproved';
const ROLES: readonly Role[] = ['admin', 'storyteller', 'player', 'unlinked', 'unapproved'];

interface Config {
  policy: 'STORYTELLER_ONLY' | 'FOLLOW_COMPANY';
  grant: 'UNRESTRICTED' | 'STORYTELLER' | 'PLAYER';
}
const CONFIGS: readonly Config[] = (['STORYTELLER_ONLY', 'FOLLOW_COMPANY'] as const).flatMap((policy) =>
  (['UNRESTRICTED', 'STORYTELLER', 'PLAYER'] as const).map((grant) => ({ policy, grant })),
);
const label = (c: Config) => `${c.policy}/${c.grant}`;

// ---------------------------------------------------------------- the intended table

const everyone = (): boolean => true;
const approved = (r: Role): boolean => r === 'admin' || r === 'storyteller' || r === 'player';
const staff = (r: Role): boolean => r === 'admin' || r === 'storyteller';
const admin = (r: Role): boolean => r === 'admin';
const linked = (r: Role): boolean => r !== 'unlinked';
const notLinked = (r: Role): boolean => r === 'unlinked';
const storytellerOnly = (r: Role): boolean => r === 'storyteller';

/**
 * Who may award or remove XP (issue 4 §1, CONTRACT §4): Storyteller and Admin always; a Player only
 * when the guild follows the company, and then as the company says (UNRESTRICTED: anyone; PLAYER:
 * themselves only; STORYTELLER: never). Unlinked and unapproved members never.
 */
function mayAward(role: Role, cfg: Config, self: boolean): boolean {
  if (!approved(role)) return false;
  if (staff(role)) return true;
  if (cfg.policy === 'STORYTELLER_ONLY') return false;
  return cfg.grant === 'UNRESTRICTED' || (cfg.grant === 'PLAYER' && self);
}

// ---------------------------------------------------------------- rows

interface Actor {
  role: Role;
  discordId: string;
  userId: string | null;
}

interface Cell {
  world: World;
  actor: Actor;
  cfg: Config;
  at: InteractionContext;
  fx: Fixtures;
}

interface Fired {
  handle: InteractionHandle;
  /** Strings that appear in this cell's API writes (idempotency key or path): its interaction id, its fixtures' ids. */
  marks: string[];
}

/**
 * - write: acting means a 2xx write to the API (and no refusal); refusing means a private red answer and no write attempt;
 * - read: acting means an answer that is not a refusal;
 * - modal / choices: acting means a modal, or at least one autocomplete choice.
 */
type Kind = 'write' | 'read' | 'modal' | 'choices';

interface Row {
  name: string;
  /** Route keys it exercises: `slash:xp award`, `menu:Award XP`, `component:xp:undo`, `autocomplete:link#user`. */
  covers: string[];
  kind: Kind;
  /** Changes guild settings: runs alone, and settings are restored after it. */
  settings?: true;
  allowed(role: Role, cfg: Config): boolean;
  fire(c: Cell): Promise<Fired> | Fired;
}

class Fixtures {
  private n = 0;
  /** The character each approved actor plays in the campaign (seeded before the cells). */
  readonly characters = new Map<string, string>();
  constructor(private readonly world: World) {}

  private next(): number {
    this.n += 1;
    return this.n;
  }

  /** A company user, optionally a guild member too; with `discord` but no role, a member with no user. */
  user(opts: { role?: 'PLAYER' | 'ADMIN' | 'UNAPPROVED' | null; discord?: boolean } = {}): { userId: string; discordId: string; username: string } {
    const i = this.next();
    const username = `cell${i}`;
    const discordId = `35${String(i).padStart(16, '0')}`;
    let userId = '';
    if (opts.role !== null) {
      const role = opts.role ?? 'PLAYER';
      userId = this.world.valentina.state.addUser(this.world.companyId, {
        role,
        username,
        name_first: 'Cell',
        name_last: `Number${i}`,
        email: `${username}@example.com`,
        ...(opts.discord === true ? discordIdentity(this.world.generation, discordId, username) : {}),
      }).id;
    }
    if (opts.discord === true) {
      this.world.discord.addUser({ id: discordId, username, globalName: username });
      this.world.discord.addMember(this.world.guildId, discordId, { permissions: '2150747136' });
    }
    this.world.bot.deps.directory.invalidateUsers(this.world.companyId);
    this.world.valentina.flushResponseCache();
    return { userId, discordId, username };
  }

  /** A public message of the bot's to press components on. */
  carrier(): string {
    return this.world.discord.addMessage(this.world.channelId, { author: APPLICATION_ID, embeds: [{ title: `carrier ${this.next()}` }] }).id;
  }

  /** A journal entry (APPLIED or FAILED) of an award to player2, made by `by`. */
  async entry(kind: AwardKind, by: { userId: string; discordId: string }, opts: { status?: 'APPLIED' | 'FAILED'; batchId?: string } = {}): Promise<AwardEntry> {
    const w = this.world;
    const key = opts.batchId === undefined ? `cell-${this.next()}:award` : `${opts.batchId}:${w.members.player2.userId ?? ''}`;
    const { entry } = await w.store.awards.insertPending(
      {
        key,
        guildId: w.guildId,
        companyId: w.companyId,
        campaignId: w.campaignId,
        batchId: opts.batchId ?? null,
        actorUserId: by.userId,
        actorDiscordId: by.discordId,
        targetUserId: w.members.player2.userId ?? '',
        targetDiscordId: w.members.player2.discordId,
        kind,
        amount: 1,
        reason: 'permission matrix',
        undoOf: null,
      },
      Date.now(),
    );
    if (opts.status === 'FAILED') return (await w.store.awards.markFailed(key, 'Refused for the matrix.', Date.now(), 'definite')) ?? entry;
    return (await w.store.awards.markApplied(key, { xpCurrent: 1, xpTotal: 1, coolPoints: 0 }, Date.now())) ?? entry;
  }

  note(userId: string): string {
    const id = this.world.valentina.state.addNote(userId, { title: `Note ${this.next()}`, content: 'Written for the permission matrix.' }).id;
    this.world.bot.deps.notes.invalidate(this.world.companyId, userId);
    this.world.valentina.flushResponseCache();
    return id;
  }

  quickroll(userId: string): string {
    const id = this.world.valentina.state.addQuickroll(userId, { name: `Jab ${this.next()}`, trait_names: ['Strength', 'Brawl'] }).id;
    this.world.bot.deps.quickrolls.invalidateQuickrolls(this.world.companyId, userId);
    // Seeded as if the bot had written it: its key's cached lists are flushed, as that write would.
    this.world.valentina.flushResponseCache();
    return id;
  }

  asset(userId: string): string {
    const id = this.world.valentina.state.addAsset(userId, { filename: `map${this.next()}.png`, mime_type: 'image/png', bytes: Buffer.from(PNG) }).id;
    this.world.valentina.flushResponseCache();
    return id;
  }

  png(): string {
    return this.world.discord.addAttachment({ filename: `portrait${this.next()}.png`, contentType: 'image/png', bytes: PNG }).id;
  }

  /** A scene draft of the storyteller's, awarding player2. */
  async scene(): Promise<string> {
    const w = this.world;
    const id = `77${String(this.next()).padStart(16, '0')}`;
    await w.store.drafts.put({
      id,
      guildId: w.guildId,
      ownerDiscordId: w.members.storyteller.discordId,
      kind: 'xp-scene',
      payload: {
        kind: 'XP_ADD',
        amount: 1,
        reason: 'permission matrix',
        companyId: w.companyId,
        campaignId: w.campaignId,
        campaignName: 'Blood and Smoke',
        rule: { policy: 'STORYTELLER_ONLY', companyRule: null },
        targets: [{ discordId: w.members.player2.discordId, userId: w.members.player2.userId ?? '' }],
        problems: [],
      },
      expiresAt: Date.now() + 30 * 60_000,
    });
    return id;
  }
}

/** A 1×1 PNG. */
const PNG = new Uint8Array(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64'));

const slash = (c: Cell, name: string, sub: string | undefined, options: Record<string, OptionValue> = {}) =>
  c.world.discord.slash(name, { ...c.at, ...(sub === undefined ? {} : { subcommand: sub }), options });
const press = (c: Cell, customId: string, message = c.fx.carrier()) => c.world.discord.button(customId, { ...c.at, message });
const submit = (c: Cell, customId: string, fields: Record<string, string>) => c.world.discord.modalSubmit(customId, fields, { ...c.at, message: c.fx.carrier() });
const fired = (handle: InteractionHandle, ...marks: string[]): Fired => ({ handle, marks: [handle.id, ...marks] });
/** The actor's user id, or a stand-in for the member who has none (they are refused before it matters). */
const uid = (c: Cell) => c.actor.userId ?? c.world.members.storyteller.userId ?? '';
const p2 = (c: Cell) => ({ user: c.world.members.player2.discordId });
const storyteller = (c: Cell) => ({ userId: c.world.members.storyteller.userId ?? '', discordId: c.world.members.storyteller.discordId });

function rows(): Row[] {
  const r: Row[] = [
    // ------------------------------------------------ setup, register, link, whoami
    { name: '/setup show', covers: ['slash:setup show'], kind: 'read', allowed: everyone, fire: (c) => fired(slash(c, 'setup', 'show')) },
    { name: '/setup status', covers: ['slash:setup status'], kind: 'read', allowed: admin, fire: (c) => fired(slash(c, 'setup', 'status')) },
    { name: '/setup company', covers: ['slash:setup company'], kind: 'read', settings: true, allowed: admin, fire: (c) => fired(slash(c, 'setup', 'company', { company: c.world.companyId })) },
    { name: '/setup campaign', covers: ['slash:setup campaign'], kind: 'read', settings: true, allowed: admin, fire: (c) => fired(slash(c, 'setup', 'campaign', { campaign: c.world.campaignId })) },
    { name: '/setup channels', covers: ['slash:setup channels'], kind: 'read', settings: true, allowed: admin, fire: (c) => fired(slash(c, 'setup', 'channels', { audit: { channel: c.world.auditChannelId } })) },
    {
      name: '/setup xp-policy',
      covers: ['slash:setup xp-policy'],
      kind: 'read',
      settings: true,
      allowed: admin,
      fire: (c) => fired(slash(c, 'setup', 'xp-policy', { policy: c.cfg.policy === 'STORYTELLER_ONLY' ? 'FOLLOW_COMPANY' : 'STORYTELLER_ONLY' })),
    },
    { name: '/register (opens the form)', covers: ['slash:register'], kind: 'modal', allowed: notLinked, fire: (c) => fired(slash(c, 'register', undefined)) },
    {
      name: 'register form submitted',
      covers: ['component:register:submit'],
      kind: 'write',
      allowed: notLinked,
      fire: (c) => {
        // A newcomer each time, so the shared unlinked member stays unlinked for the other cells.
        const who = c.actor.role === 'unlinked' ? c.fx.user({ role: null, discord: true }).discordId : c.actor.discordId;
        const at = { ...c.at, user: who };
        const email = `reg${who.slice(-6)}@example.com`;
        return fired(c.world.discord.modalSubmit(`register:submit:1:${who}`, { email, name_first: 'New', name_last: 'Comer' }, at));
      },
    },
    {
      name: '/link a member to a user',
      covers: ['slash:link'],
      kind: 'write',
      allowed: admin,
      fire: (c) => {
        const target = c.fx.user();
        const member = c.fx.user({ role: null, discord: true });
        return fired(slash(c, 'link', undefined, { member: { user: member.discordId }, user: target.userId }), target.userId);
      },
    },
    { name: '/whoami', covers: ['slash:whoami'], kind: 'read', allowed: linked, fire: (c) => fired(slash(c, 'whoami', undefined)) },

    // ------------------------------------------------ assets
    {
      name: '/asset upload (own)',
      covers: ['slash:asset upload'],
      kind: 'write',
      allowed: approved,
      fire: (c) => fired(slash(c, 'asset', 'upload', { file: { attachment: c.fx.png() } })),
    },
    {
      name: "/asset upload (for another member)",
      covers: ['slash:asset upload'],
      kind: 'write',
      allowed: staff,
      fire: (c) => fired(slash(c, 'asset', 'upload', { file: { attachment: c.fx.png() }, member: p2(c) })),
    },
    { name: '/asset list (own)', covers: ['slash:asset list'], kind: 'read', allowed: approved, fire: (c) => fired(slash(c, 'asset', 'list')) },
    { name: "/asset list (another member's)", covers: ['slash:asset list'], kind: 'read', allowed: approved, fire: (c) => fired(slash(c, 'asset', 'list', { member: p2(c) })) },
    {
      name: '"Save attachments as assets"',
      covers: ['menu:Save attachments as assets'],
      kind: 'write',
      allowed: approved,
      fire: (c) => {
        const att = c.world.discord.addAttachment({ filename: 'handout.png', contentType: 'image/png', bytes: PNG });
        const message = c.world.discord.addMessage(c.world.channelId, { author: c.world.members.player2.discordId, attachments: [att] });
        return fired(c.world.discord.messageContextMenu('Save attachments as assets', message.id, c.at));
      },
    },
    {
      name: "asset page of another member's",
      covers: ['component:asset:page'],
      kind: 'read',
      allowed: approved,
      fire: (c) => fired(press(c, `asset:page:1:${c.actor.discordId}:${c.world.members.player2.userId ?? ''}:0`)),
    },
    {
      name: "asset delete prompt (another member's asset)",
      covers: ['component:asset:delete'],
      kind: 'read',
      allowed: staff,
      fire: (c) => {
        const a = c.fx.asset(c.world.members.player2.userId ?? '');
        return fired(press(c, assetDeleteId.encode([c.world.members.player2.userId ?? '', a, '0'], c.actor.discordId)), a);
      },
    },
    {
      name: "asset delete confirmed (another member's asset)",
      covers: ['component:asset:confirm'],
      kind: 'write',
      allowed: staff,
      fire: (c) => {
        const a = c.fx.asset(c.world.members.player2.userId ?? '');
        return fired(press(c, assetConfirmId.encode([c.world.members.player2.userId ?? '', a, '0'], c.actor.discordId)), a);
      },
    },

    // ------------------------------------------------ notes (their own)
    { name: '/note create (opens the form)', covers: ['slash:note create'], kind: 'modal', allowed: approved, fire: (c) => fired(slash(c, 'note', 'create')) },
    {
      name: 'note form submitted',
      covers: ['component:note:create'],
      kind: 'write',
      allowed: approved,
      fire: (c) => fired(submit(c, `note:create:1:${c.actor.discordId}`, { title: 'Session notes', content: 'The **prince** owes us.' })),
    },
    { name: '/note list', covers: ['slash:note list'], kind: 'read', allowed: approved, fire: (c) => fired(slash(c, 'note', 'list')) },
    { name: '/note view', covers: ['slash:note view'], kind: 'read', allowed: approved, fire: (c) => fired(slash(c, 'note', 'view', { note: c.fx.note(uid(c)) })) },
    { name: '/note edit (opens the form)', covers: ['slash:note edit'], kind: 'modal', allowed: approved, fire: (c) => fired(slash(c, 'note', 'edit', { note: c.fx.note(uid(c)) })) },
    { name: '/note delete (asks first)', covers: ['slash:note delete'], kind: 'read', allowed: approved, fire: (c) => fired(slash(c, 'note', 'delete', { note: c.fx.note(uid(c)) })) },
    {
      name: 'note edit form submitted',
      covers: ['component:note:edit'],
      kind: 'write',
      allowed: approved,
      fire: (c) => {
        const n = c.fx.note(uid(c));
        return fired(submit(c, `note:edit:1:${c.actor.discordId}:${n}`, { title: 'Edited title', content: 'Edited content.' }), n);
      },
    },
    { name: 'note page', covers: ['component:note:page'], kind: 'read', allowed: approved, fire: (c) => fired(press(c, `note:page:1:${c.actor.discordId}:0`)) },
    { name: 'note shared to the channel', covers: ['component:note:share'], kind: 'read', allowed: approved, fire: (c) => fired(press(c, `note:share:1:${c.actor.discordId}:${c.fx.note(uid(c))}`)) },
    {
      name: 'note delete confirmed',
      covers: ['component:note:delete'],
      kind: 'write',
      allowed: approved,
      fire: (c) => {
        const n = c.fx.note(uid(c));
        return fired(press(c, `note:delete:1:${c.actor.discordId}:${n}`), n);
      },
    },
    { name: 'note kept', covers: ['component:note:keep'], kind: 'read', allowed: everyone, fire: (c) => fired(press(c, `note:keep:1:${c.actor.discordId}:${c.fx.note(uid(c))}`)) },

    // ------------------------------------------------ quickrolls (their own) and stats
    {
      name: '/quickroll roll',
      covers: ['slash:quickroll roll'],
      kind: 'write',
      allowed: approved,
      fire: (c) => fired(slash(c, 'quickroll', 'roll', { name: c.fx.quickroll(uid(c)), character: characterOf(c) })),
    },
    {
      name: '/quickroll roll (privately)',
      covers: ['slash:quickroll roll'],
      kind: 'write',
      allowed: staff,
      fire: (c) => fired(slash(c, 'quickroll', 'roll', { name: c.fx.quickroll(uid(c)), character: characterOf(c), private: true })),
    },
    {
      name: '/quickroll create',
      covers: ['slash:quickroll create'],
      kind: 'write',
      allowed: approved,
      fire: (c) => fired(slash(c, 'quickroll', 'create', { name: `Grapple ${c.actor.role} ${Date.now() % 100_000}${Math.floor(Math.random() * 1000)}`, traits: 'Strength, Brawl', character: characterOf(c) })),
    },
    { name: '/quickroll list', covers: ['slash:quickroll list'], kind: 'read', allowed: approved, fire: (c) => fired(slash(c, 'quickroll', 'list')) },
    {
      name: '/quickroll edit',
      covers: ['slash:quickroll edit'],
      kind: 'write',
      allowed: approved,
      fire: (c) => {
        const q = c.fx.quickroll(uid(c));
        return fired(slash(c, 'quickroll', 'edit', { name: q, description: 'A quick jab to the jaw' }), q);
      },
    },
    { name: '/quickroll delete (asks first)', covers: ['slash:quickroll delete'], kind: 'read', allowed: approved, fire: (c) => fired(slash(c, 'quickroll', 'delete', { name: c.fx.quickroll(uid(c)) })) },
    {
      name: 'quickroll re-rolled',
      covers: ['component:quickroll:reroll'],
      kind: 'write',
      allowed: approved,
      fire: async (c) => {
        const q = c.fx.quickroll(uid(c));
        const draftId = `78${String(Date.now()).slice(-9)}${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
        await c.world.store.drafts.put({
          id: draftId,
          guildId: c.world.guildId,
          ownerDiscordId: c.actor.discordId,
          kind: 'quickroll-reroll',
          payload: { quickrollId: q, characterId: characterOf(c), difficulty: 6, comment: null, private: false, rolledAt: Date.now() },
          expiresAt: Date.now() + 60_000,
        });
        return fired(press(c, `quickroll:reroll:1:${c.actor.discordId}:${draftId}`));
      },
    },
    { name: 'quickroll page', covers: ['component:quickroll:page'], kind: 'read', allowed: approved, fire: (c) => fired(press(c, `quickroll:page:1:${c.actor.discordId}:0`)) },
    {
      name: 'quickroll delete confirmed',
      covers: ['component:quickroll:delete'],
      kind: 'write',
      allowed: approved,
      fire: (c) => {
        const q = c.fx.quickroll(uid(c));
        return fired(press(c, `quickroll:delete:1:${c.actor.discordId}:${q}`), q);
      },
    },
    { name: 'quickroll kept', covers: ['component:quickroll:keep'], kind: 'read', allowed: approved, fire: (c) => fired(press(c, `quickroll:keep:1:${c.actor.discordId}:${c.fx.quickroll(uid(c))}`)) },
    { name: '/roll dice', covers: ['slash:roll dice'], kind: 'write', allowed: approved, fire: (c) => fired(slash(c, 'roll', 'dice', { pool: 3, difficulty: 6 })) },
    { name: '/roll traits', covers: ['slash:roll traits'], kind: 'write', allowed: approved, fire: (c) => fired(slash(c, 'roll', 'traits', { trait: 'Strength', trait2: 'Brawl', character: characterOf(c) })) },
    {
      name: 'roll re-rolled',
      covers: ['component:roll:reroll'],
      kind: 'write',
      allowed: approved,
      fire: async (c) => {
        const draftId = await rollDraft(c, { mode: 'dice', pool: 3, desperation: 1, difficulty: 6, comment: null, private: false });
        return fired(press(c, `roll:reroll:1:${c.actor.discordId}:${draftId}`));
      },
    },
    {
      name: 'Save as quickroll (opens the form)',
      covers: ['component:roll:save'],
      kind: 'modal',
      allowed: approved,
      fire: async (c) => fired(press(c, `roll:save:1:${c.actor.discordId}:${await rollDraft(c, traitDraft(c))}`)),
    },
    {
      name: 'Save as quickroll (form sent)',
      covers: ['component:roll:save-modal'],
      kind: 'write',
      allowed: approved,
      fire: async (c) => {
        const draftId = await rollDraft(c, traitDraft(c));
        return fired(submit(c, `roll:save-modal:1:${c.actor.discordId}:${draftId}`, { name: `Saved ${draftId.slice(-8)}`, description: '' }));
      },
    },
    { name: '/help', covers: ['slash:help'], kind: 'read', allowed: everyone, fire: (c) => fired(slash(c, 'help', undefined)) },
    { name: '/help command', covers: ['slash:help'], kind: 'read', allowed: everyone, fire: (c) => fired(slash(c, 'help', undefined, { command: 'roll' })) },
    { name: '/stats member (own)', covers: ['slash:stats member'], kind: 'read', allowed: approved, fire: (c) => fired(slash(c, 'stats', 'member')) },
    { name: '/stats campaign', covers: ['slash:stats campaign'], kind: 'read', allowed: approved, fire: (c) => fired(slash(c, 'stats', 'campaign')) },
    { name: '"Roll statistics" on a member', covers: ['menu:Roll statistics'], kind: 'read', allowed: approved, fire: (c) => fired(c.world.discord.userContextMenu('Roll statistics', c.world.members.player2.discordId, c.at)) },

    // ------------------------------------------------ approvals (ADMIN)
    { name: '/approvals list', covers: ['slash:approvals list'], kind: 'read', allowed: admin, fire: (c) => fired(slash(c, 'approvals', 'list')) },
    {
      name: '/approvals merge (asks first)',
      covers: ['slash:approvals merge'],
      kind: 'read',
      allowed: admin,
      fire: (c) => fired(slash(c, 'approvals', 'merge', { pending: c.fx.user({ role: 'UNAPPROVED', discord: true }).userId, into: c.fx.user().userId })),
    },
    ...(['PLAYER', 'STORYTELLER'] as const).map(
      (as): Row => ({
        name: `approve as ${as}`,
        covers: ['component:approvals:approve'],
        kind: 'write',
        allowed: admin,
        fire: (c) => {
          const u = c.fx.user({ role: 'UNAPPROVED', discord: true });
          return fired(press(c, `approvals:approve:1:_:${u.userId}:${as}:0`), u.userId);
        },
      }),
    ),
    {
      name: 'deny',
      covers: ['component:approvals:deny'],
      kind: 'write',
      allowed: admin,
      fire: (c) => {
        const u = c.fx.user({ role: 'UNAPPROVED', discord: true });
        return fired(press(c, `approvals:deny:1:_:${u.userId}:0`), u.userId);
      },
    },
    { name: 'merge into… (picker)', covers: ['component:approvals:merge'], kind: 'read', allowed: admin, fire: (c) => fired(press(c, `approvals:merge:1:_:${c.fx.user({ role: 'UNAPPROVED', discord: true }).userId}`)) },
    { name: 'approvals page', covers: ['component:approvals:page'], kind: 'read', allowed: admin, fire: (c) => fired(press(c, `approvals:page:1:${c.actor.discordId}:0`)) },
    {
      name: 'merge search (opens the form)',
      covers: ['component:approvals:merge-search'],
      kind: 'modal',
      allowed: everyone,
      fire: (c) => fired(press(c, `approvals:merge-search:1:${c.actor.discordId}:${c.fx.user({ role: 'UNAPPROVED', discord: true }).userId}`)),
    },
    {
      name: 'merge search submitted',
      covers: ['component:approvals:merge-find'],
      kind: 'read',
      allowed: admin,
      fire: (c) => fired(submit(c, `approvals:merge-find:1:${c.actor.discordId}:${c.fx.user({ role: 'UNAPPROVED', discord: true }).userId}`, { query: 'cell' })),
    },
    {
      name: 'merge target picked',
      covers: ['component:approvals:merge-pick'],
      kind: 'read',
      allowed: admin,
      fire: (c) => {
        const pending = c.fx.user({ role: 'UNAPPROVED', discord: true });
        const into = c.fx.user();
        return fired(c.world.discord.select(`approvals:merge-pick:1:${c.actor.discordId}:${pending.userId}`, [into.userId], { ...c.at, message: c.fx.carrier() }));
      },
    },
    {
      name: 'merge confirmed',
      covers: ['component:approvals:merge-ok'],
      kind: 'write',
      allowed: admin,
      fire: (c) => {
        const pending = c.fx.user({ role: 'UNAPPROVED', discord: true });
        const into = c.fx.user();
        return fired(press(c, mergeOkId.encode([pending.userId, into.userId], c.actor.discordId)), pending.userId);
      },
    },
    {
      name: 'merge into an Admin confirmed (the second confirm)',
      covers: ['component:approvals:merge-adm'],
      kind: 'write',
      allowed: admin,
      fire: (c) => {
        const pending = c.fx.user({ role: 'UNAPPROVED', discord: true });
        const into = c.fx.user({ role: 'ADMIN' });
        // Through the codec: on v2 it packs the two UUIDs to fit Discord's 100 characters.
        return fired(press(c, mergeAdminId.encode([pending.userId, into.userId, encodeExpiry(Date.now() + 120_000)], c.actor.discordId)), pending.userId);
      },
    },
    { name: 'merge cancelled', covers: ['component:approvals:merge-no'], kind: 'read', allowed: everyone, fire: (c) => fired(press(c, `approvals:merge-no:1:${c.actor.discordId}`)) },

    // ------------------------------------------------ user administration (ADMIN)
    { name: '/user list', covers: ['slash:user list'], kind: 'read', allowed: admin, fire: (c) => fired(slash(c, 'user', 'list')) },
    { name: '/user info', covers: ['slash:user info'], kind: 'read', allowed: admin, fire: (c) => fired(slash(c, 'user', 'info', { member: p2(c) })) },
    { name: '/user create (opens the form)', covers: ['slash:user create'], kind: 'modal', allowed: admin, fire: (c) => fired(slash(c, 'user', 'create', { role: 'PLAYER' })) },
    {
      name: 'user create form submitted',
      covers: ['component:user:create'],
      kind: 'write',
      allowed: admin,
      fire: (c) => {
        const name = `made${Date.now() % 1_000_000}${Math.floor(Math.random() * 1e6)}`;
        return fired(submit(c, `user:create:1:${c.actor.discordId}:PLAYER:-`, { username: name, email: `${name}@example.com`, name_first: 'Made', name_last: 'Here' }));
      },
    },
    {
      name: '/user update (another user)',
      covers: ['slash:user update'],
      kind: 'write',
      allowed: admin,
      fire: (c) => {
        const u = c.fx.user();
        return fired(slash(c, 'user', 'update', { user: u.userId, 'name-first': 'Renamed' }), u.userId);
      },
    },
    { name: '/user delete (asks first)', covers: ['slash:user delete'], kind: 'read', allowed: admin, fire: (c) => fired(slash(c, 'user', 'delete', { user: c.fx.user().userId })) },
    { name: 'user list page', covers: ['component:user:page'], kind: 'read', allowed: admin, fire: (c) => fired(press(c, `user:page:1:${c.actor.discordId}:0:ALL`)) },
    {
      name: 'user delete confirmed (another user)',
      covers: ['component:user:del-ok'],
      kind: 'write',
      allowed: admin,
      fire: (c) => {
        const u = c.fx.user();
        return fired(press(c, `user:del-ok:1:${c.actor.discordId}:${u.userId}`), u.userId);
      },
    },
    { name: 'user delete cancelled', covers: ['component:user:del-no'], kind: 'read', allowed: everyone, fire: (c) => fired(press(c, `user:del-no:1:${c.actor.discordId}`)) },
    { name: 'delete yourself (opens the form)', covers: ['component:user:del-self'], kind: 'modal', allowed: everyone, fire: (c) => fired(press(c, `user:del-self:1:${c.actor.discordId}:${uid(c)}`)) },
    {
      name: 'typed delete submitted (another user)',
      covers: ['component:user:del-typed'],
      kind: 'write',
      allowed: admin,
      fire: (c) => {
        const u = c.fx.user();
        return fired(submit(c, `user:del-typed:1:${c.actor.discordId}:${u.userId}`, { confirm: u.username }), u.userId);
      },
    },

    // ------------------------------------------------ XP and cool points
    {
      name: '/xp award (another member)',
      covers: ['slash:xp award'],
      kind: 'write',
      allowed: (role, cfg) => mayAward(role, cfg, false),
      fire: (c) => fired(slash(c, 'xp', 'award', { member: p2(c), amount: 1 })),
    },
    {
      name: '/xp award (themselves)',
      covers: ['slash:xp award'],
      kind: 'write',
      allowed: (role, cfg) => mayAward(role, cfg, true),
      fire: (c) => fired(slash(c, 'xp', 'award', { member: { user: c.actor.discordId }, amount: 1 })),
    },
    {
      name: '/xp remove (another member)',
      covers: ['slash:xp remove'],
      kind: 'write',
      allowed: (role, cfg) => mayAward(role, cfg, false),
      fire: (c) => fired(slash(c, 'xp', 'remove', { member: p2(c), amount: 1 })),
    },
    {
      name: '/coolpoints award (another member)',
      covers: ['slash:coolpoints award'],
      kind: 'write',
      allowed: (role, cfg) => mayAward(role, cfg, false),
      fire: (c) => fired(slash(c, 'coolpoints', 'award', { member: p2(c) })),
    },
    { name: '/xp scene (picker)', covers: ['slash:xp scene'], kind: 'read', allowed: (role, cfg) => mayAward(role, cfg, true), fire: (c) => fired(slash(c, 'xp', 'scene', { amount: 1 })) },
    { name: '/coolpoints scene (picker)', covers: ['slash:coolpoints scene'], kind: 'read', allowed: (role, cfg) => mayAward(role, cfg, true), fire: (c) => fired(slash(c, 'coolpoints', 'scene')) },
    { name: '/xp show (own)', covers: ['slash:xp show'], kind: 'read', allowed: approved, fire: (c) => fired(slash(c, 'xp', 'show')) },
    { name: "/xp show (another member's)", covers: ['slash:xp show'], kind: 'read', allowed: staff, fire: (c) => fired(slash(c, 'xp', 'show', { member: p2(c) })) },
    { name: '/xp log (own)', covers: ['slash:xp log'], kind: 'read', allowed: approved, fire: (c) => fired(slash(c, 'xp', 'log')) },
    { name: '/xp export (own)', covers: ['slash:xp export'], kind: 'read', allowed: approved, fire: (c) => fired(slash(c, 'xp', 'export')) },
    { name: "/xp export (another member's)", covers: ['slash:xp export'], kind: 'read', allowed: staff, fire: (c) => fired(slash(c, 'xp', 'export', { member: p2(c) })) },
    { name: "/xp log (another member's)", covers: ['slash:xp log'], kind: 'read', allowed: staff, fire: (c) => fired(slash(c, 'xp', 'log', { member: p2(c) })) },
    { name: 'ledger page (own)', covers: ['component:xp:log'], kind: 'read', allowed: approved, fire: (c) => fired(press(c, `xp:log:1:${c.actor.discordId}:0:${c.actor.discordId}:-`)) },
    {
      name: "ledger page (another member's)",
      covers: ['component:xp:log'],
      kind: 'read',
      allowed: staff,
      fire: (c) => fired(press(c, `xp:log:1:${c.actor.discordId}:0:${c.world.members.player2.discordId}:-`)),
    },
    { name: '"Award XP" on a member (opens the form)', covers: ['menu:Award XP'], kind: 'modal', allowed: (role, cfg) => mayAward(role, cfg, true), fire: (c) => fired(c.world.discord.userContextMenu('Award XP', c.world.members.player2.discordId, c.at)) },
    {
      name: '"Award XP" form submitted (another member)',
      covers: ['component:xp:award-modal'],
      kind: 'write',
      allowed: (role, cfg) => mayAward(role, cfg, false),
      fire: (c) => fired(c.world.discord.modalSubmit(`xp:award-modal:1:${c.actor.discordId}:${c.world.members.player2.discordId}`, { amount: '1', reason: 'matrix' }, c.at)),
    },
    {
      name: "undo of a storyteller's award",
      covers: ['component:xp:undo'],
      kind: 'write',
      allowed: staff,
      fire: async (c) => {
        const e = await c.fx.entry('XP_ADD', storyteller(c));
        return fired(press(c, `xp:undo:1:_:${e.id}`), e.key);
      },
    },
    {
      name: "undo of a storyteller's cool points (asks first)",
      covers: ['component:xp:undo'],
      kind: 'read',
      allowed: staff,
      fire: async (c) => fired(press(c, `xp:undo:1:_:${(await c.fx.entry('CP_ADD', storyteller(c))).id}`)),
    },
    {
      name: "cool-point undo confirmed (a storyteller's award)",
      covers: ['component:xp:undo-cp'],
      kind: 'write',
      allowed: staff,
      fire: async (c) => {
        const e = await c.fx.entry('CP_ADD', storyteller(c));
        const receipt = c.fx.carrier();
        return fired(press(c, `xp:undo-cp:1:${c.actor.discordId}:e:${e.id}:${receipt}`), e.key);
      },
    },
    { name: 'cool-point undo kept', covers: ['component:xp:undo-keep'], kind: 'read', allowed: everyone, fire: (c) => fired(press(c, `xp:undo-keep:1:${c.actor.discordId}`)) },
    {
      name: "undo of a storyteller's scene",
      covers: ['component:xp:undo-scene'],
      kind: 'write',
      allowed: staff,
      fire: async (c) => {
        const batch = `79${String(Date.now()).slice(-9)}${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
        await c.fx.entry('XP_ADD', storyteller(c), { batchId: batch });
        return fired(press(c, `xp:undo-scene:1:_:${batch}`), batch);
      },
    },
    {
      name: 'retry of their own refused award',
      covers: ['component:xp:retry'],
      kind: 'write',
      allowed: (role, cfg) => mayAward(role, cfg, false),
      fire: async (c) => {
        const e = await c.fx.entry('XP_ADD', { userId: uid(c), discordId: c.actor.discordId }, { status: 'FAILED' });
        return fired(press(c, `xp:retry:1:${c.actor.discordId}:${e.id}`), e.key);
      },
    },
    {
      name: "retry of a storyteller's refused award",
      covers: ['component:xp:retry'],
      kind: 'write',
      allowed: storytellerOnly,
      fire: async (c) => {
        const e = await c.fx.entry('XP_ADD', storyteller(c), { status: 'FAILED' });
        return fired(press(c, `xp:retry:1:${c.actor.discordId}:${e.id}`), e.key);
      },
    },
  ];

  // A storyteller's scene: only they may pick, confirm, cancel or retry it, whether the custom_id
  // names them (others hear "not yours") or its owner was forged away ("_").
  for (const owner of ['theirs', 'forged'] as const) {
    const ownerId = (c: Cell) => (owner === 'theirs' ? c.world.members.storyteller.discordId : '_');
    r.push(
      {
        name: `scene members picked (storyteller's scene, ${owner} id)`,
        covers: ['component:xp:scene-pick'],
        kind: 'read',
        allowed: storytellerOnly,
        fire: async (c) => fired(c.world.discord.select(`xp:scene-pick:1:${ownerId(c)}:${await c.fx.scene()}`, [c.world.members.player2.discordId], { ...c.at, kind: 'user', message: c.fx.carrier() })),
      },
      {
        name: `scene confirmed (storyteller's scene, ${owner} id)`,
        covers: ['component:xp:scene-ok'],
        kind: 'write',
        allowed: storytellerOnly,
        fire: async (c) => {
          const id = await c.fx.scene();
          return fired(press(c, `xp:scene-ok:1:${ownerId(c)}:${id}`), id);
        },
      },
      {
        name: `scene cancelled (storyteller's scene, ${owner} id)`,
        covers: ['component:xp:scene-cancel'],
        kind: 'read',
        allowed: storytellerOnly,
        fire: async (c) => fired(press(c, `xp:scene-cancel:1:${ownerId(c)}:${await c.fx.scene()}`)),
      },
      {
        name: `scene failures retried (storyteller's scene, ${owner} id)`,
        covers: ['component:xp:scene-retry'],
        kind: 'write',
        allowed: storytellerOnly,
        fire: async (c) => {
          const batch = `80${String(Date.now()).slice(-9)}${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
          await c.fx.entry('XP_ADD', storyteller(c), { batchId: batch, status: 'FAILED' });
          return fired(press(c, `xp:scene-retry:1:${ownerId(c)}:${batch}`), batch);
        },
      },
    );
  }

  // Every autocomplete: choices for those who may use the command, none for anyone else.
  const adminOnly = new Set(['link#user', 'setup company#company', 'approvals merge#pending', 'approvals merge#into', 'user info#user', 'user update#user', 'user delete#user']);
  for (const path of slashPaths()) {
    for (const option of path.options.filter((o) => o.autocomplete === true)) {
      const key = `${path.key}#${option.name}`;
      r.push({
        name: `autocomplete ${key}`,
        covers: [`autocomplete:${key}`],
        kind: 'choices',
        allowed: adminOnly.has(key) ? admin : key === 'help#command' ? everyone : approved,
        fire: (c) => {
          // Something of the actor's own to find: a note, a quickroll (their character is seeded).
          if (path.name === 'note') c.fx.note(uid(c));
          if (path.name === 'quickroll') c.fx.quickroll(uid(c));
          return fired(
            c.world.discord.autocomplete(path.name, {
              ...c.at,
              ...(path.subcommand === undefined ? {} : { subcommand: path.subcommand }),
              options: path.key === 'quickroll create' && option.name === 'traits' ? { character: characterOf(c), traits: '' } : { [option.name]: '' },
              focused: option.name,
            }),
          );
        },
      });
    }
  }
  return r;
}

const characterOf = (c: Cell): string => c.fx.characters.get(c.actor.discordId) ?? 'no-character';

/** A roll draft of the actor's, as a /roll result leaves it for its buttons. */
async function rollDraft(c: Cell, payload: Record<string, unknown>): Promise<string> {
  const draftId = `79${String(Date.now()).slice(-9)}${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  await c.world.store.drafts.put({ id: draftId, guildId: c.world.guildId, ownerDiscordId: c.actor.discordId, kind: 'roll', payload: { ...payload, rolledAt: Date.now() }, expiresAt: Date.now() + 60_000 });
  return draftId;
}

function traitDraft(c: Cell): Record<string, unknown> {
  const trait = (name: string, value: number) => ({ traitId: c.world.valentina.state.traitByName(name)?.id ?? '', name, value });
  return { mode: 'traits', traits: [trait('Strength', 3), trait('Brawl', 2)], characterId: characterOf(c), difficulty: 6, comment: null, private: false };
}

/** Every route key the bot registers (imports every module's handlers). */
async function registeredRoutes(): Promise<string[]> {
  const routes = await Promise.all(commandModules.map((m) => m.load()));
  return [
    ...routes.flatMap((r) => Object.keys(r.slash ?? {}).map((k) => `slash:${k}`)),
    ...routes.flatMap((r) => Object.keys(r.autocomplete ?? {}).map((k) => `autocomplete:${k}`)),
    ...menus().map((m) => `menu:${m.name}`),
    ...COMPONENTS.map((c) => `component:${c.key}`),
  ];
}

type Outcome = 'modal' | 'choices' | 'no-choices' | 'refused' | 'answered' | 'crashed' | 'silent';

function outcomeOf(h: InteractionHandle): { outcome: Outcome; text: string } {
  const r = h.responded;
  if (r?.type === 9) return { outcome: 'modal', text: '' };
  if (r?.type === 8) {
    const choices = (r.data as { choices?: unknown[] } | undefined)?.choices ?? [];
    return { outcome: choices.length > 0 ? 'choices' : 'no-choices', text: JSON.stringify(choices).slice(0, 160) };
  }
  const answer = visibleAnswer(h);
  if (answer === undefined) return { outcome: 'silent', text: '' };
  const text = [answer.embeds?.[0]?.title, answer.embeds?.[0]?.description].filter(Boolean).join(': ').slice(0, 200);
  if (/An unexpected error happened/.test(text)) return { outcome: 'crashed', text };
  if (answer.embeds?.[0]?.color === COLORS.error && isEphemeral(answer)) return { outcome: 'refused', text };
  return { outcome: 'answered', text };
}

interface Slice {
  generation: FakeGeneration;
  configs: readonly Config[];
  rows: (row: Row) => boolean;
}

/**
 * v1: every row under every XP policy. v2: the slice where the generations differ, one policy
 * (a company rule that lets players award themselves), every row but registration and /link
 * (on v2 those are the Discord sign-in, tested beside it).
 */
const SLICES: readonly Slice[] = [
  { generation: 'v1', configs: CONFIGS, rows: () => true },
  {
    generation: 'v2',
    configs: [{ policy: 'FOLLOW_COMPANY', grant: 'PLAYER' }],
    rows: (row) => !row.covers.some((k) => k === 'slash:register' || k === 'component:register:submit' || k === 'slash:link' || k.startsWith('autocomplete:link')),
  },
];

for (const slice of SLICES) {
  describe(`permission matrix (${slice.generation}): every command and button × role × ${slice.configs.length === CONFIGS.length ? 'XP policy' : label(slice.configs[0] ?? CONFIGS[0]!)}`, () => {
    let world: World;
    let fx: Fixtures;
    let actors: Record<Role, Actor>;
    const unhandled = collectUnhandledRejections();
    const table = rows().filter((row) => slice.rows(row));

    beforeAll(async () => {
      world = await startWorld({ generation: slice.generation, logLevel: 'warn' });
      fx = new Fixtures(world);
      const m = world.members;
      actors = {
        admin: { role: 'admin', discordId: m.admin.discordId, userId: m.admin.userId },
        storyteller: { role: 'storyteller', discordId: m.storyteller.discordId, userId: m.storyteller.userId },
        player: { role: 'player', discordId: m.player.discordId, userId: m.player.userId },
        unlinked: { role: 'unlinked', discordId: m.unlinked.discordId, userId: null },
        unapproved: { role: 'unapproved', discordId: m.unapproved.discordId, userId: m.unapproved.userId },
      };
      for (const a of Object.values(actors)) {
        if (a.userId === null) continue;
        const ch = world.valentina.state.addCharacter(world.companyId, world.campaignId, {
          user_player_id: a.userId,
          name_first: 'Hero',
          name_last: a.role,
          traits: [
            { name: 'Strength', value: 3 },
            { name: 'Brawl', value: 2 },
          ],
        });
        fx.characters.set(a.discordId, ch.id);
      }
      // Enough XP for every removal; the largest single award stays at its default.
      world.valentina.state.setExperience(m.player2.userId ?? '', world.campaignId, { xp_current: 1_000_000, xp_total: 1_000_000, cool_points: 0 });
    });
    afterAll(async () => {
      unhandled.stop();
      await world?.stop();
    });

    if (slice.generation === 'v1') {
      it('has a row for every route the bot registers', async () => {
        const covered = new Set(rows().flatMap((row) => row.covers));
        expect((await registeredRoutes()).filter((k) => !covered.has(k))).toEqual([]);
      });
    }

    it('lets only the intended roles act, and the API always sees the invoker as the requester', async () => {
      const failures: string[] = [];
      let cells = 0;
      let withRequester = 0;
      const outcomes = new Map<string, number>();
      const started = Date.now();
      // One at a time: rows that change guild settings, and (v2) writes, whose Idempotency-Keys are
      // digests there, so their requests are told apart by time instead of by the interaction id.
      const oneByOne = (row: Row) => row.settings === true || (slice.generation === 'v2' && row.kind === 'write');
      const settingsRows = table.filter(oneByOne);
      const batchRows = table.filter((row) => !oneByOne(row));
      const own = new Map<Fired, readonly RecordedRequest[]>();

      for (const cfg of slice.configs) {
        // The policy is set the way an admin sets it, the company's grant in Valentina.
        world.valentina.state.setCompanySettings(world.companyId, { permission_grant_xp: cfg.grant });
        const set = world.discord.slash('setup', { user: actors.admin.discordId, guildId: world.guildId, channelId: world.channelId, subcommand: 'xp-policy', options: { policy: cfg.policy } });
        await eventually(() => visibleAnswer(set), (a) => a !== undefined, 10_000, 'the policy to be set');
        await eventually(() => world.store.guildSettings.get(world.guildId), (s) => s?.xpPolicy === cfg.policy, 10_000, 'the stored policy');
        const settings = await world.bot.deps.guilds.settings(world.guildId);

        for (const role of ROLES) {
          const actor = actors[role];
          const cell = (): Cell => ({ world, actor, cfg, at: { user: actor.discordId, guildId: world.guildId, channelId: world.channelId }, fx });
          const since = world.valentina.requests.length;
          const batch: Array<{ row: Row; fired: Fired }> = [];
          for (const row of batchRows) batch.push({ row, fired: await row.fire(cell()) });
          await Promise.all(batch.map(({ fired: f }) => f.handle.response(15_000).catch(() => undefined)));
          await botIdle(world);
          // Rows that change guild settings run one at a time, and the settings go back after each.
          for (const row of settingsRows) {
            await quiet(world);
            const from = world.valentina.requests.length;
            const f = await row.fire(cell());
            batch.push({ row, fired: f });
            await f.handle.response(15_000).catch(() => undefined);
            await botIdle(world);
            await quiet(world);
            if (slice.generation === 'v2') own.set(f, world.valentina.requests.slice(from));
            await world.bot.deps.guilds.update(world.guildId, {
              companyId: settings.companyId,
              defaultCampaignId: settings.defaultCampaignId,
              approvalsChannelId: settings.approvalsChannelId,
              auditChannelId: settings.auditChannelId,
              xpPolicy: settings.xpPolicy,
            });
          }
          await quiet(world);
          const requests = world.valentina.requests.slice(since);
          // Anything the API was asked while this actor's cells ran carried this actor as the requester.
          for (const req of requests) {
            const who = requesterOf(req);
            if (who !== undefined) withRequester++;
            if (who !== undefined && who !== actor.userId) {
              failures.push(`[${label(cfg)}] ${role}: ${req.method} ${req.path} was made as acting user ${who}, not the invoker's ${String(actor.userId)}`);
            }
          }
          for (const { row, fired: f } of batch) {
            cells++;
            const seen = row.allowed(role, cfg) ? 'acted' : 'refused';
            outcomes.set(seen, (outcomes.get(seen) ?? 0) + 1);
            const problem = judgeCell(row, role, cfg, f, requests, own.get(f));
            if (problem !== null) failures.push(`[${label(cfg)}] ${role} × ${row.name}: ${problem}`);
          }
        }
      }
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      console.log(
        `permission matrix (${slice.generation}): ${cells} cells (${table.length} rows × ${ROLES.length} roles × ${slice.configs.length} XP policies) in ${seconds} s: ` +
          `${outcomes.get('acted') ?? 0} where the role may act, ${outcomes.get('refused') ?? 0} where it must be refused; ` +
          `${withRequester} API requests named the acting user; ${failures.length} failed`,
      );
      expect(failures.slice(0, 40).join('\n')).toBe('');
      expect(cells).toBe(table.length * ROLES.length * slice.configs.length);
      expect(withRequester).toBeGreaterThan(25 * slice.configs.length);
      expect(unhandled.seen).toEqual([]);
      expect(world.valentina.violations).toEqual([]);
    }, 170_000);
  });
  }

/** Waits until the API has had no request in flight or new for a moment (background work of a batch). */
async function quiet(world: World): Promise<void> {
  let seen = -1;
  await eventually(
    () => {
      const now = world.valentina.requests.length;
      const settled = now === seen && world.valentina.requests.every((r) => r.status !== 0);
      seen = now;
      return settled;
    },
    (ok) => ok,
    10_000,
    'the API to go quiet',
  );
}

/** `own`: the requests made while this cell alone ran (cells run one at a time), else found by its marks. */
function judgeCell(row: Row, role: Role, cfg: Config, f: Fired, requests: readonly RecordedRequest[], own?: readonly RecordedRequest[]): string | null {
  const h = f.handle;
  const late = ackProblems(h);
  if (late.length > 0) return late.join('; ');
  const writes =
    own !== undefined
      ? own.filter((r) => WRITE_METHODS.has(r.method))
      : requests.filter((r) => WRITE_METHODS.has(r.method) && f.marks.some((m) => (r.idempotencyKey ?? '').includes(m) || r.path.includes(m)));
  const ok = writes.filter((r) => r.status >= 200 && r.status < 300);
  const { outcome, text } = outcomeOf(h);
  const allowed = row.allowed(role, cfg);
  const saw = `${outcome}${text === '' ? '' : ` "${text}"`}; API writes: ${writes.map((w) => `${w.method} ${w.path} → ${w.status}`).join(', ') || 'none'}`;
  if (outcome === 'crashed' || outcome === 'silent') return `${outcome}: ${saw}`;
  if (outcome === 'refused') {
    const answer = visibleAnswer(h);
    const unclear = answerProblems(answer, { error: true });
    if (unclear.length > 0) return `an unclear refusal: ${unclear.join('; ')}`;
  }
  const expected = allowed ? 'act' : 'be refused';
  let good: boolean;
  switch (row.kind) {
    case 'write':
      good = allowed ? ok.length > 0 && outcome === 'answered' : outcome === 'refused' && writes.length === 0;
      break;
    case 'read':
      good = allowed ? outcome === 'answered' : outcome === 'refused' && writes.length === 0;
      break;
    case 'modal':
      good = allowed ? outcome === 'modal' : outcome === 'refused';
      break;
    case 'choices':
      good = allowed ? outcome === 'choices' : outcome === 'no-choices';
      break;
  }
  return good ? null : `should ${expected}; saw ${saw}`;
}
