import { ApplicationCommandType, type Interaction, type RESTPostAPIApplicationCommandsJSONBody } from 'discord.js';
import type { CommandModule, CommandRoutes, HelpAudience } from '../../src/discord/command.js';
import { commandMention } from '../../src/discord/command-mentions.js';
import { requireGuildId } from '../../src/discord/guards.js';
import type { Deps } from '../../src/deps.js';
import { closestNames } from '../../src/domain/characters.js';
import { matchChoices } from '../../src/domain/directory.js';
import { NoCompanyError, NotFoundInputError } from '../../src/domain/errors.js';
import { AUDIENCE_TEXT, mayUse, readerLine, type HelpReader } from '../../src/domain/help.js';
import { xpRuleFor } from '../../src/domain/awards/award-context.js';
import { mayAwardSomeone } from '../../src/domain/xp-policy.js';
import { renderCommandHelp, renderHelpOverview, type HelpEntry, type HelpSection } from '../../src/render/help-embed.js';
import { registryEntries, type Entry } from './index.js';

/** The asking member's linked role; null when unlinked or when the server has no company yet. */
async function readerOf(deps: Deps, interaction: Interaction): Promise<HelpReader> {
  const guildId = requireGuildId(interaction);
  try {
    const guild = await deps.guilds.require(guildId);
    const link = await deps.identity.resolve(guild.companyId, interaction.user.id);
    if (link === null || link.role === 'UNAPPROVED') return { role: link?.role ?? null };
    // Awards follow the server's XP policy, which may let players award too.
    const rule = await xpRuleFor(deps, { companyId: guild.companyId, settings: guild.settings });
    return { role: link.role, mayAward: mayAwardSomeone(rule, { userId: link.userId, role: link.role }) };
  } catch (err) {
    if (err instanceof NoCompanyError) return { role: null };
    throw err;
  }
}

function use(entry: Entry, ids: ReadonlyMap<string, string>): string {
  return entry.kind === 'slash' ? commandMention(entry.key, ids) : `**${entry.key}**`;
}

function chatDescription(module: CommandModule, command: string): string {
  const def = (module.definitions as readonly RESTPostAPIApplicationCommandsJSONBody[]).find((d) => d.name === command && (d.type ?? ApplicationCommandType.ChatInput) === ApplicationCommandType.ChatInput);
  return def !== undefined && 'description' in def ? (def.description ?? '') : '';
}

/** Broadest first: "every approved member (entries marked "only" for fewer)". */
const BREADTH: readonly HelpAudience[] = ['everyone', 'newcomer', 'member', 'awarder', 'storyteller', 'admin'];
function audienceText(audiences: readonly HelpAudience[]): string {
  const sorted = [...audiences].sort((a, b) => BREADTH.indexOf(a) - BREADTH.indexOf(b));
  const [broadest] = sorted;
  if (broadest === undefined) return AUDIENCE_TEXT.member;
  return sorted.length === 1 ? AUDIENCE_TEXT[broadest] : `${AUDIENCE_TEXT[broadest]} (entries marked "only" are for fewer)`;
}

/** The handlers of `/help`, over the registry it is given (the one the router and deploy script use). */
export function helpRoutes(registry: () => readonly CommandModule[]): CommandRoutes {
  const chatCommands = () => [...new Set(registryEntries(registry()).filter((e) => e.kind === 'slash').map((e) => e.command))];

  return {
    slash: {
      help: {
        ack: 'ephemeral',
        async run(interaction, { deps, respond }) {
          const [reader, ids] = await Promise.all([readerOf(deps, interaction), deps.commandMentions.ids(interaction.client, interaction.guildId)]);
          const entries = registryEntries(registry());
          const asked = interaction.options.getString('command')?.trim().replace(/^\//, '').toLowerCase() ?? '';
          if (asked === '') {
            const sections = new Map<string, HelpSection>();
            for (const entry of entries.filter((e) => mayUse(e.audience, reader))) {
              const section = sections.get(entry.module.namespace) ?? { name: `/${entry.module.namespace}`, lines: [] };
              section.lines.push({ use: use(entry, ids), description: entry.description });
              sections.set(entry.module.namespace, section);
            }
            // A command with several entries is named with what it is about; a lone entry already says it.
            for (const section of sections.values()) {
              const module = entries.find((e) => `/${e.module.namespace}` === section.name)?.module;
              if (section.lines.length > 1 && module !== undefined) section.name = `/${module.namespace} · ${chatDescription(module, module.namespace)}`;
            }
            await respond.send({
              embeds: [renderHelpOverview({ intro: readerLine(reader), sections: [...sections.values()], footer: 'Click a command to fill it in. /help command:<name> explains one with an example.' })],
            });
            return;
          }
          const name = asked.split(/\s+/)[0] ?? '';
          const module = entries.find((e) => e.command === name || (e.kind !== 'slash' && e.key.toLowerCase() === asked))?.module;
          const own = entries.filter((e) => e.module === module);
          if (module === undefined) {
            const close = closestNames(name, chatCommands());
            const hint = close.length > 0 ? ` Did you mean ${close.map((c) => `\`/${c}\``).join(' or ')}?` : '';
            throw new NotFoundInputError(`There is no command \`/${name}\`.${hint} Run \`/help\` to see yours.`);
          }
          const slash = own.filter((e) => e.kind === 'slash');
          const title = slash[0]?.command ?? own[0]?.key ?? name;
          const allowed = own.filter((e) => mayUse(e.audience, reader));
          const audiences = [...new Set(own.map((e) => e.audience))];
          const helpEntries: HelpEntry[] = slash.map((e) => ({
            title: `/${e.key}${mayUse(e.audience, reader) ? '' : ` (${AUDIENCE_TEXT[e.audience]} only)`}`,
            use: use(e, ids),
            description: e.description,
            options: e.options,
          }));
          await respond.send({
            embeds: [
              renderCommandHelp({
                name: title,
                description: chatDescription(module, title) || own[0]?.description || '',
                audience: audienceText(audiences),
                allowed: allowed.length > 0,
                entries: helpEntries,
                example: module.help?.example ?? null,
                menus: own.filter((e) => e.kind !== 'slash').map((e) => `**${e.key}** — ${e.description}`),
              }),
            ],
          });
        },
      },
    },
    autocomplete: {
      'help#command': {
        async run(interaction) {
          return matchChoices(chatCommands(), interaction.options.getFocused(), (c) => c).map((c) => ({ name: `/${c}`, value: c }));
        },
      },
    },
  };
}
