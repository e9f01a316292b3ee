/**
 * The kinds `gantry apply` knows (the order: render/kubernetes/kind-order.ts): which it may prune, and
 * what to install in the cluster when a custom resource's API is missing.
 */
import { CNPG_INSTALL_HINT } from '../../render/kubernetes/backing/postgres-ha.ts';

export interface KindRef {
  apiVersion: string;
  kind: string;
}

/**
 * Every namespaced kind the renderer writes, listed for `--prune`. The Namespace is left out on
 * purpose: deleting it would delete everything in it, Gantry's or not.
 */
export const PRUNABLE_KINDS: readonly KindRef[] = [
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' },
];

/** What serves each custom resource API group the renderer may use. */
const CRD_INSTALL: Record<string, { what: string; how: string }> = {
  'gateway.networking.k8s.io': {
    what: 'the Gateway API CRDs and a Gateway controller',
    how: 'kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/latest/download/standard-install.yaml, then install a Gateway implementation (https://gateway-api.sigs.k8s.io/implementations/); or render canaries by replica ratio (no --traffic gateway)',
  },
  'external-secrets.io': {
    what: 'the External Secrets Operator',
    how: 'helm repo add external-secrets https://charts.external-secrets.io && helm upgrade --install external-secrets external-secrets/external-secrets -n external-secrets --create-namespace',
  },
  'postgresql.cnpg.io': { what: 'the CloudNativePG operator', how: CNPG_INSTALL_HINT },
};

export function apiGroup(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

/** How to install the API that serves this kind, when it is a custom resource Gantry knows. */
export function crdInstallHint(apiVersion: string): { what: string; how: string } | undefined {
  return CRD_INSTALL[apiGroup(apiVersion)];
}

/** `Deployment shop/api`: how messages name an object. */
export function describeObject(object: {
  kind: string;
  metadata: { name: string; namespace?: string };
}): string {
  const where = object.metadata.namespace ? `${object.metadata.namespace}/` : '';
  return `${object.kind} ${where}${object.metadata.name}`;
}
