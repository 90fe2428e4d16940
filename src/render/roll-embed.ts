import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIEmbed, type APIComponentInMessageActionRow, type APIButtonComponent } from 'discord-api-types/v10';
import { characterLabel } from '../domain/characters.js';
import { outcomeOf, type Outcome, type RolledPool } from '../domain/rolls.js';
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

const dice = (n: number) => `${n} ${n === 1 ? 'die' : 'dice'}`;

/** "5 dice", or "5 dice + 2 desperation" when desperation dice were rolled with them. */
function poolText(rolled: RolledPool): string {
  const desperation = rolled.roll.num_desperation_dice ?? 0;
  return desperation > 0 ? `${dice(rolled.roll.num_dice)} + ${desperation} desperation` : dice(rolled.roll.num_dice);
}

function formula(rolled: RolledPool): string {
  return rolled.traits.map((t) => t.name).join(' + ');
}

function humanized(rolled: RolledPool): string {
  const text = rolled.roll.result?.total_result_humanized ?? '';
  return text === '' ? 'no result' : text;
}

/**
 * The plain-text line sent with the embed, for members who turned embeds off, e.g.
 * "🎲 @Alice rolled Strength + Brawl for Nadia (5 dice, diff 6): 3 Successes — Success", or for a
 * free pool "🎲 @Alice rolled 7 dice + 2 desperation (diff 6): 3 Successes — Success".
 */
export function renderRollSummary(rolled: RolledPool, roller: string): string {
  const outcome = OUTCOME_STYLE[outcomeOf(rolled.roll)].label;
  const what = rolled.traits.length === 0 ? `${poolText(rolled)} (diff ${rolled.difficulty})` : `${oneLine(formula(rolled))}${forWhom(rolled)} (${poolText(rolled)}, diff ${rolled.difficulty})`;
  return truncate(`🎲 ${roller} rolled ${what}: ${humanized(rolled)} — ${outcome}`, CONTENT_MAX);
}

function forWhom(rolled: RolledPool): string {
  return rolled.character === null ? '' : ` for ${oneLine(characterLabel(rolled.character))}`;
}

function headline(rolled: RolledPool, roller: string): string {
  const who = rolled.character === null ? '' : ` for **${characterLabel(rolled.character)}**`;
  if (rolled.quickroll !== null) return `${roller} rolled **${rolled.quickroll.name}**${who}`;
  if (rolled.traits.length > 0) return `${roller} rolled **${formula(rolled)}**${who}`;
  return `${roller} rolled **${poolText(rolled)}**`;
}

function footer(rolled: RolledPool): string {
  if (rolled.private) return 'Private roll: only you can see it';
  if (rolled.quickroll !== null) return `Quickroll ${rolled.quickroll.name}`;
  return rolled.traits.length > 0 ? 'Trait roll' : 'Dice roll';
}

/**
 * The roll result: colour by outcome, the dice as the API's emoji (desperation dice on their own
 * line), pool, difficulty, campaign, traits and comment.
 */
export function renderRollEmbed(rolled: RolledPool, roller: string): APIEmbed {
  const outcome = outcomeOf(rolled.roll);
  const style = OUTCOME_STYLE[outcome];
  const result = rolled.roll.result;
  const playerDice = result?.player_roll_emoji ?? '';
  const desperation = result?.desperation_roll_emoji ?? '';
  const lines = [headline(rolled, roller), '', playerDice === '' ? '*no dice*' : playerDice, ...(desperation === '' ? [] : [`Desperation: ${desperation}`])];
  const traits = rolled.traits.map((t) => `${t.name} ${t.value}`).join(' + ');
  const fields = [
    { name: 'Pool', value: poolText(rolled), inline: true },
    { name: 'Difficulty', value: String(rolled.difficulty), inline: true },
    ...(rolled.campaignName === undefined ? [] : [{ name: 'Campaign', value: truncate(rolled.campaignName, EMBED_LIMITS.fieldValue), inline: true }]),
    ...(rolled.quickroll === null && traits === '' ? [] : [{ name: 'Traits', value: truncate(traits === '' ? '–' : traits, EMBED_LIMITS.fieldValue), inline: false }]),
    ...(rolled.comment === null ? [] : [{ name: 'Comment', value: truncate(rolled.comment, EMBED_LIMITS.fieldValue), inline: false }]),
  ];
  return {
    color: style.color,
    title: truncate(`${style.label}: ${humanized(rolled)}`, EMBED_LIMITS.title),
    description: truncate(lines.join('\n'), DESCRIPTION_BUDGET),
    fields,
    footer: { text: truncate(footer(rolled), EMBED_LIMITS.footer) },
    ...withTimestamp(rolled.roll.date_created),
  };
}

/** The API sends whole-second UTC times, with or without a zone; Discord wants ISO 8601 with one. */
function withTimestamp(value: string | undefined): { timestamp?: string } {
  if (value === undefined) return {};
  const parsed = new Date(/(?:Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`);
  return Number.isNaN(parsed.getTime()) ? {} : { timestamp: parsed.toISOString() };
}

function rerollButton(customId: string): APIButtonComponent {
  return { type: ComponentType.Button, style: ButtonStyle.Secondary, label: 'Re-roll', emoji: { name: '🎲' }, custom_id: customId };
}

export function renderRerollButton(customId: string): APIActionRowComponent<APIComponentInMessageActionRow> {
  return { type: ComponentType.ActionRow, components: [rerollButton(customId)] };
}

/** Follow-up buttons on a result: Re-roll (the roller, for a short window) and, for a trait roll, Save as quickroll. */
export interface RollButtons {
  reroll?: string;
  saveAsQuickroll?: string;
}

/** The whole roll message; `buttons` (or a Re-roll custom_id) adds the follow-up buttons. */
export function renderRollMessage(rolled: RolledPool, roller: string, buttons: RollButtons | string = {}): RollMessage {
  const ids: RollButtons = typeof buttons === 'string' ? { reroll: buttons } : buttons;
  const row: APIButtonComponent[] = [
    ...(ids.reroll === undefined ? [] : [rerollButton(ids.reroll)]),
    ...(ids.saveAsQuickroll === undefined
      ? []
      : [{ type: ComponentType.Button, style: ButtonStyle.Primary, label: 'Save as quickroll', emoji: { name: '💾' }, custom_id: ids.saveAsQuickroll } satisfies APIButtonComponent]),
  ];
  return {
    content: renderRollSummary(rolled, roller),
    embeds: [renderRollEmbed(rolled, roller)],
    components: row.length === 0 ? [] : [{ type: ComponentType.ActionRow, components: row }],
  };
}
