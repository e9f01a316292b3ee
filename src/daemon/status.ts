/** The status document the daemon serves and `gantry status --output json` prints. */

import type { AutoscaleStatus } from '../autoscale/status.ts';
import type { MonitoringStatus } from '../local/monitoring/prometheus.ts';
import type { ReplicaView } from '../local/service-controller.ts';
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
