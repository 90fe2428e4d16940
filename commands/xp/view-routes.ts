import type { ChatInputCommandInteraction, Interaction } from 'discord.js';
import { idGenerationOf } from '../../src/api/index.js';
import { componentRoute, type ComponentRoute, type HandlerContext, type SlashRoute } from '../../src/discord/command.js';
import { requireTarget, resolveCampaign, type AwardActor } from '../../src/domain/awards/award-context.js';
import { readLedger } from '../../src/domain/awards/ledger.js';
import { isStaff } from '../../src/domain/roles.js';
import { requireMayViewOthers } from '../../src/domain/xp-policy.js';
import { renderXpBalance, type BalanceRow } from '../../src/render/award-balance.js';
import { renderLedger } from '../../src/render/ledger-embed.js';
import { ledgerPageId } from './ids.js';
import { awardActor } from './shared.js';

/** The member a view is about: the invoker, or (for storytellers and admins) anyone linked. */
export async function viewedMember(ctx: HandlerContext, actor: AwardActor, member: { id: string; bot: boolean } | null): Promise<{ userId: string; discordId: string }> {
  if (member === null || member.id === actor.discordId) return { userId: actor.userId, discordId: actor.discordId };
  // Refuse before looking anyone up: a player learns nothing about other members.
  requireMayViewOthers(actor);
  const link = await requireTarget(ctx.deps, actor.companyId, member);
  return { userId: link.userId, discordId: member.id };
}

async function showBalance(interaction: ChatInputCommandInteraction, ctx: HandlerContext): Promise<void> {
  const { deps } = ctx;
  const actor = await awardActor(deps, interaction);
  const option = interaction.options.getUser('member', false);
  const who = await viewedMember(ctx, actor, option === null ? null : { id: option.id, bot: option.bot });
  const requested = interaction.options.getString('campaign', false);
  const users = deps.api.users(actor.companyId);
  let rows: BalanceRow[];
  let lifetime: { xp: number; coolPoints: number } | null = null;
  if (requested !== null) {
    const campaign = await resolveCampaign(deps, actor, requested);
    const xp = await users.getExperience(who.userId, campaign.id);
    rows = [{ campaignName: campaign.name, isDefault: campaign.id === actor.defaultCampaign.campaignId, totals: { xpCurrent: xp.xp_current, xpTotal: xp.xp_total, coolPoints: xp.cool_points } }];
  } else {
    const [user, campaigns] = await Promise.all([users.get(who.userId), deps.directory.listCampaigns(actor.companyId, actor.userId).catch(() => [])]);
    const names = new Map(campaigns.map((c) => [c.id, c.name]));
    const defaultId = actor.defaultCampaign.campaignId;
    rows = user.campaign_experience
      .map((xp) => ({
        campaignName: names.get(xp.campaign_id) ?? 'Unknown campaign',
        isDefault: xp.campaign_id === defaultId,
        totals: { xpCurrent: xp.xp_current, xpTotal: xp.xp_total, coolPoints: xp.cool_points },
      }))
      .sort((a, b) => Number(b.isDefault) - Number(a.isDefault));
    lifetime = { xp: user.lifetime_xp, coolPoints: user.lifetime_cool_points };
  }
  await ctx.respond.send({ embeds: [renderXpBalance({ memberMention: `<@${who.discordId}>`, rows, lifetime })] });
}

/** Renders one ledger page; the filter travels in the page buttons' custom_id. */
async function showLedger(
  interaction: Interaction,
  ctx: HandlerContext,
  member: { id: string; bot: boolean } | null,
  campaignOption: string | null,
  page: number,
  send: 'send' | 'update',
): Promise<void> {
  const { deps } = ctx;
  const actor = await awardActor(deps, interaction);
  // Without a member, storytellers and admins see everyone; players see themselves.
  const everyone = member === null && isStaff(actor.role);
  const who = everyone ? null : await viewedMember(ctx, actor, member);
  // Used under a category bound to a campaign, the ledger shows that campaign unless another is named.
  const categoryCampaign = actor.defaultCampaign.source === 'category' ? actor.defaultCampaign.campaignId : null;
  const filter = campaignOption ?? categoryCampaign;
  const campaign = filter === null ? null : await resolveCampaign(deps, actor, filter);
  const [ledger, campaigns] = await Promise.all([
    readLedger(deps, { guildId: actor.guildId, companyId: actor.companyId, targetUserId: who?.userId ?? null, targetDiscordId: who?.discordId ?? null, campaignId: campaign?.id ?? null }, page),
    campaign === null ? deps.directory.listCampaigns(actor.companyId, actor.userId).catch(() => []) : Promise.resolve([]),
  ]);
  const names = new Map(campaigns.map((c) => [c.id, c.name]));
  const message = renderLedger({
    page: ledger,
    subject: who === null ? 'everyone in this server' : who.discordId === actor.discordId ? 'you' : `<@${who.discordId}>`,
    campaignName: campaign?.name ?? null,
    // A campaign id of the other API generation: an entry from before the server upgrade.
    campaignNameOf: (id) => names.get(id) ?? (idGenerationOf(id) !== undefined && idGenerationOf(id) !== deps.api.apiVersion ? 'before the server upgrade' : 'Unknown campaign'),
    showTarget: who === null,
    pageId: (n) => ledgerPageId.encode([String(n), who?.discordId ?? '-', campaign?.id ?? '-'], interaction.user.id),
  });
  if (send === 'send') await ctx.respond.send(message);
  else await ctx.respond.update(message);
}

export const showRoute: SlashRoute = { ack: 'ephemeral', run: showBalance };

export const logRoute: SlashRoute = {
  ack: 'ephemeral',
  async run(interaction, ctx) {
    const member = interaction.options.getUser('member', false);
    await showLedger(interaction, ctx, member === null ? null : { id: member.id, bot: member.bot }, interaction.options.getString('campaign', false), 0, 'send');
  },
};

export const ledgerRoutes: ComponentRoute[] = [
  componentRoute(ledgerPageId, {
    ack: 'update',
    async run(interaction, [page, memberId, campaignId], ctx) {
      const member = memberId === '-' ? null : { id: memberId, bot: false };
      await showLedger(interaction, ctx, member, campaignId === '-' ? null : campaignId, Number(page), 'update');
    },
  }),
];
