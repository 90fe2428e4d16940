/**
 * Fuzz suite (issue 6 §3): thousands of generated interactions against every command, menu and
 * component, from a PLAYER and from a member who is not linked: random and out-of-range numbers,
 * strings up to 6,000 characters, markdown, @everyone/@here, role and user mentions, forged and
 * stale custom_ids. Nothing may crash, every answer is private (a clear error where the input is
 * bad), no message may ping anyone, and nothing is written to the API or to others' state.
 *
 * The seed is printed; FUZZ_SEED=<seed> replays a run, FUZZ_CASES=<n> changes its length.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIMessage } from 'discord-api-types/v10';
import type { InteractionHandle } from '../fakes/discord/index.js';
import { APPLICATION_ID, startWorld, type World } from './harness.js';
import { generateCase, menus, slashPaths, type FuzzCase, type FuzzFixtures } from './support/fuzz-cases.js';
import { COMPONENTS, coverageProblems } from './support/components.js';
import {
  ackProblems,
  answerOf,
  answerProblems,
  apiWrites,
  botIdle,
  collectUnhandledRejections,
  createdMessages,
  customIds,
  idStartingWith,
  isEphemeral,
  memberContext,
  pingedMessages,
  pingProblems,
  visibleAnswer,
} from './support/observe.js';
import { fuzzSeed, Rng } from './support/rng.js';

const CASES = Number(process.env.FUZZ_CASES ?? 2_500);
const BATCH = 12;
const DICEBOT = '300000000000000077';
const OUTSIDER = '300000000000000088';
const APPLICANT = '300000000000000099';

/** Every route key of the bot, as FuzzCase.route names them. */
function allRoutes(): string[] {
  return [
    ...slashPaths().map((p) => `slash:${p.key}`),
    ...slashPaths().flatMap((p) => p.options.filter((o) => o.autocomplete === true).map((o) => `autocomplete:${p.key}#${o.name}`)),
    ...menus().map((m) => `menu:${m.name}`),
    ...COMPONENTS.map((c) => `component:${c.key}`),
  ];
}

/** What a public message looks like now, to prove a refused press left it alone. */
const snapshot = (m: APIMessage | undefined) => JSON.stringify({ embeds: m?.embeds ?? null, components: m?.components ?? null, content: m?.content ?? null });

function choiceProblems(h: InteractionHandle, empty: boolean): string[] {
  const r = h.responded;
  if (r?.type !== 8) return [`expected autocomplete choices, got callback type ${String(r?.type)}`];
  const data = r.data as { choices?: Array<{ name: unknown; value: unknown }> } | undefined;
  const choices = data?.choices;
  if (!Array.isArray(choices)) return ['no choices array'];
  const problems: string[] = [];
  if (choices.length > 25) problems.push(`${choices.length} choices (Discord takes 25)`);
  if (empty && choices.length > 0) problems.push(`showed ${choices.length} choices to a member who may see none: ${JSON.stringify(choices.slice(0, 3))}`);
  for (const c of choices) {
    if (typeof c.name !== 'string' || c.name.length < 1 || c.name.length > 100) problems.push(`choice name ${JSON.stringify(c.name)} outside 1-100 characters`);
    if (typeof c.value === 'string' && c.value.length > 100) problems.push(`choice value longer than 100 characters`);
  }
  return problems;
}

