/**
 * `gantry render --monitoring`: what the prometheus-operator and Grafana need to watch the app,
 * from the same spec as the workloads. Per monitored service a PodMonitor (pods rather than
 * Services: a blue-green release's idle colour and a canary are scraped before they take traffic,
 * and the Service of a `--traffic gateway` canary would be scraped three times) and a
 * PrometheusRule with its SLO rules (src/monitoring/rules.ts); for the app one Grafana dashboard
 * ConfigMap labelled for Grafana's sidecar. A service with nothing to scrape gets a note instead.
 *
 * The PodMonitor labels every series as release analysis selects it (STANDARD_QUERIES):
 * `service` the service's name, `version` the pod's app.kubernetes.io/version (the image tag a
 * release sets); the operator adds `namespace`.
 */
import { grafanaDashboard } from '../../monitoring/dashboard.ts';
import { type MonitoredService, monitoringTarget } from '../../monitoring/objectives.ts';
import { sloRuleGroup } from '../../monitoring/rules.ts';
import type { ServiceModel } from '../../spec/model.ts';
import { appLabels, podSelector, serviceMetadata } from './names.ts';
import { HTTP_PORT_NAME } from './pod-template.ts';
import type { K8sObject, RenderContext } from './types.ts';

/** The label Grafana's dashboard sidecar looks for (kube-prometheus-stack's default). */
export const GRAFANA_DASHBOARD_LABEL = 'grafana_dashboard';

/** The container port name Prometheus scrapes: the service port's, a named extra port's, or `metrics`. */
export function metricsPortName(service: ServiceModel): string | undefined {
  const target = monitoringTarget(service);
  if (!target.monitored) return undefined;
  const port = target.monitored.scrape.port;
  if (port === service.port) return HTTP_PORT_NAME;
  // Extra ports are container ports only beside the main one (pod-template.ts).
  const named = service.port === undefined ? undefined : service.ports?.find((p) => p.port === port);
  if (named) return named.name;
  return service.ports?.some((p) => p.name === 'metrics') ? `metrics-${port}` : 'metrics';
}

/** The monitored service, or undefined after noting why it is not (only with --monitoring). */
function monitored(ctx: RenderContext, service: ServiceModel): MonitoredService | undefined {
  if (!ctx.options.monitoring) return undefined;
  const target = monitoringTarget(service);
  if (!target.monitored)
    ctx.note({
      level: 'info',
      message: `${service.name}: no PodMonitor or SLO alerts: it ${target.reason}`,
    });
  return target.monitored;
}

export function renderPodMonitor(ctx: RenderContext, service: ServiceModel): K8sObject[] {
  const target = monitored(ctx, service);
  if (!target) return [];
  return [
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      metadata: serviceMetadata(ctx, service, service.name),
      spec: {
        selector: { matchLabels: podSelector(ctx, service) },
        podMetricsEndpoints: [
          {
            port: metricsPortName(service),
            path: target.scrape.path,
            relabelings: [
              { action: 'replace', targetLabel: 'service', replacement: service.name },
              {
                action: 'replace',
                sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_version'],
                targetLabel: 'version',
              },
            ],
          },
        ],
      },
    },
  ];
}

export function renderPrometheusRule(ctx: RenderContext, service: ServiceModel): K8sObject[] {
  const target = monitored(ctx, service);
  if (!target) return [];
  if (target.objectives.availability === null)
    ctx.note({
      level: 'warning',
      message: `${service.name}: a success rate of 1 leaves no error budget, so only latency is alerted on; set slo.availability (e.g. 99.9%)`,
    });
  return [
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: serviceMetadata(ctx, service, `${service.name}-slo`),
      spec: {
        groups: [
          sloRuleGroup(target, {
            namespace: ctx.namespace,
            environment: ctx.model.environment?.name ?? null,
          }),
        ],
      },
    },
  ];
}

/** The app's dashboard, when any service is monitored. */
export function renderDashboard(ctx: RenderContext): K8sObject[] {
  if (!ctx.options.monitoring) return [];
  const services = Object.keys(ctx.model.services)
    .sort()
    .flatMap((name) => monitoringTarget(ctx.model.services[name]!).monitored ?? []);
  if (services.length === 0) return [];
  ctx.note({
    level: 'info',
    message: `monitoring: the PodMonitors and PrometheusRules need the prometheus-operator (e.g. kube-prometheus-stack) selecting them; the dashboard ConfigMap ${ctx.model.app}-dashboard is labelled ${GRAFANA_DASHBOARD_LABEL}=1 for Grafana's sidecar; Prometheus in namespace ${ctx.options.monitoring.namespace} may scrape the pods (NetworkPolicy)`,
  });
  const dashboard = grafanaDashboard(services, { app: ctx.model.app, namespace: ctx.namespace });
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: `${ctx.model.app}-dashboard`,
        namespace: ctx.namespace,
        labels: { ...appLabels(ctx), [GRAFANA_DASHBOARD_LABEL]: '1' },
      },
      data: { [`${ctx.model.app}.json`]: `${JSON.stringify(dashboard, null, 2)}\n` },
    },
  ];
}
