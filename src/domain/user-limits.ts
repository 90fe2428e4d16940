/** Lengths Valentina accepts for a user's fields; checked in user-admin and declared by /user's options. */
export const LIMITS = {
  name: { min: 2, max: 50 },
  username: { min: 3, max: 50 },
  email: { max: 254 },
} as const;
