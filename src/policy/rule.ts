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

/** A field's place in an object: keys and list indexes, `['spec', 'template', 'spec', 'containers', 0]`. */
export type FieldPath = readonly (string | number)[];

/** What a rule reports about the object it was given: one line, naming the container when there is one. */
export interface Violation {
  message: string;
  container?: string;
  /**
   * The offending field, or where a missing one belongs: the engine reports the line and column
   * of the deepest part of it the text has. The object itself when absent.
   */
  path?: FieldPath;
  /**
   * The other tools' checks this very finding is, when the rule covers more than each of them
   * (host-namespaces: hostPID is Polaris' hostPIDSet, not hostNetworkSet), so another tool's
   * ignore annotation silences exactly what that tool would not report. The rule's when absent.
   */
  aliases?: Aliases;
  /** Less severe than the rule for this finding (never more): a selector that a custom resource's pods may match. */
  severity?: Severity;
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
  /** The same check elsewhere: ignoring one of these (our `gantry.dev/ignore` aside) silences the rule's findings. */
  aliases: Aliases;
  /**
   * Narrower checks elsewhere that overlap this rule (kube-linter's drop-net-raw-capability for
   * capabilities-not-dropped): named in the docs and accepted as config keys, but their ignore
   * annotations do not silence the broader finding.
   */
  related?: Aliases;
  /** Off unless the config gives it a severity, like kube-score's optional checks. */
  optional?: boolean;
  /**
   * Reads other objects (`context.objects`): it runs once every object has been read, over the
   * cross-object view of each (object-set.ts `crossObjectView`), not while the documents stream by.
   */
  crossObject?: boolean;
  check(object: KubeObject, context: RuleContext): Violation[];
}

/** One finding as the reports print it: the rule's violation, located and attributed. */
export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  /** 1-based line and column (UTF-16 code units) of the offending field, or of the object. */
  line: number;
  column: number;
  /** The line where the object starts (what `--fix` looks for); absent for findings about the file. */
  objectLine?: number;
  /** The offending field's path, `spec.template.spec.containers[0].securityContext.privileged`. */
  field?: string;
  /** Absent for findings about the file itself (`yaml-syntax`). */
  kind?: string;
  name?: string;
  namespace?: string;
  container?: string;
  message: string;
}

export const KEBAB_CASE = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
