import { budgetCoverage, describe, objectSetOf, scaledCount } from '../object-set.ts';
import type { Rule, Violation } from '../rule.ts';
import { field } from '../workload.ts';

/**
 * A PodDisruptionBudget under which no pod may ever be evicted: maxUnavailable 0 or "0%",
 * minAvailable "100%", or a minAvailable ≥ the pods of all the workloads it selects together
 * (percentages rounded up, as the disruption controller does: "50%" of 1 pod is 1). A budget
 * over a workload an HPA scales is `pdb-min-available-vs-hpa`'s; one over a DaemonSet or Job,
 * whose pod count the manifests do not say, is skipped.
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
  crossObject: true,
  check(object, context) {
    if (object.kind !== 'PodDisruptionBudget') return [];
    const violations: Violation[] = [];
    const maxUnavailable = field(object, 'spec', 'maxUnavailable');
    if (scaledCount(maxUnavailable, 100) === 0)
      violations.push({
        path: ['spec', 'maxUnavailable'],
        aliases: { kubeLinter: ['pdb-max-unavailable'], polaris: ['pdbDisruptionsIsZero'] },
        message: `maxUnavailable: ${maxUnavailable} allows no voluntary disruption`,
      });
    const atMin = {
      path: ['spec', 'minAvailable'],
      aliases: { kubeLinter: ['pdb-min-available'], polaris: ['pdbDisruptionsIsZero'] },
    };
    const minAvailable = field(object, 'spec', 'minAvailable');
    if (minAvailable === undefined || minAvailable === null) return violations;
    if (typeof minAvailable === 'string' && (scaledCount(minAvailable, 100) ?? 0) >= 100)
      return [
        ...violations,
        { ...atMin, message: `minAvailable: ${minAvailable} allows no voluntary disruption` },
      ];
    const coverage = budgetCoverage(objectSetOf(context.objects), object);
    const total = coverage.fixed;
    if (!coverage.known || coverage.scaled.length > 0 || total === 0) return violations;
    const required = scaledCount(minAvailable, total);
    if (required !== undefined && required >= total)
      violations.push({
        ...atMin,
        message: `minAvailable: ${minAvailable} with ${total} ${total === 1 ? 'replica' : 'replicas'} of ${coverage.workloads.map(describe).join(', ')}: no pod may be evicted`,
      });
    return violations;
  },
};
