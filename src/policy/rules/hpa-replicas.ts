import { hpaMaxReplicas, hpaMinReplicas } from '../object-set.ts';
import type { Rule, Violation } from '../rule.ts';
import { field } from '../workload.ts';

/** An HPA that may scale down to one pod (minReplicas < 2, missing = 1), or that cannot scale (minReplicas = maxReplicas). */
export const hpaReplicas: Rule = {
  id: 'hpa-replicas',
  severity: 'warning',
  category: 'reliability',
  title: 'HPA minReplicas below 2 or equal to maxReplicas',
  why: 'At minReplicas 1 a quiet hour leaves one pod, and the next drain or rollout takes the service down; with minReplicas equal to maxReplicas the autoscaler never scales.',
  fix: 'spec:\n  minReplicas: 2\n  maxReplicas: 10',
  docs: 'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/',
  aliases: {
    kubeScore: ['horizontalpodautoscaler-replicas'],
    kubeLinter: ['hpa-minimum-three-replicas'],
    polaris: ['hpaMinAvailability', 'hpaMaxAvailability'],
  },
  check(object) {
    if (object.kind !== 'HorizontalPodAutoscaler') return [];
    const violations: Violation[] = [];
    const min = hpaMinReplicas(object);
    const max = hpaMaxReplicas(object);
    if (min !== undefined && min < 2) {
      const set =
        field(object, 'spec', 'minReplicas') == null ? 'minReplicas is not set (1)' : `minReplicas: ${min}`;
      violations.push({
        path: ['spec', 'minReplicas'],
        aliases: {
          kubeScore: ['horizontalpodautoscaler-replicas'],
          kubeLinter: ['hpa-minimum-three-replicas'],
          polaris: ['hpaMinAvailability'],
        },
        message: `${set}: it may scale down to ${min === 0 ? 'no pod' : 'one pod'}`,
      });
    }
    if (min !== undefined && min === max)
      violations.push({
        path: ['spec', 'maxReplicas'],
        aliases: { polaris: ['hpaMaxAvailability'] },
        message: `minReplicas equals maxReplicas (${max}): it never scales`,
      });
    return violations;
  },
};
