import { formatSelector, parseSelector } from '../label-selector.ts';
import { namespaceOf, objectSetOf } from '../object-set.ts';
import type { Rule } from '../rule.ts';
import { field } from '../workload.ts';
import { selectsNothing } from './dangling.ts';

/**
 * A NetworkPolicy whose podSelector selects no pod template in its namespace in the set. An empty
 * podSelector selects every pod of the namespace (a namespace-wide default) and is fine.
 */
export const danglingNetworkPolicy: Rule = {
  id: 'dangling-network-policy',
  severity: 'warning',
  category: 'reliability',
  title: 'NetworkPolicy selects no pods in the set',
  why: 'A policy that selects no pod protects nothing: the pods it was written for stay open, usually because of a typo in a label.',
  fix: "spec:\n  podSelector:\n    matchLabels:\n      app: web # the labels in the workload's spec.template.metadata.labels",
  docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
  aliases: {
    kubeScore: ['networkpolicy-targets-pod'],
    kubeLinter: ['dangling-networkpolicy'],
  },
  crossObject: true,
  check(object, context) {
    if (object.kind !== 'NetworkPolicy') return [];
    const selector = field(object, 'spec', 'podSelector');
    const parsed = parseSelector(selector);
    if (!parsed.ok || parsed.requirements.length === 0) return [];
    const set = objectSetOf(context.objects);
    if (set.podsSelectedBy(selector, namespaceOf(object)).length > 0) return [];
    const message = `podSelector ${formatSelector(selector)} selects no pod template in the set`;
    return [selectsNothing(set, namespaceOf(object), ['spec', 'podSelector'], message)];
  },
};
