import { formatSelector, parseSelector } from '../label-selector.ts';
import { namespaceOf, objectSetOf } from '../object-set.ts';
import type { Rule } from '../rule.ts';
import { field, isJson } from '../workload.ts';
import { selectsNothing } from './dangling.ts';

/**
 * A Service whose selector selects no pod template (workload or bare Pod) in its namespace in the
 * set. A Service without a selector (ExternalName, or Endpoints managed by hand) is skipped.
 */
export const danglingService: Rule = {
  id: 'dangling-service',
  severity: 'warning',
  category: 'reliability',
  title: 'Service selects no pods in the set',
  why: 'A Service whose selector matches no pod has no endpoints: every connection to it is refused, usually because of a typo in a label.',
  fix: "spec:\n  selector:\n    app: web # the labels in the workload's spec.template.metadata.labels",
  docs: 'https://kubernetes.io/docs/concepts/services-networking/service/',
  aliases: {
    kubeScore: ['service-targets-pod'],
    kubeLinter: ['dangling-service'],
  },
  crossObject: true,
  check(object, context) {
    if (object.kind !== 'Service' || field(object, 'spec', 'type') === 'ExternalName') return [];
    const selector = field(object, 'spec', 'selector');
    if (!isJson(selector) || Object.keys(selector).length === 0 || !parseSelector(selector).ok) return [];
    const set = objectSetOf(context.objects);
    if (set.podsSelectedBy(selector, namespaceOf(object)).length > 0) return [];
    const message = `selector ${formatSelector(selector)} selects no pod template in the set`;
    return [selectsNothing(set, namespaceOf(object), ['spec', 'selector'], message)];
  },
};
