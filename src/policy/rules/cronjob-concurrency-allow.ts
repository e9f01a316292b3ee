import type { Rule } from '../rule.ts';
import { field } from '../workload.ts';

/**
 * concurrencyPolicy unset or Allow: a run that outlasts its interval overlaps the next one.
 * Info: many jobs are short or idempotent, but the choice should be made on purpose.
 */
export const cronjobConcurrencyAllow: Rule = {
  id: 'cronjob-concurrency-allow',
  severity: 'info',
  category: 'reliability',
  title: 'CronJob runs may overlap',
  why: 'With concurrencyPolicy Allow (the default) a slow run does not stop the next one from starting, so runs pile up, compete for the same data and can double-process it.',
  fix: 'spec:\n  concurrencyPolicy: Forbid   # or Replace: stop the old run and start the new one',
  docs: 'https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#concurrency-policy',
  aliases: {},
  check(object) {
    if (object.kind !== 'CronJob') return [];
    const policy = field(object, 'spec', 'concurrencyPolicy');
    const path = ['spec', 'concurrencyPolicy'];
    if (policy === undefined || policy === null)
      return [{ path, message: 'concurrencyPolicy is not set (Allow): a slow run overlaps the next' }];
    if (policy === 'Allow')
      return [{ path, message: 'concurrencyPolicy is Allow: a slow run overlaps the next' }];
    return [];
  },
};
