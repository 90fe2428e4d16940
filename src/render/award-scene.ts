import {
  ButtonStyle,
  ComponentType,
  SelectMenuDefaultValueType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
} from 'discord-api-types/v10';
import { problemText } from '../domain/awards/award-context.js';
import type { SceneDraft } from '../domain/awards/scene.js';
import { amountText, signedAmount } from './award-receipt.js';
import { COLORS, EMBED_LIMITS, truncate } from './theme.js';

export interface SceneIds {
  select: string;
  confirm: string;
  cancel: string;
}

export interface SceneMessage {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
}

const MAX_MEMBERS = 25;

function memberSelect(customId: string, selected: readonly string[]): APIActionRowComponent<APIComponentInMessageActionRow> {
  return {
    type: ComponentType.ActionRow,
    components: [
      {
        type: ComponentType.UserSelect,
        custom_id: customId,
        placeholder: 'Pick the members of the scene',
        min_values: 1,
        max_values: MAX_MEMBERS,
        default_values: selected.slice(0, MAX_MEMBERS).map((id) => ({ id, type: SelectMenuDefaultValueType.User })),
      },
    ],
  };
}

function header(draft: SceneDraft): string {
  const reason = draft.reason === null ? '' : `\nReason: ${truncate(draft.reason, 300)}`;
  return `${amountText(draft.kind, draft.amount)} each in **${truncate(draft.campaignName, 200)}**.${reason}`;
}

/** The storyteller's private picker, when nobody could be preselected from a voice channel. */
export function renderScenePicker(draft: SceneDraft, ids: SceneIds): SceneMessage {
  return {
    embeds: [
      {
        color: COLORS.info,
        title: `Scene award, ${signedAmount(draft.kind, draft.amount)} each`,
        description: `${header(draft)}\n\nPick up to ${MAX_MEMBERS} members below; a preview follows before anything is awarded.`,
      },
    ],
    components: [memberSelect(ids.select, []), cancelRow(ids, undefined)],
  };
}

function cancelRow(ids: SceneIds, confirm: string | undefined, confirmLabel = 'Confirm'): APIActionRowComponent<APIComponentInMessageActionRow> {
  const buttons: APIButtonComponent[] = [];
  if (confirm !== undefined) buttons.push({ type: ComponentType.Button, style: ButtonStyle.Success, custom_id: confirm, label: confirmLabel });
  buttons.push({ type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: ids.cancel, label: 'Cancel' });
  return { type: ComponentType.ActionRow, components: buttons };
}

/** Who will be awarded, the problems found, and Confirm (only when someone can be awarded). */
export function renderScenePreview(draft: SceneDraft, ids: SceneIds): SceneMessage {
  const will = draft.targets.map((t) => `<@${t.discordId}>`).join(' ') || '*nobody*';
  const problems = draft.problems.map((p) => `• <@${p.discordId}> ${problemText(p.problem)}`).join('\n');
  const embed: APIEmbed = {
    color: draft.problems.length > 0 ? COLORS.warning : COLORS.info,
    title: `Preview: ${signedAmount(draft.kind, draft.amount)} each`,
    description: header(draft),
    fields: [
      { name: `Will award (${draft.targets.length})`, value: truncate(will, EMBED_LIMITS.fieldValue), inline: false },
      ...(problems === '' ? [] : [{ name: `Skipped (${draft.problems.length})`, value: truncate(problems, EMBED_LIMITS.fieldValue), inline: false }]),
    ],
    footer: { text: draft.targets.length > 0 ? 'Confirm awards everyone listed under "Will award". Change the selection to redo the preview.' : 'Change the selection: nobody here can be awarded.' },
  };
  const selected = [...draft.targets.map((t) => t.discordId), ...draft.problems.map((p) => p.discordId)];
  const confirm = draft.targets.length > 0 ? ids.confirm : undefined;
  return { embeds: [embed], components: [memberSelect(ids.select, selected), cancelRow(ids, confirm, `Confirm (${draft.targets.length})`)] };
}

/** The private flow's last state; the public receipt carries the details. */
export function renderSceneClosed(title: string, description: string, color: number = COLORS.neutral): SceneMessage {
  return { embeds: [{ color, title: truncate(title, EMBED_LIMITS.title), description: truncate(description, EMBED_LIMITS.description) }], components: [] };
}
