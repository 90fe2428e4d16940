import { z } from 'zod';
import { defineComponentId } from '../../src/discord/custom-id.js';

/** Valentina ids are 24-hex ObjectIds in this API version; a later one uses UUIDs. */
const apiId = z.string().regex(/^[0-9A-Za-z-]{1,36}$/);
const snowflake = z.string().regex(/^\d{1,20}$/);
const pageNumber = z.string().regex(/^\d{1,4}$/);

/** Re-roll of a result: the arg is the draft holding what was rolled (the comment is free text). */
export const rerollId = defineComponentId('quickroll', 'reroll', 1, z.tuple([snowflake]));
export const pageId = defineComponentId('quickroll', 'page', 1, z.tuple([pageNumber]));
export const deleteId = defineComponentId('quickroll', 'delete', 1, z.tuple([apiId]));
export const keepId = defineComponentId('quickroll', 'keep', 1, z.tuple([apiId]));
