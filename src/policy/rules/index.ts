/** Every rule `gantry lint` runs, in the order `--help` and the docs list them. Add new rules here. */
import type { Rule } from '../rule.ts';
import { dangerousCapabilities } from './dangerous-capabilities.ts';
import { hostNamespaces } from './host-namespaces.ts';
import { hostPathMount } from './host-path-mount.ts';
import { hostPort } from './host-port.ts';
import { imageTagLatest } from './image-tag-latest.ts';
import { missingLivenessProbe } from './missing-liveness-probe.ts';
import { missingReadinessProbe } from './missing-readiness-probe.ts';
import { missingResources } from './missing-resources.ts';
import { privilegeEscalationAllowed } from './privilege-escalation-allowed.ts';
import { privilegedContainer } from './privileged-container.ts';
import { runsAsRoot } from './runs-as-root.ts';
import { secretInEnv } from './secret-in-env.ts';

// Written and unit-tested but not registered yet: read-only-root-filesystem, capabilities-not-dropped,
// no-seccomp-profile, service-account-token-mounted, default-service-account. Each fires on
// test/fixtures/lint/hardened.yaml and the tutorial Deployment, whose exact findings
// test/integration/lint.test.ts pins; register them here together with updating those fixtures.
export const RULES: readonly Rule[] = [
  // security
  privilegedContainer,
  privilegeEscalationAllowed,
  runsAsRoot,
  dangerousCapabilities,
  hostNamespaces,
  hostPathMount,
  hostPort,
  secretInEnv,
  // reliability
  imageTagLatest,
  missingResources,
  missingReadinessProbe,
  missingLivenessProbe,
];
