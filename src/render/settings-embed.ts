import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import type { GuildSettings } from '../store/types.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

export interface SettingsView {
  settings: GuildSettings;
  companyName: string | null;
  companyFromDefault: boolean;
  campaignName: string | null;
  companyXpPermission: string | null;
  /** Channel categories bound to a campaign of the current company (`/setup campaign … category`). */
  categoryCampaigns?: readonly { categoryId: string; campaignName: string }[];
}

const POLICY_TEXT: Record<string, string> = {
  STORYTELLER_ONLY: 'Storytellers and admins only',
  FOLLOW_COMPANY: "Follow the company's `permission_grant_xp`",
};

export function renderSettingsEmbed(view: SettingsView): APIEmbed {
  const s = view.settings;
  const channel = (id: string | null) => (id === null ? '*not set*' : `<#${id}>`);
  const company =
    view.companyName === null
      ? '*not bound* — run `/setup company`'
      : `**${view.companyName}**${view.companyFromDefault ? ' (bot default)' : ''}`;
  const policy = POLICY_TEXT[s.xpPolicy] ?? s.xpPolicy;
  const companyRule = s.xpPolicy === 'FOLLOW_COMPANY' && view.companyXpPermission !== null ? ` (company: ${view.companyXpPermission})` : '';
  return {
    color: view.companyName === null ? COLORS.warning : COLORS.info,
    title: 'Valentina bot settings',
    fields: [
      { name: 'Company', value: company, inline: false },
      { name: 'Default campaign', value: view.campaignName === null ? '*not set* — run `/setup campaign`' : `**${view.campaignName}**`, inline: false },
      ...categoryField(view),
      { name: 'Approvals channel', value: channel(s.approvalsChannelId), inline: true },
      { name: 'Audit channel', value: channel(s.auditChannelId), inline: true },
      { name: 'Who may award XP', value: `${policy}${companyRule}`, inline: false },
      { name: 'Largest single award', value: String(s.maxAwardAmount), inline: true },
    ],
  };
}

const CATEGORY_LINES_MAX = 20;

/** One line per bound category; commands used there default to its campaign. */
function categoryField(view: SettingsView): APIEmbedField[] {
  const bound = view.categoryCampaigns ?? [];
  if (bound.length === 0) return [];
  const lines = bound.slice(0, CATEGORY_LINES_MAX).map((b) => `<#${b.categoryId}> → **${truncate(b.campaignName, 60)}**`);
  if (bound.length > CATEGORY_LINES_MAX) lines.push(`…and ${bound.length - CATEGORY_LINES_MAX} more`);
  return [{ name: 'Campaign by channel category', value: truncate(lines.join('\n'), EMBED_LIMITS.fieldValue), inline: false }];
}
