/**
 * What a release on the cluster writes, built as values (sending them is platform.ts's job):
 * which Deployment runs which version, the partial objects each server-side apply sends, and
 * the replica ratio that stands in for traffic weights when there is no Gateway API.
 *
 * Every write goes through server-side apply, and SSA removes a field from the live object
 * when the manager that applied it applies again without it. So each concern has its own field
 * manager and always sends the same fields: the replicas manager sends `spec.replicas` with the
 * requested count and the weights; the state manager sends the release annotation; the image
 * manager sends the container image. `gantry apply` (manager `gantry`) keeps everything else.
 * Pure: objects in, objects out.
 */
import { canarySplit } from '../../render/kubernetes/canary-split.ts';
import { imageVersion } from '../../render/kubernetes/labels.ts';
import { COLOUR_LABEL, TRACK_LABEL } from '../../render/kubernetes/names.ts';
import type { K8sObject } from '../../render/kubernetes/types.ts';
import { type ClusterRelease, encodeRelease, RELEASE_ANNOTATION } from './release-annotation.ts';

export const FIELD_MANAGERS = {
  replicas: 'gantry-release-replicas',
  state: 'gantry-release-state',
  image: 'gantry-release-image',
  route: 'gantry-release-route',
  /** The canary Deployment's body (everything but its replicas). */
  canary: 'gantry-release-canary',
  /** Blue-green: the Service's selector, moved from one colour to the other. */
  selector: 'gantry-release-selector',
} as const;

/** What the release engine asked for, kept beside the replica count the ratio turned it into. */
export const REQUESTED_ANNOTATION = 'gantry.dev/requested-replicas';
export const WEIGHT_ANNOTATION = 'gantry.dev/weight';
const VERSION_LABEL = 'app.kubernetes.io/version';

export interface DeploymentLike extends K8sObject {
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    template?: {
      metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
      spec?: { containers?: { name: string; image?: string }[] };
    };
    [key: string]: unknown;
  };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number };
}

/** The version a Deployment runs: its pods' version label, else its first container's image tag. */
export function deploymentVersion(deployment: DeploymentLike): string {
  const label = deployment.spec?.template?.metadata?.labels?.[VERSION_LABEL];
  return label ?? imageVersion(deployment.spec?.template?.spec?.containers?.[0]?.image);
}

/**
 * `ghcr.io/acme/api:1.0.0` at version 1.1.0 → `ghcr.io/acme/api:1.1.0` (a digest is dropped);
 * with the digest CI pushed and signed → `ghcr.io/acme/api:1.1.0@sha256:…`, which the kubelet
 * pulls by digest, so a tag moved after the signature cannot change what runs.
 */
export function imageAt(image: string, version: string, digest?: string): string {
  const repository = image.replace(/@sha256:[a-f0-9]+$/, '').replace(/:[^/:@]+$/, '');
  return `${repository}:${version}${digest ? `@${digest}` : ''}`;
}

/** The partial Deployment the replicas manager applies: the count, what was asked, the weight. */
export function replicasPatch(
  deployment: DeploymentLike,
  requested: number,
  replicas: number,
  weight: number,
): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: deployment.metadata.name,
      namespace: deployment.metadata.namespace ?? 'default',
      annotations: { [REQUESTED_ANNOTATION]: String(requested), [WEIGHT_ANNOTATION]: String(weight) },
    },
    spec: { replicas },
  } as K8sObject;
}

/**
 * The partial object the state manager applies: only the release annotation — on the stable
 * Deployment, or (blue-green, whose Deployments take turns) on the Service.
 */
