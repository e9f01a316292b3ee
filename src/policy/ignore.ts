/**
 * Which rules an object's annotations silence. Ours first, then the other linters' own
 * annotations mapped through each rule's aliases, so a repository annotated for kube-score,
 * kube-linter, Polaris or Checkov lints the same under gantry without edits:
 *
 *   gantry.dev/ignore: "runs-as-root, missing-pdb (batch job, no disruption budget needed)"
 *   kube-score/ignore: "container-security-context-user-group-id,pod-probes"
 *   ignore-check.kube-linter.io/run-as-non-root: "reason"
 *   polaris.fairwinds.com/runAsRootAllowed-exempt: "true"   (polaris.fairwinds.com/exempt: every rule)
 *   checkov.io/skip1: CKV_K8S_23=reason                      (skip1, skip2, …)
 *
 * Annotations are read from the object's metadata and, for workloads, from the pod
 * template's metadata (where some teams keep them).
 */
import type { Rule } from './rule.ts';
import { field, isJson } from './workload.ts';

export const IGNORE_ANNOTATION = 'gantry.dev/ignore';
const KUBE_SCORE = 'kube-score/ignore';
const KUBE_LINTER_PREFIX = 'ignore-check.kube-linter.io/';
const POLARIS_PREFIX = 'polaris.fairwinds.com/';
const POLARIS_ALL = 'polaris.fairwinds.com/exempt';
const CHECKOV_SKIP = /^checkov\.io\/skip\d+$/;

/** Each tool's id → our rule ids, built once per rule list. */
interface AliasIndex {
  kubeScore: Map<string, string[]>;
  kubeLinter: Map<string, string[]>;
  polaris: Map<string, string[]>;
  checkov: Map<string, string[]>;
  all: string[];
}

const indexes = new WeakMap<readonly Rule[], AliasIndex>();

function aliasIndex(rules: readonly Rule[]): AliasIndex {
  let index = indexes.get(rules);
  if (index) return index;
  index = { kubeScore: new Map(), kubeLinter: new Map(), polaris: new Map(), checkov: new Map(), all: [] };
  for (const rule of rules) {
    index.all.push(rule.id);
    for (const tool of ['kubeScore', 'kubeLinter', 'polaris', 'checkov'] as const)
      for (const alias of rule.aliases[tool] ?? [])
        index[tool].set(alias, [...(index[tool].get(alias) ?? []), rule.id]);
  }
  indexes.set(rules, index);
  return index;
}

/** Rule ids silenced for this object (ids of rules not in `rules` may be in it too: harmless). */
export function ignoredRules(object: unknown, rules: readonly Rule[] = []): Set<string> {
  const ignored = new Set<string>();
  const annotations = [field(object, 'metadata', 'annotations'), podTemplateAnnotations(object)];
  for (const found of annotations) {
    if (!isJson(found)) continue;
    for (const [key, value] of Object.entries(found)) {
      if (typeof value !== 'string') continue;
      for (const id of silencedBy(key, value, rules)) ignored.add(id);
    }
  }
  return ignored;
}

function silencedBy(key: string, value: string, rules: readonly Rule[]): string[] {
  if (key === IGNORE_ANNOTATION) return listedIds(value);
  // Only build the alias index when an object carries another tool's annotation.
  if (key === KUBE_SCORE) {
    const index = aliasIndex(rules).kubeScore;
    return listedIds(value).flatMap((id) => index.get(id) ?? []);
  }
  if (key.startsWith(KUBE_LINTER_PREFIX))
    return aliasIndex(rules).kubeLinter.get(key.slice(KUBE_LINTER_PREFIX.length)) ?? [];
  if (key === POLARIS_ALL) return value.trim().toLowerCase() === 'true' ? aliasIndex(rules).all : [];
  if (key.startsWith(POLARIS_PREFIX) && key.endsWith('-exempt') && value.trim().toLowerCase() === 'true')
    return aliasIndex(rules).polaris.get(key.slice(POLARIS_PREFIX.length, -'-exempt'.length)) ?? [];
  if (CHECKOV_SKIP.test(key)) {
    const id = /^\s*(CKV_K8S_\d+)/.exec(value)?.[1];
    return id ? (aliasIndex(rules).checkov.get(id) ?? []) : [];
  }
  return [];
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
