import type { Rule } from '../rule.ts';
import { podSpecOf, podSpecPath } from '../workload.ts';

export const defaultServiceAccount: Rule = {
  id: 'default-service-account',
  severity: 'warning',
  category: 'security',
  title: 'Default ServiceAccount',
  why: "Pods on the namespace's default ServiceAccount share its identity and whatever RBAC anyone bound to it; give each workload its own account with only the permissions it needs.",
  fix: 'serviceAccountName: web # a ServiceAccount of its own',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/',
  aliases: {
    kubeLinter: ['default-service-account'],
    // Not Checkov's CKV_K8S_41/42: they look at the ServiceAccount named default and at bindings to it, not at pods.
  },
  check(object) {
    const podSpec = podSpecOf(object);
    if (!podSpec) return [];
    const account = podSpec.serviceAccountName ?? podSpec.serviceAccount;
    const key =
      podSpec.serviceAccountName === undefined && podSpec.serviceAccount !== undefined
        ? 'serviceAccount'
        : 'serviceAccountName';
    const path = [...podSpecPath(object)!, key];
    if (account === undefined || account === '')
      return [{ path, message: 'no serviceAccountName (uses default)' }];
    return account === 'default' ? [{ path, message: 'serviceAccountName is default' }] : [];
  },
};
