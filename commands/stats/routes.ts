import { GuildMember, type Interaction, type User } from 'discord.js';
import type { CommandRoutes, HandlerContext } from '../../src/discord/command.js';
import { requireActor } from '../../src/discord/guards.js';
import type { MessagePayload } from '../../src/discord/responder.js';
import type { Deps } from '../../src/deps.js';
import { closestNames } from '../../src/domain/characters.js';
import { matchChoices } from '../../src/domain/directory.js';
import { InvalidInputError, NotFoundInputError } from '../../src/domain/errors.js';
import { requireCampaignId } from '../../src/domain/quickrolls.js';
import { campaignStatistics, hideTopTraits, memberStatistics, parseTop, TOP_DEFAULT, type StatsSummary } from '../../src/domain/statistics.js';
import { STATS_CHART_FILENAME } from '../../src/render/chart/stats-chart.js';
import { renderStatsEmbed } from '../../src/render/stats-embed.js';
import { truncate } from '../../src/render/theme.js';
import { STATS_MENU } from './index.js';

/** Said instead of the chart when the chart queue is full (a peak of /stats). */
export const CHART_SKIPPED = 'Many charts are being drawn right now, so this one is left out. Run the command again in a moment to get it.';

/** The embed, plus the chart as an attachment unless there is nothing to draw or the chart queue is full. */
async function statsMessage(deps: Deps, summary: StatsSummary): Promise<MessagePayload> {
  if (summary.empty) return { embeds: [renderStatsEmbed(summary)] };
  // The numbers now rather than the picture in many seconds: the queue of charts stays bounded.
  if (deps.charts.busy) return { content: CHART_SKIPPED, embeds: [renderStatsEmbed(summary)] };
  const chart = await deps.charts.render(summary);
  return { embeds: [renderStatsEmbed(summary, STATS_CHART_FILENAME)], files: [{ attachment: chart, name: STATS_CHART_FILENAME }] };
}

function memberName(user: User, member: unknown): string {
  return member instanceof GuildMember ? member.displayName : (user.globalName ?? user.username);
}

/** Private, or published for the channel with `share` (deferred privately either way, so refusals stay private). */
async function answer(ctx: HandlerContext, share: boolean, message: MessagePayload): Promise<void> {
  if (share) await ctx.respond.publish(message);
  else await ctx.respond.send(message);
}

async function showMemberStats(deps: Deps, interaction: Interaction, ctx: HandlerContext, target: User, name: string, top: number, share: boolean): Promise<void> {
  const actor = await requireActor(deps, interaction);
  if (target.bot) throw new InvalidInputError('Bots do not roll dice. Pick a member.');
  const link = target.id === interaction.user.id ? actor.link : await deps.identity.resolve(actor.companyId, target.id);
  if (link === null) throw new NotFoundInputError(`<@${target.id}> is not linked to a Valentina user, so they have no roll statistics.`);
  const summary = await memberStatistics(deps.api, {
    companyId: actor.companyId,
    userId: link.userId,
    subject: name,
    top,
    hideTraits: hideTopTraits(actor.link.role, link.role),
  });
  await answer(ctx, share, await statsMessage(deps, summary));
}

export const statsRoutes: CommandRoutes = {
  slash: {
    'stats member': {
      ack: 'none',
      async run(interaction, ctx) {
        const top = parseTop(interaction.options.getInteger('top'));
        await ctx.respond.defer('ephemeral');
        const target = interaction.options.getUser('member') ?? interaction.user;
        const member = interaction.options.getUser('member') === null ? interaction.member : interaction.options.getMember('member');
        await showMemberStats(ctx.deps, interaction, ctx, target, memberName(target, member), top, interaction.options.getBoolean('share') === true);
      },
    },
    'stats campaign': {
      ack: 'none',
      async run(interaction, ctx) {
        const top = parseTop(interaction.options.getInteger('top'));
        await ctx.respond.defer('ephemeral');
        const { deps } = ctx;
        const actor = await requireActor(deps, interaction);
        const campaigns = await deps.directory.listCampaigns(actor.companyId, actor.link.userId);
        const typed = interaction.options.getString('campaign')?.trim() ?? '';
        const campaignId = typed === '' ? requireCampaignId(actor.campaign.campaignId) : typed;
        const campaign = campaigns.find((c) => c.id === campaignId) ?? campaigns.find((c) => c.name.toLowerCase() === campaignId.toLowerCase());
        if (campaign === undefined) {
          const close = closestNames(typed, campaigns.map((c) => c.name));
          const hint = close.length > 0 ? ` Did you mean ${close.map((c) => `**${c}**`).join(' or ')}?` : ' Pick one from the list while typing.';
          throw new NotFoundInputError(`There is no campaign "${typed === '' ? campaignId : typed}" in this server's company.${hint}`);
        }
        const summary = await campaignStatistics(deps.api, { companyId: actor.companyId, actingUserId: actor.link.userId, viewerRole: actor.link.role, campaignId: campaign.id, subject: campaign.name, top });
        await answer(ctx, interaction.options.getBoolean('share') === true, await statsMessage(deps, summary));
      },
    },
  },
  autocomplete: {
    'stats campaign#campaign': {
      async run(interaction, { deps }) {
        const actor = await requireActor(deps, interaction);
        const campaigns = await deps.directory.listCampaigns(actor.companyId, actor.link.userId);
        return matchChoices(campaigns, interaction.options.getFocused(), (c) => c.name).map((c) => ({ name: truncate(c.name, 100), value: c.id }));
      },
    },
  },
  userMenus: {
    [STATS_MENU]: {
      ack: 'ephemeral',
      async run(interaction, ctx) {
        await showMemberStats(ctx.deps, interaction, ctx, interaction.targetUser, memberName(interaction.targetUser, interaction.targetMember), TOP_DEFAULT, false);
      },
    },
  },
};