describe('fuzz: generated interactions from a player and an unlinked member', () => {
  let world: World;
  let fx: FuzzFixtures;
  const unhandled = collectUnhandledRejections();

  beforeAll(async () => {
    world = await startWorld();
    const d = world.discord;
    const m = world.members;
    const ctx = (who: keyof World['members']) => memberContext(world, who);
    d.addUser({ id: DICEBOT, username: 'dicebot', bot: true });
    d.addMember(world.guildId, DICEBOT, {});
    d.addUser({ id: OUTSIDER, username: 'outsider' });
    d.addUser({ id: APPLICANT, username: 'applicant', globalName: 'Appli Cant' });
    d.addMember(world.guildId, APPLICANT, {});
    const role = d.addRole(world.guildId, { name: 'Prince', permissions: '0' });

    // Staff at work: a public receipt, an approval card, a storyteller's scene picker, admin pages.
    const award = d.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: { user: m.player2.discordId }, amount: 2, reason: 'Fuzz fixture' } });
    const receipt = await answerOf(award);
    const register = d.slash('register', { user: APPLICANT, guildId: world.guildId, channelId: world.channelId });
    const modal = await register.response();
    const registerId = (modal.data as { custom_id: string }).custom_id;
    await answerOf(d.modalSubmit(registerId, { email: 'applicant@example.com', name_first: 'Appli', name_last: 'Cant' }, { user: APPLICANT, guildId: world.guildId, channelId: world.channelId }));
    await d.waitFor(() => d.messages(world.approvalsChannelId).length > 0);
    const card = d.messages(world.approvalsChannelId)[0];
    if (card === undefined) throw new Error('no approval card');
    const applicant = world.valentina.state.findUserByDiscordId(APPLICANT);
    const scene = d.slash('xp', { ...ctx('storyteller'), subcommand: 'scene', options: { amount: 1 } });
    const picker = await answerOf(scene);
    const queue = await answerOf(d.slash('approvals', { ...ctx('admin'), subcommand: 'list' }));
    const deletePrompt = await answerOf(d.slash('user', { ...ctx('admin'), subcommand: 'delete', options: { user: m.player2.userId ?? '' } }));
    const undoCp = `xp:undo-cp:1:${m.storyteller.discordId}:e:${idStartingWith(receipt, 'xp:undo:').split(':')[4] ?? '0'}:${receipt.id}`;

    // Other members' things, so forged arguments point at something real.
    const note = world.valentina.state.addNote(m.storyteller.userId ?? '', { title: 'Secret plans', content: 'The prince must fall.' });
    const asset = world.valentina.state.addAsset(m.storyteller.userId ?? '', { filename: 'map.png', mime_type: 'image/png' });
    // The player's own stale things: an expired re-roll and an expired scene draft.
    const expired = Date.now() - 60_000;
    await world.store.drafts.put({ id: '1500000000000000001', guildId: world.guildId, ownerDiscordId: m.player.discordId, kind: 'quickroll-reroll', payload: { quickrollId: 'x', characterId: 'y', difficulty: 6, comment: null, private: false, rolledAt: expired }, expiresAt: expired });
    await world.store.drafts.put({ id: '1500000000000000002', guildId: world.guildId, ownerDiscordId: m.player.discordId, kind: 'xp-scene', payload: {}, expiresAt: expired });

    // Each fuzzed member's own private message, to press forged components on.
    const carrierOf = async (who: 'player' | 'unlinked') => (await answerOf(d.slash('whoami', ctx(who)))).id;
    const bad = [
      d.addAttachment({ filename: 'evil.exe', contentType: 'application/x-msdownload', bytes: new Uint8Array(64) }),
      d.addAttachment({ filename: 'huge.png', contentType: 'image/png', bytes: new Uint8Array(64), declaredSize: 50_000_000 }),
      d.addAttachment({ filename: '@everyone.svg', contentType: 'image/svg+xml', bytes: new TextEncoder().encode('<svg/>') }),
      d.addAttachment({ filename: 'liar.png', contentType: 'image/png', bytes: new Uint8Array(11_000_000), declaredSize: 1_000 }),
    ];
    const withFiles = d.addMessage(world.channelId, { author: m.player.discordId, content: '@everyone look', attachments: bad.slice(0, 3) });
    const plain = d.addMessage(world.channelId, { author: m.player.discordId, content: `<@&${role.id}> no files here` });

    fx = {
      members: { player: m.player.discordId, unlinked: m.unlinked.discordId },
      users: [m.player.discordId, m.player2.discordId, m.admin.discordId, m.storyteller.discordId, m.unlinked.discordId, m.unapproved.discordId, DICEBOT, OUTSIDER, APPLICANT],
      botId: DICEBOT,
      channels: [world.channelId, world.approvalsChannelId, world.voiceChannelId],
      roleId: role.id,
      carriers: { player: await carrierOf('player'), unlinked: await carrierOf('unlinked') },
      publicCarriers: [
        { messageId: receipt.id, customIds: customIds(receipt) },
        { messageId: card.id, customIds: customIds(card) },
      ],
      foreignIds: [...customIds(picker), ...customIds(queue), ...customIds(deletePrompt), undoCp],
      pools: {
        apiId: [m.admin.userId, m.storyteller.userId, m.player2.userId, m.unapproved.userId, applicant?.id, world.campaignId, world.companyId].filter((x): x is string => typeof x === 'string'),
        objectId: [note.id, asset.id, world.campaignId],
        num: [idStartingWith(receipt, 'xp:undo:').split(':')[4] ?? '1', '0', '1'],
        xid: [scene.id, '1500000000000000002', award.id],
        snowflake: [receipt.id, card.id, '1500000000000000001', m.storyteller.discordId, APPLICATION_ID],
      },
      badAttachments: bad,
      menuMessages: [
        { id: withFiles.id, hasAttachments: true },
        { id: plain.id, hasAttachments: false },
        { id: card.id, hasAttachments: false },
      ],
    };
  });
  afterAll(async () => {
    unhandled.stop();
    await world?.stop();
  });

  it('describes every component the bot registers', async () => {
    expect(await coverageProblems()).toEqual([]);
  });

  it('answers every case privately and clearly, pings nobody and writes nothing', async () => {
    const seed = fuzzSeed();
    console.log(`fuzz seed ${seed} (FUZZ_SEED=${seed} replays this run)`);
    const rng = new Rng(seed);
    const m = world.members;
    const publicBefore = new Map(fx.publicCarriers.map((c) => [c.messageId, snapshot(world.discord.message(c.messageId))]));
    const journalBefore = (await world.store.awards.listLedger({ guildId: world.guildId, limit: 1, offset: 0 })).total;
    const sceneId = fx.pools.xid[0] ?? '';
    const sceneBefore = JSON.stringify(await world.store.drafts.get(sceneId, Date.now()));
    const cardBefore = JSON.stringify(await world.store.approvalCards.get(world.guildId, fx.pools.apiId[4] ?? ''));
    const apiStart = world.valentina.requests.length;
    const discordStart = world.discord.requests.length;

    const failures: string[] = [];
    const counts = { refuse: 0, private: 0, modal: 0, choices: 0 };
    const created: string[] = [];
    const routesHit = new Set<string>();
    let ran = 0;
    const started = Date.now();
    for (let first = 0; first < CASES && failures.length < 40; first += BATCH) {
      const cases: FuzzCase[] = [];
      for (let n = first; n < Math.min(CASES, first + BATCH); n++) cases.push(generateCase(rng, fx, n));
      const batchApiStart = world.valentina.requests.length;
      const running = cases.map((c) => ({ c, h: c.start(world) }));
      await Promise.all(running.map(({ h }) => h.response(10_000).catch(() => undefined)));
      await botIdle(world);
      ran += cases.length;
      for (const { c, h } of running) {
        counts[c.expect]++;
        routesHit.add(c.route);
        const problems = [...ackProblems(h)];
        const mine = createdMessages(h);
        created.push(...mine.map((x) => x.id));
        for (const msg of mine) if (!isEphemeral(msg)) problems.push(`left a public message: ${JSON.stringify((msg.embeds?.[0]?.description ?? msg.content ?? '').slice(0, 120))}`);
        if (c.expect === 'choices') problems.push(...choiceProblems(h, c.emptyChoices));
        else if (c.expect === 'modal') {
          if (h.responded?.type !== 9) problems.push(`expected a modal, got callback type ${String(h.responded?.type)}: ${JSON.stringify(visibleAnswer(h)?.embeds?.[0]?.description ?? '').slice(0, 160)}`);
        } else {
          problems.push(...answerProblems(visibleAnswer(h), c.expect === 'refuse' ? { error: true } : { private: true }));
        }
        if (c.publicCarrier !== undefined && snapshot(world.discord.message(c.publicCarrier)) !== publicBefore.get(c.publicCarrier)) {
          problems.push(`changed the public message ${c.publicCarrier}`);
          publicBefore.set(c.publicCarrier, snapshot(world.discord.message(c.publicCarrier)));
        }
        if (problems.length > 0) failures.push(`#${c.n} [${c.actor}, expects ${c.expect}] ${c.label}\n    → ${problems.join('\n    → ')}`);
      }
      const writes = apiWrites(world.valentina.requests.slice(batchApiStart));
      if (writes.length > 0) {
        failures.push(`cases #${first}-#${first + cases.length - 1} wrote to the API: ${writes.map((w) => `${w.method} ${w.path}`).join(', ')}\n    ${cases.map((c) => `#${c.n} [${c.actor}] ${c.label}`).join('\n    ')}`);
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `fuzz: ${ran} cases over ${routesHit.size} routes in ${seconds} s (seed ${seed}): ${counts.refuse} must be refused, ${counts.private} private answers, ${counts.modal} modals, ${counts.choices} autocompletes; ${failures.length} failed`,
    );

    // Every message the bot sent or edited during the run pings nobody.
    const pings = [...pingProblems(world, world.discord.requests.slice(discordStart)), ...pingedMessages(world, [...created, fx.carriers.player, fx.carriers.unlinked])];
    // Others' state is untouched: no new journal entries, the storyteller's scene and the card as they were.
    const state: string[] = [];
    if ((await world.store.awards.listLedger({ guildId: world.guildId, limit: 1, offset: 0 })).total !== journalBefore) state.push('the award journal changed');
    if (JSON.stringify(await world.store.drafts.get(sceneId, Date.now())) !== sceneBefore) state.push("the storyteller's scene draft changed");
    if (JSON.stringify(await world.store.approvalCards.get(world.guildId, fx.pools.apiId[4] ?? '')) !== cardBefore) state.push('the approval card changed');

    expect(failures.slice(0, 25).join('\n')).toBe('');
    expect(apiWrites(world.valentina.requests.slice(apiStart)).map((r) => `${r.method} ${r.path}`)).toEqual([]);
    expect(pings).toEqual([]);
    expect(state).toEqual([]);
    expect(unhandled.seen).toEqual([]);
    expect(world.valentina.violations).toEqual([]);
    expect(ran).toBe(CASES);
    // A full run reaches every route the bot registers.
    if (CASES >= 1_000) expect(allRoutes().filter((r) => !routesHit.has(r))).toEqual([]);

    // Still alive and well after all that.
    const after = world.discord.slash('whoami', memberContext(world, 'player'));
    expect(answerProblems(await answerOf(after), { private: true, matches: new RegExp(m.player.name, 'i') })).toEqual([]);
  }, 170_000);
});
