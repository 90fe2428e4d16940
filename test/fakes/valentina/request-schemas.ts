import { z } from 'zod';
import { DICE_SIZES, USER_ROLES } from './models.js';

/**
 * Request DTOs as the framework checks them before a handler runs: types, required members,
 * enums, ObjectId and email syntax. Length limits live on the stored models and are checked in
 * handlers (a different 400 shape, CONTRACT §1.7). Unknown members are ignored (stripped).
 */

export const objectId = z
  .string()
  .regex(/^[0-9a-fA-F]{24}$/, 'Invalid ObjectId')
  .transform((s) => s.toLowerCase());

const nullableString = z.string().nullable();
const nullableBool = z.boolean().nullable();

export const discordProfileInput = z.object({
  id: nullableString.optional(),
  username: nullableString.optional(),
  global_name: nullableString.optional(),
  avatar_id: nullableString.optional(),
  avatar_url: nullableString.optional(),
  discriminator: nullableString.optional(),
  email: nullableString.optional(),
  verified: nullableBool.optional(),
});

export const googleProfileInput = z.object({
  id: nullableString.optional(),
  email: nullableString.optional(),
  verified_email: nullableBool.optional(),
  username: nullableString.optional(),
  name_first: nullableString.optional(),
  name_last: nullableString.optional(),
  avatar_url: nullableString.optional(),
  locale: nullableString.optional(),
});

export const githubProfileInput = z.object({
  id: nullableString.optional(),
  login: nullableString.optional(),
  username: nullableString.optional(),
  avatar_url: nullableString.optional(),
  email: nullableString.optional(),
  profile_url: nullableString.optional(),
});

const role = z.enum(USER_ROLES as [string, ...string[]]).transform((r) => r as (typeof USER_ROLES)[number]);
const email = z.string().trim().pipe(z.email('value is not a valid email address'));

const userFields = {
  name_first: z.string().trim().nullable().optional(),
  name_last: z.string().trim().nullable().optional(),
  username: z.string().trim(),
  email,
  discord_profile: discordProfileInput.optional(),
  google_profile: googleProfileInput.optional(),
  github_profile: githubProfileInput.optional(),
};

export const userCreate = z.object({ ...userFields, role, requesting_user_id: objectId });
export const userRegister = z.object(userFields);

export const userUpdate = z.object({
  name_first: z.string().trim().nullable().optional(),
  name_last: z.string().trim().nullable().optional(),
  username: z.string().trim().nullable().optional(),
  email: email.nullable().optional(),
  role: role.nullable().optional(),
  discord_profile: discordProfileInput.optional(),
  google_profile: googleProfileInput.optional(),
  github_profile: githubProfileInput.optional(),
  requesting_user_id: objectId,
});

export const userApprove = z.object({ role, requesting_user_id: objectId });
export const userDeny = z.object({ requesting_user_id: objectId });
export const userMerge = z.object({ primary_user_id: objectId, secondary_user_id: objectId, requesting_user_id: objectId });

export const experienceAddRemove = z.object({ amount: z.number().int(), campaign_id: objectId, requesting_user_id: objectId });

export const noteCreate = z.object({ title: z.string().trim(), content: z.string().trim() });

export const quickrollCreate = z.object({
  name: z.string().trim(),
  description: z.string().trim().nullable().optional(),
  trait_ids: z.array(objectId).optional(),
});

export const quickrollUpdate = z.object({
  name: z.string().trim().optional(),
  description: z.string().trim().nullable().optional(),
  trait_ids: z.array(objectId).optional(),
});

const diceSize = z.number().int().refine((n) => (DICE_SIZES as readonly number[]).includes(n), {
  message: `Input should be ${DICE_SIZES.join(', ')}`,
});

export const diceRollCreate = z.object({
  dice_size: diceSize,
  num_dice: z.number().int(),
  difficulty: z.number().int().nullable().optional(),
  num_desperation_dice: z.number().int().optional(),
  comment: z.string().trim().nullable().optional(),
  trait_ids: z.array(objectId).optional(),
  character_id: objectId.nullable().optional(),
  campaign_id: objectId.nullable().optional(),
});

export const quickrollRoll = z.object({
  quickroll_id: objectId,
  character_id: objectId,
  comment: z.string().trim().nullable().optional(),
  difficulty: z.number().int().optional(),
  num_desperation_dice: z.number().int().optional(),
});
