import { formatLabels, selectorMatches } from '../label-selector.ts';
import { objectSetOf, replicaRange } from '../object-set.ts';
import type { Aliases, Rule } from '../rule.ts';
import { field, isJson } from '../workload.ts';

const KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'ReplicaSet'];

/**
 * Two or more replicas and nothing that spreads them: no podAntiAffinity term and no
 * topologySpreadConstraint whose labelSelector selects the workload's own pods. A term that
 * selects other pods spreads these pods from those, not from each other, so it does not count.
 * Any topology key counts (hostname or zone): both stop one node taking every replica down.
 * Replicas as the cluster will have them: an HPA that may scale the workload to two or more counts.
 */
const SAME_CHECK: Readonly<Record<string, Aliases>> = {
  Deployment: {
    kubeScore: ['deployment-has-host-podantiaffinity'],
    kubeLinter: ['no-anti-affinity'],
    polaris: ['topologySpreadConstraint'],
  },
  StatefulSet: {
    kubeScore: ['statefulset-has-host-podantiaffinity'],
    kubeLinter: ['no-anti-affinity'],
    polaris: ['topologySpreadConstraint'],
  },
  ReplicaSet: { kubeLinter: ['no-anti-affinity'], polaris: ['topologySpreadConstraint'] },
};

export const noAntiAffinity: Rule = {
  id: 'no-anti-affinity',
  severity: 'warning',
  category: 'reliability',
  title: 'Replicas may all land on one node',
  why: 'Without anti-affinity or a topology spread constraint the scheduler may put every replica on the same node, and one node failure or drain then takes the whole workload down.',
  fix: 'topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: kubernetes.io/hostname\n    whenUnsatisfiable: ScheduleAnyway\n    labelSelector:\n      matchLabels: { app: web }',
  docs: 'https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/',
  aliases: {
    kubeScore: ['deployment-has-host-podantiaffinity', 'statefulset-has-host-podantiaffinity'],
    kubeLinter: ['no-anti-affinity'],
    polaris: ['topologySpreadConstraint'], // unsure: Polaris wants a spread constraint on every pod, whatever the replicas
  },
  crossObject: true,
  check(object, context) {
    if (!KINDS.includes(object.kind)) return [];
    const range = replicaRange(objectSetOf(context.objects), object);
    if (range === undefined || range.max < 2) return [];
    const replicas = range.hpas.length > 0 ? `up to ${range.max}` : String(range.max);
    const at = { path: ['spec', 'template', 'spec', 'affinity'], aliases: SAME_CHECK[object.kind] ?? {} };
    const podSpec = field(object, 'spec', 'template', 'spec');
    const labels = field(object, 'spec', 'template', 'metadata', 'labels');
    const antiAffinity = field(podSpec, 'affinity', 'podAntiAffinity');
    const terms = [
      ...list(field(antiAffinity, 'requiredDuringSchedulingIgnoredDuringExecution')),
      ...list(field(antiAffinity, 'preferredDuringSchedulingIgnoredDuringExecution')).map((p) =>
        field(p, 'podAffinityTerm'),
      ),
    ];
    const spreads = list(field(podSpec, 'topologySpreadConstraints'));
    const selectsOwnPods = (term: unknown) => selectorMatches(field(term, 'labelSelector'), labels);
    if (terms.some(selectsOwnPods) || spreads.some(selectsOwnPods)) return [];
    if (terms.length === 0 && spreads.length === 0)
      return [{ ...at, message: `${replicas} replicas and no podAntiAffinity or topologySpreadConstraints` }];
    return [
      {
        ...at,
        message: `${replicas} replicas, but no podAntiAffinity term or topologySpreadConstraint selects the pods' own labels (${formatLabels(labels)})`,
      },
    ];
  },
};

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value.filter(isJson) : [];
}
