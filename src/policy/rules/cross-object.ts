/** Rules that compare objects across the whole set linted in one run (PDBs, HPAs, Services, selectors). Registered in index.ts. */
import type { Rule } from '../rule.ts';

export const CROSS_OBJECT_RULES: readonly Rule[] = [];
