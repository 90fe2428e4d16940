import { z } from 'zod';
import { defineComponentId } from '../../src/discord/custom-id.js';
import { XP_NAMESPACE } from './options.js';

/** Component ids of the XP and cool-point tools; both commands use the `xp` namespace. */

const num = z.string().regex(/^\d{1,15}$/);
const snowflake = z.string().regex(/^\d{15,22}$/);
const id = z.string().regex(/^[\w-]{1,40}$/);

/** Undo on a single award's receipt (awarder or admin: checked when pressed). Arg: journal entry id. */
export const undoId = defineComponentId(XP_NAMESPACE, 'undo', 1, z.tuple([num]));
/** Undo on a scene receipt. Arg: batch id. */
export const undoSceneId = defineComponentId(XP_NAMESPACE, 'undo-scene', 1, z.tuple([id]));
/** The private "remove only the converted XP" confirm for cool points: entry (e) or scene (s), its id, the receipt message. */
export const undoCoolPointsId = defineComponentId(XP_NAMESPACE, 'undo-cp', 1, z.tuple([z.enum(['e', 's']), id, snowflake]));
export const undoKeepId = defineComponentId(XP_NAMESPACE, 'undo-keep', 1, z.tuple([]));

/** Retry on the private answer of a single award refused for now, owner-only. Arg: journal entry id. */
export const retryAwardId = defineComponentId(XP_NAMESPACE, 'retry', 1, z.tuple([num]));

/** Scene flow, all owner-only. Arg: the draft id (= batch id). */
export const scenePickId = defineComponentId(XP_NAMESPACE, 'scene-pick', 1, z.tuple([id]));
export const sceneConfirmId = defineComponentId(XP_NAMESPACE, 'scene-ok', 1, z.tuple([id]));
export const sceneCancelId = defineComponentId(XP_NAMESPACE, 'scene-cancel', 1, z.tuple([id]));
export const sceneRetryId = defineComponentId(XP_NAMESPACE, 'scene-retry', 1, z.tuple([id]));

/** Ledger pages, owner-only: page, member (Discord id or `-` for everyone), campaign (or `-` for all). */
export const ledgerPageId = defineComponentId(XP_NAMESPACE, 'log', 1, z.tuple([num, z.union([snowflake, z.literal('-')]), z.union([id, z.literal('-')])]));

/** The "Award XP" user-menu modal, owner-only. Arg: the target member's Discord id. */
export const awardModalId = defineComponentId(XP_NAMESPACE, 'award-modal', 1, z.tuple([snowflake]));
