import { isControlled, objectSetOf, REPLICATED_KINDS, replicasOf } from '../object-set.ts';
import type { Aliases, Rule } from '../rule.ts';
import { field } from '../workload.ts';

/**
 * A Deployment, StatefulSet, ReplicaSet or ReplicationController that runs one pod and that no
 * HPA in the set scales. `replicas: 0` is a workload switched off on purpose, not a single point
 * of failure, and is skipped; so is a ReplicaSet a Deployment controls (in a cluster dump), whose
 * Deployment is judged instead.
 */
export const singleReplica: Rule = {
  id: 'single-replica',
  severity: 'warning',
  category: 'reliability',
  title: 'Single replica',
  why: 'With one pod, every node drain, eviction and rollout takes the service down until a new pod is ready.',
  fix: 'spec:\n  replicas: 2 # or let a HorizontalPodAutoscaler with minReplicas: 2 scale it',
  docs: 'https://kubernetes.io/docs/concepts/workloads/pods/disruptions/',
  aliases: {
    kubeScore: ['deployment-replicas'],
    kubeLinter: ['minimum-three-replicas'],
    polaris: ['deploymentMissingReplicas'],
  },
  crossObject: true,
  check(object, context) {
    if (!REPLICATED_KINDS.includes(object.kind) || isControlled(object)) return [];
    const replicas = replicasOf(object);
    if (replicas !== 1) return [];
    const hpas = objectSetOf(context.objects).hpasTargeting(object);
    if (hpas.length > 0) return [];
    const set = field(object, 'spec', 'replicas') == null ? 'replicas is not set (1)' : 'replicas: 1';
    const aliases: Aliases =
      object.kind === 'Deployment'
        ? {
            kubeScore: ['deployment-replicas'],
            kubeLinter: ['minimum-three-replicas'],
            polaris: ['deploymentMissingReplicas'],
          }
        : { kubeLinter: ['minimum-three-replicas'] };
    return [
      { path: ['spec', 'replicas'], aliases, message: `${set} and no HorizontalPodAutoscaler scales it` },
    ];
  },
};
