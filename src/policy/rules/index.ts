/** Every rule `gantry lint` runs, in the order `--help` and the docs list them. Add new rules here. */
import type { Rule } from '../rule.ts';
import { imageTagLatest } from './image-tag-latest.ts';
import { missingLivenessProbe } from './missing-liveness-probe.ts';
import { missingReadinessProbe } from './missing-readiness-probe.ts';
import { missingResources } from './missing-resources.ts';
import { privilegeEscalationAllowed } from './privilege-escalation-allowed.ts';
import { privilegedContainer } from './privileged-container.ts';
import { runsAsRoot } from './runs-as-root.ts';
import { secretInEnv } from './secret-in-env.ts';

export const RULES: readonly Rule[] = [
  // security
  privilegedContainer,
  privilegeEscalationAllowed,
  runsAsRoot,
  secretInEnv,
  // reliability
  imageTagLatest,
  missingResources,
  missingReadinessProbe,
  missingLivenessProbe,
];
