/** The contract every fixer follows: one rule, one finding at a time, on that finding's object. */
import type { Finding } from '../rule.ts';
import type { Target } from './tree.ts';

/** What a fixer did for a finding (`change`) or why it left it (`skip`). */
export type Outcome = { container?: string } & ({ change: string } | { skip: string });

export interface Fixer {
  /** The id of the rule whose findings this fixer fixes. */
  rule: string;
  /**
   * Fixes one finding on its object, or says why not. Idempotent: when an earlier finding's fix
   * already covers this one (a pod-level setting), it returns nothing.
   */
  fix(target: Target, finding: Finding): Outcome[];
}
