import { ROLL_TRAITS_MAX } from '../../src/domain/roll-limits.js';

/** The names of the trait options: `trait`, `trait2` … */
export const TRAIT_OPTIONS = Array.from({ length: ROLL_TRAITS_MAX }, (_, i) => (i === 0 ? 'trait' : `trait${i + 1}`));
