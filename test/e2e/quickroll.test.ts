import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { APIMessage } from 'discord-api-types/v10';
import { COLORS } from '../../src/render/theme.js';
import type { InteractionHandle } from '../fakes/discord/index.js';
import { dieValue } from '../fakes/valentina/index.js';
import { sentWithKey, startWorld, worldGenerations, type World } from './harness.js';
import { controls, customId, embedText, embedsOf, finalAnswer, isPrivate } from './support/replies.js';

/** A refusal: private, with an embed, and no public message left behind. */
async function refusal(handle: InteractionHandle): Promise<string> {
  const message = await finalAnswer(handle);
  expect(isPrivate(message)).toBe(true);
  const original = handle.original();
  if (original !== undefined && original.id !== message.id) expect(isPrivate(original)).toBe(true);
  return embedText(message);
}

/** The newest private follow-up of a component press. */
async function whispered(handle: InteractionHandle): Promise<string> {
  await handle.waitFor((h) => h.followups().some((m) => embedsOf(m).length > 0 && isPrivate(m)));
  const message = handle.followups().find((m) => embedsOf(m).length > 0 && isPrivate(m));
  return embedText(message);
}

function choicesOf(data: unknown): Array<{ name: string; value: string }> {
  return (data as { choices: Array<{ name: string; value: string }> }).choices;
}

