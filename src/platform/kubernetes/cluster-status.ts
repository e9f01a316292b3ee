/**
 * `gantry status --env prod` from what the API returned: per service its Deployments (the stable
 * one and any `-canary`/colour beside it, found by the `app.kubernetes.io/name` label), pods,
 * HPA and recent Warning events. Pure: the CLI lists the objects and passes `now`.
 *
 * A version is the pod template's `app.kubernetes.io/version` label, else the first container's
 * image tag — what `gantry render` writes. Ready/desired sum the Deployments (spec.replicas,
 * status.readyReplicas); restarts sum the containers' restartCount of the service's pods.
 */
import { imageVersion } from '../../render/kubernetes/labels.ts';

const NAME = 'app.kubernetes.io/name';
const VERSION = 'app.kubernetes.io/version';

export interface ObjectLike {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string | Date };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export interface EventObject {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string | Date | null;
  eventTime?: string | Date | null;
  involvedObject?: { kind?: string; name?: string };
}

export interface ClusterVersion {
  version: string;
  deployment: string;
  desired: number;
  ready: number;
}

export interface ClusterAutoscale {
  minReplicas: number;
  maxReplicas: number;
  currentReplicas: number;
  desiredReplicas: number;
  /** `cpu 45%/70%` per metric the HPA reports; `?` before metrics-server answers. */
  metrics: string;
  /** The reason of the HPA's ScalingActive/AbleToScale condition that explains the state. */
  reason: string;
}

/** One pod, as `gantry status --replicas` lists it (the local platform lists replicas). */
export interface ClusterPod {
  name: string;
  version: string;
  node: string | null;
  /** What `kubectl get pods` shows as STATUS: a waiting or terminated reason, Terminating, or the phase. */
  state: string;
  ready: boolean;
  restarts: number;
}

export interface ClusterServiceStatus {
  name: string;
  version: string | null;
  versions: ClusterVersion[];
  replicas: { desired: number; ready: number };
  restarts: number;
  pods: ClusterPod[];
  autoscale?: ClusterAutoscale;
}

export interface ClusterWarning {
  object: string;
  reason: string;
  message: string;
  count: number;
  /** ISO time of the last occurrence. */
  lastSeen: string | null;
}

export interface ClusterStatus {
  app: string;
  environment: string;
  context: string;
  namespace: string;
  services: ClusterServiceStatus[];
  warnings: ClusterWarning[];
}

export interface ClusterObservation {
  deployments: readonly ObjectLike[];
  pods: readonly ObjectLike[];
  hpas: readonly ObjectLike[];
  events: readonly EventObject[];
}

/** How far back "recent" Warning events go, as `kubectl get events` shows them by default (1 h TTL). */
export const RECENT_WARNINGS_MS = 60 * 60 * 1000;

export function clusterStatus(
  where: { app: string; environment: string; context: string; namespace: string },
  services: readonly string[],
  observed: ClusterObservation,
  now: number,
): ClusterStatus {
  return {
    ...where,
    services: services.map((name) => serviceStatus(name, observed)),
    warnings: recentWarnings(observed.events, now),
  };
}

function serviceStatus(name: string, observed: ClusterObservation): ClusterServiceStatus {
  const deployments = observed.deployments.filter((d) => d.metadata.labels?.[NAME] === name);
  const versions = deployments
    .map((d) => ({
      version: versionOf(d),
      deployment: d.metadata.name,
      desired: num(d.spec?.replicas, 1),
      ready: num(d.status?.readyReplicas, 0),
    }))
    .filter((v) => v.desired > 0 || v.ready > 0 || deployments.length === 1);
  const main = [...versions].sort((a, b) => b.desired - a.desired)[0];
  const pods = observed.pods
    .filter((p) => p.metadata.labels?.[NAME] === name)
    .map(podOf)
    .sort((a, b) => a.name.localeCompare(b.name));
  const restarts = pods.reduce((sum, pod) => sum + pod.restarts, 0);
  const hpa = observed.hpas.find(
    (h) => (h.spec?.scaleTargetRef as { name?: string } | undefined)?.name === name,
  );
  return {
    name,
    version: main?.version ?? null,
    versions,
    replicas: {
      desired: versions.reduce((sum, v) => sum + v.desired, 0),
      ready: versions.reduce((sum, v) => sum + v.ready, 0),
    },
    restarts,
    pods,
    ...(hpa ? { autoscale: autoscaleOf(hpa) } : {}),
  };
}

interface ContainerStatusLike {
  ready?: boolean;
  restartCount?: number;
  state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
}

function podOf(pod: ObjectLike): ClusterPod {
  const status = (pod.status ?? {}) as {
    phase?: string;
    containerStatuses?: ContainerStatusLike[];
    conditions?: { type: string; status: string }[];
  };
  const containers = status.containerStatuses ?? [];
  // The first container that is not running says why, as kubectl's STATUS column does.
  const reason = containers
    .map((c) => c.state?.waiting?.reason ?? c.state?.terminated?.reason)
    .find((r) => r !== undefined);
  const spec = (pod.spec ?? {}) as { nodeName?: string; containers?: { image?: string }[] };
  return {
    name: pod.metadata.name,
    version: pod.metadata.labels?.[VERSION] ?? imageVersion(spec.containers?.[0]?.image),
    node: spec.nodeName ?? null,
    state: pod.metadata.deletionTimestamp ? 'Terminating' : (reason ?? status.phase ?? 'Unknown'),
    ready: status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    restarts: containers.reduce((sum, c) => sum + (c.restartCount ?? 0), 0),
  };
}

