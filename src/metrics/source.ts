/**
 * The MetricSource port: what release analysis measures a version with. The Platform is one
 * (the local load balancer's windows); a Prometheus server is another. Which one a release
 * uses is its analysis' `provider`, chosen here once per measurement.
 */
import type { VersionMetrics } from '../platform/platform.ts';
import type { EffectiveAnalysis } from '../spec/model.ts';
import { PROMETHEUS_DEFAULT_ADDRESS } from '../spec/schema.ts';
import { PrometheusSource } from './prometheus.ts';
import type { QueryTemplates } from './promql.ts';

export interface MetricSource {
  metrics(service: string, version: string, windowSeconds: number): Promise<VersionMetrics>;
}

/**
 * The source an analysis names: Prometheus (its address, the platform's default queries with the
 * spec's overrides; p99 only when a p99 threshold needs it), or undefined for the platform's own.
 */
export function metricSourceFor(
  analysis: EffectiveAnalysis,
  defaults: QueryTemplates,
): MetricSource | undefined {
  if (analysis.provider !== 'prometheus') return undefined;
  const overrides = Object.fromEntries(
    Object.entries(analysis.prometheus?.queries ?? {}).filter(([, query]) => query !== undefined),
  );
  return new PrometheusSource({
    address: analysis.prometheus?.address ?? PROMETHEUS_DEFAULT_ADDRESS,
    templates: { ...defaults, ...overrides },
    withP99: analysis.latencyP99Ms !== undefined,
  });
}
