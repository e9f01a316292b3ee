import type { Rule } from '../rule.ts';
import { field, workloadContainers } from '../workload.ts';

/**
 * kube-score's container-ephemeral-storage-request-and-limit. Opt-in here: the limit evicts a pod
 * whose logs, writable layer and emptyDir volumes together pass it, so it needs a number only the
 * team knows, and a guessed one turns a full /tmp into restarts (kube-score grades it critical).
 */
export const missingEphemeralStorage: Rule = {
  id: 'missing-ephemeral-storage',
  severity: 'warning',
  category: 'reliability',
  title: 'No ephemeral-storage request or limit',
  why: 'Without a request the scheduler ignores the disk a pod needs; without a limit one pod writing logs or temporary files can fill the node, which then evicts every pod on it (DiskPressure).',
  fix: 'resources:\n  requests: { ephemeral-storage: 256Mi }\n  limits: { ephemeral-storage: 1Gi }',
  docs: 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage',
  aliases: { kubeScore: ['container-ephemeral-storage-request-and-limit'] },
  optional: true,
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    return workload.containers.flatMap(({ container, name, path }) =>
      (['requests', 'limits'] as const)
        .filter((kind) => field(container.resources, kind, 'ephemeral-storage') == null)
        .map((kind) => ({
          container: name,
          path: [...path, 'resources', kind, 'ephemeral-storage'],
          message: `no ephemeral-storage ${kind === 'requests' ? 'request' : 'limit'}`,
        })),
    );
  },
};
