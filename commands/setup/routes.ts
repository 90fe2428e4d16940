import { ChannelType, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import type { CommandRoutes, HandlerContext } from '../../src/discord/command.js';
import { requireGuildId } from '../../src/discord/guards.js';
import { mayBootstrapAdmin } from '../../src/domain/admin-bootstrap.js';
import { bindCompany, companyChoices } from '../../src/domain/company-binding.js';
import { matchChoices } from '../../src/domain/directory.js';
import { InvalidInputError, NotFoundInputError, PermissionDeniedError } from '../../src/domain/errors.js';
import { roleLabel } from '../../src/domain/roles.js';
import type { Deps } from '../../src/deps.js';
import { renderSettingsEmbed } from '../../src/render/settings-embed.js';
import type { GuildSettings, XpPolicy } from '../../src/store/types.js';
import { statusRoute } from './status.js';
import { MAX_AWARD_LIMIT, SERVER_DEFAULT, TEXT_CHANNELS } from './index.js';

/**
 * Manage Server always; once a company is bound, also a link to one of its ADMIN users (unless
 * the operator bound that company to this guild and it has no admin with a Discord profile yet:
 * the first-run case).
 */
async function requireSetupRights(deps: Deps, interaction: ChatInputCommandInteraction): Promise<{ guildId: string; settings: GuildSettings }> {
  const guildId = requireGuildId(interaction);
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) !== true) {
    throw new PermissionDeniedError('change the bot settings', 'You need Discord\'s **Manage Server** permission.');
  }
  const settings = await deps.guilds.settings(guildId);
  const companyId = deps.guilds.companyOf(settings);
  if (companyId !== null) {
    const link = await deps.identity.resolve(companyId, interaction.user.id);
    if (link?.role !== 'ADMIN' && !(await mayBootstrapAdmin(deps, guildId, companyId))) {
      const you = link === null ? 'you are not linked' : `you are ${roleLabel(link.role)}`;
      throw new PermissionDeniedError('change the bot settings', `Once a company is bound, only members linked to an ADMIN user may; ${you}.`);
    }
  }
  return { guildId, settings };
}

async function showSettings(deps: Deps, guildId: string, ctx: HandlerContext, settings: GuildSettings, userId: string): Promise<void> {
  const companyId = deps.guilds.companyOf(settings);
  let companyName: string | null = null;
  let companyXpPermission: string | null = null;
  let campaignName: string | null = null;
  if (companyId !== null) {
    const company = await deps.api.companies().get(companyId);
    companyName = company.name;
    companyXpPermission = company.settings?.permission_grant_xp ?? null;
    if (settings.defaultCampaignId !== null) {
      const link = await deps.identity.resolve(companyId, userId);
      campaignName = link === null || link.role === 'UNAPPROVED' ? settings.defaultCampaignId : await deps.directory.campaignName(companyId, link.userId, settings.defaultCampaignId);
    }
  }
  const categoryCampaigns = companyId === null ? [] : await categoryLines(deps, guildId, companyId, userId);
  await ctx.respond.send({
    embeds: [renderSettingsEmbed({ settings, companyName, companyFromDefault: companyId !== null && companyId !== settings.companyId, campaignName, companyXpPermission, categoryCampaigns })],
  });
  void guildId;
}

/** The guild's category bindings under its current company, named for the settings card. */
async function categoryLines(deps: Deps, guildId: string, companyId: string, userId: string): Promise<{ categoryId: string; campaignName: string }[]> {
  const bindings = await deps.campaignDefaults.current(guildId, companyId);
  if (bindings.length === 0) return [];
  const link = await deps.identity.resolve(companyId, userId);
  const campaigns = link === null || link.role === 'UNAPPROVED' ? [] : await deps.directory.listCampaigns(companyId, link.userId).catch(() => []);
  const names = new Map(campaigns.map((c) => [c.id, c.name]));
  return bindings.map((b) => ({ categoryId: b.categoryId, campaignName: names.get(b.campaignId) ?? 'a campaign that no longer exists' }));
}

