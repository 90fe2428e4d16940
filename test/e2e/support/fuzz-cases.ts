/**
 * Generates hostile interactions for every command, menu and component the bot registers, for a
 * member who is a PLAYER or not linked at all. Each case says what must come back: a private
 * refusal, any private answer, a modal, or autocomplete choices (empty where the member may see
 * nothing). Values come from the seeded Rng only, so a seed replays the same cases.
 */
import { z } from 'zod';
import type { APIAttachment } from 'discord-api-types/v10';
import type { InteractionHandle, OptionValue } from '../../fakes/discord/index.js';
import { commandModules } from '../../../commands/index.js';
import type { World } from '../harness.js';
import { COMPONENTS, type ComponentSpec, type Slot } from './components.js';
import type { Rng } from './rng.js';

export type FuzzActor = 'player' | 'unlinked';

/**
 * - refuse: a private red error embed (and a public message it was pressed on stays as it was);
 * - private — a readable private answer, or an update of the member's own private message;
 * - modal: a modal is the answer;
 * - choices: autocomplete choices within Discord's limits, none at all when `emptyChoices`.
 */
export type FuzzExpect = 'refuse' | 'private' | 'modal' | 'choices';

export interface FuzzCase {
  n: number;
  actor: FuzzActor;
  /** The route it aims at: `slash:xp award`, `autocomplete:link#user`, `menu:Award XP`, `component:xp:undo`, or `component:?` for garbage. */
  route: string;
  label: string;
  expect: FuzzExpect;
  emptyChoices: boolean;
  /** A public message the case was pressed on: it must not change. */
  publicCarrier?: string;
  start(world: World): InteractionHandle;
}

export interface FuzzFixtures {
  members: Record<FuzzActor, string>;
  /** Members and users to pick for user options and selects (incl. a bot, an outsider, staff). */
  users: string[];
  botId: string;
  channels: string[];
  roleId: string;
  /** The member's own private message, to press forged components on. */
  carriers: Record<FuzzActor, string>;
  /** Public messages made by staff with their real components (receipt, approval card). */
  publicCarriers: Array<{ messageId: string; customIds: string[] }>;
  /** Real owner-bound custom_ids of other members (a storyteller's scene picker, an admin's pages). */
  foreignIds: string[];
  /** Real ids of other members' things, so forged arguments look right. */
  pools: Record<'apiId' | 'objectId' | 'num' | 'xid' | 'snowflake', string[]>;
  /** Attachments the bot must refuse (type or size). */
  badAttachments: APIAttachment[];
  /** Messages for "Save attachments as assets": with refused attachments, or none. */
  menuMessages: Array<{ id: string; hasAttachments: boolean }>;
}

// ---------------------------------------------------------------- command definitions

interface OptionDef {
  name: string;
  type: number;
  required?: boolean | undefined;
  autocomplete?: boolean | undefined;
  choices?: Array<{ name: string; value: string | number }> | undefined;
  min_value?: number | undefined;
  max_value?: number | undefined;
  options?: OptionDef[] | undefined;
}

const OptionSchema: z.ZodType<OptionDef> = z.lazy(() =>
  z.object({
    name: z.string(),
    type: z.number(),
    required: z.boolean().optional(),
    autocomplete: z.boolean().optional(),
    choices: z.array(z.object({ name: z.string(), value: z.union([z.string(), z.number()]) })).optional(),
    min_value: z.number().optional(),
    max_value: z.number().optional(),
    options: z.array(OptionSchema).optional(),
  }),
);
const CommandSchema = z.object({ name: z.string(), type: z.number().optional(), options: z.array(OptionSchema).optional() });

export interface SlashPath {
  name: string;
  group?: string;
  subcommand?: string;
  /** Router key, e.g. `xp award`. */
  key: string;
  options: OptionDef[];
}

/** Every slash command path (command, group, subcommand) with its leaf options. */
export function slashPaths(): SlashPath[] {
  const out: SlashPath[] = [];
  for (const def of commandModules.flatMap((m) => m.definitions)) {
    const cmd = CommandSchema.parse(def);
    if ((cmd.type ?? 1) !== 1) continue;
    const top = cmd.options ?? [];
    const subs = top.filter((o) => o.type === 1);
    const groups = top.filter((o) => o.type === 2);
    if (subs.length === 0 && groups.length === 0) out.push({ name: cmd.name, key: cmd.name, options: top });
    for (const s of subs) out.push({ name: cmd.name, subcommand: s.name, key: `${cmd.name} ${s.name}`, options: s.options ?? [] });
    for (const g of groups) {
      for (const s of g.options ?? []) out.push({ name: cmd.name, group: g.name, subcommand: s.name, key: `${cmd.name} ${g.name} ${s.name}`, options: s.options ?? [] });
    }
  }
  return out;
}

