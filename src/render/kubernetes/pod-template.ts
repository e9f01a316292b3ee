/**
 * The pod template every Deployment of a service shares: one container with the image,
 * its environment (plain values from the ConfigMap, secrets only by reference), the three
 * probes, resources, a graceful shutdown, placement, and the Pod Security `restricted`
 * profile (non-root, no privilege escalation, no capabilities, RuntimeDefault seccomp,
 * read-only root filesystem with a writable emptyDir at /tmp).
 */

import { urlVariable } from '../../spec/connection.ts';
import type { ServiceModel } from '../../spec/model.ts';
import type { ProbeSpec } from '../../spec/schema.ts';
import { formatCpu, formatMemory } from '../../spec/units.ts';
import { backingEnv } from './backing/connection.ts';
import { imageVersion, labels } from './labels.ts';
import { metricsPortName } from './monitoring.ts';
import { configMapName, podSelector, secretName, serviceAccountName } from './names.ts';
import type { RenderContext } from './types.ts';

/** The non-root user and group every container runs as (any non-zero id satisfies `restricted`). */
export const RUN_AS_ID = 10001;
export const HTTP_PORT_NAME = 'http';
const TMP_VOLUME = 'tmp';

export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
}

/**
 * @param variant labels that tell this Deployment's pods apart (`version: blue`, `track: canary`);
 *   they are added to the pod labels and to the topology spread selector.
 */
export function renderPodTemplate(
  ctx: RenderContext,
  service: ServiceModel,
  variant: Record<string, string> = {},
): PodTemplate {
  const config = configData(service);
  return {
    metadata: {
      labels: { ...labels(ctx, service.name, imageVersion(service.image)), ...variant },
      // A changed ConfigMap rolls the pods, as a changed image does.
      ...(config ? { annotations: { 'gantry.dev/config-hash': fnv1a(JSON.stringify(config)) } } : {}),
    },
    spec: {
      serviceAccountName: serviceAccountName(service),
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: RUN_AS_ID,
        runAsGroup: RUN_AS_ID,
        fsGroup: RUN_AS_ID,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      // Kubernetes counts the grace period from the start of preStop; ours starts at SIGTERM.
      terminationGracePeriodSeconds: service.shutdown.preStopSeconds + service.shutdown.gracePeriodSeconds,
      containers: [container(ctx, service)],
      volumes: [{ name: TMP_VOLUME, emptyDir: {} }],
      ...placement(ctx, service, variant),
    },
  };
}

/** The ConfigMap data: the spec's env with sorted keys, or undefined when there is none. */
export function configData(service: ServiceModel): Record<string, string> | undefined {
  const keys = Object.keys(service.env).sort();
  if (keys.length === 0) return undefined;
  return Object.fromEntries(keys.map((key) => [key, service.env[key]!]));
}

function container(ctx: RenderContext, service: ServiceModel): Record<string, unknown> {
  const { liveness, readiness, startup } = service.health;
  const preStop = service.shutdown.preStopSeconds;
  return {
    name: service.name,
    image: service.image,
    // Always re-resolves the tag on each start (cached layers are reused): pull secrets are checked every time.
    imagePullPolicy: 'Always',
    ...(containerPorts(service).length > 0 ? { ports: containerPorts(service) } : {}),
    env: env(ctx, service),
    ...(configData(service) ? { envFrom: [{ configMapRef: { name: configMapName(service) } }] } : {}),
    ...(startup ? { startupProbe: probe(startup) } : {}),
    ...(liveness ? { livenessProbe: probe(liveness) } : {}),
    ...(readiness ? { readinessProbe: probe(readiness) } : {}),
    ...resources(service),
    ...(preStop > 0 ? { lifecycle: { preStop: { exec: { command: ['sleep', String(preStop)] } } } } : {}),
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
    },
    volumeMounts: [{ name: TMP_VOLUME, mountPath: '/tmp' }],
  };
}

function containerPorts(service: ServiceModel): Record<string, unknown>[] {
  const declared =
    service.port === undefined
      ? []
      : [
          { name: HTTP_PORT_NAME, containerPort: service.port, protocol: 'TCP' },
          ...(service.ports ?? []).map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' })),
        ];
  // The port metrics are served on, named as the PodMonitor scrapes it, when no other declares it.
  const metrics = service.metrics?.port;
  const name = metricsPortName(service);
  if (metrics === undefined || !name || declared.some((p) => p.containerPort === metrics)) return declared;
  return [...declared, { name, containerPort: metrics, protocol: 'TCP' }];
}

