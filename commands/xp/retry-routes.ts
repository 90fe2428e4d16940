import { componentRoute, type ComponentRoute } from '../../src/discord/command.js';
import { RetryableAwardError } from '../../src/domain/awards/award-errors.js';
import { retrySingle, type SingleAwardResult } from '../../src/domain/awards/single-award.js';
import { renderAwardNotice, renderRetryableFailure, renderUnconfirmedNotice } from '../../src/render/award-notice.js';
import { COLORS } from '../../src/render/theme.js';
import { retryAwardId } from './ids.js';
import { awardActor, originOf, sendAwardReceipt } from './shared.js';

export const retryRoutes: ComponentRoute[] = [
  // Retry on the private answer of a single award that was refused for now (rate limited).
  componentRoute(retryAwardId, {
    ack: 'update',
    async run(interaction, [entryId], ctx) {
      const actor = await awardActor(ctx.deps, interaction);
      let result: SingleAwardResult;
      try {
        result = await retrySingle(ctx.deps, Number(entryId), actor, originOf(interaction));
      } catch (err) {
        if (err instanceof RetryableAwardError) {
          await ctx.respond.update(renderRetryableFailure(err.title, err.message, retryAwardId.encode([entryId], interaction.user.id)));
          return;
        }
        // Any other answer is final for this entry: the button goes, the boundary explains.
        await ctx.respond.update({ components: [] });
        throw err;
      }
      if (result.status === 'unconfirmed') {
        await ctx.respond.update(renderUnconfirmedNotice(result.entry, result.campaign.name));
        return;
      }
      await ctx.respond.update(renderAwardNotice('Applied', 'Valentina confirmed the award. The receipt is in the channel.', COLORS.success));
      // After the private message is updated, the follow-up is the public receipt.
      await sendAwardReceipt(interaction, ctx, result);
    },
  }),
];
