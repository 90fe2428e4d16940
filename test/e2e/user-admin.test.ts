import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIMessage } from 'discord-api-types/v10';
import { actingUserOf, sentWithKey, startWorld, worldGenerations, type World } from './harness.js';
import type { InteractionHandle } from '../fakes/discord/index.js';
import { EPHEMERAL, controls, customId, embedText, finalAnswer } from './support/replies.js';

async function whispered(handle: InteractionHandle): Promise<APIMessage> {
  await handle.waitFor((h) => h.followups().some((m) => (m.embeds ?? []).length > 0));
  const message = handle.followups().find((m) => (m.embeds ?? []).length > 0);
  if (message === undefined) throw new Error('no follow-up');
  expect((message.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
  return message;
}

for (const kind of worldGenerations()) {
  describe.skipIf(kind.skip !== false)(`user administration, ${kind.label}`, () => {
    let world: World;
    let stranger: string;

    beforeAll(async () => {
      world = await startWorld({ generation: kind.generation, store: kind.name });
      stranger = '300000000000000081';
      world.discord.addUser({ id: stranger, username: 'stranger', globalName: 'stranger' });
      world.discord.addMember(world.guildId, stranger, {});
      // Seeded before the bot's 60 s user directory is first filled.
      world.valentina.state.addUsers(world.companyId, 12, (i) => ({ role: 'PLAYER', name_first: 'Extra', name_last: `Player${i}`, username: `extra${i}` }));
    });
    afterAll(async () => {
      await world?.stop();
    });

    const as = (discordId: string) => ({ user: discordId, guildId: world.guildId, channelId: world.channelId });
    const ctx = (who: keyof World['members']) => as(world.members[who].discordId);
    const admin = () => world.members.admin.discordId;
    const writes = () => world.valentina.requests.filter((r) => r.method !== 'GET');
    const user = (subcommand: string, who: string, options: Record<string, string | { user: string }> = {}) =>
      world.discord.slash('user', { ...as(who), subcommand, options });

    it('refuses every /user subcommand to players, storytellers, unlinked and unapproved members', async () => {
      const before = writes().length;
      const cases: Array<[string, RegExp]> = [
        [world.members.player.discordId, /Only Admin users may do that; you are Player/],
        [world.members.storyteller.discordId, /you are Storyteller/],
        [stranger, /\/register/],
        [world.members.unapproved.discordId, /waiting for an admin's approval/],
      ];
      for (const [who, text] of cases) {
        for (const [sub, options] of [
          ['list', {}],
          ['info', { member: { user: world.members.player.discordId } }],
          ['update', { user: world.members.player.userId ?? '', role: 'ADMIN' }],
          ['delete', { user: world.members.player2.userId ?? '' }],
        ] as const) {
          const answer = await finalAnswer(user(sub, who, options));
          expect((answer.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
          expect(embedText(answer)).toMatch(text);
        }
        const create = await user('create', who, { role: 'ADMIN' }).response();
        expect(create.type).toBe(4);
        expect(JSON.stringify(create.data)).toMatch(/Not allowed|Not registered|Awaiting approval/);
      }
      const ac = await world.discord.autocomplete('user', { ...ctx('player'), subcommand: 'info', options: { user: '' }, focused: 'user' }).response();
      expect(ac.data).toEqual({ choices: [] });
      expect(writes().length).toBe(before);
    });

    it('lists users privately, filtered by role, with page buttons only when there is more than one page', async () => {
      const admins = await finalAnswer(user('list', admin(), { role: 'ADMIN' }));
      expect((admins.flags ?? 0) & EPHEMERAL).toBe(EPHEMERAL);
      expect(embedText(admins)).toContain('Ada Admin (ada)');
      expect(embedText(admins)).not.toContain('Pia Player');
      expect(controls(admins)).toEqual([]);

      const players = await finalAnswer(user('list', admin(), { role: 'PLAYER' }));
      expect(embedText(players)).toMatch(/Page 1 of 2 · 14 users/);
      const next = world.discord.button(customId(players, 'Next ▶'), { user: admin(), message: players.id });
      await next.waitFor(() => embedText(world.discord.message(players.id)).includes('Page 2 of 2'));
      // v1 lists users in creation order, v2 by username (CONTRACT-v2 §1.6).
      expect(embedText(world.discord.message(players.id))).toContain(kind.generation === 'v2' ? 'Pia Player' : 'Extra Player11');
      const foreign = world.discord.button(customId(world.discord.message(players.id), '◀ Prev'), { user: world.members.storyteller.discordId, message: players.id });
      expect(JSON.stringify((await foreign.response()).data)).toContain('Not yours');
    });

    it('shows a user by member or by autocomplete, and wants exactly one of them', async () => {
      const byMember = await finalAnswer(user('info', admin(), { member: { user: world.members.player.discordId } }));
      expect(embedText(byMember)).toContain('Pia Player (pia)');
      expect(embedText(byMember)).toContain('pia@example.com');
      expect(embedText(byMember)).toContain(`<@${world.members.player.discordId}>`);

      const ac = await world.discord.autocomplete('user', { ...ctx('admin'), subcommand: 'info', options: { user: 'sam' }, focused: 'user' }).response();
      const choices = (ac.data as { choices: Array<{ name: string; value: string }> }).choices;
      expect(choices[0]).toEqual({ name: 'Sam Teller (sam) · Storyteller · on Discord', value: world.members.storyteller.userId });
      const byUser = await finalAnswer(user('info', admin(), { user: world.members.storyteller.userId ?? '' }));
      expect(embedText(byUser)).toContain('Role Storyteller');

      expect(embedText(await finalAnswer(user('info', admin())))).toContain('Give exactly one of');
      expect(embedText(await finalAnswer(user('info', admin(), { member: { user: stranger } })))).toContain('is not linked to a Valentina user');
    });

    it('creates a user through a modal, linked to a member, once', async () => {
      const newcomer = '300000000000000082';
      world.discord.addUser({ id: newcomer, username: 'nadia', globalName: 'Nadia' });
      world.discord.addMember(world.guildId, newcomer, {});
      const modal = await user('create', admin(), { role: 'STORYTELLER', member: { user: newcomer } }).response();
      expect(modal.type).toBe(9);
      const customIdOf = (modal.data as { custom_id: string }).custom_id;

      const bad = await finalAnswer(world.discord.modalSubmit(customIdOf, { username: 'na', email: 'nope', name_first: 'Nadia', name_last: 'N' }, ctx('admin')));
      expect(embedText(bad)).toMatch(/Username\*\* must be 3 to 50/);
      expect(embedText(bad)).toMatch(/Email\*\* must be a valid address/);
      expect(embedText(bad)).toMatch(/Last name\*\* must be 2 to 50/);
      expect(world.valentina.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/users'))).toHaveLength(0);

      const submit = world.discord.modalSubmit(customIdOf, { username: 'nadia', email: 'nadia@example.com', name_first: 'Nadia', name_last: 'Novak' }, ctx('admin'));
      const answer = await finalAnswer(submit);
      expect(embedText(answer)).toContain('Created: Nadia Novak (nadia)');
      const posts = world.valentina.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/users'));
      expect(posts).toHaveLength(1);
      expect(actingUserOf(posts[0]!)).toBe(world.members.admin.userId);
      expect(sentWithKey(world, posts[0], `${submit.id}:user-create`)).toBe(true);
      if (kind.generation === 'v1') {
        expect(embedText(answer)).toContain(`Linked to <@${newcomer}>`);
        expect(posts[0]?.body).toMatchObject({ role: 'STORYTELLER', discord_profile: { id: newcomer } });
        expect(embedText(await finalAnswer(world.discord.slash('whoami', as(newcomer))))).toContain('Nadia Novak');
      } else {
        // v2 profiles are written only by the person's own sign-in: the answer says so, and no profile is sent.
        expect(embedText(answer)).toContain(`<@${newcomer}> is not linked yet`);
        expect(embedText(answer)).toContain('verified Discord email of nadia@example.com');
        expect(posts[0]?.body).toMatchObject({ role: 'STORYTELLER' });
        expect(posts[0]?.body).not.toHaveProperty('discord_profile');
        expect(embedText(await finalAnswer(world.discord.slash('whoami', as(newcomer))))).toContain('/register');
      }
    });

    it('updates role, names and email, checking the input first', async () => {
      const target = world.members.player2.userId ?? '';
      const nothing = await finalAnswer(user('update', admin(), { user: target }));
      expect(embedText(nothing)).toContain('Give at least one thing to change');
      const bad = await finalAnswer(user('update', admin(), { user: target, 'name-first': 'P', email: 'paul@nowhere' }));
      expect(embedText(bad)).toMatch(/First name\*\* must be 2 to 50/);
      expect(embedText(bad)).toMatch(/Email\*\* must be a valid address/);
      expect(world.valentina.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith(`/users/${target}`))).toHaveLength(0);

      const h = user('update', admin(), { user: target, role: 'STORYTELLER', 'name-last': 'Promoted', email: 'paul.p@example.com' });
      const answer = await finalAnswer(h);
      expect(embedText(answer)).toContain('Updated: Paul Promoted (paul)');
      expect(embedText(answer)).toContain('role: Player → Storyteller');
      const stored = world.valentina.state.getUser(target);
      expect(stored).toMatchObject({ role: 'STORYTELLER', name_last: 'Promoted', email: 'paul.p@example.com' });
      const patch = world.valentina.requests.find((r) => r.method === 'PATCH' && r.path.endsWith(`/users/${target}`));
      expect(patch?.body).toMatchObject({ role: 'STORYTELLER', name_last: 'Promoted', email: 'paul.p@example.com' });
      expect(Object.keys(patch?.body ?? {})).toHaveLength(kind.generation === 'v1' ? 4 : 3);
      expect(actingUserOf(patch!)).toBe(world.members.admin.userId);
      expect(sentWithKey(world, patch, `${h.id}:user-update`)).toBe(true);
      // The stored link's role is refreshed at once: the next permission check already sees a Storyteller.
      expect(embedText(await finalAnswer(user('list', world.members.player2.discordId)))).toContain('you are Storyteller');
    });

    it('refuses to demote the last admin who has a Discord account', async () => {
      const before = world.valentina.requests.filter((r) => r.method === 'PATCH').length;
      const answer = await finalAnswer(user('update', admin(), { user: world.members.admin.userId ?? '', role: 'PLAYER' }));
      expect(embedText(answer)).toContain('last Admin with a Discord account');
      expect(world.valentina.requests.filter((r) => r.method === 'PATCH').length).toBe(before);
      expect(world.valentina.state.getUser(world.members.admin.userId ?? '')?.role).toBe('ADMIN');
    });

    it('deletes after a confirm, only for the admin who asked; Cancel changes nothing', async () => {
      const doomed = world.valentina.state.addUser(world.companyId, {
        role: 'PLAYER', name_first: 'Del', name_last: 'Etable', username: 'del', email: 'del@example.com',
        ...(kind.generation === 'v2' ? { discord_profile: { id: '300000000000000083', username: 'del', verified: true } } : { discord_id: '300000000000000083' }),
      });
      const cancelPrompt = await finalAnswer(user('delete', admin(), { user: doomed.id }));
      world.discord.button(customId(cancelPrompt, 'Cancel'), { user: admin(), message: cancelPrompt.id });
      await world.discord.waitFor(() => embedText(world.discord.message(cancelPrompt.id)).includes('Nothing was deleted'));

      const prompt = await finalAnswer(user('delete', admin(), { user: doomed.id }));
      expect(embedText(prompt)).toContain('Delete **Del Etable (del)** (Player, del@example.com)?');
      const confirm = customId(prompt, 'Delete');
      const foreign = world.discord.button(confirm, { user: world.members.storyteller.discordId, message: prompt.id });
      expect(JSON.stringify((await foreign.response()).data)).toContain('Not yours');
      expect(world.valentina.state.getUser(doomed.id)?.archived).toBe(false);

      const first = world.discord.button(confirm, { user: admin(), message: prompt.id });
      const second = world.discord.button(confirm, { user: admin(), message: prompt.id });
      await world.discord.waitFor(() => embedText(world.discord.message(prompt.id)).includes('Deleted: Del Etable'));
      expect(embedText(world.discord.message(prompt.id))).toContain(`deleted by <@${admin()}>`);
      expect(controls(world.discord.message(prompt.id))).toEqual([]);
      expect(world.valentina.state.getUser(doomed.id)?.archived).toBe(true);
      // A concurrent second press may reach the API too, but only one DELETE can succeed (the user is archived).
      const deletes = world.valentina.requests.filter((r) => r.method === 'DELETE' && r.path.endsWith(`/users/${doomed.id}`) && r.status === 204);
      expect(deletes).toHaveLength(1);
      expect(actingUserOf(deletes[0]!)).toBe(world.members.admin.userId);
      const late = await Promise.any([whispered(first), whispered(second)]);
      expect(embedText(late)).toContain('already deleted');
      expect(await world.store.memberLinks.get(world.companyId, '300000000000000083')).toBeNull();
    });

    it('refuses deleting yourself unless you type your username, and never the last linked admin', async () => {
      const lastAdmin = await finalAnswer(user('delete', admin(), { user: world.members.admin.userId ?? '' }));
      expect(embedText(lastAdmin)).toContain('last Admin with a Discord account');

      const helper = '300000000000000084';
      world.valentina.state.addUser(world.companyId, { role: 'ADMIN', name_first: 'Hal', name_last: 'Helper', username: 'hal', email: 'hal@example.com', discord_id: helper });
      world.discord.addUser({ id: helper, username: 'hal', globalName: 'Hal' });
      world.discord.addMember(world.guildId, helper, {});
      const hal = world.valentina.state.findUserByDiscordId(helper);
      const prompt = await finalAnswer(user('delete', helper, { user: hal?.id ?? '' }));
      expect(embedText(prompt)).toContain('This is **your own** user');
      const open = world.discord.button(customId(prompt, 'Delete myself…'), { user: helper, message: prompt.id });
      const modal = await open.response();
      expect(modal.type).toBe(9);
      const modalId = (modal.data as { custom_id: string }).custom_id;
      const wrong = world.discord.modalSubmit(modalId, { confirm: 'yes' }, { ...as(helper), message: prompt.id });
      expect(embedText(await whispered(wrong))).toContain('type your username `hal` exactly. Nothing was deleted.');
      expect(hal?.archived).toBe(false);

      const typed = world.discord.modalSubmit(modalId, { confirm: 'hal' }, { ...as(helper), message: prompt.id });
      await typed.waitFor(() => embedText(world.discord.message(prompt.id)).includes('Deleted: Hal Helper'));
      expect(world.valentina.state.getUser(hal?.id ?? '')?.archived).toBe(true);
      const again = await finalAnswer(user('list', helper));
      expect(embedText(again)).toContain('/register');
    });
  });
}
