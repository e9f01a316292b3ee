/**
 * The running replicas as a Prometheus HTTP service-discovery list (`http_sd_configs`), so a
 * Prometheus next to `gantry up` scrapes every replica's own /metrics with the `service` and
 * `version` labels a cluster's scrape config adds to pods — the labels the standard PromQL
 * templates (src/metrics/promql.ts STANDARD_QUERIES) select on.
 * Format: https://prometheus.io/docs/prometheus/latest/http_sd/ — a list of target groups.
 */
import type { ReplicaView } from '../local/service-controller.ts';

export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

/** One group per replica that has a process (terminating ones still answer, so they count). */
export function prometheusTargets(
  app: string,
  services: readonly { name: string; replicas: readonly ReplicaView[] }[],
): TargetGroup[] {
  return services.flatMap(({ name, replicas }) =>
    replicas
      .filter((replica) => replica.pid !== null)
      .map((replica) => ({
        targets: [`127.0.0.1:${replica.port}`],
        labels: { app, service: name, version: replica.version, replica: replica.id },
      })),
  );
}
