import { ComponentType, TextInputStyle, type ChatInputCommandInteraction, type Interaction, type ModalComponentData } from 'discord.js';
import { z } from 'zod';
import { componentRoute, type CommandRoutes } from '../../src/discord/command.js';
import { defineComponentId } from '../../src/discord/custom-id.js';
import { requireActor, requireRole, type Actor } from '../../src/discord/guards.js';
import { identityOf } from '../../src/discord/member-identity.js';
import { InvalidInputError, NotFoundInputError } from '../../src/domain/errors.js';
import { displayName } from '../../src/domain/members.js';
import { roleLabel } from '../../src/domain/roles.js';
import {
  LIMITS,
  createCompanyUser,
  deleteCompanyUser,
  filterByRole,
  getCompanyUser,
  isListableRole,
  pageOf,
  parseNewUser,
  parseUserPatch,
  prepareDeletion,
  updateCompanyUser,
  userChoices,
  userOfMember,
  type ListableRole,
} from '../../src/domain/user-admin.js';
import type { Deps } from '../../src/deps.js';
import type { User } from '../../src/api/index.js';
import type { RenderedMessage } from '../../src/render/approval-card.js';
import { renderNoticeEmbed } from '../../src/render/error-embed.js';
import { COLORS } from '../../src/render/theme.js';
import { renderDeletePrompt, renderDeleted } from '../../src/render/user-delete.js';
import { renderUserInfo } from '../../src/render/user-info.js';
import { renderUserList } from '../../src/render/user-list.js';

/** How long /user create may spend on the admin check before it shows the modal anyway. */
const PRECHECK_BUDGET_MS = 1_200;

const apiId = z.string().regex(/^[A-Za-z0-9-]{1,36}$/);
const roleFilter = z.enum(['ALL', 'ADMIN', 'STORYTELLER', 'PLAYER', 'UNAPPROVED']);
const snowflakeOrNone = z.union([z.literal('-'), z.string().regex(/^\d{5,20}$/)]);

export const listPageId = defineComponentId('user', 'page', 1, z.tuple([z.string().regex(/^\d{1,4}$/), roleFilter]));
export const createSubmitId = defineComponentId('user', 'create', 1, z.tuple([z.enum(['ADMIN', 'STORYTELLER', 'PLAYER']), snowflakeOrNone]));
export const deleteOkId = defineComponentId('user', 'del-ok', 1, z.tuple([apiId]));
export const deleteNoId = defineComponentId('user', 'del-no', 1, z.tuple([]));
export const deleteSelfId = defineComponentId('user', 'del-self', 1, z.tuple([apiId]));
export const deleteTypedId = defineComponentId('user', 'del-typed', 1, z.tuple([apiId]));

async function requireAdmin(deps: Deps, interaction: Interaction): Promise<Actor> {
  const actor = await requireActor(deps, interaction);
  requireRole(actor, ['ADMIN'], 'manage users');
  return actor;
}

function pickedUserId(raw: string): string {
  const parsed = apiId.safeParse(raw.trim());
  if (!parsed.success) throw new NotFoundInputError('Pick a user from the list while typing a name, username or email.');
  return parsed.data;
}

async function listPage(deps: Deps, actor: Actor, page: number, role: ListableRole | null, owner: string): Promise<RenderedMessage> {
  const users = filterByRole(await deps.directory.listUsers(actor.companyId), role);
  const shown = pageOf(users, page);
  const filter = role ?? 'ALL';
  return renderUserList(shown, role, {
    prev: listPageId.encode([String(Math.max(0, shown.page - 1)), filter], owner),
    next: listPageId.encode([String(shown.page + 1), filter], owner),
  });
}

async function infoOf(deps: Deps, actor: Actor, user: User, note?: { title: string; text: string }): Promise<RenderedMessage> {
  const campaigns = await deps.directory.listCampaigns(actor.companyId, actor.link.userId).catch(() => []);
  const names = new Map(campaigns.map((c) => [c.id, c.name]));
  return { embeds: [renderUserInfo(user, (id) => names.get(id) ?? 'Unknown campaign', note)], components: [] };
}

