import type { Rule } from '../rule.ts';
import { field, workloadContainers } from '../workload.ts';

export const privilegedContainer: Rule = {
  id: 'privileged-container',
  severity: 'error',
  category: 'security',
  title: 'Privileged container',
  why: 'A privileged container has every capability and the host devices: escaping it is escaping to the node.',
  fix: 'securityContext:\n  privileged: false',
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  aliases: {
    kubeScore: ['container-security-context-privileged'],
    kubeLinter: ['privileged-container'],
    polaris: ['runAsPrivileged'],
    checkov: ['CKV_K8S_16'],
  },
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    return workload.containers
      .filter(({ container }) => field(container, 'securityContext', 'privileged') === true)
      .map(({ name, path }) => ({
        container: name,
        path: [...path, 'securityContext', 'privileged'],
        message: 'runs privileged (securityContext.privileged: true)',
      }));
  },
};
