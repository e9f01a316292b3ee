import { formatSelector, parseSelector } from '../label-selector.ts';
import { namespaceOf, objectSetOf } from '../object-set.ts';
import type { Rule } from '../rule.ts';
import { field } from '../workload.ts';
import { selectsNothing } from './dangling.ts';

/**
 * A PodDisruptionBudget that selects no pod template in its namespace in the set. A missing
 * selector selects no pods at all (policy/v1); an invalid one is left to schema validation.
 */
export const danglingPdb: Rule = {
  id: 'dangling-pdb',
  severity: 'warning',
  category: 'reliability',
  title: 'PodDisruptionBudget selects no pods in the set',
  why: 'A budget that selects no pod protects nothing: the workload it was written for can lose every replica in one node drain.',
  fix: "spec:\n  selector:\n    matchLabels:\n      app: web # the labels in the workload's spec.template.metadata.labels",
  docs: 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/',
  aliases: {},
  crossObject: true,
  check(object, context) {
    if (object.kind !== 'PodDisruptionBudget') return [];
    const selector = field(object, 'spec', 'selector');
    if (selector === undefined || selector === null)
      return [{ path: ['spec', 'selector'], message: 'has no selector: it selects no pods' }];
    if (!parseSelector(selector).ok) return [];
    const set = objectSetOf(context.objects);
    if (set.podsSelectedBy(selector, namespaceOf(object)).length > 0) return [];
    const message = `selector ${formatSelector(selector)} selects no pod template in the set`;
    return [selectsNothing(set, namespaceOf(object), ['spec', 'selector'], message)];
  },
};
