import type { KubeObject } from '../input.ts';
import { objectSetOf, replicaRange } from '../object-set.ts';
import type { Rule, Violation } from '../rule.ts';
import { field } from '../workload.ts';
import { deploymentFenceposts, percentOf, scaled } from './rollout-math.ts';

/**
 * An update that may take every pod down at once.
 * - Deployment: `strategy.type: Recreate`, or a RollingUpdate whose resolved maxUnavailable
 *   (percent rounded down, see rollout-math.ts) is at least `replicas` (missing = 1).
 * - StatefulSet: an explicit `rollingUpdate.maxUnavailable` (percent rounded down, at least 1)
 *   of at least `replicas`, for 2 replicas or more. One replica always restarts on update, and
 *   nothing in the manifest can change that, so it is not reported here.
 * - DaemonSet: `rollingUpdate.maxUnavailable` of 100 % or more; a number cannot be compared with
 *   a node count the manifest does not know.
 * OnDelete strategies update nothing by themselves and are skipped. Replicas are read as the
 * cluster will have them: an HPA that scales the workload keeps at least its minReplicas, whatever
 * spec.replicas says (object-set.ts replicaRange), and the fewest pods is the worst case.
 */
export const fullOutageRollout: Rule = {
  id: 'full-outage-rollout',
  severity: 'warning',
  category: 'reliability',
  title: 'Rollout can take every pod down at once',
  why: 'With Recreate, or a rolling update that may make every replica unavailable, each deploy is a full outage until the new pods are ready, and a bad image leaves nothing serving.',
  fix: 'strategy:\n  type: RollingUpdate\n  rollingUpdate:\n    maxUnavailable: 0\n    maxSurge: 25%',
  docs: 'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy',
  aliases: {},
  // Recreate only (kube-score: only for Deployments a Service targets): narrower than this rule.
  related: { kubeScore: ['deployment-strategy'], kubeLinter: ['no-rolling-update-strategy'] },
  crossObject: true,
  check(object, context) {
    if (object.kind === 'DaemonSet') return daemonSet(object);
    if (object.kind !== 'Deployment' && object.kind !== 'StatefulSet') return [];
    const replicas = replicaRange(objectSetOf(context.objects), object)?.min;
    switch (object.kind) {
      case 'Deployment':
        return replicas ? deployment(object, replicas) : [];
      default:
        return replicas ? statefulSet(object, replicas) : [];
    }
  },
};

const pods = (replicas: number) => (replicas === 1 ? 'the only replica' : `all ${replicas} replicas`);

function deployment(object: KubeObject, replicas: number): Violation[] {
  const strategy = field(object, 'spec', 'strategy');
  const type = field(strategy, 'type') ?? 'RollingUpdate';
  if (type === 'Recreate')
    return [
      {
        path: ['spec', 'strategy', 'type'],
        message: `strategy Recreate stops ${pods(replicas)} before starting new pods`,
        aliases: { kubeScore: ['deployment-strategy'], kubeLinter: ['no-rolling-update-strategy'] },
      },
    ];
  if (type !== 'RollingUpdate') return [];
  const maxSurge = field(strategy, 'rollingUpdate', 'maxSurge');
  const maxUnavailable = field(strategy, 'rollingUpdate', 'maxUnavailable');
  const budget = deploymentFenceposts(replicas, maxSurge, maxUnavailable);
  if (!budget || budget.maxUnavailable < replicas) return [];
  const shown = (value: unknown) => (value === undefined || value === null ? '25% (default)' : String(value));
  return [
    {
      path: ['spec', 'strategy', 'rollingUpdate', 'maxUnavailable'],
      message: `rollingUpdate lets ${pods(replicas)} be unavailable at once (maxUnavailable ${shown(maxUnavailable)}, maxSurge ${shown(maxSurge)})`,
    },
  ];
}

function statefulSet(object: KubeObject, replicas: number): Violation[] {
  const strategy = field(object, 'spec', 'updateStrategy');
  if ((field(strategy, 'type') ?? 'RollingUpdate') !== 'RollingUpdate' || replicas < 2) return [];
  const maxUnavailable = field(strategy, 'rollingUpdate', 'maxUnavailable');
  if (maxUnavailable === undefined || maxUnavailable === null) return [];
  const resolved = scaled(maxUnavailable, replicas, false);
  if (resolved === undefined || Math.max(1, resolved) < replicas) return [];
  return [
    {
      path: ['spec', 'updateStrategy', 'rollingUpdate', 'maxUnavailable'],
      message: `updateStrategy.rollingUpdate.maxUnavailable ${maxUnavailable} lets ${pods(replicas)} be down at once`,
    },
  ];
}

function daemonSet(object: KubeObject): Violation[] {
  const strategy = field(object, 'spec', 'updateStrategy');
  if ((field(strategy, 'type') ?? 'RollingUpdate') !== 'RollingUpdate') return [];
  const maxUnavailable = field(strategy, 'rollingUpdate', 'maxUnavailable');
  const percent = percentOf(maxUnavailable);
  if (percent === undefined || percent < 100) return [];
  return [
    {
      path: ['spec', 'updateStrategy', 'rollingUpdate', 'maxUnavailable'],
      message: `updateStrategy.rollingUpdate.maxUnavailable ${maxUnavailable} replaces the pod on every node at once`,
    },
  ];
}
