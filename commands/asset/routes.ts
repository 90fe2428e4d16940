import { type Attachment, type Interaction } from 'discord.js';
import { z } from 'zod';
import { componentRoute, type CommandRoutes } from '../../src/discord/command.js';
import { defineComponentId, VALENTINA_ID_ARG } from '../../src/discord/custom-id.js';
import { requireActor, type Actor } from '../../src/discord/guards.js';
import type { Deps } from '../../src/deps.js';
import {
  canDeleteAssets,
  deleteOwnedAsset,
  getAssetPage,
  getOwnedAsset,
  requireAssetDeleteRight,
  resolveAssetOwner,
  saveAttachment,
  saveAttachments,
  type AssetActor,
} from '../../src/domain/assets.js';
import type { AttachmentRef } from '../../src/domain/attachment-download.js';
import { renderAssetDeleted, renderAssetDeletePrompt } from '../../src/render/asset-delete.js';
import { renderAssetEmbed } from '../../src/render/asset-embed.js';
import { renderAssetPage } from '../../src/render/asset-page.js';
import { renderAssetSaveReport } from '../../src/render/asset-save-report.js';
import { COLORS } from '../../src/render/theme.js';
import { SAVE_MENU } from './index.js';

const objectId = z.string().regex(VALENTINA_ID_ARG);
const index = z.string().regex(/^\d{1,4}$/);

/** Shows asset `index` of a user; also the Cancel of a delete prompt (back to the page). */
export const assetPageId = defineComponentId('asset', 'page', 1, z.tuple([objectId, index]));
/** Opens the confirm step for one asset, remembering the page to go back to. */
export const assetDeleteId = defineComponentId('asset', 'delete', 1, z.tuple([objectId, objectId, index]));
export const assetConfirmId = defineComponentId('asset', 'confirm', 1, z.tuple([objectId, objectId, index]));

function assetActor(actor: Actor, interaction: Interaction): AssetActor {
  return { companyId: actor.companyId, discordId: interaction.user.id, userId: actor.link.userId, role: actor.link.role };
}

function attachmentRef(att: Attachment): AttachmentRef {
  return { id: att.id, filename: att.name, url: att.url, size: att.size, contentType: att.contentType };
}

/** Renders page `wanted` of an owner's assets for the viewer, with Delete only when they may. */
async function assetPageMessage(deps: Deps, actor: AssetActor, ownerUserId: string, wanted: number) {
  const self = ownerUserId === actor.userId;
  const [page, link] = await Promise.all([
    getAssetPage(deps, actor.companyId, ownerUserId, wanted),
    self ? Promise.resolve(null) : deps.store.memberLinks.getByUser(actor.companyId, ownerUserId),
  ]);
  const owner = self ? 'you' : link === null ? 'this member' : `<@${link.discordUserId}>`;
  const deleteId = page.asset !== null && canDeleteAssets(actor, ownerUserId) ? assetDeleteId.encode([ownerUserId, page.asset.id, String(page.index)], actor.discordId) : null;
  return renderAssetPage(page, { owner, self, pageId: (i) => assetPageId.encode([ownerUserId, String(i)], actor.discordId), deleteId });
}

export const assetRoutes: CommandRoutes = {
  slash: {
    'asset upload': {
      ack: 'ephemeral',
      async run(interaction, { deps, respond }) {
        const actor = assetActor(await requireActor(deps, interaction), interaction);
        const member = interaction.options.getUser('member');
        const file = attachmentRef(interaction.options.getAttachment('file', true));
        // The cheap checks (size, type, host) come back before anything else is looked up.
        deps.attachments.check(file);
        const owner = await resolveAssetOwner(deps, actor, member === null ? null : { discordId: member.id, bot: member.bot }, { verb: 'upload assets', staffOnly: true });
        const saved = await saveAttachment(deps, actor.companyId, owner.userId, file, `${interaction.id}:asset-upload`, actor.userId);
        await respond.send({
          embeds: [renderAssetEmbed(saved, { title: 'Asset saved', color: COLORS.success, footer: 'See every asset with /asset list', ...(owner.self ? {} : { owner: `<@${owner.discordId}>` }) })],
        });
      },
    },
    'asset list': {
      ack: 'ephemeral',
      async run(interaction, { deps, respond }) {
        const actor = assetActor(await requireActor(deps, interaction), interaction);
        const member = interaction.options.getUser('member');
        const owner = await resolveAssetOwner(deps, actor, member === null ? null : { discordId: member.id, bot: member.bot }, { verb: 'list assets', staffOnly: false });
        await respond.send(await assetPageMessage(deps, actor, owner.userId, 0));
      },
    },
  },
  messageMenus: {
    [SAVE_MENU]: {
      ack: 'ephemeral',
      async run(interaction, { deps, log, respond }) {
        const actor = assetActor(await requireActor(deps, interaction), interaction);
        const files = [...interaction.targetMessage.attachments.values()].map(attachmentRef);
        const report = await saveAttachments(deps, actor.companyId, actor.userId, files, (f) => `${interaction.id}:asset-save:${f.id}`, interaction.id);
        for (const err of report.errors) log.warn({ err }, 'attachment not saved');
        await respond.send({ embeds: [renderAssetSaveReport(report, `<@${actor.discordId}>`)] });
      },
    },
  },
  components: [
    componentRoute(assetPageId, {
      ack: 'update',
      async run(interaction, [ownerUserId, wanted], { deps, respond }) {
        const actor = assetActor(await requireActor(deps, interaction), interaction);
        await respond.update(await assetPageMessage(deps, actor, ownerUserId, Number(wanted)));
      },
    }),
    componentRoute(assetDeleteId, {
      ack: 'update',
      async run(interaction, [ownerUserId, assetId, at], { deps, respond }) {
        const actor = assetActor(await requireActor(deps, interaction), interaction);
        requireAssetDeleteRight(actor, ownerUserId);
        const found = await getOwnedAsset(deps, actor.companyId, ownerUserId, assetId);
        await respond.update(
          renderAssetDeletePrompt(found, {
            confirm: assetConfirmId.encode([ownerUserId, found.id, at], actor.discordId),
            cancel: assetPageId.encode([ownerUserId, at], actor.discordId),
          }),
        );
      },
    }),
    componentRoute(assetConfirmId, {
      ack: 'update',
      async run(interaction, [ownerUserId, assetId, at], { deps, respond }) {
        const actor = assetActor(await requireActor(deps, interaction), interaction);
        const deleted = await deleteOwnedAsset(deps, actor, ownerUserId, assetId);
        await respond.update(renderAssetDeleted(deleted, assetPageId.encode([ownerUserId, at], actor.discordId)));
      },
    }),
  ],
};
