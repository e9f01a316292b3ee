/**
 * The rule for `metrics` and `slo`: what Prometheus scrapes must be a port the service has, and
 * an SLO needs metrics to be measured from. Pure; registered with the other service rules in rules.ts.
 */
import type { Finding } from './problem.ts';
import type { ServiceSpec } from './schema.ts';

export function monitoringSettings(service: ServiceSpec, name: string): Finding[] {
  const path = ['services', name];
  const { metrics, slo } = service;
  const port = metrics?.port ?? service.port;
  if (metrics?.enabled === false)
    return slo
      ? [
          {
            path: [...path, 'slo'],
            message: 'an SLO is measured from the service’s metrics, but `metrics.enabled` is false',
            hint: 'remove `slo`, or the `enabled: false` under `metrics`',
          },
        ]
      : [];
  if (port !== undefined) return [];
  if (metrics)
    return [
      {
        path: [...path, 'metrics'],
        message: 'metrics are scraped from a port, but the service has no `port`',
        hint: 'add one: `metrics: { port: 9100 }`, or say there are none: `metrics: { enabled: false }`',
      },
    ];
  if (slo)
    return [
      {
        path: [...path, 'slo'],
        message: 'an SLO is measured from the service’s metrics, but the service has no `port` to scrape',
        hint: 'add `metrics: { port: 9100 }` (the port serving /metrics)',
      },
    ];
  return [];
}
