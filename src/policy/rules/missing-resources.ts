import type { Aliases, Rule, Violation } from '../rule.ts';
import { field, workloadContainers } from '../workload.ts';

/**
 * What the scheduler and the OOM killer need: cpu and memory requests, and a memory limit. Read as
 * Kubernetes defaults them: a request left out takes the limit's value (a container with limits
 * only has requests equal to them), so only a request with no limit to copy is missing. Each
 * missing value is its own finding, with the other tools' check for that value alone.
 */
const REQUIRED: readonly {
  path: [string, string];
  label: string;
  defaultsFrom?: [string, string];
  aliases: Aliases;
}[] = [
  {
    path: ['requests', 'cpu'],
    label: 'cpu request',
    defaultsFrom: ['limits', 'cpu'],
    aliases: {
      kubeScore: ['container-resources'],
      kubeLinter: ['unset-cpu-requirements'],
      polaris: ['cpuRequestsMissing'],
      checkov: ['CKV_K8S_10'],
    },
  },
  {
    path: ['requests', 'memory'],
    label: 'memory request',
    defaultsFrom: ['limits', 'memory'],
    aliases: {
      kubeScore: ['container-resources'],
      kubeLinter: ['unset-memory-requirements'],
      polaris: ['memoryRequestsMissing'],
      checkov: ['CKV_K8S_12'],
    },
  },
  {
    path: ['limits', 'memory'],
    label: 'memory limit',
    aliases: {
      kubeScore: ['container-resources'],
      kubeLinter: ['unset-memory-requirements'],
      polaris: ['memoryLimitsMissing'],
      checkov: ['CKV_K8S_13'],
    },
  },
];

const isSet = (value: unknown) => value !== undefined && value !== null;

export const missingResources: Rule = {
  id: 'missing-resources',
  severity: 'warning',
  category: 'reliability',
  title: 'Missing CPU/memory requests or memory limit',
  why: 'Without requests the scheduler packs pods blindly and they are evicted first; without a memory limit one leak can take the node down.',
  fix: 'resources:\n  requests: { cpu: 100m, memory: 128Mi }\n  limits: { memory: 256Mi }',
  docs: 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
  aliases: {
    kubeScore: ['container-resources'],
    kubeLinter: ['unset-cpu-requirements', 'unset-memory-requirements'],
    polaris: ['cpuRequestsMissing', 'memoryRequestsMissing', 'memoryLimitsMissing'],
    checkov: ['CKV_K8S_10', 'CKV_K8S_12', 'CKV_K8S_13'],
  },
  check(object) {
    const workload = workloadContainers(object);
    if (!workload) return [];
    return workload.containers.flatMap(({ container, name, path }) =>
      REQUIRED.filter(
        (required) =>
          !isSet(field(container.resources, ...required.path)) &&
          !(required.defaultsFrom && isSet(field(container.resources, ...required.defaultsFrom))),
      ).map(
        (required): Violation => ({
          container: name,
          path: [...path, 'resources', ...required.path],
          message: `no ${required.label}`,
          aliases: required.aliases,
        }),
      ),
    );
  },
};
