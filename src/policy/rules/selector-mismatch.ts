import type { KubeObject } from '../input.ts';
import { failingRequirements, formatLabels, formatRequirement, parseSelector } from '../label-selector.ts';
import type { Aliases, Rule, Violation } from '../rule.ts';
import { field, isJson } from '../workload.ts';

/** Kinds whose `spec.selector` is a LabelSelector that must select the pod template. */
const LABEL_SELECTOR_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'];

/**
 * spec.selector does not select the pod template's labels. apps/v1 requires the selector and
 * refuses one that does not match (`selector does not match template labels`); older API
 * versions and a ReplicationController default a missing selector to the template labels, so
 * only a selector that is written is checked there. A Job generates its own selector unless
 * `manualSelector: true`, so only then is its selector checked.
 */
export const selectorMismatch: Rule = {
  id: 'selector-mismatch',
  severity: 'error',
  category: 'reliability',
  title: 'Selector does not match the pod template labels',
  why: 'The API server refuses a workload whose selector does not select its own pod template; where it does not (older API versions, a selector on a Job), the controller never sees the pods it creates and keeps creating more.',
  fix: 'spec:\n  selector:\n    matchLabels: { app: web }\n  template:\n    metadata:\n      labels: { app: web }   # every selector label, with the same value',
  docs: 'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector',
  aliases: {
    kubeScore: [
      'deployment-pod-selector-labels-match-template-metadata-labels',
      'statefulset-pod-selector-labels-match-template-metadata-labels',
    ],
    kubeLinter: ['mismatching-selector'],
  },
  check(object) {
    return selectorProblems(object).map((violation) => ({
      ...violation,
      path: ['spec', 'selector'],
      aliases: SAME_CHECK[object.kind] ?? {},
    }));
  },
};

/** The other tools' check for this kind alone. */
const SAME_CHECK: Readonly<Record<string, Aliases>> = {
  Deployment: {
    kubeScore: ['deployment-pod-selector-labels-match-template-metadata-labels'],
    kubeLinter: ['mismatching-selector'],
  },
  StatefulSet: {
    kubeScore: ['statefulset-pod-selector-labels-match-template-metadata-labels'],
    kubeLinter: ['mismatching-selector'],
  },
  DaemonSet: { kubeLinter: ['mismatching-selector'] },
};

function selectorProblems(object: KubeObject): Violation[] {
  const selector = field(object, 'spec', 'selector');
  const labels = field(object, 'spec', 'template', 'metadata', 'labels');
  if (LABEL_SELECTOR_KINDS.includes(object.kind)) {
    if (selector === undefined || selector === null)
      return isAppsV1(object) ? [{ message: 'spec.selector is missing (apps/v1 requires one)' }] : [];
    return mismatch(selector, labels, isAppsV1(object));
  }
  if (object.kind === 'Job') {
    if (field(object, 'spec', 'manualSelector') !== true) return [];
    if (selector === undefined || selector === null)
      return [{ message: 'manualSelector is true but spec.selector is missing' }];
    return mismatch(selector, labels, true);
  }
  if (object.kind === 'ReplicationController') {
    // A missing or empty map selector is defaulted to the template labels.
    if (!isJson(selector) || Object.keys(selector).length === 0) return [];
    return mismatch(selector, labels, false);
  }
  return [];
}

function mismatch(selector: unknown, labels: unknown, emptyIsInvalid: boolean): Violation[] {
  const parsed = parseSelector(selector);
  if (!parsed.ok) return [{ message: `spec.selector is invalid: ${parsed.problems.join('; ')}` }];
  if (parsed.requirements.length === 0)
    return emptyIsInvalid ? [{ message: 'spec.selector is empty (it would select every pod)' }] : [];
  const failing = failingRequirements(selector, labels);
  if (failing.length === 0) return [];
  return [
    {
      message: `spec.selector ${failing.map(formatRequirement).join(', ')} does not match the pod template labels (${formatLabels(labels)})`,
    },
  ];
}

function isAppsV1(object: KubeObject): boolean {
  return object.apiVersion === 'apps/v1';
}
