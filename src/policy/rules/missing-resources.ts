import type { Rule } from '../rule.ts';
import { field, workloadContainers } from '../workload.ts';

/** What the scheduler and the OOM killer need: cpu and memory requests, and a memory limit. */
const REQUIRED: ReadonlyArray<{ path: [string, string]; label: string }> = [
  { path: ['requests', 'cpu'], label: 'cpu request' },
  { path: ['requests', 'memory'], label: 'memory request' },
  { path: ['limits', 'memory'], label: 'memory limit' },
];

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
    return workload.containers.flatMap(({ container, name }) => {
      const missing = REQUIRED.filter(({ path }) => field(container.resources, ...path) === undefined);
      if (missing.length === 0) return [];
      return [{ container: name, message: `no ${missing.map((m) => m.label).join(', no ')}` }];
    });
  },
};