export const setupRoutes: CommandRoutes = {
  slash: {
    'setup status': statusRoute,
    'setup show': {
      ack: 'ephemeral',
      async run(interaction, ctx) {
        const guildId = requireGuildId(interaction);
        const settings = await ctx.deps.guilds.settings(guildId);
        await showSettings(ctx.deps, guildId, ctx, settings, interaction.user.id);
      },
    },
    'setup company': {
      ack: 'ephemeral',
      async run(interaction, ctx) {
        const { deps } = ctx;
        const { guildId } = await requireSetupRights(deps, interaction);
        const settings = await bindCompany(deps, guildId, interaction.options.getString('company', true).trim());
        await showSettings(deps, guildId, ctx, settings, interaction.user.id);
      },
    },
    'setup campaign': {
      ack: 'ephemeral',
      async run(interaction, ctx) {
        const { deps } = ctx;
        const { guildId } = await requireSetupRights(deps, interaction);
        const { companyId } = await deps.guilds.require(guildId);
        const link = await deps.identity.resolve(companyId, interaction.user.id);
        if (link === null || link.role === 'UNAPPROVED') throw new PermissionDeniedError('pick a campaign', 'Link yourself to a Valentina user first (`/link`).');
        const campaignId = interaction.options.getString('campaign', true).trim();
        const category = interaction.options.getChannel('category', false, [ChannelType.GuildCategory]);
        if (campaignId === SERVER_DEFAULT) {
          if (category === null) {
            throw new InvalidInputError("`Server default` removes a category's own campaign: give the `category` too. To change the server default, pick a campaign.");
          }
          await deps.campaignDefaults.unbind(guildId, category.id);
          await showSettings(deps, guildId, ctx, await deps.guilds.settings(guildId), interaction.user.id);
          return;
        }
        const campaigns = await deps.directory.listCampaigns(companyId, link.userId);
        if (!campaigns.some((c) => c.id === campaignId)) throw new NotFoundInputError('That campaign is not in this company. Pick one from the list while typing.');
        if (category !== null) {
          // Stored with the company, so a later /setup company leaves this binding unused.
          await deps.campaignDefaults.bind({ guildId, categoryId: category.id, companyId, campaignId });
          await showSettings(deps, guildId, ctx, await deps.guilds.settings(guildId), interaction.user.id);
          return;
        }
        const settings = await deps.guilds.update(guildId, { defaultCampaignId: campaignId });
        await showSettings(deps, guildId, ctx, settings, interaction.user.id);
      },
    },
    'setup channels': {
      ack: 'ephemeral',
      async run(interaction, ctx) {
        const { deps } = ctx;
        const { guildId } = await requireSetupRights(deps, interaction);
        const approvals = interaction.options.getChannel('approvals', false, [...TEXT_CHANNELS]);
        const audit = interaction.options.getChannel('audit', false, [...TEXT_CHANNELS]);
        const off = interaction.options.getString('turn-off', false);
        if (approvals === null && audit === null && off === null) {
          throw new InvalidInputError('Give an `approvals` channel, an `audit` channel, or `turn-off` to stop posting to one.');
        }
        const settings = await deps.guilds.update(guildId, {
          ...(approvals !== null ? { approvalsChannelId: approvals.id } : {}),
          ...(audit !== null ? { auditChannelId: audit.id } : {}),
          ...(off === 'approvals' ? { approvalsChannelId: null } : {}),
          ...(off === 'audit' ? { auditChannelId: null } : {}),
        });
        await showSettings(deps, guildId, ctx, settings, interaction.user.id);
      },
    },
    'setup xp-policy': {
      ack: 'ephemeral',
      async run(interaction, ctx) {
        const { deps } = ctx;
        const { guildId } = await requireSetupRights(deps, interaction);
        const policy = interaction.options.getString('policy', true);
        if (policy !== 'STORYTELLER_ONLY' && policy !== 'FOLLOW_COMPANY') throw new InvalidInputError('Pick a policy from the list.');
        const max = interaction.options.getInteger('max-award', false);
        if (max !== null && (max < 1 || max > MAX_AWARD_LIMIT)) throw new InvalidInputError(`\`max-award\` must be from 1 to ${MAX_AWARD_LIMIT}.`);
        const xpPolicy: XpPolicy = policy;
        const settings = await deps.guilds.update(guildId, { xpPolicy, ...(max !== null ? { maxAwardAmount: max } : {}) });
        await showSettings(deps, guildId, ctx, settings, interaction.user.id);
      },
    },
  },
  autocomplete: {
    'setup company#company': {
      async run(interaction, { deps }) {
        // Only server managers look, and only at what the operator allows for this server.
        if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) !== true) return [];
        return companyChoices(deps, requireGuildId(interaction), interaction.options.getFocused());
      },
    },
    'setup campaign#campaign': {
      async run(interaction, { deps }) {
        const guildId = requireGuildId(interaction);
        const { companyId } = await deps.guilds.require(guildId);
        const link = await deps.identity.resolve(companyId, interaction.user.id);
        if (link === null || link.role === 'UNAPPROVED') return [];
        const campaigns = await deps.directory.listCampaigns(companyId, link.userId);
        const choices = matchChoices(campaigns, interaction.options.getFocused(), (c) => c.name).map((c) => ({ name: c.name.slice(0, 100), value: c.id }));
        // With a category chosen, its binding can also be removed (commands there then use the server default).
        if (interaction.options.get('category')?.value === undefined) return choices;
        return [...choices.slice(0, 24), { name: "Server default (remove this category's own campaign)", value: SERVER_DEFAULT }];
      },
    },
  },
};
