/**
 * Which rules an object's annotations silence. Ours first, then the other linters' own
 * annotations mapped through each rule's aliases, so a repository annotated for kube-score,
 * kube-linter, Polaris or Checkov lints the same under gantry without edits. The formats
 * follow each tool's source:
 *
 *   gantry.dev/ignore: "runs-as-root, missing-pdb (batch job)"   ids, each with an optional reason
 *   kube-score/ignore: "container-security-context-user-group-id,pod-probes"   (`*`: every check;
 *                      kube-score/skip: "true" skips the object)
 *   ignore-check.kube-linter.io/run-as-non-root: "reason"      (kube-linter.io/ignore-all: every check)
 *   polaris.fairwinds.com/runAsRootAllowed-exempt: "true"      (polaris.fairwinds.com/exempt: every check)
 *   checkov.io/skip1: CKV_K8S_23=reason                        (any key containing checkov.io/skip)
 *
 * Annotations are read from the object's metadata; ours and kube-score's also from a
 * workload's pod template metadata, as kube-score does. When several of a tool's ids map to
 * one of our rules, ignoring any of them silences the rule: existing single annotations keep
 * working as their authors expect.
 */
import type { Rule } from './rule.ts';
import { field, isJson } from './workload.ts';

export const IGNORE_ANNOTATION = 'gantry.dev/ignore';
const KUBE_SCORE = 'kube-score/ignore';
const KUBE_SCORE_SKIP = 'kube-score/skip';
const KUBE_LINTER_PREFIX = 'ignore-check.kube-linter.io/';
const KUBE_LINTER_ALL = 'kube-linter.io/ignore-all';
const POLARIS_PREFIX = 'polaris.fairwinds.com/';
const POLARIS_ALL = 'polaris.fairwinds.com/exempt';
const CHECKOV_SKIP = /(checkov|bridgecrew)\.io\/skip/;

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
  const read = (annotations: unknown, template: boolean) => {
    if (!isJson(annotations)) return;
    for (const [key, value] of Object.entries(annotations)) {
      if (typeof value !== 'string') continue;
      if (template && key !== IGNORE_ANNOTATION && key !== KUBE_SCORE) continue;
      for (const id of silencedBy(key, value, rules)) ignored.add(id);
    }
  };
  read(field(object, 'metadata', 'annotations'), false);
  read(podTemplateAnnotations(object), true);
  return ignored;
}

function silencedBy(key: string, value: string, rules: readonly Rule[]): readonly string[] {
  if (key === IGNORE_ANNOTATION) return listedIds(value);
  // The alias index is built only once an object carries another tool's annotation.
  const isTrue = value.trim().toLowerCase() === 'true';
  if (key === KUBE_SCORE) {
    if (value.split(',').some((entry) => entry.trim() === '*')) return aliasIndex(rules).all;
    const index = aliasIndex(rules).kubeScore;
    return listedIds(value).flatMap((id) => index.get(id) ?? []);
  }
  if (key === KUBE_SCORE_SKIP) return isTrue ? aliasIndex(rules).all : [];
  if (key === KUBE_LINTER_ALL) return aliasIndex(rules).all;
  if (key.startsWith(KUBE_LINTER_PREFIX))
    return aliasIndex(rules).kubeLinter.get(key.slice(KUBE_LINTER_PREFIX.length)) ?? [];
  if (key === POLARIS_ALL) return isTrue ? aliasIndex(rules).all : [];
  if (key.startsWith(POLARIS_PREFIX) && key.endsWith('-exempt'))
    return isTrue
      ? (aliasIndex(rules).polaris.get(key.slice(POLARIS_PREFIX.length, -'-exempt'.length)) ?? [])
      : [];
  if (CHECKOV_SKIP.test(key)) {
    const id = value.split('=')[0]!.trim();
    return aliasIndex(rules).checkov.get(id) ?? [];
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
