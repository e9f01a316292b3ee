/**
 * What monitoring watches for each service: where Prometheus scrapes it and the objectives its
 * alerts hold it to. Without `slo`, the objectives are the release analysis thresholds (success
 * rate, p95), so an alert and a release judge a version by the same numbers. Pure.
 */
import { effectiveAnalysis, type ServiceModel } from '../spec/model.ts';
import { METRICS_DEFAULT_PATH, parseSloWindow, SLO_DEFAULT_WINDOW } from '../spec/schema.ts';

export interface Objectives {
  /**
   * Fraction of requests answered without a 5xx, e.g. 0.999; null when it leaves no error budget
   * (a release analysis successRate of 1): then only latency is alerted on, and a note says so.
   */
  availability: number | null;
  /** 95 % of requests are faster than this. */
  latencyP95Ms: number;
  /** The period the error budget is counted over, as written (30d, 4w) and in seconds. */
  window: string;
  windowSeconds: number;
  /** Where each objective comes from, for the rule's description and the render note. */
  from: { availability: Source; latencyP95Ms: Source };
}

type Source = 'slo' | 'release.analysis';

export interface MonitoredService {
  service: string;
  /** The port and path Prometheus scrapes. */
  scrape: { port: number; path: string };
  objectives: Objectives;
}

export type MonitoringTarget =
  | { monitored: MonitoredService }
  | { monitored?: undefined; service: string; reason: string };

export function monitoringTarget(service: ServiceModel): MonitoringTarget {
  const { metrics, slo } = service;
  if (metrics?.enabled === false)
    return { service: service.name, reason: 'exports no metrics (`metrics.enabled: false`)' };
  const port = metrics?.port ?? service.port;
  if (port === undefined)
    return {
      service: service.name,
      reason: 'has no port to scrape (add `metrics: { port: … }` if it serves /metrics)',
    };
  const analysis = effectiveAnalysis(service.release.analysis);
  const window = slo?.window ?? SLO_DEFAULT_WINDOW;
  const availability = slo?.availability ?? analysis.successRate;
  return {
    monitored: {
      service: service.name,
      scrape: { port, path: metrics?.path ?? METRICS_DEFAULT_PATH },
      objectives: {
        availability: availability < 1 ? availability : null,
        latencyP95Ms: slo?.latencyP95Ms ?? analysis.latencyP95Ms,
        window,
        windowSeconds: parseSloWindow(window)!,
        from: {
          availability: slo?.availability === undefined ? 'release.analysis' : 'slo',
          latencyP95Ms: slo?.latencyP95Ms === undefined ? 'release.analysis' : 'slo',
        },
      },
    },
  };
}
