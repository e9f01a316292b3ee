import { budgetCoverage, describe, objectSetOf, scaledCount } from '../object-set.ts';
import type { Rule } from '../rule.ts';
import { field } from '../workload.ts';

/**
 * A PodDisruptionBudget over a workload an HPA scales, whose minAvailable is ≥ the pods it selects
 * when the HPA sits at minReplicas (percentages rounded up):
 *   pods at the minimum = Σ HPA minReplicas + Σ replicas of the other workloads it selects
 * e.g. minAvailable 2 over a Deployment whose HPA has minReplicas 2 → no eviction at low load.
 * minAvailable "100%" is `pdb-blocks-eviction`'s and is not repeated here.
 */
export const pdbMinAvailableVsHpa: Rule = {
  id: 'pdb-min-available-vs-hpa',
  severity: 'warning',
  category: 'reliability',
  title: 'PodDisruptionBudget minAvailable ≥ HPA minReplicas',
  why: 'When the autoscaler is at its minimum, a minAvailable that high allows no eviction, so node drains hang exactly when traffic is low and maintenance is planned.',
  fix: 'spec:\n  maxUnavailable: 1 # or minAvailable below the HPA minReplicas',
  docs: 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/',
  aliases: {
    polaris: [
      'pdbMinAvailableGreaterThanHPAMinReplicas',
      'pdbMinAvailableEqualToHPAMinReplicas', // unsure: only in recent Polaris releases
    ],
  },
  crossObject: true,
  check(object, context) {
    if (object.kind !== 'PodDisruptionBudget') return [];
    const minAvailable = field(object, 'spec', 'minAvailable');
    if (minAvailable === undefined || minAvailable === null) return [];
    if (typeof minAvailable === 'string' && (scaledCount(minAvailable, 100) ?? 0) >= 100) return [];
    const coverage = budgetCoverage(objectSetOf(context.objects), object);
    if (!coverage.known || coverage.scaled.length === 0) return [];
    const total = coverage.fixed + coverage.scaled.reduce((sum, s) => sum + s.minReplicas, 0);
    const required = scaledCount(minAvailable, total);
    if (total === 0 || required === undefined || required < total) return [];
    const hpas = coverage.scaled.flatMap((s) =>
      s.hpas.map((hpa) => `${describe(hpa)} (minReplicas ${s.minReplicas})`),
    );
    return [
      {
        path: ['spec', 'minAvailable'],
        message: `minAvailable: ${minAvailable} with ${total} ${total === 1 ? 'pod' : 'pods'} of ${coverage.workloads.map(describe).join(', ')} when ${hpas.join(', ')} ${hpas.length === 1 ? 'is at its' : 'are at their'} minimum: no pod may be evicted then`,
      },
    ];
  },
};
