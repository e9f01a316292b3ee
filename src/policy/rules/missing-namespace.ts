import type { Rule } from '../rule.ts';
import { field } from '../workload.ts';
import { NAMESPACED_KINDS } from './default-namespace.ts';

/**
 * A namespaced object without `metadata.namespace`. Info: most repositories leave the namespace to
 * `kubectl -n`, Kustomize's `namespace:` or Helm's `--namespace`, which is fine when that is the
 * plan; the finding makes sure it is one (Checkov's CKV_K8S_21 and kube-linter's use-namespace
 * fire here too). An explicit `namespace: default` is default-namespace's.
 */
export const missingNamespace: Rule = {
  id: 'missing-namespace',
  severity: 'info',
  category: 'hygiene',
  title: 'Namespace not set',
  why: 'Without metadata.namespace the object lands wherever the applying context points, often `default`, where it shares quotas, RBAC and NetworkPolicies with everything nobody placed elsewhere.',
  fix: 'metadata:\n  name: web\n  namespace: shop   # or set it once in kustomization.yaml (namespace: shop)',
  docs: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/',
  aliases: { kubeLinter: ['use-namespace'], checkov: ['CKV_K8S_21'] },
  check(object) {
    if (!NAMESPACED_KINDS.includes(object.kind)) return [];
    const namespace = field(object, 'metadata', 'namespace');
    if (namespace !== undefined && namespace !== null && namespace !== '') return [];
    return [
      {
        path: ['metadata', 'namespace'],
        message: 'metadata.namespace is not set: it goes where kubectl points',
      },
    ];
  },
};
