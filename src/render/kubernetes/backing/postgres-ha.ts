/**
 * PostgreSQL with `ha: true`: a CloudNativePG `Cluster` (primary + streaming replicas,
 * failover, its own PodDisruptionBudgets and Services `<name>-rw`/`-ro`). Gantry does not
 * hand-roll replication; the operator must be installed, and the output says so.
 */
import type { BackingModel } from '../../../spec/model.ts';
import { pinnedVersion } from '../../images.ts';
import type { K8sObject, RenderContext } from '../types.ts';
import {
  backingLabels,
  backingName,
  backingSelector,
  credentialsSecretName,
  metadata,
  storageSize,
} from './common.ts';
import { databaseName, POSTGRES_DEFAULT_VERSION } from './postgres.ts';

export const CNPG_INSTALL_HINT =
  'helm repo add cnpg https://cloudnative-pg.github.io/charts && helm upgrade --install cnpg --namespace cnpg-system --create-namespace cnpg/cloudnative-pg (https://cloudnative-pg.io/documentation/current/installation_upgrade/)';

export function renderPostgresCluster(ctx: RenderContext, backing: BackingModel): K8sObject[] {
  const version = backing.version ?? POSTGRES_DEFAULT_VERSION;
  const name = backingName(ctx, backing);
  const secret = credentialsSecretName(ctx, backing);
  ctx.note({
    level: 'warning',
    message: `backing ${backing.name} (postgres, ha): rendered as a CloudNativePG Cluster ${name}; the CloudNativePG operator must be installed in the cluster: ${CNPG_INSTALL_HINT}`,
  });
  ctx.note({
    level: 'info',
    message: `backing ${backing.name}: create Secret ${secret} (type kubernetes.io/basic-auth, username ${databaseName(ctx)}) before applying; clients connect to Service ${name}-rw; no backup section is rendered — add spec.backup (object store or volume snapshots) for point-in-time recovery`,
  });
  return [
    {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Cluster',
      metadata: metadata(ctx, backing, version),
      spec: {
        instances: Math.max(2, backing.replicas),
        imageName: `ghcr.io/cloudnative-pg/postgresql:${pinnedVersion('postgres', version)}`,
        // The operator copies these onto every pod, so NetworkPolicies select them like the others.
        inheritedMetadata: { labels: backingLabels(ctx, backing, version) },
        storage: { size: storageSize(backing) },
        bootstrap: {
          initdb: { database: databaseName(ctx), owner: databaseName(ctx), secret: { name: secret } },
        },
      },
    },
    operatorTraffic(ctx, backing, version),
  ];
}

/** CloudNativePG's own namespace (the default of its install); its operator talks to every instance. */
export const CNPG_OPERATOR_NAMESPACE = 'cnpg-system';

/**
 * The app's default-deny policy covers these pods too, and a CloudNativePG cluster needs
 * more than its clients: instances replicate to each other (5432) and serve status (8000)
 * to the operator, and each instance talks to the Kubernetes API (443/6443) and DNS.
 */
function operatorTraffic(ctx: RenderContext, backing: BackingModel, version: string): K8sObject {
  const self = { podSelector: { matchLabels: backingSelector(ctx, backing) } };
  const operator = {
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': CNPG_OPERATOR_NAMESPACE } },
  };
  const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: 'TCP', port }));
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { ...metadata(ctx, backing, version), name: `${backingName(ctx, backing)}-cluster` },
    spec: {
      podSelector: { matchLabels: backingSelector(ctx, backing) },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [self, operator], ports: tcp(5432, 8000) }],
      egress: [
        { to: [self], ports: tcp(5432, 8000) },
        { ports: tcp(443, 6443) },
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    },
  };
}
