/** Reliability rules about one workload at a time (probes, rollout strategy, env, batch settings). Registered in index.ts. */
import type { Rule } from '../rule.ts';

export const WORKLOAD_RELIABILITY_RULES: readonly Rule[] = [];
