import type { Rule } from '../rule.ts';
import { field, workloadContainers } from '../workload.ts';

export const readOnlyRootFilesystem: Rule = {
  id: 'read-only-root-filesystem',
  severity: 'warning',
  category: 'security',
  title: 'Writable root filesystem',
  why: 'A writable root filesystem lets an attacker drop binaries and change the image at run time; mount an emptyDir for the paths that must be writable.',
  fix: 'securityContext:\n  readOnlyRootFilesystem: true',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
  aliases: {
    kubeScore: ['container-security-context-readonlyrootfilesystem'],
    kubeLinter: ['no-read-only-root-fs'],
    polaris: ['notReadOnlyRootFilesystem'],
    checkov: ['CKV_K8S_22'],
  },
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    return workload.containers
      .filter(({ container }) => field(container, 'securityContext', 'readOnlyRootFilesystem') !== true)
      .map(({ name, path }) => ({
        container: name,
        path: [...path, 'securityContext', 'readOnlyRootFilesystem'],
        message: 'readOnlyRootFilesystem is not true',
      }));
  },
};
