/** The status document the daemon serves and `gantry status --output json` prints. */

import type { AutoscaleStatus } from '../autoscale/status.ts';
import type { MonitoringStatus } from '../local/monitoring/prometheus.ts';
import type { ReplicaView, ServiceController } from '../local/service-controller.ts';
import type { VersionState } from '../platform/platform.ts';

export interface ServiceStatus {
  name: string;
  /** The load balancer address; absent for a service without a port. */
  url: string | null;
  /** The version taking most traffic (the newest desired one when none takes traffic). */
  version: string | null;
  replicas: { desired: number; current: number; ready: number; items: ReplicaView[] };
  versions: VersionState[];
  restarts: number;
  requestsPerSecond: number;
  /** Fraction of requests that failed (5xx or no response) over the last 30 s; null without traffic. */
  errorRate: number | null;
  latencyP95Ms: number | null;
  /** For a service with `autoscale:`: current/desired replicas and each metric against its target. */
  autoscale?: AutoscaleStatus;
}

export interface BackingStatus {
  name: string;
  kind: string;
  state: 'running' | 'unavailable' | 'failed';
  url?: string;
  message?: string;
}

export interface DaemonStatus {
  app: string;
  environment: string | null;
  specFile: string;
  daemon: {
    pid: number;
    url: string;
    startedAt: number;
    metricsUrl: string;
    /** The supervisor that restarts the daemon, and whether its standby daemon is loaded. */
    supervisor?: number;
    standby?: boolean;
  };
  /** The data plane: the proxy's primary and its workers; null while it is being (re)started. */
  proxy: { pid: number; workers: number[] } | null;
  services: ServiceStatus[];
  backing: BackingStatus[];
  /** With `gantry up --monitoring`: the local Prometheus and the SLO alerts firing or pending. */
  monitoring?: MonitoringStatus;
}

export function mainVersion(versions: readonly VersionState[]): string | null {
  if (versions.length === 0) return null;
  return [...versions].sort((a, b) => b.weight - a.weight || b.desired - a.desired)[0]!.version;
}

/** One service's line of the status: its versions, replicas and the last 30 s of traffic. */
export function serviceStatus(controller: ServiceController, autoscale?: AutoscaleStatus): ServiceStatus {
  const versions = controller.versionStates();
  const items = controller.views();
  const windows = versions.map((v) => controller.metrics(v.version, 30)).filter((m) => m !== undefined);
  const requests = windows.reduce((n, m) => n + m.requests, 0);
  const errors = windows.reduce((n, m) => n + m.errors, 0);
  const p95s = windows.map((m) => m.latencyP95Ms).filter((v): v is number => v !== null);
  return {
    name: controller.name,
    url: controller.url ?? null,
    version: mainVersion(versions),
    replicas: {
      desired: versions.reduce((n, v) => n + v.desired, 0),
      current: items.length,
      ready: items.filter((r) => r.ready).length,
      items,
    },
    versions,
    restarts: items.reduce((n, r) => n + r.restarts, 0),
    requestsPerSecond: windows.reduce((n, m) => n + m.requestsPerSecond, 0),
    errorRate: requests > 0 ? errors / requests : null,
    latencyP95Ms: p95s.length > 0 ? Math.max(...p95s) : null,
    ...(autoscale ? { autoscale } : {}),
  };
}
