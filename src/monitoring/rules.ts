/**
 * Prometheus rules for a service's SLOs: recording rules for the error ratio and the latency
 * histogram over every window an alert reads, the objectives and the error budget left, then
 * the burn-rate alerts (burn-rate.ts). The same groups go into a PrometheusRule on a cluster and
 * into the local Prometheus' rule file. Pure.
 *
 * They select exactly what release analysis reads (src/metrics/promql.ts STANDARD_QUERIES):
 * `http_requests_total` with its `code` label and `http_request_duration_seconds`, per `service`
 * and `version`, plus the `namespace` the app runs in (so two environments scraped by one
 * Prometheus stay apart). The error ratio is 1 − the release's success rate: 5xx over all.
 */
import { SERVER_ERROR, STANDARD_METRICS } from '../metrics/promql.ts';
import {
  ALERT_WINDOWS,
  BURN_RATE_ALERTS,
  type BurnRateAlert,
  budgetSpentIn,
  LATENCY_BUDGET,
  latencyQuantile,
  promDuration,
} from './burn-rate.ts';
import type { MonitoredService } from './objectives.ts';

export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: (RecordingRule | AlertingRule)[];
}

export interface RuleOptions {
  namespace: string;
  /** The environment, for the commands in each runbook line (`--env prod`); null for the base spec. */
  environment: string | null;
  /**
   * Every window divided by this (1 by default): `GANTRY_SLO_TIME_SCALE=60` makes 1h/5m into
   * 1m/5s for a local rehearsal or a test. Recorded names keep the nominal window.
   */
  timeScale?: number;
}

/** Recorded series names: level:metric:operation, with the nominal window in the operation. */
export const RECORDED = {
  errorRatio: (window: string) => `service_version:http_requests_errors:ratio_rate${window}`,
  durationBuckets: (window: string) =>
    `service_version_le:http_request_duration_seconds_bucket:rate${window}`,
  windowErrorRatio: (window: string) => `service:http_requests_errors:ratio_rate${window}`,
  availabilityObjective: 'service:slo_availability:objective_ratio',
  latencyObjective: 'service:slo_latency_p95:objective_seconds',
  budgetRemaining: 'service:slo_error_budget_remaining:ratio',
} as const;

export const ALERTS = { availability: 'ErrorBudgetBurn', latency: 'LatencyBudgetBurn' } as const;

const BY_VERSION = 'namespace, service, version';

export function sloRuleGroup(monitored: MonitoredService, options: RuleOptions): RuleGroup {
  const { service, objectives } = monitored;
  const scale = options.timeScale ?? 1;
  const range = (seconds: number) => promDuration(seconds / scale);
  const selector = `namespace="${options.namespace}",service="${service}"`;
  const counter = (extra = '') => `${STANDARD_METRICS.counter}{${selector}${extra}}`;
  /** 5xx over all requests; 0 (not "no data") when no 5xx series exist yet. */
  const errorRatio = (by: string, window: string) =>
    `(sum by (${by}) (rate(${counter(`,${SERVER_ERROR}`)}[${window}])) or 0 * sum by (${by}) (rate(${counter()}[${window}])))` +
    ` / sum by (${by}) (rate(${counter()}[${window}]))`;

  const rules: (RecordingRule | AlertingRule)[] = [];
  for (const seconds of ALERT_WINDOWS) {
    if (objectives.availability !== null)
      rules.push({
        record: RECORDED.errorRatio(promDuration(seconds)),
        expr: errorRatio(BY_VERSION, range(seconds)),
      });
    rules.push({
      record: RECORDED.durationBuckets(promDuration(seconds)),
      expr: `sum by (${BY_VERSION}, le) (rate(${STANDARD_METRICS.histogram}_bucket{${selector}}[${range(seconds)}]))`,
    });
  }
  const labels = { namespace: options.namespace, service };
  const latencySeconds = Number((objectives.latencyP95Ms / 1000).toPrecision(12));
  rules.push({ record: RECORDED.latencyObjective, expr: `vector(${latencySeconds})`, labels });
  if (objectives.availability !== null) {
    const window = RECORDED.windowErrorRatio(objectives.window);
    rules.push(
      { record: window, expr: errorRatio('namespace, service', range(objectives.windowSeconds)) },
      { record: RECORDED.availabilityObjective, expr: `vector(${objectives.availability})`, labels },
      {
        record: RECORDED.budgetRemaining,
        expr: `1 - ${window}{${selector}} / (1 - ${objectives.availability})`,
      },
    );
  }
  const context = { ...options, monitored, selector, range, scale };
  for (const alert of BURN_RATE_ALERTS) {
    if (objectives.availability !== null)
      rules.push(availabilityAlert(alert, objectives.availability, context));
    rules.push(latencyAlert(alert, latencySeconds, context));
  }
  return { name: `gantry-slo-${service}`, rules };
}

