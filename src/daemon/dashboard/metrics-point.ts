/**
 * One second of the dashboard's charts: for every service and version, requests/s, error rate
 * and p95 latency from the load balancer's windows, and ready/desired replicas.
 *
 * Each point summarises the last SAMPLE_WINDOW_SECONDS (the window includes the second in
 * progress), so a chart sampled every second moves smoothly instead of jumping between a full
 * second and a nearly empty one.
 */
import type { VersionMetrics, VersionState } from '../../platform/platform.ts';

export const SAMPLE_WINDOW_SECONDS = 5;

export interface VersionPoint {
  rps: number;
  /** Failed / all requests, 0..1; 0 without requests. */
  errorRate: number;
  /** null without requests. */
  p95Ms: number | null;
  ready: number;
  desired: number;
}

export interface MetricsPoint {
  /** ms since the epoch */
  t: number;
  services: Record<string, Record<string, VersionPoint>>;
}

/** What a point is sampled from (a ServiceController has this shape). */
export interface MeasuredService {
  name: string;
  versionStates(): VersionState[];
  metrics(version: string, windowSeconds: number): VersionMetrics | undefined;
}

export function samplePoint(services: Iterable<MeasuredService>, now: number): MetricsPoint {
  const point: MetricsPoint = { t: now, services: {} };
  for (const service of services) {
    const versions: Record<string, VersionPoint> = {};
    for (const state of service.versionStates()) {
      const measured = service.metrics(state.version, SAMPLE_WINDOW_SECONDS);
      versions[state.version] = {
        rps: measured?.requestsPerSecond ?? 0,
        errorRate: measured && measured.requests > 0 ? measured.errors / measured.requests : 0,
        p95Ms: measured?.latencyP95Ms ?? null,
        ready: state.ready,
        desired: state.desired,
      };
    }
    point.services[service.name] = versions;
  }
  return point;
}
