/** Reliability rules about one workload at a time (probes, rollout strategy, env, batch settings). Registered in index.ts. */
import type { Rule } from '../rule.ts';
import { cronjobConcurrencyAllow } from './cronjob-concurrency-allow.ts';
import { cronjobMissingDeadline } from './cronjob-missing-deadline.ts';
import { duplicateEnv } from './duplicate-env.ts';
import { duplicatePortName } from './duplicate-port-name.ts';
import { fullOutageRollout } from './full-outage-rollout.ts';
import { gracePeriodShorterThanPrestop } from './grace-period-shorter-than-prestop.ts';
import { jobRestartPolicy } from './job-restart-policy.ts';
import { jobWithoutTtl } from './job-without-ttl.ts';
import { noAntiAffinity } from './no-anti-affinity.ts';
import { probePortNotDeclared } from './probe-port-not-declared.ts';
import { probePortNotExposed } from './probe-port-not-exposed.ts';
import { probesIdentical } from './probes-identical.ts';
import { selectorMismatch } from './selector-mismatch.ts';

export const WORKLOAD_RELIABILITY_RULES: readonly Rule[] = [
  // probes
  probesIdentical,
  probePortNotExposed,
  probePortNotDeclared,
  // selectors and spreading
  selectorMismatch,
  noAntiAffinity,
  // rollout and shutdown
  fullOutageRollout,
  gracePeriodShorterThanPrestop,
  // container spec
  duplicateEnv,
  duplicatePortName,
  // batch
  cronjobMissingDeadline,
  cronjobConcurrencyAllow,
  jobRestartPolicy,
  jobWithoutTtl,
];
