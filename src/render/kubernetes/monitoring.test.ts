import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { STANDARD_QUERIES } from '../../metrics/promql.ts';
import { loadSpec } from '../../spec/load.ts';
import { toYamlStream } from '../serialize.ts';
import { type K8sObject, RenderBug, renderKubernetes, validateObject } from './index.ts';

const SHOP = readFileSync(new URL('../../../examples/shop/gantry.yaml', import.meta.url), 'utf8');
const MONITORING = { monitoring: { namespace: 'monitoring' } };

function model(text: string, env?: string) {
  const loaded = loadSpec(text, { file: 'gantry.yaml', target: 'cluster', ...(env ? { env } : {}) });
  assert.ok(loaded.ok, JSON.stringify(loaded.problems));
  return loaded.model;
}
// biome-ignore lint/suspicious/noExplicitAny: tests walk rendered objects by known paths
type Json = Record<string, any>;
const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name) as Json | undefined;

describe('render --monitoring (prometheus-operator and Grafana)', () => {
  const prod = renderKubernetes(model(SHOP, 'prod'), MONITORING);

  it('a PodMonitor per service scrapes /metrics on the http port of every pod of the service, labelled service and version', () => {
    const monitor = find(prod.objects, 'PodMonitor', 'api')!;
    assert.deepEqual(monitor.spec.selector, {
      matchLabels: { 'app.kubernetes.io/name': 'api', 'app.kubernetes.io/instance': 'shop-api' },
    });
    assert.deepEqual(monitor.spec.podMetricsEndpoints, [
      {
        port: 'http',
        path: '/metrics',
        relabelings: [
          { action: 'replace', targetLabel: 'service', replacement: 'api' },
          {
            action: 'replace',
            sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_version'],
            targetLabel: 'version',
          },
        ],
      },
    ]);
    assert.ok(find(prod.objects, 'PodMonitor', 'worker'));
  });

  it('a PrometheusRule per service: the SLO group, in the namespace the app runs in', () => {
    const rule = find(prod.objects, 'PrometheusRule', 'api-slo')!;
    const [group] = rule.spec.groups;
    assert.equal(group.name, 'gantry-slo-api');
    const alerts = group.rules.filter((r: Json) => r.alert);
    assert.deepEqual(
      alerts.map(
        (a: Json) =>
          `${a.alert} ${a.labels.severity} ${a.labels.long_window}/${a.labels.short_window} ${a.labels.burn_rate}`,
      ),
      [
        'ErrorBudgetBurn page 1h/5m 14.4',
        'LatencyBudgetBurn page 1h/5m 14.4',
        'ErrorBudgetBurn page 6h/30m 6',
        'LatencyBudgetBurn page 6h/30m 6',
        'ErrorBudgetBurn ticket 1d/2h 3',
        'LatencyBudgetBurn ticket 1d/2h 3',
        'ErrorBudgetBurn ticket 3d/6h 1',
        'LatencyBudgetBurn ticket 3d/6h 1',
      ],
    );
    // The example's api has no slo: its release analysis (successRate 0.99, p95 200 ms) is the objective.
    assert.match(alerts[0].expr, /> \(14\.4 \* \(1 - 0\.99\)\)/);
    assert.match(alerts[1].expr, /histogram_quantile\(0\.28, .*\) > 0\.2\n/);
    assert.match(alerts[0].annotations.runbook, /gantry rollback api --env prod/);
    for (const r of group.rules)
      if (r.expr.startsWith('vector('))
        assert.deepEqual(r.labels, { namespace: 'shop-prod', service: 'api' });
      else assert.match(r.expr, /namespace="shop-prod",service="api"/);
  });

  it('the error ratio reads the metric and status classes release analysis reads', () => {
    const rule = find(prod.objects, 'PrometheusRule', 'api-slo')!;
    const ratio = rule.spec.groups[0].rules.find(
      (r: Json) => r.record === 'service_version:http_requests_errors:ratio_rate5m',
    );
    assert.ok(
      STANDARD_QUERIES.successRate.includes(
        'http_requests_total{service="{{service}}",version="{{version}}",code!~"5.."}',
      ),
    );
    assert.equal(
      ratio.expr,
      '(sum by (namespace, service, version) (rate(http_requests_total{namespace="shop-prod",service="api",code=~"5.."}[5m])) or 0 * sum by (namespace, service, version) (rate(http_requests_total{namespace="shop-prod",service="api"}[5m]))) / sum by (namespace, service, version) (rate(http_requests_total{namespace="shop-prod",service="api"}[5m]))',
    );
  });

  it('the dashboard ConfigMap is labelled for Grafana’s sidecar', () => {
    const dashboard = find(prod.objects, 'ConfigMap', 'shop-dashboard')!;
    assert.equal(dashboard.metadata.labels.grafana_dashboard, '1');
    const json = JSON.parse(dashboard.data['shop.json']);
    assert.equal(json.uid, 'gantry-shop-prod-shop');
    assert.deepEqual(
      json.templating.list[1].options.map((o: Json) => o.value),
      ['api', 'worker'],
    );
  });

  it('NetworkPolicies let Prometheus’ namespace reach the metrics port, and nothing else new', () => {
    const policy = find(prod.objects, 'NetworkPolicy', 'worker')!;
    assert.deepEqual(policy.spec.ingress.at(-1), {
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: [{ protocol: 'TCP', port: 8001 }],
    });
    const plain = find(renderKubernetes(model(SHOP, 'prod')).objects, 'NetworkPolicy', 'worker')!;
    assert.deepEqual(policy.spec.ingress.slice(0, -1), plain.spec.ingress ?? []);
  });

  it('without --monitoring nothing of it is rendered', () => {
    const plain = renderKubernetes(model(SHOP, 'prod')).objects;
    assert.deepEqual(
      plain.filter(
        (o) => ['PodMonitor', 'PrometheusRule'].includes(o.kind) || o.metadata.name === 'shop-dashboard',
      ),
      [],
    );
  });

  it('a service without a port, or without metrics, gets a note instead of broken objects', () => {
    const result = renderKubernetes(
      model(`app: jobs
services:
  queue: { image: "acme/queue:1.0.0" }
  api: { image: "acme/api:1.0.0", port: 8000, metrics: { enabled: false } }
`),
      MONITORING,
    );
    assert.deepEqual(
      result.objects.filter((o) => o.apiVersion.startsWith('monitoring.coreos.com')),
      [],
    );
    assert.equal(find(result.objects, 'ConfigMap', 'jobs-dashboard'), undefined);
    assert.deepEqual(
      result.notes.map((n) => n.message).filter((m) => m.includes('PodMonitor')),
      [
        'api: no PodMonitor or SLO alerts: it exports no metrics (`metrics.enabled: false`)',
        'queue: no PodMonitor or SLO alerts: it has no port to scrape (add `metrics: { port: … }` if it serves /metrics)',
      ],
    );
  });

  it('metrics on a port no other declares: a `metrics` container port the PodMonitor names', () => {
    const { objects } = renderKubernetes(
      model(
        'app: a\nservices:\n  api: { image: "acme/api:1.0.0", port: 8000, metrics: { port: 9100, path: /stats } }\n',
      ),
      MONITORING,
    );
    const ports = find(objects, 'Deployment', 'api')!.spec.template.spec.containers[0].ports;
    assert.deepEqual(ports.at(-1), { name: 'metrics', containerPort: 9100, protocol: 'TCP' });
    assert.deepEqual(
      [
        find(objects, 'PodMonitor', 'api')!.spec.podMetricsEndpoints[0].port,
        find(objects, 'PodMonitor', 'api')!.spec.podMetricsEndpoints[0].path,
      ],
      ['metrics', '/stats'],
    );
  });

  it('is deterministic: the same YAML twice', () =>
    assert.equal(
      toYamlStream(renderKubernetes(model(SHOP, 'staging'), MONITORING).objects),
      toYamlStream(renderKubernetes(model(SHOP, 'staging'), MONITORING).objects),
    ));
});

describe('PodMonitor and PrometheusRule are checked against the prometheus-operator CRD schemas', () => {
  const objects = renderKubernetes(model(SHOP, 'prod'), MONITORING).objects;
  const monitor = find(objects, 'PodMonitor', 'api')!;
  const rule = find(objects, 'PrometheusRule', 'api-slo')!;

  it('the rendered ones pass', () => {
    validateObject(monitor as K8sObject);
    validateObject(rule as K8sObject);
  });
  it('a PodMonitor endpoint port given as a number fails (the CRD wants a port name)', () => {
    const broken = structuredClone(monitor);
    broken.spec.podMetricsEndpoints[0].port = 8000;
    assert.throws(() => validateObject(broken as K8sObject), RenderBug);
  });
  it('a rule without expr fails', () => {
    const broken = structuredClone(rule);
    delete broken.spec.groups[0].rules[0].expr;
    assert.throws(
      () => validateObject(broken as K8sObject),
      /PrometheusRule shop-prod\/api-slo does not match/,
    );
  });
});