/** Every context menu: [name, 2 user | 3 message]. */
export function menus(): Array<{ name: string; type: number }> {
  return commandModules.flatMap((m) => m.definitions).flatMap((def) => {
    const cmd = CommandSchema.parse(def);
    return cmd.type === 2 || cmd.type === 3 ? [{ name: cmd.name, type: cmd.type }] : [];
  });
}

// ---------------------------------------------------------------- expectations

/** Slash commands a PLAYER may use with success; answers must still be private. */
const PLAYER_READS = new Set(['help', 'whoami', 'setup show', 'xp show', 'xp log', 'xp export', 'note list', 'quickroll list', 'asset list', 'stats member', 'stats campaign']);
/** Slash commands that answer with a modal when the member may open it. */
const MODAL_OPENERS: Record<FuzzActor, Set<string>> = { player: new Set(['note create']), unlinked: new Set(['register']) };
/** Needs no account at all. */
const UNLINKED_READS = new Set(['setup show', 'help']);
/** Autocompletes that only admins (or server managers) may see anything in. */
const STAFF_AUTOCOMPLETE = new Set([
  'link#user',
  'setup company#company',
  'approvals merge#pending',
  'approvals merge#into',
  'user info#user',
  'user update#user',
  'user delete#user',
]);
/** Autocompletes that show anyone something (command names for /help). */
const OPEN_AUTOCOMPLETE = new Set(['help#command']);
/** Components a PLAYER may use with success on their own private message. */
const PLAYER_COMPONENTS = new Set(['note:page', 'quickroll:page', 'quickroll:keep', 'asset:page', 'xp:log']);

// ---------------------------------------------------------------- values

const MARKDOWN = '**bold** __under__ *it* ~~strike~~ ||spoiler|| `code` ```js\nalert(1)\n``` > quote\n# Heading\n-# small\n- list [link](https://example.invalid/x)';

function hostileToken(rng: Rng, fx: FuzzFixtures): string {
  return rng.pick([
    '@everyone',
    '@here',
    '@everyone look at this',
    `<@&${fx.roleId}>`,
    `<@${rng.pick(fx.users)}>`,
    `<@!${rng.pick(fx.users)}>`,
    `<#${rng.pick(fx.channels)}>`,
    MARKDOWN,
    '',
    ' ',
    '\n\n\t',
    'a',
    'ab',
    'Session 12',
    '\u200b\u200b',
    '\u202eRTL override',
    '🐺🦇🩸 Ǹ̵̛o̸s̷f̶e̵r̸a̴t̶u̷',
    "'; DROP TABLE award_journal; --",
    '../../../etc/passwd',
    '${process.env.DISCORD_TOKEN}',
    '{{constructor.constructor("return process")()}}',
    '%s%s%s%n',
    'null',
    '-1',
    '1e309',
    '9'.repeat(40),
    '<script>alert(1)</script>',
    'a:b:c:d',
    rng.hex(24),
    rng.pick(fx.pools.apiId),
    rng.pick(fx.pools.objectId),
    rng.digits(rng.int(1, 22)),
  ]);
}

/** Up to 6,000 characters of tokens, markdown and mentions. */
export function hostileString(rng: Rng, fx: FuzzFixtures): string {
  const shape = rng.weighted([
    [6, 'token'],
    [2, 'mix'],
    [2, 'huge'],
  ] as const);
  if (shape === 'token') return hostileToken(rng, fx);
  const target = shape === 'huge' ? rng.int(1_000, 6_000) : rng.int(20, 400);
  let out = '';
  while (out.length < target) out += `${hostileToken(rng, fx)} `;
  return out.slice(0, target);
}

function integerValue(rng: Rng, def: OptionDef): { value: number; outOfRange: boolean } {
  const min = def.min_value ?? -(2 ** 31);
  const max = def.max_value ?? 2 ** 31;
  const value = rng.pick([min - 1, max + 1, 0, -1, -(2 ** 31), 2 ** 31, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, rng.int(min, max), rng.int(min, max), min, max]);
  return { value, outOfRange: value < min || value > max };
}

interface Generated {
  options: Record<string, OptionValue>;
  /** Something in the options is certainly refused (a number out of its declared range). */
  defect: boolean;
}

