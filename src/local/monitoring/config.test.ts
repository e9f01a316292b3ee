import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { AlertingRule } from '../../monitoring/rules.ts';
import { renderKubernetes } from '../../render/kubernetes/index.ts';
import { loadSpec } from '../../spec/load.ts';
import { localMonitoringPlan } from './config.ts';
import { describeAlert, readAlerts } from './prometheus.ts';

const SHOP = readFileSync(new URL('../../../examples/shop/gantry.yaml', import.meta.url), 'utf8');
const dev = () => {
  const loaded = loadSpec(SHOP, { file: 'gantry.yaml', env: 'dev' });
  assert.ok(loaded.ok);
  return loaded.model;
};
const options = {
  daemonUrl: 'http://127.0.0.1:41234',
  rulesFile: '/state/monitoring/rules.yml',
  timeScale: 1,
};

describe('the local Prometheus plan', () => {
  it('loads exactly the rule groups gantry render --monitoring puts in the PrometheusRules', () => {
    const plan = localMonitoringPlan(dev(), options);
    const rendered = renderKubernetes(dev(), { monitoring: { namespace: 'monitoring' } })
      .objects.filter((o) => o.kind === 'PrometheusRule')
      .map((o) => (o.spec as { groups: unknown[] }).groups[0]);
    assert.equal(rendered.length, 2);
    assert.deepEqual(plan.rules.groups, rendered);
  });

  it('scrapes the daemon and the replicas it discovers, labelled as a PodMonitor labels pods', () => {
    const plan = localMonitoringPlan(dev(), options);
    assert.deepEqual(plan.config, {
      global: { scrape_interval: '5s', evaluation_interval: '5s' },
      rule_files: ['/state/monitoring/rules.yml'],
      scrape_configs: [
        { job_name: 'gantry-daemon', static_configs: [{ targets: ['127.0.0.1:41234'] }] },
        {
          job_name: 'gantry-replicas',
          http_sd_configs: [{ url: 'http://127.0.0.1:41234/v1/prometheus/targets', refresh_interval: '5s' }],
          relabel_configs: [
            { source_labels: ['service'], regex: 'api|worker', action: 'keep' },
            {
              source_labels: ['service'],
              regex: 'api',
              target_label: '__metrics_path__',
              replacement: '/metrics',
            },
            {
              source_labels: ['service'],
              regex: 'worker',
              target_label: '__metrics_path__',
              replacement: '/metrics',
            },
            { target_label: 'namespace', replacement: 'shop' },
          ],
        },
      ],
    });
  });

  it('GANTRY_SLO_TIME_SCALE: windows 60× shorter, scrapes every second, recorded names unchanged', () => {
    const plan = localMonitoringPlan(dev(), { ...options, timeScale: 60 });
    assert.deepEqual(plan.config.global, { scrape_interval: '1s', evaluation_interval: '1s' });
    const rules = plan.rules.groups[0]!.rules;
    const fast = rules.find((r): r is AlertingRule => 'alert' in r && r.labels.burn_rate === '14.4')!;
    assert.match(fast.expr, /ratio_rate1h\{namespace="shop",service="api"\}/);
    assert.deepEqual([fast.labels.long_window, fast.labels.short_window], ['1m', '5s']);
    const record = rules.find((r) => 'record' in r && r.record.endsWith('ratio_rate1h'))!;
    assert.match(record.expr, /\[1m\]/);
  });

  it('a service with no port, or metrics on another port, is left out with the reason', () => {
    const loaded = loadSpec(
      'app: a\nservices:\n  q: { run: "node q.js" }\n  api: { run: "node api.js", port: 8000, metrics: { port: 9100 } }\n',
      { file: 'gantry.yaml' },
    );
    assert.ok(loaded.ok);
    const plan = localMonitoringPlan(loaded.model, options);
    assert.deepEqual(plan.rules.groups, []);
    assert.deepEqual(plan.skipped, [
      { service: 'q', reason: 'has no port to scrape (add `metrics: { port: … }` if it serves /metrics)' },
      {
        service: 'api',
        reason:
          'serves metrics on port 9100, not on the port each replica gets (PORT); only a cluster scrapes it',
      },
    ]);
  });
});

describe("reading Prometheus' alerts", () => {
  const alert = (alertname: string, state: string, version = 'v2') => ({
    labels: {
      alertname,
      service: 'api',
      version,
      severity: 'page',
      long_window: '1h',
      short_window: '5m',
      burn_rate: '14.4',
    },
    annotations: { summary: 's', runbook: 'r' },
    state,
    activeAt: '2026-01-01T00:00:00Z',
  });
  it('keeps the SLO alerts, firing first, and says what each is', () => {
    const alerts = readAlerts({
      status: 'success',
      data: {
        alerts: [
          alert('LatencyBudgetBurn', 'pending'),
          alert('Watchdog', 'firing'),
          alert('ErrorBudgetBurn', 'firing'),
        ],
      },
    });
    assert.deepEqual(
      alerts.map((a) => `${a.state} ${a.name}`),
      ['firing ErrorBudgetBurn', 'pending LatencyBudgetBurn'],
    );
    assert.equal(describeAlert(alerts[0]!), 'ErrorBudgetBurn api v2 (page, 1h/5m at 14.4×): s');
  });
  it('an answer without alerts is none', () => assert.deepEqual(readAlerts({ status: 'error' }), []));
});
