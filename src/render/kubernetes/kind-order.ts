/**
 * The one order of kinds: what others depend on first. `gantry render` writes objects in it,
 * `gantry apply` applies them in it, `gantry delete` deletes in reverse. ExternalSecret comes
 * right after ConfigMap and Secret since it produces Secrets; a CloudNativePG Cluster is a
 * backing database like the StatefulSets, so it starts before the Services and Deployments that
 * connect to it. Kinds not listed go last.
 */
export const KIND_ORDER = [
  'Namespace',
  'ServiceAccount',
  'ConfigMap',
  'Secret',
  'ExternalSecret',
  'StatefulSet',
  'Cluster',
  'Service',
  'Deployment',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'NetworkPolicy',
  'Ingress',
  'HTTPRoute',
  'PodMonitor',
  'PrometheusRule',
] as const;

/** Where a kind stands in KIND_ORDER; every kind not listed after all that are. */
export function kindRank(kind: string): number {
  const rank = (KIND_ORDER as readonly string[]).indexOf(kind);
  return rank === -1 ? KIND_ORDER.length : rank;
}
