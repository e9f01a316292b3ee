/** RBAC, ConfigMap and hygiene rules (deprecated APIs, namespaces, exposure, labels, pull policy). Registered in index.ts. */
import type { Rule } from '../rule.ts';
import { clusterAdminBinding } from './cluster-admin-binding.ts';
import { defaultNamespace } from './default-namespace.ts';
import { deprecatedApiVersion } from './deprecated-api-version.ts';
import { imagePullPolicyNotAlways } from './image-pull-policy-not-always.ts';
import { ingressWithoutTls } from './ingress-without-tls.ts';
import { missingNamespace } from './missing-namespace.ts';
import { missingRecommendedLabel } from './missing-recommended-label.ts';
import { rbacPodsExec } from './rbac-pods-exec.ts';
import { rbacSecretsAccess } from './rbac-secrets-access.ts';
import { rbacWildcard } from './rbac-wildcard.ts';
import { secretInConfigMap } from './secret-in-configmap.ts';
import { serviceExposed } from './service-exposed.ts';

export const ACCESS_AND_HYGIENE_RULES: readonly Rule[] = [
  // security
  secretInConfigMap,
  rbacWildcard,
  clusterAdminBinding,
  rbacPodsExec,
  rbacSecretsAccess,
  // hygiene
  deprecatedApiVersion,
  defaultNamespace,
  missingNamespace,
  ingressWithoutTls,
  serviceExposed,
  missingRecommendedLabel,
  // reliability
  imagePullPolicyNotAlways,
];
