import { RESTJSONErrorCodes, type ChatInputCommandInteraction, type User as DiscordUser } from 'discord.js';
import type { User } from '../../src/api/index.js';
import type { HandlerContext } from '../../src/discord/command.js';
import { postAudit } from '../../src/discord/audit.js';
import { displayName } from '../../src/domain/members.js';
import { roleLabel } from '../../src/domain/roles.js';
import { SignInOffError, linkKnownIdentity } from '../../src/domain/sign-in/admin-link.js';
import { renderNoticeEmbed } from '../../src/render/error-embed.js';
import { renderLinkAudit } from '../../src/render/link-audit.js';
import { renderSignInOffer } from '../../src/render/sign-in-offer.js';
import { COLORS } from '../../src/render/theme.js';

/**
 * /link on v2, where profiles are not writable: the member is linked at once when Valentina
 * already carries their Discord id; otherwise they get a sign-in link by direct message, and
 * what their verified sign-in returns decides the link.
 */
export async function linkBySignIn(
  interaction: ChatInputCommandInteraction,
  { deps, respond }: Pick<HandlerContext, 'deps' | 'respond'>,
  input: { guildId: string; companyId: string; member: DiscordUser; target: User },
): Promise<void> {
  const { guildId, companyId, member, target } = input;
  const picked = { id: target.id, name: displayName(target) };
  const known = await linkKnownIdentity(deps, companyId, member.id);
  if (known !== null) {
    await postAudit(interaction.client, deps, guildId, renderLinkAudit({ memberDiscordId: member.id, adminDiscordId: interaction.user.id, user: known, picked, via: 'lookup' }));
    const differs = known.id === target.id ? '' : `\nValentina already has their Discord account on this user, not on **${picked.name}**: the verified identity decides. Merge the users if they are one person.`;
    await respond.send({ embeds: [renderNoticeEmbed('Linked', `<@${member.id}> now acts as **${displayName(known)}** (${roleLabel(known.role)}).${differs}`, COLORS.success)] });
    return;
  }
  if (deps.signIn === undefined) throw new SignInOffError(true);
  const offer = await deps.signIn.start({ guildId, companyId, memberDiscordId: member.id, channelId: interaction.channelId, requestedBy: { discordId: interaction.user.id, userId: target.id } });
  try {
    await member.send({
      ...renderSignInOffer({ ...offer, askedBy: { adminDiscordId: interaction.user.id, guildName: interaction.guild?.name ?? 'your Discord server' } }),
      allowedMentions: { parse: [] },
    });
  } catch (err) {
    await deps.signIn.cancel(offer.nonce);
    // Checked by code, not class: the REST client may be @discordjs/rest's ESM build, discord.js's class the CJS one.
    if (typeof err === 'object' && err !== null && 'code' in err && err.code === RESTJSONErrorCodes.CannotSendMessagesToThisUser) {
      await respond.send({
        embeds: [
          renderNoticeEmbed(
            'Direct messages closed',
            `<@${member.id}> does not accept direct messages from the bot, so no sign-in link was sent and nothing changed. ` +
              'Ask them to run `/register` in this server: it gives them the same sign-in link.',
            COLORS.warning,
          ),
        ],
      });
      return;
    }
    throw err;
  }
  await respond.send({
    embeds: [
      renderNoticeEmbed(
        'Sign-in link sent',
        `Valentina does not know <@${member.id}>'s Discord account yet, and on this Valentina server a member is linked only by signing in with Discord. ` +
          `I sent them a sign-in link by direct message (it works once, for 10 minutes). They will be linked to the user their sign-in belongs to: ` +
          `you picked **${picked.name}**, and the audit channel will say if it turns out to be another user.`,
        COLORS.info,
      ),
    ],
  });
}
