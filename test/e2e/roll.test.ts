import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { APIMessage } from 'discord-api-types/v10';
import { COLORS } from '../../src/render/theme.js';
import { dieValue } from '../fakes/valentina/index.js';
import { startWorld, worldStores, type World } from './harness.js';
import { controls, customId, embedText, embedsOf, finalAnswer, isPrivate } from './support/replies.js';
import { privateFromTheStart } from './support/privacy.js';

function choicesOf(data: unknown): Array<{ name: string; value: string }> {
  return (data as { choices: Array<{ name: string; value: string }> }).choices;
}

for (const kind of worldStores()) {
  describe.skipIf(kind.skip !== false)(`/roll on ${kind.name}`, () => {
    let world: World;
    /** Faces the fake's dice show next (d10), player dice first, then desperation dice; 7 when the script runs out. */
    let faces: number[] = [];
    const ids = { nadia: '', milo: '', mira: '' };

    beforeAll(async () => {
      world = await startWorld({ store: kind.name, valentina: { random: () => dieValue(faces.shift() ?? 7) } });
      const s = world.valentina.state;
      const pia = world.members.player.userId ?? '';
      const paul = world.members.player2.userId ?? '';
      ids.nadia = s.addCharacter(world.companyId, world.campaignId, {
        user_player_id: pia, name_first: 'Nadia', name_last: 'Volkov',
        traits: [{ name: 'Strength', value: 3 }, { name: 'Brawl', value: 2 }, { name: 'Dexterity', value: 2 }, { name: 'Occult', value: 0 }],
      }).id;
      ids.milo = s.addCharacter(world.companyId, world.campaignId, { user_player_id: paul, name_first: 'Milo', name_last: 'Reyes', traits: [{ name: 'Dexterity', value: 2 }, { name: 'Firearms', value: 3 }] }).id;
      ids.mira = s.addCharacter(world.companyId, world.campaignId, { user_player_id: paul, name_first: 'Mira', name_last: 'Reyes', traits: [{ name: 'Dexterity', value: 4 }] }).id;
    });
    afterEach(() => {
      faces = [];
    });
    afterAll(async () => {
      expect(world.valentina.violations).toEqual([]);
      await world?.stop();
    });

    const ctx = (who: keyof World['members']) => ({ user: world.members[who].discordId, guildId: world.guildId, channelId: world.channelId });
    const dice = (who: keyof World['members'], options: Record<string, string | number | boolean>) => world.discord.slash('roll', { ...ctx(who), subcommand: 'dice', options });
    const traits = (who: keyof World['members'], options: Record<string, string | number | boolean>) => world.discord.slash('roll', { ...ctx(who), subcommand: 'traits', options });
    const rollsOf = (who: keyof World['members']) => world.valentina.state.listDiceRolls({ userId: world.members[who].userId ?? '' });
    const traitId = (name: string) => world.valentina.state.traitByName(name)?.id ?? '';

    it('rolls a free pool publicly through the API, with an idempotency key, and it counts in /stats', async () => {
      faces = [2, 6, 7, 8, 3, 9, 10];
      const before = rollsOf('player').length;
      const h = dice('player', { pool: 7, comment: 'Leap the gap' });
      const message = await finalAnswer(h);
      expect(isPrivate(message)).toBe(false);
      expect(message.content).toBe(`🎲 <@${world.members.player.discordId}> rolled 7 dice (diff 6): 6 Successes — Success`);
      const embed = embedsOf(message)[0];
      expect(embed?.color).toBe(COLORS.success);
      expect(embed?.description).toContain('**7 dice**');
      expect(embedText(message)).toContain('Campaign Blood and Smoke');
      expect(embedText(message)).toContain('Comment Leap the gap');
      expect(controls(message).map((c) => c.label)).toEqual(['Re-roll']);
      const stored = world.valentina.requests.filter((r) => r.method === 'POST' && /\/dicerolls$/.test(r.path)).at(-1);
      expect(stored?.idempotencyKey).toBe(`${h.id}:roll`);
      expect(stored?.body).toMatchObject({ dice_size: 10, num_dice: 7, difficulty: 6, num_desperation_dice: 0, campaign_id: world.campaignId, comment: 'Leap the gap' });
      expect(rollsOf('player')).toHaveLength(before + 1);

      const stats = await finalAnswer(world.discord.slash('stats', { ...ctx('player'), subcommand: 'member' }));
      expect(embedText(stats)).toContain('**1** roll · average pool **7** · average difficulty **6**');
    });

    it('scores edge pools as CONTRACT §3.3 says: all ones, all tens, a desperation botch', async () => {
      faces = [1, 1, 1, 1];
      const ones = await finalAnswer(dice('player', { pool: 4, difficulty: 6 }));
      expect(ones.content).toContain('(diff 6): -4 Successes — Botch');
      expect(embedsOf(ones)[0]?.color).toBe(COLORS.botch);

      faces = [10, 10, 10];
      const tens = await finalAnswer(dice('player', { pool: 3, difficulty: 8 }));
      // Each unmatched ten counts 2: 6 successes on 3 dice is more than the pool, a critical.
      expect(tens.content).toContain('rolled 3 dice (diff 8): 6 Successes — Critical success');
      expect(embedsOf(tens)[0]?.color).toBe(COLORS.critical);

      faces = [10, 1, 7];
      const cancelled = await finalAnswer(dice('player', { pool: 3, difficulty: 6 }));
      // A one cancels a whole ten: only the 7 is left.
      expect(cancelled.content).toContain('1 Success — Success');

      faces = [6, 7, 1, 1, 1];
      const h = dice('player', { pool: 2, desperation: 3, difficulty: 6 });
      const botch = await finalAnswer(h);
      expect(botch.content).toContain('rolled 2 dice + 3 desperation (diff 6): -1 Successes — Botch');
      const embed = embedsOf(botch)[0];
      expect(embed?.description).toContain('6️⃣ 7️⃣\nDesperation: 1️⃣ 1️⃣ 1️⃣');
      expect(embedText(botch)).toContain('Pool 2 dice + 3 desperation');
      const stored = world.valentina.requests.filter((r) => r.method === 'POST' && /\/dicerolls$/.test(r.path)).at(-1);
      expect(stored?.body).toMatchObject({ num_dice: 2, num_desperation_dice: 3 });
    });

    it('refuses a pool, difficulty or desperation out of range privately from the start, and rolls nothing', async () => {
      const before = rollsOf('player').length;
      const cases: Array<[Record<string, number>, string, string]> = [
        [{ pool: 0 }, 'Pool out of range', 'A pool must be 1 to 50 dice; you gave 0'],
        [{ pool: 51 }, 'Pool out of range', 'you gave 51'],
        [{ pool: 5, difficulty: 1 }, 'Invalid input', 'Difficulty must be a whole number from 2 to 10'],
        [{ pool: 5, difficulty: 11 }, 'Invalid input', 'you gave 11'],
        [{ pool: 5, desperation: 11 }, 'Desperation out of range', 'Desperation dice must be 0 to 10'],
      ];
      for (const [options, title, text] of cases) {
        const refusal = await privateFromTheStart(dice('player', options));
        expect(refusal.title).toBe(title);
        expect(refusal.text).toContain(text);
      }
      expect(rollsOf('player')).toHaveLength(before);
    });

    it('refuses a player\'s private roll and unlinked members privately; a storyteller rolls privately', async () => {
      const before = rollsOf('player').length;
      expect((await privateFromTheStart(dice('player', { pool: 3, private: true }))).text).toContain('You may not roll privately');
      expect(rollsOf('player')).toHaveLength(before);
      expect((await privateFromTheStart(dice('unlinked', { pool: 3 }))).title).toBe('Not registered');

      const secret = await finalAnswer(dice('storyteller', { pool: 3, private: true }));
      expect(isPrivate(secret)).toBe(true);
      expect(embedText(secret)).toContain('Private roll');
    });

    it('offers the character\'s traits with values by autocomplete, without those already picked', async () => {
      const first = world.discord.autocomplete('roll', { ...ctx('player'), subcommand: 'traits', options: { trait: 'st' }, focused: 'trait' });
      expect(choicesOf((await first.response()).data)).toEqual([{ name: 'Strength · 3', value: traitId('Strength') }]);
      const second = world.discord.autocomplete('roll', { ...ctx('player'), subcommand: 'traits', options: { trait: traitId('Strength'), trait2: '' }, focused: 'trait2' });
      expect(choicesOf((await second.response()).data).map((c) => c.name)).toEqual(['Brawl · 2', 'Dexterity · 2', 'Occult · 0']);
      const milo = world.discord.autocomplete('roll', { ...ctx('player2'), subcommand: 'traits', options: { trait: '', character: ids.milo }, focused: 'trait' });
      expect(choicesOf((await milo.response()).data).map((c) => c.name)).toEqual(['Dexterity · 2', 'Firearms · 3']);
    });

    it('rolls traits for the only character: pool = their values, the traits named, Re-roll and Save as quickroll', async () => {
      faces = [2, 6, 7, 8, 3];
      const h = traits('player', { trait: traitId('Strength'), trait2: 'brawl', comment: 'Hit the ghoul' });
      const message = await finalAnswer(h);
      expect(isPrivate(message)).toBe(false);
      expect(message.content).toBe(`🎲 <@${world.members.player.discordId}> rolled Strength + Brawl for Nadia Volkov (5 dice, diff 6): 3 Successes — Success`);
      expect(embedText(message)).toContain('Traits Strength 3 + Brawl 2');
      expect(embedText(message)).toContain('Campaign Blood and Smoke');
      expect(controls(message).map((c) => c.label)).toEqual(['Re-roll', 'Save as quickroll']);
      const stored = world.valentina.requests.filter((r) => r.method === 'POST' && /\/dicerolls$/.test(r.path)).at(-1);
      expect(stored?.idempotencyKey).toBe(`${h.id}:roll`);
      expect(stored?.body).toMatchObject({ num_dice: 5, trait_ids: [traitId('Strength'), traitId('Brawl')], character_id: ids.nadia, campaign_id: world.campaignId });

      // Save as quickroll: a modal with the name prefilled, then the quickroll exists.
      const press = world.discord.button(customId(message, 'Save as quickroll'), { ...ctx('player'), message: message.id });
      const modal = await press.response();
      expect(modal.type).toBe(9);
      const data = modal.data as { custom_id: string; components: Array<{ components: Array<{ custom_id: string; value?: string }> }> };
      expect(data.components[0]?.components[0]).toMatchObject({ custom_id: 'name', value: 'Strength + Brawl' });
      const notYours = world.discord.button(customId(message, 'Save as quickroll'), { ...ctx('player2'), message: message.id });
      expect(embedText(await finalAnswer(notYours))).toContain('someone else');

      const submit = world.discord.modalSubmit(data.custom_id, { name: 'Ghoul punch', description: 'Hit hard' }, { ...ctx('player'), message: message.id });
      const receipt = await finalAnswer(submit);
      expect(isPrivate(receipt)).toBe(true);
      expect(embedText(receipt)).toContain('Created quickroll Ghoul punch');
      expect(embedText(receipt)).toContain('**Strength + Brawl**');
      const saved = [...world.valentina.state.quickrolls.values()].filter((q) => q.name === 'Ghoul punch' && !q.archived);
      expect(saved.map((q) => q.trait_ids)).toEqual([[traitId('Strength'), traitId('Brawl')]]);
      // It can be rolled at once (the bot's quickroll cache saw the write).
      faces = [6, 6, 6, 6, 6];
      expect((await finalAnswer(world.discord.slash('quickroll', { ...ctx('player'), subcommand: 'roll', options: { name: 'Ghoul punch' } }))).content).toContain('5 Successes');
    });

    it('refuses a bad or taken name in the Save form, and an expired Save, privately', async () => {
      const message = await finalAnswer(traits('player', { trait: 'Dexterity' }));
      const save = customId(message, 'Save as quickroll');
      const modal = (await world.discord.button(save, { ...ctx('player'), message: message.id }).response()).data as { custom_id: string };
      const short = await finalAnswer(world.discord.modalSubmit(modal.custom_id, { name: 'ab', description: '' }, { ...ctx('player'), message: message.id }));
      expect(isPrivate(short)).toBe(true);
      expect(embedText(short)).toContain('A quickroll name must be 3 to 50 characters');
      const taken = await finalAnswer(world.discord.modalSubmit(modal.custom_id, { name: 'ghoul PUNCH', description: '' }, { ...ctx('player'), message: message.id }));
      expect(embedText(taken)).toContain('You already have a quickroll called **Ghoul punch**');

      const clock = world.bot.deps.clock;
      const realNow = clock.now;
      clock.now = () => Date.now() + 16 * 60_000;
      try {
        const late = await finalAnswer(world.discord.button(save, { ...ctx('player'), message: message.id }));
        expect(isPrivate(late)).toBe(true);
        expect(embedText(late)).toContain('"Save as quickroll" is offered for 15 minutes after a trait roll');
      } finally {
        clock.now = realNow;
      }
    });

    it('re-rolls a trait roll for the roller only, and only the newest result keeps its buttons', async () => {
      faces = [2, 3, 4, 5, 6];
      const first = await finalAnswer(traits('player', { trait: 'Strength', trait2: 'Brawl' }));
      const rerollId = customId(first, 'Re-roll');
      const other = world.discord.button(rerollId, { ...ctx('player2'), message: first.id });
      expect(isPrivate(await finalAnswer(other))).toBe(true);

      faces = [10, 9, 8, 7, 6];
      const before = rollsOf('player').length;
      const press = world.discord.button(rerollId, { ...ctx('player'), message: first.id });
      await press.waitFor((x) => x.followups().some((m) => (m.content ?? '').startsWith('🎲')));
      const second = press.followups().find((m) => (m.content ?? '').startsWith('🎲')) as APIMessage;
      expect(isPrivate(second)).toBe(false);
      expect(second.content).toContain('rolled Strength + Brawl for Nadia Volkov (5 dice, diff 6): 6 Successes');
      expect(rollsOf('player')).toHaveLength(before + 1);
      expect(controls(world.discord.message(first.id))).toEqual([]);
      expect(controls(second).map((c) => c.label)).toEqual(['Re-roll', 'Save as quickroll']);

      // A free pool re-rolls the same pool and desperation.
      faces = [5, 5, 1];
      const free = await finalAnswer(dice('player', { pool: 2, desperation: 1 }));
      faces = [6, 6, 6];
      const again = world.discord.button(customId(free, 'Re-roll'), { ...ctx('player'), message: free.id });
      await again.waitFor((x) => x.followups().some((m) => (m.content ?? '').startsWith('🎲')));
      expect(again.followups().find((m) => (m.content ?? '').startsWith('🎲'))?.content).toContain('rolled 2 dice + 1 desperation (diff 6): 3 Successes');
    });

    it('refuses unknown traits, traits the character lacks and empty pools privately from the start, and rolls nothing', async () => {
      const before = rollsOf('player').length + rollsOf('player2').length;
      const unknown = await privateFromTheStart(traits('player', { trait: 'Strenght' }));
      expect(unknown.title).toBe('Not found');
      expect(unknown.text).toContain('Unknown trait for **Nadia Volkov**: "Strenght" (did you mean **Strength**?)');

      const lacks = await privateFromTheStart(traits('player2', { trait: 'Firearms', character: ids.mira }));
      expect(lacks.title).toBe('Missing traits');
      expect(lacks.text).toContain('**Mira Reyes** lacks **Firearms**');

      const zero = await privateFromTheStart(traits('player', { trait: 'Occult' }));
      expect(zero.title).toBe('No dice');

      const two = await privateFromTheStart(traits('player2', { trait: 'Dexterity' }));
      expect(two.text).toContain('You play 2 characters in **Blood and Smoke**');

      const range = await privateFromTheStart(traits('player', { trait: 'Strength', difficulty: 11 }));
      expect(range.text).toContain('Difficulty must be a whole number from 2 to 10');
      expect(rollsOf('player').length + rollsOf('player2').length).toBe(before);
    });
  });
}
