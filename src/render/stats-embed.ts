import type { APIEmbed } from 'discord-api-types/v10';
import type { StatsSummary } from '../domain/statistics.js';
import { formatPercent } from './chart/stats-chart.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

function average(value: number | null): string {
  return value === null ? '–' : (Math.round(value * 10) / 10).toString();
}

/**
 * Roll statistics as an embed. With `chartFile`, the attached chart is shown as the embed's image;
 * an empty summary gets a friendly explanation instead of numbers and no chart.
 */
export function renderStatsEmbed(summary: StatsSummary, chartFile?: string): APIEmbed {
  const title = truncate(`${summary.kind === 'campaign' ? 'Campaign rolls' : 'Roll statistics'} · ${summary.subject}`, EMBED_LIMITS.title);
  if (summary.empty) {
    const who = summary.kind === 'campaign' ? 'Nobody has rolled in this campaign yet' : 'No rolls yet';
    return {
      color: COLORS.neutral,
      title,
      description:
        `${who}. Statistics count d10 rolls with a difficulty, such as \`/quickroll roll\`. ` +
        'Once there are some, this shows how often the dice came up critical, successful, failed or botched, with a chart.',
    };
  }
  const fields = summary.outcomes.map((o) => ({ name: o.label, value: `**${o.count}** (${formatPercent(o.percent)})`, inline: true }));
  const traits = summary.topTraitsHidden
    ? 'Hidden: a storyteller\'s traits could give away their private rolls.'
    : summary.topTraits.length === 0
      ? 'No roll used a trait yet.'
      : summary.topTraits.map((t, i) => `${i + 1}. ${t.name} · ${t.usage_count} roll${t.usage_count === 1 ? '' : 's'}`).join('\n');
  return {
    color: COLORS.info,
    title,
    description: `**${summary.totalRolls}** roll${summary.totalRolls === 1 ? '' : 's'} · average pool **${average(summary.averagePool)}** · average difficulty **${average(summary.averageDifficulty)}**`,
    fields: [...fields, { name: 'Top traits', value: truncate(traits, EMBED_LIMITS.fieldValue), inline: false }],
    ...(chartFile === undefined ? {} : { image: { url: `attachment://${chartFile}` } }),
  };
}
