import type { Rule } from '../rule.ts';
import { field } from '../workload.ts';

/** Built-in namespaced kinds; cluster-scoped kinds and custom resources are left alone. */
export const NAMESPACED_KINDS: readonly string[] = [
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'Service',
  'Endpoints',
  'EndpointSlice',
  'Ingress',
  'NetworkPolicy',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'PersistentVolumeClaim',
  'PodDisruptionBudget',
  'HorizontalPodAutoscaler',
  'LimitRange',
  'ResourceQuota',
  'PodTemplate',
  'Lease',
];

/** Objects Kubernetes itself keeps in the default namespace. */
const BUILT_IN = new Set(['ServiceAccount/default', 'Service/kubernetes', 'Endpoints/kubernetes']);

/**
 * Only an explicit `namespace: default` fires. A missing namespace does not: most repos leave it
 * to kustomize's `namespace:`, Helm's `--namespace` or `kubectl -n`, so firing on it would flag
 * nearly every file while saying nothing about where the object will land. (Checkov's
 * CKV_K8S_21 and kube-linter's use-namespace fire on a missing namespace too.)
 */
export const defaultNamespace: Rule = {
  id: 'default-namespace',
  severity: 'warning',
  category: 'hygiene',
  title: 'Object in the default namespace',
  why: 'The default namespace is shared by everything nobody placed elsewhere: quotas, RBAC and NetworkPolicies written for one app end up applying to all of them, and `namespace: default` also pins the object there against `kubectl -n`.',
  fix: 'metadata:\n  name: web\n  namespace: shop   # or leave it out and set it in kustomization.yaml',
  docs: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/',
  aliases: {
    kubeLinter: ['use-namespace'],
    checkov: ['CKV_K8S_21'],
  },
  check(object) {
    if (!NAMESPACED_KINDS.includes(object.kind)) return [];
    if (field(object, 'metadata', 'namespace') !== 'default') return [];
    if (BUILT_IN.has(`${object.kind}/${String(field(object, 'metadata', 'name'))}`)) return [];
    return [{ path: ['metadata', 'namespace'], message: 'metadata.namespace is default' }];
  },
};
