/**
 * Every component route the bot has, described for the fuzz and the permission matrix: how it is
 * pressed (button, select or modal), the shape of its custom_id arguments, and what it is.
 * `coverageProblems` fails a suite when a command module gains a component this table does not
 * describe, so neither suite can silently skip one.
 */
import { commandModules } from '../../../commands/index.js';

/** Argument kinds, after the zod schemas in commands/<name>/ids.ts. */
export type Slot =
  | 'apiId' // [A-Za-z0-9-]{1,36}: Valentina ids in approvals, user, quickroll
  | 'objectId' // 24 lowercase hex: notes, assets
  | 'index' // \d{1,4}: pages
  | 'approveRole' // PLAYER | STORYTELLER
  | 'origin' // 'c' or a page index
  | 'roleFilter' // ALL | ADMIN | STORYTELLER | PLAYER | UNAPPROVED
  | 'newRole' // ADMIN | STORYTELLER | PLAYER
  | 'memberOrDash' // '-' or a snowflake
  | 'snowflake' // a Discord id
  | 'num' // \d{1,15}: journal entry ids, ledger pages
  | 'xid' // [\w-]{1,40}: drafts and scene batches
  | 'scope' // e | s
  | 'memberOrDashXp' // '-' or a snowflake (ledger filter)
  | 'campaignOrDash' // '-' or an id (ledger filter)
  | 'expiry'; // epoch seconds in base 36 (a confirm that expires)

export type PressKind = 'button' | 'user-select' | 'string-select' | 'modal';

export interface ComponentSpec {
  key: string;
  version: number;
  args: readonly Slot[];
  press: PressKind;
  /** Text inputs of a modal submit. */
  fields?: readonly string[];
  /** Edits only the prompt it sits on, with no I/O and no data (Cancel, Keep). */
  closer?: true;
  /** Opens a modal and checks nothing before (the submit is checked). */
  opener?: true;
  /** Who may act on it, whatever the owner in the custom_id. */
  rights: 'admin' | 'staff-or-author' | 'awarder' | 'approved' | 'anyone' | 'unlinked';
}