function createModal(role: string, memberId: string | null, owner: string): ModalComponentData {
  const field = (customId: string, label: string, min: number, max: number) => ({
    type: ComponentType.ActionRow as const,
    components: [{ type: ComponentType.TextInput as const, customId, label, style: TextInputStyle.Short, minLength: min, maxLength: max, required: true }],
  });
  return {
    customId: createSubmitId.encode([role === 'ADMIN' ? 'ADMIN' : role === 'STORYTELLER' ? 'STORYTELLER' : 'PLAYER', memberId ?? '-'], owner),
    title: `New ${roleLabel(role)}`,
    components: [
      field('username', `Username (${LIMITS.username.min}-${LIMITS.username.max} characters)`, LIMITS.username.min, LIMITS.username.max),
      field('email', 'Email', 3, LIMITS.email.max),
      field('name_first', 'First name', LIMITS.name.min, LIMITS.name.max),
      field('name_last', 'Last name', LIMITS.name.min, LIMITS.name.max),
    ],
  };
}

function deleteSelfModal(userId: string, owner: string): ModalComponentData {
  return {
    customId: deleteTypedId.encode([userId], owner),
    title: 'Delete your own user',
    components: [
      {
        type: ComponentType.ActionRow,
        components: [{ type: ComponentType.TextInput, customId: 'confirm', label: 'Type your username to confirm', style: TextInputStyle.Short, minLength: 1, maxLength: 50, required: true }],
      },
    ],
  };
}

/** The admin check, given a short budget: a modal must still open within Discord's 3 s. */
async function quickAdminCheck(deps: Deps, interaction: ChatInputCommandInteraction): Promise<void> {
  const check = requireAdmin(deps, interaction).then(
    () => 'ok' as const,
    (err: unknown) => ({ err }),
  );
  const outcome = await Promise.race([check, new Promise<'late'>((r) => setTimeout(() => r('late'), PRECHECK_BUDGET_MS).unref())]);
  if (typeof outcome === 'object') throw outcome.err;
}

function userChoiceLabel(u: User): string {
  return `${displayName(u)} · ${roleLabel(u.role)}${u.discord_profile?.id ? ' · on Discord' : ''}`;
}

