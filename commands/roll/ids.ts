import { z } from 'zod';
import { defineComponentId } from '../../src/discord/custom-id.js';

const snowflake = z.string().regex(/^\d{1,20}$/);

/** The arg of each is the draft holding what was rolled (traits, comment: free text stays out of ids). */
export const rerollId = defineComponentId('roll', 'reroll', 1, z.tuple([snowflake]));
export const saveId = defineComponentId('roll', 'save', 1, z.tuple([snowflake]));
export const saveModalId = defineComponentId('roll', 'save-modal', 1, z.tuple([snowflake]));
