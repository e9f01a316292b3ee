import type { Rule } from '../rule.ts';
import { field, workloadContainers } from '../workload.ts';

export const privilegeEscalationAllowed: Rule = {
  id: 'privilege-escalation-allowed',
  severity: 'warning',
  category: 'security',
  title: 'Privilege escalation allowed',
  why: 'Unless allowPrivilegeEscalation is false, a process can gain more privileges than its parent (setuid binaries, no_new_privs unset).',
  fix: 'securityContext:\n  allowPrivilegeEscalation: false',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
  aliases: {
    // kube-score has no check for this field.
    kubeLinter: ['privilege-escalation-container'],
    polaris: ['privilegeEscalationAllowed'],
    checkov: ['CKV_K8S_20'],
  },
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    return workload.containers
      .filter(({ container }) => field(container, 'securityContext', 'allowPrivilegeEscalation') !== false)
      .map(({ name, path }) => ({
        container: name,
        path: [...path, 'securityContext', 'allowPrivilegeEscalation'],
        message: 'allowPrivilegeEscalation is not false',
      }));
  },
};
