import { ApplicationCommandOptionType } from 'discord.js';
import { REASON_MAX } from '../../src/domain/awards/award-limits.js';

/** The custom_id namespace of the XP and cool-point tools (both commands use it). */
export const XP_NAMESPACE = 'xp';

/** The user context menu that opens the award form. */
export const AWARD_XP_MENU = 'Award XP';

/** The largest single-award maximum /setup lets a guild choose; the guild's own limit is checked in the domain. */
export const AMOUNT_OPTION_MAX = 10_000;

/** Options shared by /xp and /coolpoints. */
export const reasonOption = { name: 'reason', description: 'Why (shown on the receipt and in the ledger)', type: ApplicationCommandOptionType.String, max_length: REASON_MAX } as const;
export const campaignOption = { name: 'campaign', description: "The campaign (default: this channel category's, else the server's default)", type: ApplicationCommandOptionType.String, autocomplete: true } as const;
