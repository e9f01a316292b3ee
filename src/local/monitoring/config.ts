/**
 * The local Prometheus' configuration, as data (serialised by the adapter): it scrapes the
 * daemon's /metrics (the load balancers) and every replica found through the daemon's HTTP
 * service discovery, labels the replicas' series as a cluster's PodMonitor does (`service`,
 * `version` from discovery, `namespace` the app's), and loads the SLO rules `gantry render
 * --monitoring` puts in each PrometheusRule — the same groups, so what fires here fires there.
 * Pure.
 */
import { type MonitoredService, monitoringTarget } from '../../monitoring/objectives.ts';
import { type RuleGroup, sloRuleGroup } from '../../monitoring/rules.ts';
import type { AppModel } from '../../spec/model.ts';

export interface LocalMonitoringPlan {
  /** prometheus.yml, as data. */
  config: Record<string, unknown>;
  /** The rule file, as data. */
  rules: { groups: RuleGroup[] };
  /** Services not watched here, and why (events say so). */
  skipped: { service: string; reason: string }[];
}

export interface PlanOptions {
  daemonUrl: string;
  rulesFile: string;
  /** Every SLO window divided by this (GANTRY_SLO_TIME_SCALE); scrapes and evaluations every second then. */
  timeScale: number;
}

/** Scrapes and rule evaluations every 5 s: finer than a cluster's 30 s, for a laptop's short runs. */
const INTERVAL = '5s';

export function localMonitoringPlan(model: AppModel, options: PlanOptions): LocalMonitoringPlan {
  const monitored: MonitoredService[] = [];
  const skipped: LocalMonitoringPlan['skipped'] = [];
  for (const service of Object.values(model.services)) {
    const target = monitoringTarget(service);
    if (!target.monitored) skipped.push({ service: target.service, reason: target.reason });
    else if (target.monitored.scrape.port !== service.port)
      // Replicas share this machine: only the service port is one per replica (PORT).
      skipped.push({
        service: service.name,
        reason: `serves metrics on port ${target.monitored.scrape.port}, not on the port each replica gets (PORT); only a cluster scrapes it`,
      });
    else monitored.push(target.monitored);
  }
  const daemon = new URL(options.daemonUrl);
  const interval = options.timeScale > 1 ? '1s' : INTERVAL;
  const replicas = {
    job_name: 'gantry-replicas',
    http_sd_configs: [{ url: `${daemon.origin}/v1/prometheus/targets`, refresh_interval: interval }],
    relabel_configs: [
      {
        source_labels: ['service'],
        regex: monitored.length > 0 ? monitored.map((m) => m.service).join('|') : '^$',
        action: 'keep',
      },
      ...monitored.map((m) => ({
        source_labels: ['service'],
        regex: m.service,
        target_label: '__metrics_path__',
        replacement: m.scrape.path,
      })),
      { target_label: 'namespace', replacement: model.namespace },
    ],
  };
  return {
    config: {
      global: { scrape_interval: interval, evaluation_interval: interval },
      rule_files: [options.rulesFile],
      scrape_configs: [{ job_name: 'gantry-daemon', static_configs: [{ targets: [daemon.host] }] }, replicas],
    },
    rules: {
      groups: monitored.map((m) =>
        sloRuleGroup(m, {
          namespace: model.namespace,
          environment: model.environment?.name ?? null,
          timeScale: options.timeScale,
        }),
      ),
    },
    skipped,
  };
}
