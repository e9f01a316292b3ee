import { formatLabels, selectorMatches } from '../label-selector.ts';
import type { Rule } from '../rule.ts';
import { field, isJson } from '../workload.ts';
import { replicasOf } from './rollout-math.ts';

const KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'ReplicaSet'];

/**
 * Two or more replicas and nothing that spreads them: no podAntiAffinity term and no
 * topologySpreadConstraint whose labelSelector selects the workload's own pods. A term that
 * selects other pods spreads these pods from those, not from each other, so it does not count.
 * Any topology key counts (hostname or zone): both stop one node taking every replica down.
 */
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
  check(object) {
    if (!KINDS.includes(object.kind)) return [];
    const replicas = replicasOf(object);
    if (replicas === undefined || replicas < 2) return [];
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
      return [{ message: `${replicas} replicas and no podAntiAffinity or topologySpreadConstraints` }];
    return [
      {
        message: `${replicas} replicas, but no podAntiAffinity term or topologySpreadConstraint selects the pods' own labels (${formatLabels(labels)})`,
      },
    ];
  },
};

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value.filter(isJson) : [];
}
