import type { Rule } from '../rule.ts';
import { isJson, workloadContainers } from '../workload.ts';

export const hostPort: Rule = {
  id: 'host-port',
  severity: 'warning',
  category: 'security',
  title: 'hostPort set',
  why: 'A hostPort opens the port on the node itself, bypassing network policies, and limits where the pod can be scheduled (one per node per port); use a Service instead.',
  fix: 'ports:\n  - containerPort: 8080 # no hostPort; expose it with a Service',
  docs: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
  aliases: {
    // kube-linter has no hostPort check (privileged-ports looks at containerPort < 1024).
    polaris: ['hostPortSet'],
    checkov: ['CKV_K8S_26'],
  },
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    return workload.containers.flatMap(({ container, name }) =>
      (Array.isArray(container.ports) ? container.ports : [])
        .filter(isJson)
        .filter((port) => port.hostPort !== undefined && port.hostPort !== null && port.hostPort !== 0)
        .map((port) => ({ container: name, message: `hostPort ${String(port.hostPort)} is set` })),
    );
  },
};
