import type { SlashRoute } from '../../src/discord/command.js';
import { resolveCampaign } from '../../src/domain/awards/award-context.js';
import { UserFacingError } from '../../src/domain/errors.js';
import { isStaff } from '../../src/domain/roles.js';
import { formatMegabytes, renderEmptyLedgerExport, renderLedgerExport } from '../../src/render/ledger-export-embed.js';
import { awardActor } from './shared.js';
import { viewedMember } from './view-routes.js';

/** Discord's per-file limit without boosts, when an interaction does not announce its own. */
const DEFAULT_ATTACHMENT_LIMIT = 10 * 1024 * 1024;

/** `/xp export [member] [campaign]`: the ledger as a spreadsheet-safe CSV, privately. */
export const exportRoute: SlashRoute = {
  ack: 'ephemeral',
  async run(interaction, ctx) {
    const { deps } = ctx;
    const actor = await awardActor(deps, interaction);
    const option = interaction.options.getUser('member', false);
    // Without a member, storytellers and admins export everyone; players their own.
    const everyone = option === null && isStaff(actor.role);
    const who = everyone ? null : await viewedMember(ctx, actor, option === null ? null : { id: option.id, bot: option.bot });
    const requested = interaction.options.getString('campaign', false);
    const campaign = requested === null ? null : await resolveCampaign(deps, actor, requested);
    // The CSV writer (csv-stringify) is loaded by the first export, not with the rest of /xp.
    const [users, campaigns, { exportLedger, ledgerNames }] = await Promise.all([
      deps.directory.listUsers(actor.companyId).catch(() => []),
      deps.directory.listCampaigns(actor.companyId, actor.userId).catch(() => []),
      import('../../src/domain/ledger-export.js'),
    ]);
    const maxBytes = interaction.attachmentSizeLimit ?? DEFAULT_ATTACHMENT_LIMIT;
    const result = await exportLedger(
      deps.store.awards,
      { guildId: actor.guildId, companyId: actor.companyId, targetUserId: who?.userId ?? null, campaignId: campaign?.id ?? null },
      ledgerNames(users, campaigns),
      { maxBytes },
    );
    const subject = who === null ? 'everyone in this server' : who.discordId === actor.discordId ? 'you' : `<@${who.discordId}>`;
    if (result.kind === 'too-large') {
      throw new UserFacingError(
        `This ledger is more than ${formatMegabytes(result.gzipBytes)} even gzipped (${result.rows.toLocaleString('en-US')}+ entries), over the ${formatMegabytes(maxBytes)} Discord accepts here. Export one \`member\` or one \`campaign\` at a time.`,
        'Ledger too large',
      );
    }
    if (result.rows === 0) {
      await ctx.respond.send({ embeds: [renderEmptyLedgerExport(subject, campaign?.name ?? null)] });
      return;
    }
    const name = `xp-ledger-${new Date(deps.clock.now()).toISOString().slice(0, 10)}.${result.kind}`;
    await ctx.respond.send({
      embeds: [renderLedgerExport({ kind: result.kind, rows: result.rows, csvBytes: result.csvBytes, fileBytes: result.bytes.byteLength, maxBytes, subject, campaignName: campaign?.name ?? null })],
      files: [{ attachment: result.bytes, name }],
    });
  },
};