function optionValue(rng: Rng, fx: FuzzFixtures, def: OptionDef): { value: OptionValue; defect: boolean } {
  switch (def.type) {
    case 3:
      if (def.choices !== undefined && rng.chance(0.75)) return { value: String(rng.pick(def.choices).value), defect: false };
      return { value: hostileString(rng, fx), defect: false };
    case 4:
    case 10: {
      const { value, outOfRange } = integerValue(rng, def);
      return { value, defect: outOfRange };
    }
    case 5:
      return { value: rng.chance(0.5), defect: false };
    case 6:
      return { value: { user: rng.pick(fx.users) }, defect: false };
    case 7:
      return { value: { channel: rng.pick(fx.channels) }, defect: false };
    case 8:
      return { value: { role: fx.roleId }, defect: false };
    case 9:
      return { value: { mentionable: rng.chance(0.5) ? fx.roleId : rng.pick(fx.users) }, defect: false };
    case 11:
      return { value: { attachment: rng.pick(fx.badAttachments) }, defect: false };
    default:
      return { value: hostileString(rng, fx), defect: false };
  }
}

function generateOptions(rng: Rng, fx: FuzzFixtures, defs: readonly OptionDef[]): Generated {
  const options: Record<string, OptionValue> = {};
  let defect = false;
  for (const def of defs) {
    if (def.required !== true && rng.chance(0.5)) continue;
    const v = optionValue(rng, fx, def);
    options[def.name] = v.value;
    defect ||= v.defect;
  }
  return { options, defect };
}

// ---------------------------------------------------------------- custom ids

function slotValue(rng: Rng, fx: FuzzFixtures, slot: Slot): string {
  const real = rng.chance(0.5);
  switch (slot) {
    case 'apiId':
      return real ? rng.pick(fx.pools.apiId) : rng.hex(24);
    case 'objectId':
      return real ? rng.pick(fx.pools.objectId) : rng.hex(24);
    case 'index':
      return String(rng.pick([0, 1, 2, 9999, rng.int(0, 50)]));
    case 'approveRole':
      return rng.pick(['PLAYER', 'STORYTELLER']);
    case 'origin':
      return rng.pick(['c', '0', '3']);
    case 'roleFilter':
      return rng.pick(['ALL', 'ADMIN', 'STORYTELLER', 'PLAYER', 'UNAPPROVED']);
    case 'newRole':
      return rng.pick(['ADMIN', 'STORYTELLER', 'PLAYER']);
    case 'memberOrDash':
    case 'memberOrDashXp':
      return rng.chance(0.3) ? '-' : rng.pick(fx.users);
    case 'snowflake':
      return real ? rng.pick(fx.pools.snowflake) : rng.digits(18);
    case 'num':
      return real ? rng.pick(fx.pools.num) : String(rng.int(0, 10 ** 6));
    case 'xid':
      return real ? rng.pick(fx.pools.xid) : rng.digits(18);
    case 'scope':
      return rng.pick(['e', 's']);
    case 'campaignOrDash':
      return rng.chance(0.4) ? '-' : rng.pick(fx.pools.apiId);
    case 'expiry':
      return Math.ceil((Date.now() + rng.pick([-600_000, 120_000])) / 1000).toString(36);
  }
}

/** A custom_id that no version of the bot ever encoded. */
function garbageId(rng: Rng): string {
  return rng.pick([
    'x',
    ':::',
    'xp',
    'xp:undo',
    'xp:undo:1',
    'xp:undo:one:_:1',
    'xp:undo:1000:_:1',
    'nope:what:1:_:1',
    'note:share:1:_:',
    '🐺:🦇:1:_:🩸',
    `${'a'.repeat(50)}:${'b'.repeat(49)}`,
    'approvals:approve:1:_:../../x:PLAYER:c',
    'user:del-ok:1:_:*',
  ]);
}

type Mutation = 'valid' | 'version' | 'args' | 'namespace' | 'garbage';

function buildCustomId(rng: Rng, fx: FuzzFixtures, spec: ComponentSpec, owner: string, mutation: Mutation): string {
  if (mutation === 'garbage') return garbageId(rng);
  const [ns, action] = spec.key.split(':');
  const version = mutation === 'version' ? rng.pick([0, 2, 7, 999]) : spec.version;
  let args = spec.args.map((slot) => slotValue(rng, fx, slot));
  if (mutation === 'args') {
    // Certainly outside the schema: a tuple of the wrong length, or a character no argument allows.
    const spoiled = [...args];
    const at = rng.int(0, Math.max(0, spoiled.length - 1));
    args = rng.pick([
      [...args, 'surplus'],
      spoiled.length === 0 ? ['surplus'] : args.slice(0, -1),
      spoiled.length === 0 ? ['surplus'] : spoiled.map((a, i) => (i === at ? rng.pick(['*', 'é', '', 'a b']) : a)),
    ]);
  }
  const namespace = mutation === 'namespace' ? rng.pick(['xq', 'note2', 'admin', 'XP']) : (ns ?? 'x');
  return [namespace, action ?? 'x', String(version), owner, ...args].join(':').slice(0, 100);
}