export function releasePatch(
  holder: Pick<K8sObject, 'metadata'> & Partial<Pick<K8sObject, 'apiVersion' | 'kind'>>,
  release: ClusterRelease,
  /** The holder's resourceVersion as read: the API server then refuses (409) a write over a newer one. */
  resourceVersion?: string,
): K8sObject {
  return {
    apiVersion: holder.apiVersion ?? 'apps/v1',
    kind: holder.kind ?? 'Deployment',
    metadata: {
      name: holder.metadata.name,
      namespace: holder.metadata.namespace ?? 'default',
      ...(resourceVersion ? { resourceVersion } : {}),
      annotations: { [RELEASE_ANNOTATION]: encodeRelease(release) },
    },
  };
}

/** The partial Deployment the image manager applies: every container at the new version. */
export function imagePatch(deployment: DeploymentLike, version: string, digest?: string): K8sObject {
  const containers = deployment.spec?.template?.spec?.containers ?? [];
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: deployment.metadata.name, namespace: deployment.metadata.namespace ?? 'default' },
    spec: {
      template: {
        metadata: { labels: { [VERSION_LABEL]: version } },
        spec: {
          containers: containers.map((c) => ({
            name: c.name,
            image: imageAt(c.image ?? '', version, digest),
          })),
        },
      },
    },
  } as K8sObject;
}

export class ReleaseObjectError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/**
 * The canary Deployment `<service>-canary`: the stable one's pod spec at the new version, its
 * selector and pods told apart by `track: canary`. The stable Deployment must select on
 * `track: stable` (render with release.strategy canary), or its selector would also match the
 * canary's pods and the two controllers would fight over them.
 */
export function canaryDeployment(stable: DeploymentLike, version: string, digest?: string): K8sObject {
  const selector = stable.spec?.selector?.matchLabels ?? {};
  if (selector[TRACK_LABEL] !== 'stable')
    throw new ReleaseObjectError(
      `Deployment ${stable.metadata.name} does not select on ${TRACK_LABEL}: stable, so a canary beside it would share its pods`,
      'set release.strategy: canary for this service and run `gantry apply` first',
    );
  const template = stable.spec?.template ?? {};
  const track = { [TRACK_LABEL]: 'canary' };
  const { replicas: _, ...spec } = stable.spec ?? {};
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: `${stable.metadata.name}-canary`,
      namespace: stable.metadata.namespace ?? 'default',
      labels: { ...stable.metadata.labels, ...track, [VERSION_LABEL]: version },
    },
    spec: {
      ...spec,
      selector: { matchLabels: { ...selector, ...track } },
      template: {
        ...template,
        metadata: {
          ...template.metadata,
          labels: { ...template.metadata?.labels, ...track, [VERSION_LABEL]: version },
        },
        spec: {
          ...template.spec,
          containers: (template.spec?.containers ?? []).map((c) => ({
            ...c,
            image: imageAt(c.image ?? '', version, digest),
          })),
        },
      },
    },
  } as K8sObject;
}

/**
 * Replica ratio (no Gateway API): one Service selects both tracks, so a track's share of traffic
 * is its share of ready pods. The engine asks for the stable at full size beside the canary;
 * here the stable gives up as many pods as the canary has (canary-split.ts), and gets them back
 * when the canary's weight returns to 0.
 *   stable replicas = canarySplit(requested, canaryWeight).stable while 0 < canaryWeight < 100
 */
export function stableReplicasByRatio(requested: number, canaryWeight: number): number {
  if (canaryWeight <= 0) return requested;
  return canarySplit(requested, canaryWeight).stable;
}

/** Traffic share by ready pods, in %; by desired pods while none is ready. */
export function weightsByReplicas(
  versions: readonly { version: string; desired: number; ready: number }[],
): Record<string, number> {
  const ready = versions.reduce((sum, v) => sum + v.ready, 0);
  const count = (v: { desired: number; ready: number }) => (ready > 0 ? v.ready : v.desired);
  const total = versions.reduce((sum, v) => sum + count(v), 0);
  return Object.fromEntries(
    versions.map((v) => [v.version, total > 0 ? Math.round((count(v) / total) * 1000) / 10 : 0]),
  );
}

export { COLOUR_LABEL, TRACK_LABEL };
