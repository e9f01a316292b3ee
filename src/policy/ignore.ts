/**
 * What an object's annotations silence. Ours name our rule ids; the other linters' own
 * annotations name their checks, and silence exactly the findings those checks are (each
 * finding's aliases, see rule.ts), so a repository annotated for kube-score, kube-linter, Polaris
 * or Checkov lints the same under gantry without edits — and no quieter. The formats follow each
 * tool's source:
 *
 *   gantry.dev/ignore: "runs-as-root, missing-pdb (batch job)"   ids, each with an optional reason
 *   kube-score/ignore: "container-security-context-user-group-id,pod-probes"   (`*`: every check;
 *                      kube-score/skip: "true" skips the object)
 *   ignore-check.kube-linter.io/run-as-non-root: "reason"      (kube-linter.io/ignore-all: every check)
 *   polaris.fairwinds.com/runAsRootAllowed-exempt: "true"      (polaris.fairwinds.com/exempt: every check)
 *   checkov.io/skip1: CKV_K8S_23=reason                        (any key containing checkov.io/skip)
 *
 * Exactly: Polaris' hostNetworkSet exemption silences the hostNetwork finding, not hostPID's;
 * Checkov's CKV_K8S_10 (CPU requests) silences "no cpu request", not "no memory limit"; a check
 * narrower than our rule (kube-linter's drop-net-raw-capability against "drop ALL") silences
 * nothing (rule.ts `related`).
 *
 * Annotations are read from the object's metadata; ours and kube-score's also from a
 * workload's pod template metadata, as kube-score does.
 */
import type { Aliases, Rule, Violation } from './rule.ts';
import { field, isJson } from './workload.ts';

export const IGNORE_ANNOTATION = 'gantry.dev/ignore';
const KUBE_SCORE = 'kube-score/ignore';
const KUBE_SCORE_SKIP = 'kube-score/skip';
const KUBE_LINTER_PREFIX = 'ignore-check.kube-linter.io/';
const KUBE_LINTER_ALL = 'kube-linter.io/ignore-all';
const POLARIS_PREFIX = 'polaris.fairwinds.com/';
const POLARIS_ALL = 'polaris.fairwinds.com/exempt';
const CHECKOV_SKIP = /(checkov|bridgecrew)\.io\/skip/;

type Tool = keyof Aliases;
const TOOLS: readonly Tool[] = ['kubeScore', 'kubeLinter', 'polaris', 'checkov'];

/** What one object's annotations silence. */
export interface Ignores {
  /** Every finding (kube-score/skip, `*`, kube-linter.io/ignore-all, polaris exempt). */
  all: boolean;
  /** Our rule ids, from gantry.dev/ignore. */
  rules: ReadonlySet<string>;
  /** The other tools' check ids named, per tool. */
  checks: Readonly<Record<Tool, ReadonlySet<string>>>;
}

/** True for the annotation keys `readIgnores` reads: the cross-object view of an object keeps only these. */
export function isIgnoreAnnotation(key: string): boolean {
  return (
    key === IGNORE_ANNOTATION ||
    key.startsWith('kube-score/') ||
    key.includes('kube-linter.io/') ||
    key.startsWith(POLARIS_PREFIX) ||
    CHECKOV_SKIP.test(key)
  );
}

/** The object's ignores, or undefined when it has none (the usual case, checked once per object). */
export function readIgnores(object: unknown): Ignores | undefined {
  const found = readAnnotations(field(object, 'metadata', 'annotations'), false, undefined);
  return readAnnotations(podTemplateAnnotations(object), true, found);
}

type Found = { all: boolean; rules: Set<string>; checks: Record<Tool, Set<string>> };

/**
 * What one set of annotations adds to `found` (a pod template's: only gantry.dev/ignore and
 * kube-score/ignore). Plain functions, no closures: this runs for every object linted.
 */
function readAnnotations(
  annotations: unknown,
  template: boolean,
  found: Found | undefined,
): Found | undefined {
  if (!isJson(annotations)) return found;
  let result = found;
  for (const key of Object.keys(annotations)) {
    const value = annotations[key];
    if (typeof value !== 'string' || !isIgnoreAnnotation(key)) continue;
    if (template && key !== IGNORE_ANNOTATION && key !== KUBE_SCORE) continue;
    const isTrue = value.trim().toLowerCase() === 'true';
    if (key === IGNORE_ANNOTATION) result = add(result, 'rules', listedIds(value));
    else if (key === KUBE_SCORE)
      result = value.split(',').some((entry) => entry.trim() === '*')
        ? add(result, 'all')
        : add(result, 'kubeScore', listedIds(value));
    else if (key === KUBE_SCORE_SKIP) result = isTrue ? add(result, 'all') : result;
    else if (key === KUBE_LINTER_ALL) result = add(result, 'all');
    else if (key.startsWith(KUBE_LINTER_PREFIX))
      result = add(result, 'kubeLinter', [key.slice(KUBE_LINTER_PREFIX.length)]);
    else if (key === POLARIS_ALL) result = isTrue ? add(result, 'all') : result;
    else if (key.startsWith(POLARIS_PREFIX) && key.endsWith('-exempt'))
      result = isTrue
        ? add(result, 'polaris', [key.slice(POLARIS_PREFIX.length, -'-exempt'.length)])
        : result;
    else if (CHECKOV_SKIP.test(key)) result = add(result, 'checkov', [value.split('=')[0]!.trim()]);
  }
  return result;
}

function add(found: Found | undefined, tool: Tool | 'rules' | 'all', ids: readonly string[] = []): Found {
  const result = found ?? {
    all: false,
    rules: new Set<string>(),
    checks: { kubeScore: new Set(), kubeLinter: new Set(), polaris: new Set(), checkov: new Set() },
  };
  if (tool === 'all') result.all = true;
  else for (const id of ids) (tool === 'rules' ? result.rules : result.checks[tool]).add(id);
  return result;
}

/** True when the ignores silence this finding of this rule. */
export function silences(ignores: Ignores, rule: Rule, violation: Pick<Violation, 'aliases'>): boolean {
  if (ignores.all || ignores.rules.has(rule.id)) return true;
  const aliases = violation.aliases ?? rule.aliases;
  return TOOLS.some((tool) => aliases[tool]?.some((id) => ignores.checks[tool].has(id)));
}

/** `a-b, c (reason), d` → the ids; anything after an id (a reason) is skipped. */
function listedIds(value: string): string[] {
  return value
    .split(',')
    .map((entry) => /^\s*([A-Za-z0-9_-]+)/.exec(entry)?.[1])
    .filter((id): id is string => id !== undefined);
}

function podTemplateAnnotations(object: unknown): unknown {
  return (
    field(object, 'spec', 'template', 'metadata', 'annotations') ??
    field(object, 'spec', 'jobTemplate', 'spec', 'template', 'metadata', 'annotations')
  );
}
