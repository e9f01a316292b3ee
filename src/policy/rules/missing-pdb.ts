import { formatLabels } from '../label-selector.ts';
import {
  hpaMinReplicas,
  isControlled,
  objectSetOf,
  podLabelsOf,
  REPLICATED_KINDS,
  replicasOf,
} from '../object-set.ts';
import type { Aliases, Rule } from '../rule.ts';

const SAME_CHECK: Readonly<Record<string, Aliases>> = {
  Deployment: { kubeScore: ['deployment-has-poddisruptionbudget'], polaris: ['missingPodDisruptionBudget'] },
  StatefulSet: {
    kubeScore: ['statefulset-has-poddisruptionbudget'],
    polaris: ['missingPodDisruptionBudget'],
  },
};

/**
 * A workload that runs at least two pods — `replicas` ≥ 2, or, when an HPA in the set scales it,
 * the HPA's minReplicas ≥ 2 (the HPA overrides `replicas`) — and whose pods no
 * PodDisruptionBudget in the set selects.
 */
export const missingPdb: Rule = {
  id: 'missing-pdb',
  severity: 'warning',
  category: 'reliability',
  title: 'No PodDisruptionBudget',
  why: 'Without a PodDisruptionBudget a node drain or cluster upgrade may evict every replica at once, so having several replicas does not keep the service up.',
  fix: 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: web',
  docs: 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/',
  aliases: {
    kubeScore: ['deployment-has-poddisruptionbudget', 'statefulset-has-poddisruptionbudget'],
    polaris: ['missingPodDisruptionBudget'],
  },
  crossObject: true,
  check(object, context) {
    if (!REPLICATED_KINDS.includes(object.kind) || isControlled(object)) return [];
    const set = objectSetOf(context.objects);
    const hpas = set.hpasTargeting(object);
    // An HPA overrides spec.replicas: the floor it keeps is its minReplicas.
    const floor =
      hpas.length > 0 ? Math.max(...hpas.map((hpa) => hpaMinReplicas(hpa) ?? 0)) : replicasOf(object);
    if (floor === undefined || floor < 2) return [];
    if (set.pdbsSelecting(object).length > 0) return [];
    const runs = hpas.length > 0 ? `an HPA keeps at least ${floor} replicas` : `${floor} replicas`;
    return [
      {
        path: ['spec', 'template', 'metadata', 'labels'],
        aliases: SAME_CHECK[object.kind] ?? {},
        message: `${runs} and no PodDisruptionBudget selects its pods (${formatLabels(podLabelsOf(object))})`,
      },
    ];
  },
};