export const COMPONENTS: readonly ComponentSpec[] = [
  { key: 'register:submit', version: 1, args: [], press: 'modal', fields: ['email', 'name_first', 'name_last'], rights: 'unlinked' },
  { key: 'asset:page', version: 1, args: ['objectId', 'index'], press: 'button', rights: 'approved' },
  { key: 'asset:delete', version: 1, args: ['objectId', 'objectId', 'index'], press: 'button', rights: 'staff-or-author' },
  { key: 'asset:confirm', version: 1, args: ['objectId', 'objectId', 'index'], press: 'button', rights: 'staff-or-author' },
  { key: 'note:create', version: 1, args: [], press: 'modal', fields: ['title', 'content'], rights: 'approved' },
  { key: 'note:edit', version: 1, args: ['objectId'], press: 'modal', fields: ['title', 'content'], rights: 'approved' },
  { key: 'note:page', version: 1, args: ['index'], press: 'button', rights: 'approved' },
  { key: 'note:share', version: 1, args: ['objectId'], press: 'button', rights: 'approved' },
  { key: 'note:delete', version: 1, args: ['objectId'], press: 'button', rights: 'approved' },
  { key: 'note:keep', version: 1, args: ['objectId'], press: 'button', closer: true, rights: 'anyone' },
  { key: 'quickroll:reroll', version: 1, args: ['snowflake'], press: 'button', rights: 'approved' },
  { key: 'quickroll:page', version: 1, args: ['index'], press: 'button', rights: 'approved' },
  { key: 'quickroll:delete', version: 1, args: ['apiId'], press: 'button', rights: 'approved' },
  { key: 'quickroll:keep', version: 1, args: ['apiId'], press: 'button', rights: 'approved' },
  { key: 'approvals:approve', version: 1, args: ['apiId', 'approveRole', 'origin'], press: 'button', rights: 'admin' },
  { key: 'approvals:deny', version: 1, args: ['apiId', 'origin'], press: 'button', rights: 'admin' },
  { key: 'approvals:merge', version: 1, args: ['apiId'], press: 'button', rights: 'admin' },
  { key: 'approvals:page', version: 1, args: ['index'], press: 'button', rights: 'admin' },
  { key: 'approvals:merge-search', version: 1, args: ['apiId'], press: 'button', opener: true, rights: 'anyone' },
  { key: 'approvals:merge-find', version: 1, args: ['apiId'], press: 'modal', fields: ['query'], rights: 'admin' },
  { key: 'approvals:merge-pick', version: 1, args: ['apiId'], press: 'string-select', rights: 'admin' },
  { key: 'approvals:merge-ok', version: 1, args: ['apiId', 'apiId'], press: 'button', rights: 'admin' },
  { key: 'approvals:merge-no', version: 1, args: [], press: 'button', closer: true, rights: 'anyone' },
  { key: 'approvals:merge-adm', version: 1, args: ['apiId', 'apiId', 'expiry'], press: 'button', rights: 'admin' },
  { key: 'user:page', version: 1, args: ['index', 'roleFilter'], press: 'button', rights: 'admin' },
  { key: 'user:create', version: 1, args: ['newRole', 'memberOrDash'], press: 'modal', fields: ['username', 'email', 'name_first', 'name_last'], rights: 'admin' },
  { key: 'user:del-ok', version: 1, args: ['apiId'], press: 'button', rights: 'admin' },
  { key: 'user:del-no', version: 1, args: [], press: 'button', closer: true, rights: 'anyone' },
  { key: 'user:del-self', version: 1, args: ['apiId'], press: 'button', opener: true, rights: 'anyone' },
  { key: 'user:del-typed', version: 1, args: ['apiId'], press: 'modal', fields: ['confirm'], rights: 'admin' },
  { key: 'xp:award-modal', version: 1, args: ['snowflake'], press: 'modal', fields: ['amount', 'reason'], rights: 'awarder' },
  { key: 'xp:undo', version: 1, args: ['num'], press: 'button', rights: 'awarder' },
  { key: 'xp:undo-scene', version: 1, args: ['xid'], press: 'button', rights: 'awarder' },
  { key: 'xp:undo-cp', version: 1, args: ['scope', 'xid', 'snowflake'], press: 'button', rights: 'awarder' },
  { key: 'xp:undo-keep', version: 1, args: [], press: 'button', closer: true, rights: 'anyone' },
  { key: 'xp:retry', version: 1, args: ['num'], press: 'button', rights: 'awarder' },
  { key: 'xp:scene-pick', version: 1, args: ['xid'], press: 'user-select', rights: 'awarder' },
  { key: 'xp:scene-ok', version: 1, args: ['xid'], press: 'button', rights: 'awarder' },
  { key: 'xp:scene-cancel', version: 1, args: ['xid'], press: 'button', rights: 'awarder' },
  { key: 'xp:scene-retry', version: 1, args: ['xid'], press: 'button', rights: 'awarder' },
  { key: 'xp:log', version: 1, args: ['num', 'memberOrDashXp', 'campaignOrDash'], press: 'button', rights: 'approved' },
  { key: 'roll:reroll', version: 1, args: ['snowflake'], press: 'button', rights: 'approved' },
  { key: 'roll:save', version: 1, args: ['snowflake'], press: 'button', rights: 'approved' },
  { key: 'roll:save-modal', version: 1, args: ['snowflake'], press: 'modal', fields: ['name', 'description'], rights: 'approved' },
];

/** Component keys registered by the command modules (imports every module's handlers). */
export async function registeredComponents(): Promise<Array<{ key: string; version: number }>> {
  const routes = await Promise.all(commandModules.map((m) => m.load()));
  return routes.flatMap((r) => (r.components ?? []).map((c) => ({ key: c.key, version: c.version })));
}

/** Components the bot has that this table does not describe, or describes wrongly. */
export async function coverageProblems(): Promise<string[]> {
  const problems: string[] = [];
  const known = new Map(COMPONENTS.map((c) => [c.key, c]));
  const components = await registeredComponents();
  for (const { key, version } of components) {
    const spec = known.get(key);
    if (spec === undefined) problems.push(`component ${key} is not described in test/e2e/support/components.ts`);
    else if (spec.version !== version) problems.push(`component ${key} is at version ${version}, described as ${spec.version}`);
  }
  const registered = new Set(components.map((c) => c.key));
  for (const c of COMPONENTS) if (!registered.has(c.key)) problems.push(`component ${c.key} is described but no longer exists`);
  return problems;
}
