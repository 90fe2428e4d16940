/** What a roll accepts: the use cases check these, and the slash options declare them. */
export const DIFFICULTY_MIN = 2;
export const DIFFICULTY_MAX = 10;
export const DIFFICULTY_DEFAULT = 6;
export const COMMENT_MAX = 200;
export const POOL_MIN = 1;
export const POOL_MAX = 50;
export const DESPERATION_MIN = 0;
export const DESPERATION_MAX = 10;
/** `/roll traits` takes this many trait options. */
export const ROLL_TRAITS_MAX = 5;
