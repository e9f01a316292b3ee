import { describe, namespaceOf, objectSetOf, replicasOf, scaledCount } from '../object-set.ts';
import type { Rule, Violation } from '../rule.ts';
import { field } from '../workload.ts';

/**
 * A PodDisruptionBudget under which no pod may ever be evicted: maxUnavailable 0 or "0%",
 * minAvailable "100%", or a minAvailable that is ≥ the replicas of a workload it selects
 * (percentages rounded up, as the disruption controller does: "50%" of 1 replica is 1).
 * Workloads an HPA scales are left to `pdb-min-available-vs-hpa`; DaemonSets and Jobs, whose pod
 * count the manifest does not say, are skipped.
 */
export const pdbBlocksEviction: Rule = {
  id: 'pdb-blocks-eviction',
  severity: 'error',
  category: 'reliability',
  title: 'PodDisruptionBudget allows no disruption',
  why: 'A budget that allows zero voluntary disruptions makes every node drain and cluster upgrade hang until someone deletes the budget or the pods by hand.',
  fix: 'spec:\n  maxUnavailable: 1 # or a minAvailable below the replica count',
  docs: 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/',
  aliases: {
    kubeLinter: ['pdb-max-unavailable', 'pdb-min-available'],
    polaris: ['pdbDisruptionsIsZero'],
  },
  check(object, context) {
    if (object.kind !== 'PodDisruptionBudget') return [];
    const violations: Violation[] = [];
    const maxUnavailable = field(object, 'spec', 'maxUnavailable');
    if (scaledCount(maxUnavailable, 100) === 0)
      violations.push({ message: `maxUnavailable: ${maxUnavailable} allows no voluntary disruption` });
    const minAvailable = field(object, 'spec', 'minAvailable');
    if (minAvailable === undefined || minAvailable === null) return violations;
    if (typeof minAvailable === 'string' && (scaledCount(minAvailable, 100) ?? 0) >= 100) {
      violations.push({ message: `minAvailable: ${minAvailable} allows no voluntary disruption` });
      return violations;
    }
    const set = objectSetOf(context.objects);
    for (const { object: workload } of set.podsSelectedBy(
      field(object, 'spec', 'selector'),
      namespaceOf(object),
    )) {
      const replicas = replicasOf(workload);
      if (replicas === undefined || replicas === 0 || set.hpasTargeting(workload).length > 0) continue;
      const required = scaledCount(minAvailable, replicas);
      if (required !== undefined && required >= replicas)
        violations.push({
          message: `minAvailable: ${minAvailable} with ${replicas} ${replicas === 1 ? 'replica' : 'replicas'} of ${describe(workload)}: no pod may be evicted`,
        });
    }
    return violations;
  },
};
