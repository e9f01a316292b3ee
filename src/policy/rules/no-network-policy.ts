import { formatLabels } from '../label-selector.ts';
import { isControlled, namespaceOf, objectSetOf, podLabelsOf } from '../object-set.ts';
import type { Rule } from '../rule.ts';

/**
 * A workload whose pods no NetworkPolicy selects, in a namespace where the set has NetworkPolicies:
 * someone isolates pods there, and these are left open to every pod in the cluster. A namespace
 * without policies is left alone (the input may not be where its policies live).
 */
export const noNetworkPolicy: Rule = {
  id: 'no-network-policy',
  severity: 'warning',
  category: 'security',
  title: 'Pods no NetworkPolicy selects',
  why: "Pods that no NetworkPolicy selects accept traffic from anywhere in the cluster, so a compromised pod elsewhere can reach them even though the namespace's other pods are isolated.",
  fix: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\nspec:\n  podSelector:\n    matchLabels: { app: web }\n  policyTypes: [Ingress]\n  ingress:\n    - from: [{ podSelector: { matchLabels: { app: frontend } } }]',
  docs: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
  aliases: { kubeScore: ['pod-networkpolicy'], polaris: ['missingNetworkPolicy'], checkov: ['CKV2_K8S_6'] },
  crossObject: true,
  check(object, context) {
    const labels = podLabelsOf(object);
    if (!labels || isControlled(object)) return [];
    const set = objectSetOf(context.objects);
    const namespace = namespaceOf(object);
    const policies = set.ofKind('NetworkPolicy', namespace);
    if (policies.length === 0) return [];
    if (set.isolatedByNetworkPolicy(object)) return [];
    const path =
      object.kind === 'Pod'
        ? ['metadata', 'labels']
        : object.kind === 'CronJob'
          ? ['spec', 'jobTemplate', 'spec', 'template', 'metadata', 'labels']
          : ['spec', 'template', 'metadata', 'labels'];
    return [
      {
        path,
        message: `none of the ${policies.length} NetworkPolicies in its namespace selects its pods (${formatLabels(labels)})`,
      },
    ];
  },
};
