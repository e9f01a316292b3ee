import { describe, hpaMinReplicas, namespaceOf, objectSetOf, scaledCount } from '../object-set.ts';
import type { Rule, Violation } from '../rule.ts';
import { field } from '../workload.ts';

/**
 * A PodDisruptionBudget whose minAvailable is ≥ the minReplicas of an HPA that scales a workload
 * it selects (percentages rounded up). When load is low the HPA sits at minReplicas, and then no
 * pod may be evicted. minAvailable "100%" is `pdb-blocks-eviction`'s, not repeated here.
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
  check(object, context) {
    if (object.kind !== 'PodDisruptionBudget') return [];
    const minAvailable = field(object, 'spec', 'minAvailable');
    if (minAvailable === undefined || minAvailable === null) return [];
    if (typeof minAvailable === 'string' && (scaledCount(minAvailable, 100) ?? 0) >= 100) return [];
    const set = objectSetOf(context.objects);
    const violations: Violation[] = [];
    for (const { object: workload } of set.podsSelectedBy(
      field(object, 'spec', 'selector'),
      namespaceOf(object),
    ))
      for (const hpa of set.hpasTargeting(workload)) {
        const min = hpaMinReplicas(hpa);
        if (min === undefined || min === 0) continue;
        const required = scaledCount(minAvailable, min);
        if (required !== undefined && required >= min)
          violations.push({
            message: `minAvailable: ${minAvailable} with ${describe(hpa)} at minReplicas ${min} for ${describe(workload)}: no pod may be evicted then`,
          });
      }
    return violations;
  },
};