/**
 * PORT and HOST (the app binds 127.0.0.1 unless told otherwise; a pod must listen on all
 * interfaces), `<NAME>_URL` for each service it uses and the connection URLs of each backing
 * service it uses (as `gantry up` injects them), then each secret by reference to the
 * service's Secret. Never a secret value.
 */
function env(ctx: RenderContext, service: ServiceModel): Record<string, unknown>[] {
  const vars: Record<string, unknown>[] = [];
  const taken = new Set([...Object.keys(service.env), ...service.secrets]);
  // Each name once: a backing named `redis` injects REDIS_URL both by kind and by name.
  const plain = (name: string, value: string) => {
    if (!taken.has(name)) vars.push({ name, value });
    taken.add(name);
  };
  if (service.port !== undefined) plain('PORT', String(service.port));
  plain('HOST', '0.0.0.0');
  for (const used of service.uses) {
    const other = ctx.model.services[used];
    if (other?.port !== undefined) plain(urlVariable(used), `http://${used}:${other.port}`);
    const backing = ctx.model.backing[used];
    if (backing)
      for (const variable of backingEnv(ctx, backing)) {
        if (!taken.has(variable.name as string)) vars.push(variable);
        taken.add(variable.name as string);
      }
  }
  for (const secret of service.secrets)
    vars.push({ name: secret, valueFrom: { secretKeyRef: { name: secretName(ctx, service), key: secret } } });
  return vars;
}

export function probe(spec: ProbeSpec): Record<string, unknown> {
  const port = spec.port ?? HTTP_PORT_NAME;
  const check = spec.path
    ? { httpGet: { path: spec.path, port } }
    : spec.exec
      ? { exec: { command: spec.exec } }
      : { tcpSocket: { port } };
  return {
    ...check,
    initialDelaySeconds: spec.initialDelaySeconds,
    periodSeconds: spec.periodSeconds,
    timeoutSeconds: spec.timeoutSeconds,
    successThreshold: spec.successThreshold,
    failureThreshold: spec.failureThreshold,
  };
}

function resources(service: ServiceModel): { resources?: Record<string, unknown> } {
  const amounts = (side: { cpu?: number; memory?: number } | undefined) => {
    if (!side || (side.cpu === undefined && side.memory === undefined)) return undefined;
    return {
      ...(side.cpu !== undefined ? { cpu: formatCpu(side.cpu) } : {}),
      ...(side.memory !== undefined ? { memory: formatMemory(side.memory) } : {}),
    };
  };
  const requests = amounts(service.resources.requests);
  const limits = amounts(service.resources.limits);
  if (!requests && !limits) return {};
  return { resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) } };
}

function placement(
  ctx: RenderContext,
  service: ServiceModel,
  variant: Record<string, string>,
): Record<string, unknown> {
  const { nodeSelector, tolerations, zoneSpread } = service.placement;
  const mayHaveSeveral = service.replicas > 1 || (service.autoscale?.max ?? 0) > 1;
  const selector = { ...podSelector(ctx, service), ...variant };
  return {
    ...(nodeSelector && Object.keys(nodeSelector).length > 0
      ? {
          nodeSelector: Object.fromEntries(
            Object.entries(nodeSelector).sort(([a], [b]) => a.localeCompare(b)),
          ),
        }
      : {}),
    ...(tolerations && tolerations.length > 0
      ? {
          tolerations: tolerations.map((t) => ({
            ...(t.key !== undefined ? { key: t.key } : {}),
            operator: t.operator,
            ...(t.value !== undefined ? { value: t.value } : {}),
            ...(t.effect !== undefined ? { effect: t.effect } : {}),
          })),
        }
      : {}),
    ...(zoneSpread && mayHaveSeveral
      ? {
          topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((key) => ({
            maxSkew: 1,
            topologyKey: key,
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: selector },
          })),
        }
      : {}),
  };
}

/** FNV-1a, 32 bit, as 8 hex digits: a stable fingerprint without a Node import. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