export const userRoutes: CommandRoutes = {
  slash: {
    'user list': {
      ack: 'ephemeral',
      async run(interaction, { deps, respond }) {
        const actor = await requireAdmin(deps, interaction);
        const raw = interaction.options.getString('role', false);
        const role = raw !== null && isListableRole(raw) ? raw : null;
        if (raw !== null && role === null) throw new InvalidInputError('Pick a role from the list: Admin, Storyteller, Player or Awaiting approval.');
        await respond.send(await listPage(deps, actor, 0, role, interaction.user.id));
      },
    },
    'user info': {
      ack: 'ephemeral',
      async run(interaction, { deps, respond }) {
        const actor = await requireAdmin(deps, interaction);
        const member = interaction.options.getUser('member', false);
        const picked = interaction.options.getString('user', false);
        if ((member === null) === (picked === null)) throw new InvalidInputError('Give exactly one of `member` (a Discord member) or `user` (a Valentina user).');
        const target = member !== null ? await userOfMember(deps, actor.companyId, member.id) : await getCompanyUser(deps, actor.companyId, pickedUserId(picked ?? ''));
        await respond.send(await infoOf(deps, actor, target));
      },
    },
    'user create': {
      // A modal must be the first answer, so the admin check gets a budget instead of a defer.
      ack: 'none',
      async run(interaction, { deps, respond }) {
        await quickAdminCheck(deps, interaction);
        const member = interaction.options.getUser('member', false);
        if (member?.bot === true) throw new InvalidInputError('Bots cannot be linked to Valentina users. Pick a person, or leave `member` empty.');
        await respond.showModal(createModal(interaction.options.getString('role', true), member?.id ?? null, interaction.user.id));
      },
    },
    'user update': {
      ack: 'ephemeral',
      async run(interaction, { deps, respond }) {
        const actor = await requireAdmin(deps, interaction);
        const userId = pickedUserId(interaction.options.getString('user', true));
        const patch = parseUserPatch({
          role: interaction.options.getString('role', false),
          email: interaction.options.getString('email', false),
          username: interaction.options.getString('username', false),
          nameFirst: interaction.options.getString('name-first', false),
          nameLast: interaction.options.getString('name-last', false),
        });
        const { user: updated, changed } = await updateCompanyUser(deps, {
          companyId: actor.companyId,
          requestingUserId: actor.link.userId,
          userId,
          patch,
          idempotencyKey: `${interaction.id}:user-update`,
        });
        await respond.send(await infoOf(deps, actor, updated, { title: 'Updated', text: changed.map((c) => `• ${c}`).join('\n') }));
      },
    },
    'user delete': {
      ack: 'ephemeral',
      async run(interaction, { deps, respond }) {
        const actor = await requireAdmin(deps, interaction);
        const userId = pickedUserId(interaction.options.getString('user', true));
        const { target, self } = await prepareDeletion(deps, { companyId: actor.companyId, actorUserId: actor.link.userId, userId });
        const owner = interaction.user.id;
        await respond.send(
          renderDeletePrompt(target, self, {
            confirm: self ? deleteSelfId.encode([target.id], owner) : deleteOkId.encode([target.id], owner),
            cancel: deleteNoId.encode([], owner),
          }),
        );
      },
    },
  },
  autocomplete: Object.fromEntries(
    (['user info#user', 'user update#user', 'user delete#user'] as const).map((key) => [
      key,
      {
        async run(interaction, { deps }) {
          const actor = await requireAdmin(deps, interaction);
          const users = await deps.directory.listUsers(actor.companyId);
          return userChoices(users, interaction.options.getFocused(), userChoiceLabel);
        },
      } satisfies NonNullable<CommandRoutes['autocomplete']>[string],
    ]),
  ),
  components: [
    componentRoute(listPageId, {
      ack: 'update',
      async run(interaction, [page, filter], { deps, respond }) {
        const actor = await requireAdmin(deps, interaction);
        await respond.update(await listPage(deps, actor, Number(page), filter === 'ALL' ? null : filter, interaction.user.id));
      },
    }),
    componentRoute(createSubmitId, {
      ack: 'ephemeral',
      async run(interaction, [role, memberId], { deps, respond }) {
        if (!interaction.isModalSubmit()) return;
        const actor = await requireAdmin(deps, interaction);
        const input = parseNewUser({
          username: interaction.fields.getTextInputValue('username'),
          email: interaction.fields.getTextInputValue('email'),
          nameFirst: interaction.fields.getTextInputValue('name_first'),
          nameLast: interaction.fields.getTextInputValue('name_last'),
          role,
        });
        const member = memberId === '-' ? null : identityOf(await interaction.client.users.fetch(memberId));
        const created = await createCompanyUser(deps, {
          companyId: actor.companyId,
          requestingUserId: actor.link.userId,
          user: input,
          member,
          idempotencyKey: `${interaction.id}:user-create`,
        });
        const linked =
          member === null
            ? 'Not linked to a Discord member (use `/link` to link one).'
            : created.discord_profile?.id === member.id
              ? `Linked to <@${member.id}>.`
              : // v2 writes a Discord account onto a user only from that person's own sign-in.
                `<@${member.id}> is not linked yet: this Valentina server ties a Discord account to a user only through that person's own Discord sign-in. They can run \`/register\`; a verified Discord email of ${created.email} finds this user.`;
        await respond.send(await infoOf(deps, actor, created, { title: 'Created', text: `${roleLabel(created.role)} created by <@${interaction.user.id}>. ${linked}` }));
      },
    }),
    componentRoute(deleteOkId, {
      ack: 'update',
      async run(interaction, [userId], { deps, respond }) {
        const actor = await requireAdmin(deps, interaction);
        const deleted = await deleteCompanyUser(deps, { companyId: actor.companyId, actorUserId: actor.link.userId, userId });
        await respond.update(renderDeleted(deleted, interaction.user.id));
      },
    }),
    componentRoute(deleteSelfId, {
      // Opens the type-your-username modal; the owner check already ran in the router.
      ack: 'none',
      async run(interaction, [userId], { respond }) {
        await respond.showModal(deleteSelfModal(userId, interaction.user.id));
      },
    }),
    componentRoute(deleteTypedId, {
      ack: 'update',
      async run(interaction, [userId], { deps, respond }) {
        if (!interaction.isModalSubmit()) return;
        const actor = await requireAdmin(deps, interaction);
        const deleted = await deleteCompanyUser(deps, {
          companyId: actor.companyId,
          actorUserId: actor.link.userId,
          userId,
          confirmText: interaction.fields.getTextInputValue('confirm'),
        });
        await respond.update(renderDeleted(deleted, interaction.user.id));
      },
    }),
    componentRoute(deleteNoId, {
      ack: 'update',
      async run(_interaction, _args, { respond }) {
        await respond.update({ embeds: [renderNoticeEmbed('Cancelled', 'Nothing was deleted.', COLORS.neutral)], components: [] });
      },
    }),
  ],
};
