import type { Rule } from '../rule.ts';
import { podSpecOf } from '../workload.ts';

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
    checkov: ['CKV_K8S_41'], // unsure: CKV_K8S_41/42 concern the default service account
  },
  check(object) {
    const podSpec = podSpecOf(object);
    if (!podSpec) return [];
    const account = podSpec.serviceAccountName ?? podSpec.serviceAccount;
    if (account === undefined || account === '') return [{ message: 'no serviceAccountName (uses default)' }];
    return account === 'default' ? [{ message: 'serviceAccountName is default' }] : [];
  },
};
