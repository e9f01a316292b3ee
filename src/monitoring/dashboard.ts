/**
 * The Grafana dashboard for an app: per service (a variable), request rate, error ratio and p95
 * per version against the objectives, replicas against the HPA's range and desired count, the
 * error budget left, and the SLO alerts. JSON as Grafana's dashboard JSON model documents it
 * (schemaVersion 39), documented panel types only (timeseries, stat, alertlist). Pure.
 *
 * The queries read the recorded series of rules.ts where an alert reads them too, and the raw
 * metrics the same way release analysis does, so the panels show the numbers alerts and releases
 * judge. Replicas come from kube-state-metrics (part of kube-prometheus-stack).
 */
import { STANDARD_METRICS } from '../metrics/promql.ts';
import type { MonitoredService } from './objectives.ts';
import { RECORDED } from './rules.ts';

export interface DashboardOptions {
  app: string;
  namespace: string;
}

/** Grafana's dashboard schema version this JSON is written for (Grafana 10.3 and later read it). */
export const SCHEMA_VERSION = 39;
export const PANEL_TYPES = ['timeseries', 'stat', 'alertlist'] as const;

type PanelType = (typeof PANEL_TYPES)[number];
type Json = Record<string, unknown>;

/** Grafana's own variable syntax (the `datasource` variable below), not a template literal. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana expands it
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

export function grafanaDashboard(services: readonly MonitoredService[], options: DashboardOptions): Json {
  const selector = `namespace="${options.namespace}",service="$service"`;
  const target = (expr: string, legendFormat: string, refId: string) => ({
    datasource: DATASOURCE,
    expr,
    legendFormat,
    refId,
  });
  const rate = (extra = '') =>
    `sum by (version) (rate(${STANDARD_METRICS.counter}{${selector}${extra}}[$__rate_interval]))`;
  let id = 0;
  const panel = (
    type: PanelType,
    title: string,
    gridPos: { x: number; y: number; w: number; h: number },
    body: Json,
  ): Json => ({ id: ++id, type, title, datasource: DATASOURCE, gridPos, ...body });
  const series = (unit: string, targets: Json[], extra: Json = {}) => ({
    targets,
    fieldConfig: { defaults: { unit, ...extra }, overrides: [] },
    options: {
      legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
      tooltip: { mode: 'multi' },
    },
  });
  const panels = [
    panel(
      'stat',
      'Error budget left',
      { x: 0, y: 0, w: 6, h: 6 },
      {
        description:
          'Availability error budget not yet spent over the SLO window (recorded by the SLO rules).',
        targets: [target(`${RECORDED.budgetRemaining}{${selector}}`, 'budget left', 'A')],
        fieldConfig: {
          defaults: {
            unit: 'percentunit',
            thresholds: {
              mode: 'absolute',
              steps: [
                { color: 'red', value: null },
                { color: 'orange', value: 0.25 },
                { color: 'green', value: 0.5 },
              ],
            },
          },
          overrides: [],
        },
        options: { colorMode: 'background', graphMode: 'none', reduceOptions: { calcs: ['lastNotNull'] } },
      },
    ),
    panel(
      'alertlist',
      'SLO alerts',
      { x: 6, y: 0, w: 18, h: 6 },
      {
        options: {
          alertInstanceLabelFilter: `{${selector}}`,
          showInstances: true,
          stateFilter: { firing: true, pending: true, normal: false },
          viewMode: 'list',
        },
      },
    ),
    panel(
      'timeseries',
      'Requests per second by version',
      { x: 0, y: 6, w: 12, h: 8 },
      series('reqps', [target(rate(), '{{version}}', 'A')]),
    ),
    panel(
      'timeseries',
      'Error ratio (5xx) by version',
      { x: 12, y: 6, w: 12, h: 8 },
      series('percentunit', [
        target(`${RECORDED.errorRatio('5m')}{${selector}}`, '{{version}}', 'A'),
        target(`1 - ${RECORDED.availabilityObjective}{${selector}}`, 'objective', 'B'),
      ]),
    ),
    panel(
      'timeseries',
      'p95 latency by version',
      { x: 0, y: 14, w: 12, h: 8 },
      series('s', [
        target(
          `histogram_quantile(0.95, sum by (version, le) (rate(${STANDARD_METRICS.histogram}_bucket{${selector}}[$__rate_interval])))`,
          '{{version}}',
          'A',
        ),
        target(`${RECORDED.latencyObjective}{${selector}}`, 'objective', 'B'),
      ]),
    ),
    panel(
      'timeseries',
      'Replicas and the HPA',
      { x: 12, y: 14, w: 12, h: 8 },
      series('short', [
        target(
          `sum by (deployment) (kube_deployment_status_replicas_ready{namespace="${options.namespace}",deployment=~"$service|$service-(blue|green|canary)"})`,
          'ready {{deployment}}',
          'A',
        ),
        target(
          `kube_horizontalpodautoscaler_status_desired_replicas{namespace="${options.namespace}",horizontalpodautoscaler="$service"}`,
          'HPA desired',
          'B',
        ),
        target(
          `kube_horizontalpodautoscaler_spec_min_replicas{namespace="${options.namespace}",horizontalpodautoscaler="$service"}`,
          'HPA min',
          'C',
        ),
        target(
          `kube_horizontalpodautoscaler_spec_max_replicas{namespace="${options.namespace}",horizontalpodautoscaler="$service"}`,
          'HPA max',
          'D',
        ),
      ]),
    ),
  ];
  const names = services.map((s) => s.service);
  return {
    uid: dashboardUid(options),
    title: `${options.app} (${options.namespace})`,
    description: 'Generated by gantry render from gantry.yaml: edit the spec, not this dashboard.',
    tags: ['gantry', options.app],
    editable: false,
    graphTooltip: 1,
    timezone: 'browser',
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    links: [],
    annotations: { list: [] },
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus' },
        {
          name: 'service',
          label: 'Service',
          type: 'custom',
          query: names.join(','),
          current: { text: names[0], value: names[0] },
          options: names.map((name, i) => ({ text: name, value: name, selected: i === 0 })),
        },
      ],
    },
    panels,
  };
}

/** Grafana uids are at most 40 characters: the namespace and app, shortened with a hash when longer. */
export function dashboardUid(options: DashboardOptions): string {
  const uid = `gantry-${options.namespace}-${options.app}`;
  if (uid.length <= 40) return uid;
  let hash = 0x811c9dc5;
  for (let i = 0; i < uid.length; i++) hash = Math.imul(hash ^ uid.charCodeAt(i), 0x01000193);
  return `${uid.slice(0, 31)}-${(hash >>> 0).toString(16).padStart(8, '0')}`;
}
