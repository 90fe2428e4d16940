import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIEmbed, type APIComponentInMessageActionRow } from 'discord-api-types/v10';
import { characterLabel } from '../domain/characters.js';
import { outcomeOf, type Outcome, type RolledQuickroll } from '../domain/rolls.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

/** Discord's limit for a message's plain-text content. */
const CONTENT_MAX = 2000;
/** Keeps title + description + fields under Discord's 6000-character total, however large the pool. */
const DESCRIPTION_BUDGET = 2500;

export const OUTCOME_STYLE: Readonly<Record<Outcome, { color: number; label: string }>> = {
  critical: { color: COLORS.critical, label: 'Critical success' },
  success: { color: COLORS.success, label: 'Success' },
  failure: { color: COLORS.neutral, label: 'Failure' },
  botch: { color: COLORS.botch, label: 'Botch' },
  other: { color: COLORS.info, label: 'Rolled' },
};

export interface RollMessage {
  content: string;
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
}

/** Collapses whitespace so text from elsewhere cannot break the one-line summary. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function formula(rolled: RolledQuickroll): string {
  return rolled.traits.map((t) => t.name).join(' + ');
}

function humanized(rolled: RolledQuickroll): string {
  const text = rolled.roll.result?.total_result_humanized ?? '';
  return text === '' ? 'no result' : text;
}

/**
 * The plain-text line sent with the embed, for members who turned embeds off, e.g.
 * "🎲 @Alice rolled Strength + Brawl for Nadia (5 dice, diff 6): 3 Successes — Success".
 */
export function renderRollSummary(rolled: RolledQuickroll, roller: string): string {
  const outcome = OUTCOME_STYLE[outcomeOf(rolled.roll)].label;
  const dice = `${rolled.roll.num_dice} ${rolled.roll.num_dice === 1 ? 'die' : 'dice'}`;
  const line = `🎲 ${roller} rolled ${oneLine(formula(rolled))} for ${oneLine(characterLabel(rolled.character))} (${dice}, diff ${rolled.difficulty}): ${humanized(rolled)} — ${outcome}`;
  return truncate(line, CONTENT_MAX);
}

/** The roll result: colour by outcome, the dice as the API's emoji, pool, difficulty, traits and comment. */
export function renderRollEmbed(rolled: RolledQuickroll, roller: string): APIEmbed {
  const outcome = outcomeOf(rolled.roll);
  const style = OUTCOME_STYLE[outcome];
  const result = rolled.roll.result;
  const dice = result?.player_roll_emoji ?? '';
  const desperation = result?.desperation_roll_emoji ?? '';
  const lines = [
    `${roller} rolled **${rolled.quickroll.name}** for **${characterLabel(rolled.character)}**`,
    '',
    dice === '' ? '*no dice*' : dice,
    ...(desperation === '' ? [] : [`Desperation: ${desperation}`]),
  ];
  const traits = rolled.traits.map((t) => `${t.name} ${t.value}`).join(' + ');
  const fields = [
    { name: 'Pool', value: `${rolled.roll.num_dice} ${rolled.roll.num_dice === 1 ? 'die' : 'dice'}`, inline: true },
    { name: 'Difficulty', value: String(rolled.difficulty), inline: true },
    { name: 'Traits', value: truncate(traits === '' ? '–' : traits, EMBED_LIMITS.fieldValue), inline: false },
    ...(rolled.comment === null ? [] : [{ name: 'Comment', value: truncate(rolled.comment, EMBED_LIMITS.fieldValue), inline: false }]),
  ];
  return {
    color: style.color,
    title: truncate(`${style.label}: ${humanized(rolled)}`, EMBED_LIMITS.title),
    description: truncate(lines.join('\n'), DESCRIPTION_BUDGET),
    fields,
    footer: { text: truncate(rolled.private ? 'Private roll: only you can see it' : `Quickroll ${rolled.quickroll.name}`, EMBED_LIMITS.footer) },
    ...withTimestamp(rolled.roll.date_created),
  };
}

/** The API sends whole-second UTC times, with or without a zone; Discord wants ISO 8601 with one. */
function withTimestamp(value: string | undefined): { timestamp?: string } {
  if (value === undefined) return {};
  const parsed = new Date(/(?:Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(parsed.getTime()) ? {} : { timestamp: parsed.toISOString() };
}

export function renderRerollButton(customId: string): APIActionRowComponent<APIComponentInMessageActionRow> {
  return {
    type: ComponentType.ActionRow,
    components: [{ type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Re-roll', emoji: { name: '🎲' }, custom_id: customId }],
  };
}

/** The whole roll message; `rerollCustomId` adds the Re-roll button. */
export function renderRollMessage(rolled: RolledQuickroll, roller: string, rerollCustomId?: string): RollMessage {
  return {
    content: renderRollSummary(rolled, roller),
    embeds: [renderRollEmbed(rolled, roller)],
    components: rerollCustomId === undefined ? [] : [renderRerollButton(rerollCustomId)],
  };
}
