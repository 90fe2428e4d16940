import type { ChatInputCommandInteraction, Interaction } from 'discord.js';
import type { AutocompleteRoute, HandlerContext, SlashRoute } from '../../src/discord/command.js';
import { defaultCampaignOf, requireActor, requireGuildId } from '../../src/discord/guards.js';
import { postAudit } from '../../src/discord/audit.js';
import type { Deps } from '../../src/deps.js';
import { campaignChoices, type AwardActor } from '../../src/domain/awards/award-context.js';
import { previewScene, startScene } from '../../src/domain/awards/scene.js';
import { RetryableAwardError } from '../../src/domain/awards/award-errors.js';
import type { AwardOrigin } from '../../src/domain/awards/award-service.js';
import { awardSingle, type AwardReceipt, type SingleAwardResult } from '../../src/domain/awards/single-award.js';
import type { AwardKind } from '../../src/store/types.js';
import { renderAwardAudit } from '../../src/render/award-audit.js';
import { renderRetryableFailure, renderUnconfirmedNotice } from '../../src/render/award-notice.js';
import { renderAwardReceipt } from '../../src/render/award-receipt.js';
import { renderScenePicker, renderScenePreview, type SceneIds } from '../../src/render/award-scene.js';
import { retryAwardId, sceneCancelId, sceneConfirmId, scenePickId, undoId } from './ids.js';

/** The invoker as an approved company user; the API's requesting user is always theirs. */
export async function awardActor(deps: Deps, interaction: Interaction): Promise<AwardActor> {
  const actor = await requireActor(deps, interaction);
  return {
    guildId: actor.guildId,
    companyId: actor.companyId,
    settings: actor.guild.settings,
    userId: actor.link.userId,
    discordId: interaction.user.id,
    role: actor.link.role,
    defaultCampaign: actor.campaign,
  };
}

/** `campaign` option autocomplete: the company's campaigns the invoker can see, default marked. */
export const campaignAutocomplete: AutocompleteRoute = {
  async run(interaction, { deps }) {
    const guildId = requireGuildId(interaction);
    const guild = await deps.guilds.require(guildId);
    const link = await deps.identity.resolve(guild.companyId, interaction.user.id);
    if (link === null || link.role === 'UNAPPROVED') return [];
    const [campaigns, fallback] = await Promise.all([deps.directory.listCampaigns(guild.companyId, link.userId), defaultCampaignOf(deps, interaction, guild)]);
    return campaignChoices(campaigns, interaction.options.getFocused(), fallback.campaignId);
  },
};

/** Where an interaction was asked, for a receipt that Valentina confirms late. */
export function originOf(interaction: Interaction): AwardOrigin | undefined {
  return interaction.channelId === null ? undefined : { channelId: interaction.channelId };
}

/** Posts the receipt of a single award (public) and, for a fresh award, its audit line. */
export async function sendAwardReceipt(interaction: Interaction, ctx: HandlerContext, receipt: AwardReceipt): Promise<void> {
  const { entry, campaign } = receipt;
  await ctx.respond.publish(renderAwardReceipt({ entry, campaignName: campaign.name, undoId: undoId.encode([String(entry.id)]) }));
  if (receipt.fresh) await postAudit(interaction.client, ctx.deps, entry.guildId, renderAwardAudit('award', [entry], campaign.name));
}

/**
 * Answers a single award: the public receipt; a private "not confirmed yet, the bot keeps trying"
 * when Valentina left it open; a private error with a Retry button when it was refused for now.
 * Other errors go to the error boundary.
 */
export async function answerSingleAward(interaction: Interaction, ctx: HandlerContext, run: () => Promise<SingleAwardResult>): Promise<void> {
  let result: SingleAwardResult;
  try {
    result = await run();
  } catch (err) {
    if (!(err instanceof RetryableAwardError)) throw err;
    ctx.log.warn({ err, entryId: err.entryId }, 'award refused for now; retry offered');
    await ctx.respond.whisper(renderRetryableFailure(err.title, err.message, retryAwardId.encode([String(err.entryId)], interaction.user.id)));
    return;
  }
  if (result.status === 'unconfirmed') {
    await ctx.respond.whisper(renderUnconfirmedNotice(result.entry, result.campaign.name));
    return;
  }
  await sendAwardReceipt(interaction, ctx, result);
}

/**
 * `/xp award`, `/xp remove`, `/coolpoints award`: deferred privately, so a refusal is private
 * from the first moment; the receipt is then published for the channel.
 */
export function singleAwardRoute(kind: AwardKind): SlashRoute {
  return {
    ack: 'ephemeral',
    async run(interaction, ctx) {
      const actor = await awardActor(ctx.deps, interaction);
      const member = interaction.options.getUser('member', true);
      const origin = originOf(interaction);
      await answerSingleAward(interaction, ctx, () =>
        awardSingle(ctx.deps, {
          key: `${interaction.id}:award`,
          actor,
          target: { id: member.id, bot: member.bot },
          kind,
          amount: interaction.options.getInteger('amount', kind !== 'CP_ADD') ?? 1,
          reason: interaction.options.getString('reason', false),
          campaign: interaction.options.getString('campaign', false),
          ...(origin === undefined ? {} : { origin }),
        }),
      );
    },
  };
}

export function sceneIds(draftId: string, owner: string): SceneIds {
  return {
    select: scenePickId.encode([draftId], owner),
    confirm: sceneConfirmId.encode([draftId], owner),
    cancel: sceneCancelId.encode([draftId], owner),
  };
}

/** Members sharing the invoker's voice channel, without bots and without the invoker. */
function voiceCompanions(interaction: ChatInputCommandInteraction): string[] {
  const states = interaction.guild?.voiceStates.cache;
  const channelId = states?.get(interaction.user.id)?.channelId ?? null;
  if (states === undefined || channelId === null) return [];
  const botId = interaction.client.user.id;
  return states
    .filter((s) => s.channelId === channelId && s.id !== interaction.user.id && s.id !== botId && s.member?.user.bot !== true)
    .map((s) => s.id);
}

/** `/xp scene`, `/coolpoints scene`: a private picker, or straight to the preview from voice. */
export function sceneRoute(kind: 'XP_ADD' | 'CP_ADD'): SlashRoute {
  return {
    ack: 'ephemeral',
    async run(interaction, { deps, respond }) {
      const actor = await awardActor(deps, interaction);
      const draft = await startScene(deps, {
        draftId: interaction.id,
        actor,
        kind,
        amount: interaction.options.getInteger('amount', kind === 'XP_ADD') ?? 1,
        reason: interaction.options.getString('reason', false),
        campaign: interaction.options.getString('campaign', false),
      });
      const ids = sceneIds(draft.id, interaction.user.id);
      const voice = voiceCompanions(interaction);
      if (voice.length === 0) {
        await respond.send(renderScenePicker(draft, ids));
        return;
      }
      const previewed = await previewScene(deps, draft.id, actor.guildId, actor, voice.map((id) => ({ id, bot: false })));
      await respond.send(renderScenePreview(previewed, ids));
    },
  };
}
