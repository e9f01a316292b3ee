import type { Rule } from '../rule.ts';
import { podSpecOf, podSpecPath } from '../workload.ts';

const ALLOWED = ['OnFailure', 'Never'];

/**
 * A Job's (or CronJob's) pod template whose restartPolicy is not OnFailure or Never. A missing one
 * is defaulted to Always, which the API server refuses for a Job: the CronJob never creates its
 * Jobs, the Job is never created.
 */
export const jobRestartPolicy: Rule = {
  id: 'job-restart-policy',
  severity: 'error',
  category: 'reliability',
  title: 'Job pods with restartPolicy Always',
  why: 'A Job runs to completion, so its pods must be OnFailure or Never; the API server refuses Always, which is also what a missing restartPolicy becomes, so the Job (or every run of the CronJob) is never created.',
  fix: 'template:\n  spec:\n    restartPolicy: OnFailure   # or Never: the Job controller retries with a new pod',
  docs: 'https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-template',
  aliases: { kubeScore: ['cronjob-restartpolicy'] },
  check(object) {
    if (object.kind !== 'Job' && object.kind !== 'CronJob') return [];
    const policy = podSpecOf(object)?.restartPolicy;
    if (typeof policy === 'string' && ALLOWED.includes(policy)) return [];
    const shown = policy === undefined || policy === null ? 'not set (Always)' : String(policy);
    return [
      {
        path: [...podSpecPath(object)!, 'restartPolicy'],
        aliases: object.kind === 'CronJob' ? { kubeScore: ['cronjob-restartpolicy'] } : {},
        message: `restartPolicy is ${shown}: the API server refuses a ${object.kind} whose pods restart Always`,
      },
    ];
  },
};
