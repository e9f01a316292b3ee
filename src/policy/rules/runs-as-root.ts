import type { Rule } from '../rule.ts';
import { field, workloadContainers } from '../workload.ts';

/**
 * The container's effective user: its own securityContext wins over the pod's. Root when the
 * UID is 0, or when no UID is set and runAsNonRoot is not true (the image's USER decides, often root).
 */
export const runsAsRoot: Rule = {
  id: 'runs-as-root',
  severity: 'warning',
  category: 'security',
  title: 'Container may run as root',
  why: 'Root in a container is root on the node once anything breaks out, and can write wherever the filesystem allows.',
  fix: 'securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001',
  docs: 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
  aliases: {
    // kube-score has no root check of its own; this one wants UID and GID >= 10000 (stricter).
    kubeScore: ['container-security-context-user-group-id'],
    kubeLinter: ['run-as-non-root'],
    polaris: ['runAsRootAllowed'],
    // Not CKV_K8S_40 (UID >= 10000) or CKV_K8S_6 (PodSecurityPolicy objects).
    checkov: ['CKV_K8S_23'],
  },
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    const pod = field(workload.podSpec, 'securityContext');
    return workload.containers.flatMap(({ container, name, path }) => {
      const own = field(container, 'securityContext');
      const user = field(own, 'runAsUser') ?? field(pod, 'runAsUser');
      const nonRoot = field(own, 'runAsNonRoot') ?? field(pod, 'runAsNonRoot');
      if (user === 0) {
        const where =
          field(own, 'runAsUser') === 0
            ? [...path, 'securityContext']
            : [...workload.path, 'securityContext'];
        return [{ container: name, path: [...where, 'runAsUser'], message: 'runs as root (runAsUser: 0)' }];
      }
      if (typeof user === 'number' || nonRoot === true) return [];
      return [
        {
          container: name,
          path: [...path, 'securityContext', 'runAsNonRoot'],
          message: 'may run as root: runAsNonRoot is not true and no runAsUser is set',
        },
      ];
    });
  },
};
