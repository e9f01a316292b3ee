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
    return workload.containers.flatMap(({ container, name, path }) =>
      (Array.isArray(container.ports) ? container.ports : []).flatMap((port: unknown, index) =>
        isJson(port) && port.hostPort !== undefined && port.hostPort !== null && port.hostPort !== 0
          ? [
              {
                container: name,
                path: [...path, 'ports', index, 'hostPort'],
                message: `hostPort ${String(port.hostPort)} is set`,
              },
            ]
          : [],
      ),
    );
  },
};
