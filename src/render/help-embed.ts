import type { APIEmbed, APIEmbedField } from 'discord-api-types/v10';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

/** One thing a member can run: a command mention (or a menu path) and what it does. */
export interface HelpLine {
  use: string;
  description: string;
}

/** One command of the overview, with the entries the reader may use. */
export interface HelpSection {
  name: string;
  lines: HelpLine[];
}

/** Keeps the overview under Discord's 6000-character embed total. */
const SECTION_BUDGET = 700;

function lineText(line: HelpLine): string {
  return `${line.use} — ${line.description}`;
}

/** Discord counts every embed of a message against 6000 characters; this leaves room to spare. */
const TOTAL_BUDGET = 5_600;

function embedSize(embed: APIEmbed): number {
  return (embed.title ?? '').length + (embed.description ?? '').length + (embed.footer?.text.length ?? 0) + (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
}

/**
 * The private overview of `/help`: the reader's situation, then their commands grouped by command.
 * Should the registry outgrow one embed, the lines drop their descriptions (`/help command` has them).
 */
export function renderHelpOverview(view: { intro: string; sections: HelpSection[]; footer: string }): APIEmbed {
  const build = (compact: boolean): APIEmbed => ({
    color: COLORS.info,
    title: 'What you can do here',
    description: truncate(view.intro, EMBED_LIMITS.description),
    fields: view.sections
      .filter((s) => s.lines.length > 0)
      .slice(0, EMBED_LIMITS.fields)
      .map((s) => ({
        name: truncate(s.name, EMBED_LIMITS.fieldName),
        value: truncate(compact ? s.lines.map((l) => l.use).join(' · ') : s.lines.map(lineText).join('\n'), SECTION_BUDGET),
        inline: false,
      })),
    footer: { text: truncate(view.footer, EMBED_LIMITS.footer) },
  });
  const full = build(false);
  if (embedSize(full) <= TOTAL_BUDGET) return full;
  const compact = build(true);
  // Still too large: keep the first sections that fit.
  while (embedSize(compact) > TOTAL_BUDGET && (compact.fields?.length ?? 0) > 0) compact.fields?.pop();
  return compact;
}

/** One entry of a command explained: how to run it, what it does, and its options. */
export interface HelpEntry {
  title: string;
  use: string;
  description: string;
  options: { name: string; description: string; required: boolean }[];
}

/** `/help command`: what a command does, each entry with its options, who it is for, and an example. */
export function renderCommandHelp(view: { name: string; description: string; audience: string; allowed: boolean; entries: HelpEntry[]; example: string | null; menus: string[] }): APIEmbed {
  const fields: APIEmbedField[] = view.entries.slice(0, EMBED_LIMITS.fields - 2).map((e) => {
    const options = e.options.map((o) => `\`${o.name}\`${o.required ? '' : ' (optional)'}: ${o.description}`);
    return { name: truncate(e.title, EMBED_LIMITS.fieldName), value: truncate([`${e.use} — ${e.description}`, ...options].join('\n'), EMBED_LIMITS.fieldValue), inline: false };
  });
  if (view.menus.length > 0) fields.push({ name: 'Menus', value: truncate(view.menus.join('\n'), EMBED_LIMITS.fieldValue), inline: false });
  if (view.example !== null) fields.push({ name: 'Example', value: truncate(`\`${view.example}\``, EMBED_LIMITS.fieldValue), inline: false });
  const who = view.allowed ? `For ${view.audience}.` : `For ${view.audience}; you cannot use it with your role.`;
  return {
    color: view.allowed ? COLORS.info : COLORS.neutral,
    title: truncate(`/${view.name}`, EMBED_LIMITS.title),
    description: truncate(`${view.description}\n${who}`, EMBED_LIMITS.description),
    fields,
  };
}