/** Text-input values for a modal: for a route that could write, at least one is certainly refused. */
function modalFields(rng: Rng, fx: FuzzFixtures, spec: ComponentSpec): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const f of spec.fields ?? []) fields[f] = hostileString(rng, fx);
  if (spec.key === 'register:submit') fields['email'] = rng.pick(['not-an-email', '@everyone', `${'x'.repeat(250)}@example.com`, 'a@b', '', MARKDOWN]);
  if (spec.key === 'note:create') {
    if (rng.chance(0.5)) fields['title'] = rng.pick(['', 'ab', 'x'.repeat(51), 'two\nlines', '@everyone'.repeat(6)]);
    else fields['content'] = rng.pick(['', 'ab', 'x'.repeat(4_001), 'y'.repeat(6_000)]);
  }
  return fields;
}

// ---------------------------------------------------------------- cases

export function generateCase(rng: Rng, fx: FuzzFixtures, n: number): FuzzCase {
  const actor: FuzzActor = rng.chance(0.5) ? 'player' : 'unlinked';
  const me = fx.members[actor];
  const where = (world: World) => ({ user: me, guildId: world.guildId, channelId: world.channelId });
  const kind = rng.weighted([
    [45, 'slash'],
    [20, 'autocomplete'],
    [28, 'component'],
    [7, 'public'],
    [8, 'menu'],
  ] as const);

  if (kind === 'slash') {
    const path = rng.pick(slashPaths());
    let { options, defect } = generateOptions(rng, fx, path.options);
    // A shared /stats is public by design: only fuzz it where it must be refused.
    if (path.name === 'stats' && options['share'] === true) {
      if (rng.chance(0.5)) options = { ...options, top: rng.pick([0, 11, -5, 99]) };
      else options = { ...options, ...(path.subcommand === 'member' ? { member: { user: fx.botId } } : { top: 0 }) };
      defect = true;
    }
    // A valid free pool is a public roll by design: fuzz /roll dice only where it must be refused.
    if (path.key === 'roll dice' && !defect) {
      options = { ...options, pool: rng.pick([0, 51, -3, 999]) };
      defect = true;
    }
    let expect: FuzzExpect;
    if (MODAL_OPENERS[actor].has(path.key)) expect = 'modal';
    else if (defect) expect = 'refuse';
    else if (actor === 'player' && PLAYER_READS.has(path.key)) expect = 'private';
    else if (actor === 'unlinked' && UNLINKED_READS.has(path.key)) expect = 'private';
    else expect = 'refuse';
    return {
      n,
      actor,
      route: `slash:${path.key}`,
      expect,
      emptyChoices: false,
      label: `/${path.key} ${JSON.stringify(options).slice(0, 160)}`,
      start: (world) =>
        world.discord.slash(path.name, {
          ...where(world),
          ...(path.group === undefined ? {} : { group: path.group }),
          ...(path.subcommand === undefined ? {} : { subcommand: path.subcommand }),
          options,
        }),
    };
  }

  if (kind === 'autocomplete') {
    // Every (command, option) pair is equally likely, so a command with many autocompleted options
    // (like /roll traits) is not starved and a full run reaches each of them.
    const pairs = slashPaths().flatMap((p) => p.options.filter((o) => o.autocomplete === true).map((focused) => ({ path: p, focused })));
    const { path, focused } = rng.pick(pairs);
    const { options } = generateOptions(rng, fx, path.options.filter((o) => o.type === 3 && o.name !== focused.name));
    const typed = hostileString(rng, fx);
    const key = `${path.key}#${focused.name}`;
    return {
      n,
      actor,
      route: `autocomplete:${key}`,
      expect: 'choices',
      emptyChoices: (actor === 'unlinked' && !OPEN_AUTOCOMPLETE.has(key)) || STAFF_AUTOCOMPLETE.has(key),
      label: `autocomplete ${key} ${JSON.stringify(typed).slice(0, 100)}`,
      start: (world) =>
        world.discord.autocomplete(path.name, {
          ...where(world),
          ...(path.group === undefined ? {} : { group: path.group }),
          ...(path.subcommand === undefined ? {} : { subcommand: path.subcommand }),
          options: { ...options, [focused.name]: typed },
          focused: focused.name,
        }),
    };
  }

  if (kind === 'public') {
    // A real button on a staff member's public message: refused, and the message stays.
    const carrier = rng.pick(fx.publicCarriers);
    const customId = rng.pick(carrier.customIds);
    return {
      n,
      actor,
      route: `component:${customId.split(':').slice(0, 2).join(':')}`,
      expect: 'refuse',
      emptyChoices: false,
      publicCarrier: carrier.messageId,
      label: `press ${customId} on public message ${carrier.messageId}`,
      start: (world) => world.discord.button(customId, { ...where(world), message: carrier.messageId }),
    };
  }

  if (kind === 'menu') {
    const menu = rng.pick(menus());
    if (menu.type === 2) {
      const target = rng.pick(fx.users);
      // Neither fuzz actor may award under the default policy, so "Award XP" refuses before its form.
      return {
        n,
        actor,
        route: `menu:${menu.name}`,
        expect: actor === 'player' && target !== fx.botId && menu.name !== 'Award XP' ? 'private' : 'refuse',
        emptyChoices: false,
        label: `user menu "${menu.name}" on ${target}`,
        start: (world) => world.discord.userContextMenu(menu.name, target, where(world)),
      };
    }
    const message = rng.pick(fx.menuMessages);
    return {
      n,
      actor,
      route: `menu:${menu.name}`,
      // Refused attachments give a private report, not an error; none at all is an error.
      expect: actor === 'player' && message.hasAttachments ? 'private' : 'refuse',
      emptyChoices: false,
      label: `message menu "${menu.name}" on ${message.id}`,
      start: (world) => world.discord.messageContextMenu(menu.name, message.id, where(world)),
    };
  }

  // A forged or stale component on the member's own private message.
  if (rng.chance(0.15)) {
    const customId = rng.pick(fx.foreignIds);
    return {
      n,
      actor,
      route: `component:${customId.split(':').slice(0, 2).join(':')}`,
      expect: 'refuse',
      emptyChoices: false,
      label: `press someone else's ${customId}`,
      start: (world) => world.discord.button(customId, { ...where(world), message: fx.carriers[actor] }),
    };
  }
  const spec = rng.pick(COMPONENTS);
  const mutation = rng.weighted<Mutation>([
    [70, 'valid'],
    [8, 'version'],
    [10, 'args'],
    [5, 'namespace'],
    [7, 'garbage'],
  ]);
  const ownerKind = rng.weighted([
    [50, 'self'],
    [30, 'anyone'],
    [20, 'other'],
  ] as const);
  const owner = ownerKind === 'self' ? me : ownerKind === 'anyone' ? '_' : rng.pick(fx.users.filter((u) => u !== me));
  const customId = buildCustomId(rng, fx, spec, owner, mutation);
  let expect: FuzzExpect;
  if (mutation !== 'valid' || ownerKind === 'other') expect = 'refuse';
  else if (spec.opener === true) expect = 'modal';
  else if (spec.closer === true) expect = 'private';
  else if (actor === 'player' && PLAYER_COMPONENTS.has(spec.key)) expect = 'private';
  else expect = 'refuse';
  const press = mutation === 'garbage' ? 'button' : spec.press;
  const carrier = fx.carriers[actor];
  // Everything random is drawn now, so the seed alone decides the case.
  const picked = Array.from({ length: rng.int(0, 4) }, () => rng.pick(fx.users)).filter((v, i, a) => a.indexOf(v) === i);
  const choice = rng.chance(0.5) ? rng.pick(fx.pools.apiId) : hostileString(rng, fx).slice(0, 100);
  const fields = modalFields(rng, fx, spec);
  const onMessage = rng.chance(0.5);
  return {
    n,
    actor,
    route: mutation === 'valid' || mutation === 'version' || mutation === 'args' ? `component:${spec.key}` : 'component:?',
    expect,
    emptyChoices: false,
    label: `${press} ${customId}${press === 'modal' ? ` ${JSON.stringify(fields).slice(0, 120)}` : ''}`,
    start: (world) => {
      switch (press) {
        case 'button':
          return world.discord.button(customId, { ...where(world), message: carrier });
        case 'user-select':
          return world.discord.select(customId, picked, { ...where(world), kind: 'user', message: carrier });
        case 'string-select':
          return world.discord.select(customId, [choice], { ...where(world), message: carrier });
        case 'modal':
          return world.discord.modalSubmit(customId, fields, { ...where(world), ...(onMessage ? { message: carrier } : {}) });
      }
    },
  };
}
