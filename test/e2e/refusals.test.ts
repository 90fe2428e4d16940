/**
 * Refusals of public commands are private from the first moment (issue 13 §4): nothing public,
 * not even a "thinking…", reaches the channel, and the title says what happened. Successes are
 * still public.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionHandle } from '../fakes/discord/index.js';
import { startWorld, type World } from './harness.js';
import { embedText, embedsOf, finalAnswer, isPrivate } from './support/replies.js';
import { privateFromTheStart } from './support/privacy.js';

describe('refusals of public commands', () => {
  let world: World;

  beforeAll(async () => {
    world = await startWorld();
    const s = world.valentina.state;
    s.addCharacter(world.companyId, world.campaignId, { user_player_id: world.members.player.userId ?? '', name_first: 'Nadia', name_last: 'Volkov', traits: [{ name: 'Strength', value: 3 }] });
    s.setExperience(world.members.player2.userId ?? '', world.campaignId, { xp_current: 5, xp_total: 5, cool_points: 0 });
    // Warm the bot's caches the way a member's earlier commands would.
    for (const who of ['player', 'storyteller'] as const) await finalAnswer(world.discord.slash('whoami', ctx(who)));
  });
  afterAll(async () => {
    expect(world.valentina.violations).toEqual([]);
    await world?.stop();
  });

  function ctx(who: keyof World['members']) {
    return { user: world.members[who].discordId, guildId: world.guildId, channelId: world.channelId };
  }
  const publicInChannel = () => world.discord.messages(world.channelId).filter((m) => !isPrivate(m)).length;
  const p2 = () => ({ user: world.members.player2.discordId });

  /** The refusal, after checking that the channel saw nothing from it and nothing was written. */
  async function refused(start: () => InteractionHandle): Promise<{ title: string; text: string }> {
    const channelBefore = publicInChannel();
    const writesBefore = world.valentina.requests.filter((r) => r.method !== 'GET').length;
    const result = await privateFromTheStart(start());
    expect(publicInChannel()).toBe(channelBefore);
    expect(world.valentina.requests.filter((r) => r.method !== 'GET').length).toBe(writesBefore);
    return result;
  }

  it('a player\'s /xp award and /coolpoints award never show the channel a "thinking…"', async () => {
    const xp = await refused(() => world.discord.slash('xp', { ...ctx('player'), subcommand: 'award', options: { member: p2(), amount: 3 } }));
    expect(xp.title).toBe('Not allowed');
    expect(xp.text).toContain('You may not award XP. Only Storyteller and Admin users may award or remove XP on this server. You are Player.');
    const cp = await refused(() => world.discord.slash('coolpoints', { ...ctx('player'), subcommand: 'award', options: { member: p2() } }));
    expect(cp.title).toBe('Not allowed');
  });

  it('/xp remove of more XP than the member has is titled "Not enough XP", privately from the start', async () => {
    const channelBefore = publicInChannel();
    const h = world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'remove', options: { member: p2(), amount: 50 } });
    const refusal = await privateFromTheStart(h);
    expect(refusal.title).toBe('Not enough XP');
    expect(refusal.text).toContain('has only **5 XP** available in **Blood and Smoke**, so 50 XP cannot be removed. Nothing was changed.');
    expect(publicInChannel()).toBe(channelBefore);
    expect(world.valentina.state.experience(world.members.player2.userId ?? '', world.campaignId)?.xp_current).toBe(5);
  });

  it('names a member who cannot receive XP in the title', async () => {
    const unlinked = await refused(() => world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: { user: world.members.unlinked.discordId }, amount: 1 } }));
    expect(unlinked.title).toBe('Member not linked');
    const waiting = await refused(() => world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: { user: world.members.unapproved.discordId }, amount: 1 } }));
    expect(waiting.title).toBe('Member awaiting approval');
  });

  it('rolls, shared statistics and shared notes refuse privately from the start too', async () => {
    expect((await refused(() => world.discord.slash('quickroll', { ...ctx('player'), subcommand: 'roll', options: { name: 'Nothing like it' } }))).title).toBe('Not found');
    expect((await refused(() => world.discord.slash('roll', { ...ctx('unlinked'), subcommand: 'dice', options: { pool: 3 } }))).title).toBe('Not registered');
    expect((await refused(() => world.discord.slash('roll', { ...ctx('player'), subcommand: 'traits', options: { trait: 'Wits' } }))).title).toBe('Not found');
    expect((await refused(() => world.discord.slash('stats', { ...ctx('player'), subcommand: 'campaign', options: { campaign: 'Nowhere', share: true } }))).title).toBe('Not found');

    const note = world.valentina.state.addNote(world.members.player.userId ?? '', { title: 'Vanishing', content: 'Deleted before it is shared.' });
    const view = await finalAnswer(world.discord.slash('note', { ...ctx('player'), subcommand: 'view', options: { note: note.id } }));
    world.valentina.state.notes.delete(note.id);
    // Deleted as through the bot's own key, so the server's 60 s cache forgets it too.
    world.valentina.flushResponseCache();
    world.bot.deps.notes.invalidate(world.companyId, world.members.player.userId ?? '');
    const share = (view.components as unknown as Array<{ components: Array<{ label?: string; custom_id?: string }> }>)[0]?.components.find((c) => c.label === 'Share to channel')?.custom_id ?? '';
    expect((await refused(() => world.discord.button(share, { ...ctx('player'), message: view.id }))).title).toBe('Not found');
  });

  it('still posts a success publicly, as the only message the channel sees', async () => {
    const before = publicInChannel();
    const h = world.discord.slash('xp', { ...ctx('storyteller'), subcommand: 'award', options: { member: p2(), amount: 2, reason: 'Good scene' } });
    const first = await h.response();
    expect(((first.data as { flags?: number } | undefined)?.flags ?? 0) & 64).toBe(64);
    const receipt = await finalAnswer(h);
    expect(isPrivate(receipt)).toBe(false);
    expect(embedsOf(receipt)[0]?.title).toBeDefined();
    expect(embedText(receipt)).toContain('Good scene');
    expect(publicInChannel()).toBe(before + 1);
    expect(h.original()).toBeUndefined();
  });
});
