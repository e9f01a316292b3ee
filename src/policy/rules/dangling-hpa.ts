import { namespaceOf, objectSetOf, scaleTargetOf } from '../object-set.ts';
import type { Rule } from '../rule.ts';

/** An HPA whose scaleTargetRef names no object of that kind and name in its namespace in the set. */
export const danglingHpa: Rule = {
  id: 'dangling-hpa',
  severity: 'warning',
  category: 'reliability',
  title: 'HPA targets nothing in the set',
  why: 'An autoscaler whose target does not exist scales nothing: the workload it was meant for keeps a fixed replica count under any load.',
  fix: 'spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web # the metadata.name of the workload, in the same namespace',
  docs: 'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/',
  aliases: {
    kubeScore: ['horizontalpodautoscaler-has-target'],
    kubeLinter: ['dangling-horizontalpodautoscaler'],
  },
  crossObject: true,
  check(object, context) {
    if (object.kind !== 'HorizontalPodAutoscaler') return [];
    const target = scaleTargetOf(object);
    const path = ['spec', 'scaleTargetRef'];
    if (!target) return [{ path, message: 'scaleTargetRef does not give a kind and a name' }];
    if (objectSetOf(context.objects).find(target.kind, namespaceOf(object), target.name)) return [];
    return [{ path, message: `scaleTargetRef ${target.kind}/${target.name} is not in the set` }];
  },
};
