import type { Rule } from '../rule.ts';
import { field, isJson } from '../workload.ts';

/**
 * A bare Job without ttlSecondsAfterFinished: the finished Job and its pods stay until someone
 * deletes them. A CronJob's jobs are trimmed by its history limits, so a Job owned by a CronJob
 * (as `kubectl get -o yaml` shows it) is skipped, as is the CronJob's own template.
 */
export const jobWithoutTtl: Rule = {
  id: 'job-without-ttl',
  severity: 'info',
  category: 'reliability',
  title: 'Job without ttlSecondsAfterFinished',
  why: 'Finished Jobs and their pods are kept until deleted; they pile up in the API server and in `kubectl get pods`, and re-applying the same Job name fails while the old one exists.',
  fix: 'spec:\n  ttlSecondsAfterFinished: 86400   # delete the Job and its pods a day after it finishes',
  docs: 'https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/',
  aliases: {},
  check(object) {
    if (object.kind !== 'Job') return [];
    const owners = field(object, 'metadata', 'ownerReferences');
    if (Array.isArray(owners) && owners.some((o) => isJson(o) && o.kind === 'CronJob')) return [];
    const ttl = field(object, 'spec', 'ttlSecondsAfterFinished');
    return ttl === undefined || ttl === null
      ? [
          {
            path: ['spec', 'ttlSecondsAfterFinished'],
            message: 'no ttlSecondsAfterFinished: the finished Job and its pods are kept until deleted',
          },
        ]
      : [];
  },
};
