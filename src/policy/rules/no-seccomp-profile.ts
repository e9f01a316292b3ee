import type { Rule } from '../rule.ts';
import { field, workloadContainers } from '../workload.ts';

const CONFINED = ['RuntimeDefault', 'Localhost'];

/** The container's own seccompProfile wins over the pod's, as the kubelet applies them. */
export const noSeccompProfile: Rule = {
  id: 'no-seccomp-profile',
  severity: 'warning',
  category: 'security',
  title: 'No seccomp profile',
  why: 'Without a seccomp profile the container may call every syscall, including the rarely used ones most kernel exploits go through; RuntimeDefault blocks them at no cost to most apps.',
  fix: 'securityContext:\n  seccompProfile:\n    type: RuntimeDefault',
  docs: 'https://kubernetes.io/docs/tutorials/security/seccomp/',
  aliases: {
    // Optional in kube-score, and it reads only the old seccomp.security.alpha.kubernetes.io annotation.
    kubeScore: ['container-seccomp-profile'],
    checkov: ['CKV_K8S_31'], // CKV_K8S_32 is the PodSecurityPolicy variant
  },
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    const pod = field(workload.podSpec, 'securityContext', 'seccompProfile', 'type');
    return workload.containers.flatMap(({ container, name, path }) => {
      const own = field(container, 'securityContext', 'seccompProfile', 'type');
      const type = own ?? pod;
      if (typeof type === 'string' && CONFINED.includes(type)) return [];
      const message =
        type === undefined
          ? 'no seccompProfile (pod or container)'
          : `seccompProfile.type is ${String(type)}, not RuntimeDefault or Localhost`;
      const where = own === undefined && pod !== undefined ? workload.path : path;
      return [{ container: name, path: [...where, 'securityContext', 'seccompProfile', 'type'], message }];
    });
  },
};
