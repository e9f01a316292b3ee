/**
 * What every in-cluster backing service shares: its name and labels, the pod security
 * context of an image that runs as a fixed non-root user, the headless Service a
 * StatefulSet needs and a PodDisruptionBudget that never blocks every eviction.
 */
import type { BackingModel } from '../../../spec/model.ts';
import { formatMemory } from '../../../spec/units.ts';
import { acceptedFindings } from '../accepted-findings.ts';
import { labelValue } from '../labels.ts';
import type { K8sObject, RenderContext } from '../types.ts';

/** Storage a volume claim asks for when the spec does not say. */
export const DEFAULT_STORAGE = '10Gi';

/** `<app>-<backing name>`: the StatefulSet, its Service, PDB and CloudNativePG Cluster. */
export function backingName(ctx: RenderContext, backing: BackingModel): string {
  return `${ctx.model.app}-${backing.name}`;
}

/** The Secret the app and the database read their credentials from; the user creates it. */
export function credentialsSecretName(ctx: RenderContext, backing: BackingModel): string {
  return `${backingName(ctx, backing)}-credentials`;
}

/** Never change across versions: the StatefulSet and Service select on these. */
export function backingSelector(ctx: RenderContext, backing: BackingModel): Record<string, string> {
  return {
    'app.kubernetes.io/name': backing.name,
    'app.kubernetes.io/instance': backingName(ctx, backing),
  };
}

/**
 * The recommended labels; the NetworkPolicy of a service that `uses` this backing selects
 * its pods by `app.kubernetes.io/name` + `app.kubernetes.io/part-of`.
 */
export function backingLabels(
  ctx: RenderContext,
  backing: BackingModel,
  version: string,
): Record<string, string> {
  return {
    ...backingSelector(ctx, backing),
    'app.kubernetes.io/component': backing.kind,
    'app.kubernetes.io/part-of': ctx.model.app,
    'app.kubernetes.io/managed-by': 'gantry',
    'app.kubernetes.io/version': labelValue(version),
  };
}

export function metadata(ctx: RenderContext, backing: BackingModel, version: string): K8sObject['metadata'] {
  return {
    name: backingName(ctx, backing),
    namespace: ctx.namespace,
    labels: backingLabels(ctx, backing, version),
  };
}

export function storageSize(backing: BackingModel): string {
  return backing.storage === undefined ? DEFAULT_STORAGE : formatMemory(backing.storage);
}

/** Pod-level security for an image whose server runs as `uid` (the official images: 999). */
export function podSecurityContext(uid: number): Record<string, unknown> {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The Pod Security `restricted` profile for the container; the root filesystem is read-only. */
export function containerSecurityContext(): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'] },
  };
}

export function execProbe(command: string[], periodSeconds: number, failureThreshold: number) {
  return { exec: { command }, periodSeconds, timeoutSeconds: 5, failureThreshold };
}

/** A headless Service: stable DNS for the StatefulSet's pods (`<name>-0.<name>`) and for clients. */
export function headlessService(
  ctx: RenderContext,
  backing: BackingModel,
  version: string,
  port: { name: string; port: number },
): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: metadata(ctx, backing, version),
    spec: {
      clusterIP: 'None',
      selector: backingSelector(ctx, backing),
      ports: [{ name: port.name, port: port.port, targetPort: port.name, protocol: 'TCP' }],
    },
  };
}

/** Its own ServiceAccount without an API token, so the pod does not run as the namespace's default one. */
export function serviceAccount(ctx: RenderContext, backing: BackingModel, version: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: metadata(ctx, backing, version),
    automountServiceAccountToken: false,
  };
}

/** maxUnavailable 1: a node drain may move the pod (a short outage), never hangs forever. */
export function disruptionBudget(ctx: RenderContext, backing: BackingModel, version: string): K8sObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: metadata(ctx, backing, version),
    spec: { maxUnavailable: 1, selector: { matchLabels: backingSelector(ctx, backing) } },
  };
}

/** A volume claim template for the StatefulSet's data volume. */
export function dataClaim(backing: BackingModel): Record<string, unknown> {
  return {
    metadata: { name: 'data' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: storageSize(backing) } } },
  };
}

/** Warn when the spec asks for replicas a single StatefulSet pod cannot give. */
export function noteSingleReplica(ctx: RenderContext, backing: BackingModel, instead: string): void {
  if (backing.replicas <= 1) return;
  ctx.note({
    level: 'warning',
    message: `backing ${backing.name} (${backing.kind}): replicas: ${backing.replicas} renders one pod — independent copies would not replicate data; ${instead}`,
  });
}

/**
 * The StatefulSet both in-cluster backing kinds share: one replica with a data volume
 * claim, the recommended labels on its pods, its own service account without a token, and the image's
 * own non-root user. The caller supplies the container (and any extra pod fields).
 */
export function singleReplicaStatefulSet(
  ctx: RenderContext,
  backing: BackingModel,
  version: string,
  pod: { uid: number; container: Record<string, unknown>; extra?: Record<string, unknown> },
): K8sObject {
  const meta = metadata(ctx, backing, version);
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      ...meta,
      annotations: acceptedFindings({
        'single-replica':
          'one pod by design: replicas would not share data; use an operator or mode: managed',
      }),
    },
    spec: {
      serviceName: backingName(ctx, backing),
      replicas: 1,
      selector: { matchLabels: backingSelector(ctx, backing) },
      template: {
        metadata: { labels: { ...meta.labels } },
        spec: {
          serviceAccountName: backingName(ctx, backing),
          automountServiceAccountToken: false,
          securityContext: podSecurityContext(pod.uid),
          containers: [{ ...pod.container, securityContext: containerSecurityContext() }],
          ...pod.extra,
        },
      },
      volumeClaimTemplates: [dataClaim(backing)],
    },
  };
}

/**
 * Everything an in-cluster backing service renders: its StatefulSet, the headless Service in
 * front of it, a PodDisruptionBudget and its own ServiceAccount.
 */
export function singleReplicaBacking(
  ctx: RenderContext,
  backing: BackingModel,
  version: string,
  port: { name: string; port: number },
  statefulSet: K8sObject,
): K8sObject[] {
  return [
    statefulSet,
    headlessService(ctx, backing, version, port),
    disruptionBudget(ctx, backing, version),
    serviceAccount(ctx, backing, version),
  ];
}
