import type { Rule } from '../rule.ts';
import { podSpecOf, podSpecPath } from '../workload.ts';

/** Opt-in (kube-linter's priority-class-name, Polaris' priorityClassNotSet): many clusters use one class. */
export const missingPriorityClass: Rule = {
  id: 'missing-priority-class',
  severity: 'info',
  category: 'reliability',
  title: 'No priorityClassName',
  why: 'When a node runs short, pods of the same priority are evicted and preempted alike: a class tells the scheduler which workloads to keep.',
  fix: 'priorityClassName: business-critical   # a PriorityClass defined in the cluster',
  docs: 'https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/',
  aliases: { kubeLinter: ['priority-class-name'], polaris: ['priorityClassNotSet'] },
  optional: true,
  check(object) {
    const podSpec = podSpecOf(object);
    if (!podSpec || (typeof podSpec.priorityClassName === 'string' && podSpec.priorityClassName !== ''))
      return [];
    return [{ path: [...podSpecPath(object)!, 'priorityClassName'], message: 'no priorityClassName' }];
  },
};
