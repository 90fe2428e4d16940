import { ButtonStyle, ComponentType, type APIEmbed } from 'discord-api-types/v10';
import type { MessageRow } from './approval-card.js';
import { COLORS } from './theme.js';

export interface SignInOfferInput {
  url: string;
  expiresAt: number;
  /** Set when an admin's /link sent it: shown to the member in the direct message. */
  askedBy?: { adminDiscordId: string; guildName: string };
}

/** The private answer to /register on v2 (or the DM /link sends): one link button to Discord's consent page. */
export function renderSignInOffer(input: SignInOfferInput): { embeds: APIEmbed[]; components: MessageRow[] } {
  const until = `<t:${Math.floor(input.expiresAt / 1000)}:t>`;
  const intro =
    input.askedBy === undefined
      ? 'To register with this server\'s Valentina company, sign in with your Discord account.'
      : `<@${input.askedBy.adminDiscordId}> asked to link you to your Valentina user in **${input.askedBy.guildName}**. Sign in with your Discord account to finish.`;
  return {
    embeds: [
      {
        title: input.askedBy === undefined ? 'Register with Valentina' : 'Link your Valentina user',
        description:
          `${intro}\n\nDiscord will ask you to share your username and email with the bot. ` +
          `If Valentina already knows you, you are linked at once; otherwise an admin approves your new user.\n\n` +
          `The button works once, only for you, until ${until}.`,
        color: COLORS.info,
      },
    ],
    components: [
      { type: ComponentType.ActionRow, components: [{ type: ComponentType.Button, style: ButtonStyle.Link, label: 'Sign in with Discord', url: input.url }] },
    ],
  };
}