for (const kind of worldGenerations()) {
  describe.skipIf(kind.skip !== false)(`/quickroll, ${kind.label}`, () => {
    let world: World;
    /** Faces the fake's dice show next (d10); 7 when the script runs out. */
    let faces: number[] = [];
    const ids = { nadia: '', milo: '', mira: '', punch: '', shoot: '', paulShoot: '', stPunch: '' };

    beforeAll(async () => {
      world = await startWorld({ generation: kind.generation, store: kind.name, valentina: { random: () => dieValue(faces.shift() ?? 7) } });
      const s = world.valentina.state;
      const pia = world.members.player.userId ?? '';
      const paul = world.members.player2.userId ?? '';
      const sam = world.members.storyteller.userId ?? '';
      ids.nadia = s.addCharacter(world.companyId, world.campaignId, {
        user_player_id: pia, name_first: 'Nadia', name_last: 'Volkov',
        traits: [{ name: 'Strength', value: 3 }, { name: 'Brawl', value: 2 }, { name: 'Dexterity', value: 2 }],
      }).id;
      ids.milo = s.addCharacter(world.companyId, world.campaignId, { user_player_id: paul, name_first: 'Milo', name_last: 'Reyes', traits: [{ name: 'Dexterity', value: 2 }, { name: 'Firearms', value: 3 }] }).id;
      ids.mira = s.addCharacter(world.companyId, world.campaignId, { user_player_id: paul, name_first: 'Mira', name_last: 'Reyes', traits: [{ name: 'Dexterity', value: 4 }] }).id;
      s.addCharacter(world.companyId, world.campaignId, { user_player_id: sam, type: 'STORYTELLER', name_first: 'The', name_last: 'Prince', traits: [{ name: 'Strength', value: 5 }, { name: 'Brawl', value: 4 }] });
      ids.punch = s.addQuickroll(pia, { name: 'Punch', description: 'A quick jab', trait_names: ['Strength', 'Brawl'] }).id;
      ids.shoot = s.addQuickroll(pia, { name: 'Shoot', trait_names: ['Dexterity', 'Firearms'] }).id;
      ids.paulShoot = s.addQuickroll(paul, { name: 'Shoot', trait_names: ['Dexterity', 'Firearms'] }).id;
      ids.stPunch = s.addQuickroll(sam, { name: 'Punch', trait_names: ['Strength', 'Brawl'] }).id;
      // Enough for two pages of /quickroll list.
      for (let i = 1; i <= 11; i++) s.addQuickroll(sam, { name: `Roll ${String(i).padStart(2, '0')}`, trait_names: ['Strength'] });
    });
    afterEach(() => {
      faces = [];
    });
    afterAll(async () => {
      expect(world.valentina.violations).toEqual([]);
      await world?.stop();
    });

    const ctx = (who: keyof World['members']) => ({ user: world.members[who].discordId, guildId: world.guildId, channelId: world.channelId });
    const roll = (who: keyof World['members'], options: Record<string, string | number | boolean>) =>
      world.discord.slash('quickroll', { ...ctx(who), subcommand: 'roll', options });
    const rollsOf = (who: keyof World['members']) => world.valentina.state.listDiceRolls({ userId: world.members[who].userId ?? '' }).length;
    const requestsDuring = async (work: () => Promise<unknown>) => {
      const before = world.valentina.requests.length;
      await work();
      // U = the acting user's routes: below the user on v1, at company level (user in On-Behalf-Of) on v2.
      return world.valentina.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/^\/api\/v1\/companies\/[0-9a-f-]+(\/users\/[0-9a-f-]+)?/, 'U')}`);
    };

    it('offers the invoker\'s quickrolls and characters by autocomplete, with no API call when warm', async () => {
      const names = world.discord.autocomplete('quickroll', { ...ctx('player'), subcommand: 'roll', options: { name: 'pu' }, focused: 'name' });
      expect(choicesOf((await names.response()).data)).toEqual([{ name: 'Punch · A quick jab', value: ids.punch }]);
      const chars = world.discord.autocomplete('quickroll', { ...ctx('player2'), subcommand: 'roll', options: { name: ids.paulShoot, character: '' }, focused: 'character' });
      expect(choicesOf((await chars.response()).data).map((c) => c.name)).toEqual(['Milo Reyes', 'Mira Reyes']);
      const warm = await requestsDuring(async () => {
        const again = world.discord.autocomplete('quickroll', { ...ctx('player'), subcommand: 'roll', options: { name: 'sh' }, focused: 'name' });
        expect(choicesOf((await again.response()).data).map((c) => c.value)).toEqual([ids.shoot]);
      });
      expect(warm).toEqual([]);
    });

    it('rolls publicly for a member\'s only character: embed, plain-text summary and a Re-roll button', async () => {
      faces = [2, 6, 7, 8, 3];
      const h = roll('player', { name: ids.punch, comment: 'Hit the ghoul' });
      expect((await h.response()).type).toBe(5);
      const message = await finalAnswer(h);
      expect(isPrivate(message)).toBe(false);
      expect(message.content).toBe(`🎲 <@${world.members.player.discordId}> rolled Strength + Brawl for Nadia Volkov (5 dice, diff 6): 3 Successes — Success`);
      const embed = embedsOf(message)[0];
      expect(embed?.color).toBe(COLORS.success);
      expect(embed?.title).toBe('Success: 3 Successes');
      expect(embed?.description).toContain('2️⃣ 3️⃣ 6️⃣ 7️⃣ 8️⃣');
      expect(embedText(message)).toContain('Traits Strength 3 + Brawl 2');
      expect(embedText(message)).toContain('Comment Hit the ghoul');
      expect(controls(message).map((c) => c.label)).toEqual(['Re-roll']);
      expect(message.mentions ?? []).toEqual([]);
      const stored = world.valentina.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/dicerolls/quickroll'));
      expect(sentWithKey(world, stored.at(-1), `${h.id}:roll`)).toBe(true);
      expect(stored.at(-1)?.body).toMatchObject({ quickroll_id: ids.punch, character_id: ids.nadia, difficulty: 6, comment: 'Hit the ghoul' });
    });

    it('colours botches and criticals, and spends exactly one API call on a warm roll', async () => {
      faces = [1, 1, 2, 3, 4];
      const botch = await finalAnswer(roll('player', { name: 'Punch', difficulty: 7 }));
      expect(embedsOf(botch)[0]?.color).toBe(COLORS.botch);
      expect(botch.content).toContain('(5 dice, diff 7): -2 Successes — Botch');
      faces = [10, 10, 10, 9, 8];
      const calls = await requestsDuring(async () => {
        const critical = await finalAnswer(roll('player', { name: ids.punch }));
        expect(embedsOf(critical)[0]?.color).toBe(COLORS.critical);
        expect(critical.content).toContain('Critical success');
      });
      expect(calls).toEqual(['POST U/dicerolls/quickroll']);
    });

    it('refuses a difficulty outside 2–10 privately and rolls nothing', async () => {
      const before = rollsOf('player');
      for (const difficulty of [1, 11]) {
        const h = roll('player', { name: ids.punch, difficulty });
        expect(await refusal(h)).toContain('Difficulty must be a whole number from 2 to 10');
      }
      expect(rollsOf('player')).toBe(before);
    });

    it('answers an unknown quickroll with did-you-mean, privately, and rolls nothing', async () => {
      const before = rollsOf('player');
      const text = await refusal(roll('player', { name: 'Pnuch' }));
      expect(text).toContain('no quickroll called "Pnuch". Did you mean **Punch**?');
      expect(rollsOf('player')).toBe(before);
      // No public "thinking…" message stays in the channel.
      expect(world.discord.messages(world.channelId).some((m) => !isPrivate(m) && (m.content ?? '') === '' && embedsOf(m).length === 0)).toBe(false);
    });

    it('asks a member with two characters to pick one, and refuses an unknown character', async () => {
      expect(await refusal(roll('player2', { name: ids.paulShoot }))).toContain('You play 2 characters in **Blood and Smoke**');
      const unknown = await refusal(roll('player2', { name: ids.paulShoot, character: 'Mlio Reyes' }));
      expect(unknown).toContain('You have no character called "Mlio Reyes"');
      expect(unknown).toContain('Did you mean **Milo Reyes**');
      faces = [6, 6, 6, 6, 6];
      const ok = await finalAnswer(roll('player2', { name: ids.paulShoot, character: ids.milo }));
      expect(ok.content).toContain('for Milo Reyes (5 dice, diff 6): 5 Successes');
    });

    it('names the traits a character lacks and rolls nothing', async () => {
      const before = rollsOf('player2');
      const text = await refusal(roll('player2', { name: ids.paulShoot, character: ids.mira }));
      expect(text).toContain('**Mira Reyes** lacks **Firearms**, which the quickroll **Shoot** needs. Nothing was rolled.');
      expect(rollsOf('player2')).toBe(before);
    });

    it('refuses a player\'s private roll privately; a storyteller rolls privately', async () => {
      const before = rollsOf('player');
      const text = await refusal(roll('player', { name: ids.punch, private: true }));
      expect(text).toContain('You may not roll privately');
      expect(rollsOf('player')).toBe(before);

      const h = roll('storyteller', { name: ids.stPunch, private: true });
      const message = await finalAnswer(h);
      expect(isPrivate(message)).toBe(true);
      expect(message.content).toContain('for The Prince (9 dice, diff 6)');
      expect(embedText(message)).toContain('Private roll');
    });

    it('re-rolls for the roller within 60 s, refuses anyone else, and expires afterwards', async () => {
      faces = [2, 3, 4, 5, 6];
      const first = await finalAnswer(roll('player', { name: ids.punch, comment: 'Again!' }));
      const rerollId = customId(first, 'Re-roll');

      const other = world.discord.button(rerollId, { ...ctx('player2'), message: first.id });
      const notYours = await finalAnswer(other);
      expect(isPrivate(notYours)).toBe(true);
      expect(embedText(notYours)).toContain('someone else');

      faces = [10, 9, 8, 7, 6];
      const before = rollsOf('player');
      const press = world.discord.button(rerollId, { ...ctx('player'), message: first.id });
      await press.waitFor((x) => x.followups().some((m) => (m.content ?? '').startsWith('🎲')));
      const second = press.followups().find((m) => (m.content ?? '').startsWith('🎲'));
      expect(rollsOf('player')).toBe(before + 1);
      expect(isPrivate(second as APIMessage)).toBe(false);
      expect(embedText(second)).toContain('Comment Again!');
      expect(second?.content).toContain('6 Successes');
      // The old result lost its button; the new one has it.
      expect(controls(world.discord.message(first.id))).toEqual([]);
      const nextId = customId(second, 'Re-roll');

      const clock = world.bot.deps.clock;
      const realNow = clock.now;
      clock.now = () => Date.now() + 61_000;
      try {
        const late = world.discord.button(nextId, { ...ctx('player'), message: second?.id ?? '' });
        expect(await whispered(late)).toContain('Re-roll is offered for 60 seconds');
        expect(controls(world.discord.message(second?.id ?? ''))).toEqual([]);
      } finally {
        clock.now = realNow;
      }
      expect(rollsOf('player')).toBe(before + 1);
    });

    it('creates a quickroll from traits picked by autocomplete, and refuses unknown traits naming them', async () => {
      const ac = world.discord.autocomplete('quickroll', { ...ctx('player'), subcommand: 'create', options: { name: 'Haymaker', traits: 'Strength, b' }, focused: 'traits' });
      expect(choicesOf((await ac.response()).data).map((c) => c.value)).toEqual(['Strength, Brawl']);

      const bad = world.discord.slash('quickroll', { ...ctx('player'), subcommand: 'create', options: { name: 'Haymaker', traits: 'Strength, Ocult' } });
      expect(await refusal(bad)).toContain('Unknown trait: "Ocult"');
      const h = world.discord.slash('quickroll', { ...ctx('player'), subcommand: 'create', options: { name: 'Haymaker', traits: 'Strength, Brawl', description: 'All in' } });
      const receipt = await finalAnswer(h);
      expect(isPrivate(receipt)).toBe(true);
      expect(embedText(receipt)).toContain('Created quickroll Haymaker');
      expect(embedText(receipt)).toContain('**Strength + Brawl**');
      const created = [...world.valentina.state.quickrolls.values()].filter((q) => q.name === 'Haymaker' && !q.archived);
      expect(created).toHaveLength(1);
      expect(created[0]?.trait_ids).toEqual([world.valentina.state.traitByName('Strength')?.id, world.valentina.state.traitByName('Brawl')?.id]);

      const dup = world.discord.slash('quickroll', { ...ctx('player'), subcommand: 'create', options: { name: 'haymaker', traits: 'Strength' } });
      expect(await refusal(dup)).toContain('already have a quickroll called **Haymaker**');
    });

    it('lists quickrolls, with page buttons only when there is more than one page', async () => {
      const one = await finalAnswer(world.discord.slash('quickroll', { ...ctx('player'), subcommand: 'list' }));
      expect(embedText(one)).toContain('Punch Strength + Brawl\n*A quick jab*');
      expect(controls(one)).toEqual([]);

      const many = await finalAnswer(world.discord.slash('quickroll', { ...ctx('storyteller'), subcommand: 'list' }));
      expect(embedsOf(many)[0]?.footer?.text).toBe('Page 1 of 2 · 12 quickrolls');
      const next = world.discord.button(customId(many, 'Next'), { ...ctx('storyteller'), message: many.id });
      await next.waitFor(() => embedsOf(world.discord.message(many.id))[0]?.footer?.text === 'Page 2 of 2 · 12 quickrolls');
      expect(embedText(world.discord.message(many.id))).toContain('Roll 11');
    });

    it('edits a quickroll, answering an unknown one with did-you-mean', async () => {
      expect(await refusal(world.discord.slash('quickroll', { ...ctx('player'), subcommand: 'edit', options: { name: 'Haymakr', 'new-name': 'Uppercut' } }))).toContain(
        'Did you mean **Haymaker**?',
      );
      const h = world.discord.slash('quickroll', { ...ctx('player'), subcommand: 'edit', options: { name: 'Haymaker', 'new-name': 'Uppercut', traits: 'Dexterity, Brawl' } });
      expect(embedText(await finalAnswer(h))).toContain('Updated quickroll Uppercut');
      const q = [...world.valentina.state.quickrolls.values()].find((x) => x.name === 'Uppercut');
      expect(q?.trait_ids).toEqual([world.valentina.state.traitByName('Dexterity')?.id, world.valentina.state.traitByName('Brawl')?.id]);
    });

    it('deletes a quickroll only after Confirm; Cancel keeps it', async () => {
      const uppercut = [...world.valentina.state.quickrolls.values()].find((x) => x.name === 'Uppercut');
      const prompt = await finalAnswer(world.discord.slash('quickroll', { ...ctx('player'), subcommand: 'delete', options: { name: uppercut?.id ?? '' } }));
      expect(embedText(prompt)).toContain('Delete the quickroll Uppercut?');
      const cancel = world.discord.button(customId(prompt, 'Cancel'), { ...ctx('player'), message: prompt.id });
      await cancel.waitFor(() => embedText(world.discord.message(prompt.id)).includes('was kept'));
      expect(uppercut?.archived).toBe(false);

      const again = await finalAnswer(world.discord.slash('quickroll', { ...ctx('player'), subcommand: 'delete', options: { name: 'uppercut' } }));
      const other = world.discord.button(customId(again, 'Delete'), { ...ctx('player2'), message: again.id });
      expect(embedText(await finalAnswer(other))).toContain('someone else');
      const confirm = world.discord.button(customId(again, 'Delete'), { ...ctx('player'), message: again.id });
      await confirm.waitFor(() => embedText(world.discord.message(again.id)).includes('Deleted the quickroll Uppercut'));
      expect(uppercut?.archived).toBe(true);
      expect(controls(world.discord.message(again.id))).toEqual([]);
    });
  });
}
