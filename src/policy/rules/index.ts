/**
 * Every rule `gantry lint` has, in the order `--help` and the docs list them; `optional` ones run
 * only when the config gives them a severity. Add new rules here.
 */
import type { Rule } from '../rule.ts';
import { ACCESS_AND_HYGIENE_RULES } from './access-and-hygiene.ts';
import { capabilitiesNotDropped } from './capabilities-not-dropped.ts';
import { CROSS_OBJECT_RULES } from './cross-object.ts';
import { dangerousCapabilities } from './dangerous-capabilities.ts';
import { defaultServiceAccount } from './default-service-account.ts';
import { deprecatedServiceAccountField } from './deprecated-service-account-field.ts';
import { hostNamespaces } from './host-namespaces.ts';
import { hostPathMount } from './host-path-mount.ts';
import { hostPort } from './host-port.ts';
import { imageNotPinnedByDigest } from './image-not-pinned-by-digest.ts';
import { imageTagLatest } from './image-tag-latest.ts';
import { missingEphemeralStorage } from './missing-ephemeral-storage.ts';
import { missingLivenessProbe } from './missing-liveness-probe.ts';
import { missingPriorityClass } from './missing-priority-class.ts';
import { missingReadinessProbe } from './missing-readiness-probe.ts';
import { missingResources } from './missing-resources.ts';
import { noNetworkPolicy } from './no-network-policy.ts';
import { noSeccompProfile } from './no-seccomp-profile.ts';
import { privilegeEscalationAllowed } from './privilege-escalation-allowed.ts';
import { privilegedContainer } from './privileged-container.ts';
import { readOnlyRootFilesystem } from './read-only-root-filesystem.ts';
import { runsAsRoot } from './runs-as-root.ts';
import { secretInEnv } from './secret-in-env.ts';
import { serviceAccountTokenMounted } from './service-account-token-mounted.ts';
import { WORKLOAD_RELIABILITY_RULES } from './workload-reliability.ts';

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
  readOnlyRootFilesystem,
  capabilitiesNotDropped,
  noSeccompProfile,
  serviceAccountTokenMounted,
  defaultServiceAccount,
  deprecatedServiceAccountField,
  noNetworkPolicy,
  imageNotPinnedByDigest,
  // reliability
  imageTagLatest,
  missingResources,
  missingEphemeralStorage,
  missingPriorityClass,
  missingReadinessProbe,
  missingLivenessProbe,
  ...WORKLOAD_RELIABILITY_RULES,
  ...CROSS_OBJECT_RULES,
  // RBAC and ConfigMap security, hygiene
  ...ACCESS_AND_HYGIENE_RULES,
];