function versionOf(deployment: ObjectLike): string {
  const template = deployment.spec?.template as
    | { metadata?: { labels?: Record<string, string> }; spec?: { containers?: { image?: string }[] } }
    | undefined;
  return (
    template?.metadata?.labels?.[VERSION] ??
    deployment.metadata.labels?.[VERSION] ??
    imageVersion(template?.spec?.containers?.[0]?.image)
  );
}

interface MetricTarget {
  type?: string;
  averageUtilization?: number;
  averageValue?: string;
  value?: string;
}
interface MetricSpecLike {
  type?: string;
  resource?: { name?: string; target?: MetricTarget };
  pods?: { metric?: { name?: string }; target?: MetricTarget };
  object?: { metric?: { name?: string }; target?: MetricTarget };
  external?: { metric?: { name?: string }; target?: MetricTarget };
}
interface MetricCurrent {
  averageUtilization?: number;
  averageValue?: string;
  value?: string;
}
interface MetricStatusLike {
  type?: string;
  resource?: { name?: string; current?: MetricCurrent };
  pods?: { metric?: { name?: string }; current?: MetricCurrent };
  object?: { metric?: { name?: string }; current?: MetricCurrent };
  external?: { metric?: { name?: string }; current?: MetricCurrent };
}

function autoscaleOf(hpa: ObjectLike): ClusterAutoscale {
  const spec = (hpa.spec ?? {}) as { minReplicas?: number; maxReplicas?: number; metrics?: MetricSpecLike[] };
  const status = (hpa.status ?? {}) as {
    currentReplicas?: number;
    desiredReplicas?: number;
    currentMetrics?: MetricStatusLike[];
    conditions?: { type: string; status: string; reason?: string }[];
  };
  const metrics = (spec.metrics ?? []).map((metric) => {
    const { name, target } = metricPart(metric);
    const current = (status.currentMetrics ?? [])
      .map((m) => ({ name: metricPart(m).name, value: metricPart(m).current }))
      .find((m) => m.name === name)?.value;
    return `${name} ${current ? quantity(current) : '?'}/${target ? quantity(target) : '?'}`;
  });
  // A failing condition says why the HPA cannot act; otherwise ScalingLimited, else ScalingActive.
  const conditions = status.conditions ?? [];
  const failing = conditions.find((c) => c.status === 'False' && c.type !== 'ScalingLimited');
  const limited = conditions.find((c) => c.type === 'ScalingLimited' && c.status === 'True');
  const active = conditions.find((c) => c.type === 'ScalingActive');
  return {
    minReplicas: spec.minReplicas ?? 1,
    maxReplicas: spec.maxReplicas ?? 1,
    currentReplicas: status.currentReplicas ?? 0,
    desiredReplicas: status.desiredReplicas ?? 0,
    metrics: metrics.join(', '),
    reason: (failing ?? limited ?? active)?.reason ?? '-',
  };
}

function metricPart(metric: MetricSpecLike & MetricStatusLike): {
  name: string;
  target?: MetricTarget;
  current?: MetricCurrent;
} {
  const source = metric.resource ?? metric.pods ?? metric.object ?? metric.external;
  const name =
    metric.resource?.name ??
    (source as { metric?: { name?: string } } | undefined)?.metric?.name ??
    metric.type ??
    '?';
  return {
    name,
    ...(source && 'target' in source && source.target ? { target: source.target } : {}),
    ...(source && 'current' in source && source.current ? { current: source.current } : {}),
  };
}

function quantity(value: MetricCurrent): string {
  if (value.averageUtilization !== undefined) return `${value.averageUtilization}%`;
  return value.averageValue ?? value.value ?? '?';
}

function recentWarnings(events: readonly EventObject[], now: number): ClusterWarning[] {
  return events
    .filter((e) => e.type === 'Warning')
    .map((e) => {
      const at = e.lastTimestamp ?? e.eventTime ?? null;
      const time = at === null ? null : new Date(at).getTime();
      return { e, time };
    })
    .filter(({ time }) => time === null || now - time <= RECENT_WARNINGS_MS)
    .sort((a, b) => (b.time ?? 0) - (a.time ?? 0))
    .map(({ e, time }) => ({
      object: `${e.involvedObject?.kind ?? '?'}/${e.involvedObject?.name ?? '?'}`,
      reason: e.reason ?? '',
      message: (e.message ?? '').trim(),
      count: e.count ?? 1,
      lastSeen: time === null ? null : new Date(time).toISOString(),
    }));
}

const num = (value: unknown, fallback: number) => (typeof value === 'number' ? value : fallback);
