import type { Rule } from '../rule.ts';
import { field } from '../workload.ts';

/** The CronJob controller checks schedules about every 10 s; a shorter deadline may miss every run. */
const CONTROLLER_PERIOD_SECONDS = 10;

/**
 * A CronJob without startingDeadlineSeconds: after an outage of the controller (or a suspended
 * CronJob resumed) every missed schedule is counted since the last run, and after more than 100
 * missed the CronJob is never started again. A deadline under 10 s can miss every schedule.
 */
export const cronjobMissingDeadline: Rule = {
  id: 'cronjob-missing-deadline',
  severity: 'warning',
  category: 'reliability',
  title: 'CronJob without startingDeadlineSeconds',
  why: 'Without a starting deadline the controller counts every schedule missed since the last run; after an outage that is more than 100 and the CronJob stops being scheduled at all, and a shorter outage fires a late run you may not want.',
  fix: 'spec:\n  schedule: "*/5 * * * *"\n  startingDeadlineSeconds: 200   # skip a run that cannot start within 200 s',
  docs: 'https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#cron-job-limitations',
  aliases: {
    kubeScore: ['cronjob-has-deadline'],
  },
  check(object) {
    if (object.kind !== 'CronJob') return [];
    const deadline = field(object, 'spec', 'startingDeadlineSeconds');
    if (deadline === undefined || deadline === null)
      return [
        {
          path: ['spec', 'startingDeadlineSeconds'],
          message:
            'no startingDeadlineSeconds: after more than 100 missed schedules the CronJob never runs again',
        },
      ];
    if (typeof deadline === 'number' && deadline < CONTROLLER_PERIOD_SECONDS)
      return [
        {
          path: ['spec', 'startingDeadlineSeconds'],
          message: `startingDeadlineSeconds ${deadline} is under ${CONTROLLER_PERIOD_SECONDS}: the controller may miss every schedule`,
        },
      ];
    return [];
  },
};
