/**
 * The contract every lint rule follows. A rule looks at one object (and, for cross-object rules,
 * at the whole set given in one run) and says what is wrong with it; the engine adds where
 * (file, line), which rule and how severe, so a rule cannot get the object's identity wrong.
 */
import type { KubeObject, LocatedObject } from './input.ts';

export type Severity = 'error' | 'warning' | 'info';
export type Category = 'security' | 'reliability' | 'hygiene';

/** Severities from most to least severe; `--fail-on` compares positions in this list. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** What a rule reports about the object it was given: one line, naming the container when there is one. */
export interface Violation {
  message: string;
  container?: string;
}

/** Everything a rule may look at besides its object: the whole set linted in one run. */
export interface RuleContext {
  readonly objects: readonly LocatedObject[];
}

/** The ids other tools use for the same check, so users migrating can map their config. */
export interface Aliases {
  kubeScore?: readonly string[];
  kubeLinter?: readonly string[];
  polaris?: readonly string[];
  /** Checkov policy ids, `CKV_K8S_n`. */
  checkov?: readonly string[];
}

export interface Rule {
  /** Canonical id, kebab-case: what `gantry.dev/ignore` and the output name. */
  id: string;
  severity: Severity;
  category: Category;
  /** A short noun phrase: "Privileged container". */
  title: string;
  /** Why it matters, in a sentence or two. */
  why: string;
  /** How to fix: a YAML snippet to put in the manifest. */
  fix: string;
  /** The Kubernetes documentation page that explains the field. */
  docs: string;
  aliases: Aliases;
  check(object: KubeObject, context: RuleContext): Violation[];
}

/** One finding as the reports print it: the rule's violation, located and attributed. */
export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  /** Absent for findings about the file itself (`yaml-syntax`). */
  kind?: string;
  name?: string;
  namespace?: string;
  container?: string;
  message: string;
}

export const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