interface AlertContext extends RuleOptions {
  monitored: MonitoredService;
  selector: string;
  range: (seconds: number) => string;
}

function availabilityAlert(alert: BurnRateAlert, availability: number, context: AlertContext): AlertingRule {
  const { monitored, selector } = context;
  const threshold = `(${alert.burnRate} * (1 - ${availability}))`;
  const [long, short] = [alert.longSeconds, alert.shortSeconds].map((s) => promDuration(s));
  const above = (window: string) => `${RECORDED.errorRatio(window!)}{${selector}} > ${threshold}`;
  const errorShare = percent(alert.burnRate * (1 - availability));
  const objective = `${percent(availability)} over ${monitored.objectives.window}`;
  return {
    alert: ALERTS.availability,
    expr: `${above(long!)}\nand\n${above(short!)}`,
    labels: alertLabels(alert, 'availability', context),
    annotations: {
      summary: `${monitored.service} {{ $labels.version }}: 5xx answers burn the ${percent(availability)} availability budget ${alert.burnRate}× too fast (${windows(alert, context)})`,
      description: `More than ${errorShare} of requests answered 5xx over both ${windows(alert, context)} (objective: ${objective}, from ${monitored.objectives.from.availability}). At this rate the ${monitored.objectives.window} error budget is spent in ${budgetSpentIn(monitored.objectives.windowSeconds, alert.burnRate)}.`,
      runbook: runbook(monitored.service, context.environment),
    },
  };
}

function latencyAlert(alert: BurnRateAlert, thresholdSeconds: number, context: AlertContext): AlertingRule {
  const { monitored, selector } = context;
  const q = latencyQuantile(alert.burnRate);
  const [long, short] = [alert.longSeconds, alert.shortSeconds].map((s) => promDuration(s));
  const above = (window: string) =>
    `histogram_quantile(${q}, ${RECORDED.durationBuckets(window)}{${selector}}) > ${thresholdSeconds}`;
  const ms = `${monitored.objectives.latencyP95Ms}ms`;
  const slowShare = percent(alert.burnRate * LATENCY_BUDGET);
  return {
    alert: ALERTS.latency,
    expr: `${above(long!)}\nand\n${above(short!)}`,
    labels: alertLabels(alert, 'latency', context),
    annotations: {
      summary: `${monitored.service} {{ $labels.version }}: slow answers burn the p95 ≤ ${ms} budget ${alert.burnRate}× too fast (${windows(alert, context)})`,
      description: `More than ${slowShare} of requests took longer than ${ms} over both ${windows(alert, context)} (p${Math.round(q * 100)} above ${ms}; objective: p95 ≤ ${ms}, from ${monitored.objectives.from.latencyP95Ms}). At this rate the ${monitored.objectives.window} latency budget is spent in ${budgetSpentIn(monitored.objectives.windowSeconds, alert.burnRate)}.`,
      runbook: runbook(monitored.service, context.environment),
    },
  };
}

function alertLabels(
  alert: BurnRateAlert,
  slo: 'availability' | 'latency',
  context: AlertContext,
): Record<string, string> {
  return {
    severity: alert.severity,
    slo,
    burn_rate: String(alert.burnRate),
    long_window: context.range(alert.longSeconds),
    short_window: context.range(alert.shortSeconds),
  };
}

const windows = (alert: BurnRateAlert, context: AlertContext) =>
  `${context.range(alert.longSeconds)} and ${context.range(alert.shortSeconds)} windows`;

/** What to do first, in Gantry's own commands. */
function runbook(service: string, environment: string | null): string {
  const env = environment ? ` --env ${environment}` : '';
  return `gantry history ${service}${env} shows whether {{ $labels.version }} came with a release: if so, gantry rollback ${service}${env}; else gantry status${env} and gantry logs ${service}${env} (failing replicas, a dependency down).`;
}

/** 0.0144 → "1.44%", 0.999 → "99.9%". */
function percent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(4))}%`;
}
