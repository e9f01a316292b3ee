/**
 * The generated SLO rules under Prometheus' own tools: `promtool check rules` accepts every rule
 * file Gantry writes, and `promtool test rules` (synthetic series, Prometheus' real rule engine)
 * shows each burn-rate alert firing just above its threshold burn and silent just below it, for
 * both SLOs, and silent when only the long window burns (the fault has stopped).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { stringify } from 'yaml';
import {
  BURN_RATE_ALERTS,
  type BurnRateAlert,
  LATENCY_BUDGET,
  promDuration,
} from '../../src/monitoring/burn-rate.ts';
import { type MonitoredService, monitoringTarget } from '../../src/monitoring/objectives.ts';
import { ALERTS, type AlertingRule, sloRuleGroup } from '../../src/monitoring/rules.ts';
import { loadSpec } from '../../src/spec/load.ts';

const PROMTOOL = '/usr/bin/promtool';
const NAMESPACE = 'shop';
const PER_MINUTE = 10_000;

function monitored(slo: string): MonitoredService {
  const loaded = loadSpec(`app: shop\nservices:\n  api:\n    image: acme/api:1.0.0\n    port: 8000\n${slo}`, {
    file: 'gantry.yaml',
  });
  assert.ok(loaded.ok, JSON.stringify(loaded.problems));
  return monitoringTarget(loaded.model.services.api!).monitored!;
}

const objectives = monitored('    slo: { availability: 99.9%, latencyP95Ms: 200 }\n');

const dir = mkdtempSync(join(tmpdir(), 'gantry-promtool-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function promtool(args: string[]): { code: number | null; output: string } {
  const result = spawnSync(PROMTOOL, args, { encoding: 'utf8', cwd: dir, timeout: 120_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

function writeRules(service: MonitoredService, name: string): string {
  const file = join(dir, `${name}.rules.yml`);
  writeFileSync(
    file,
    stringify({ groups: [sloRuleGroup(service, { namespace: NAMESPACE, environment: null })] }),
  );
  return file;
}

/** Series of one version for `minutes`: `errors` and `slow` are per-minute shares (a function of the minute). */
function series(minutes: number, errors: (minute: number) => number, slow: (minute: number) => number) {
  const labels = `namespace="${NAMESPACE}",service="api",version="v2"`;
  const cumulative = (perMinute: (minute: number) => number) => {
    let total = 0;
    const values = [0];
    for (let m = 1; m <= minutes; m++) {
      total += perMinute(m);
      values.push(total);
    }
    return values.map((v) => Number(v.toPrecision(15))).join(' ');
  };
  return [
    {
      series: `http_requests_total{${labels},code="200"}`,
      values: cumulative((m) => PER_MINUTE * (1 - errors(m))),
    },
    {
      series: `http_requests_total{${labels},code="500"}`,
      values: cumulative((m) => PER_MINUTE * errors(m)),
    },
    { series: `http_request_duration_seconds_bucket{${labels},le="0.1"}`, values: cumulative(() => 0) },
    {
      series: `http_request_duration_seconds_bucket{${labels},le="0.2"}`,
      values: cumulative((m) => PER_MINUTE * (1 - slow(m))),
    },
    {
      series: `http_request_duration_seconds_bucket{${labels},le="0.4"}`,
      values: cumulative(() => PER_MINUTE),
    },
    {
      series: `http_request_duration_seconds_bucket{${labels},le="+Inf"}`,
      values: cumulative(() => PER_MINUTE),
    },
  ];
}

/**
 * The alerts of one SLO expected to fire: their labels, and the rule's annotations as Prometheus
 * expands their templates (promtool compares both).
 */
function expected(pairs: readonly BurnRateAlert[], slo: 'availability' | 'latency') {
  const group = sloRuleGroup(objectives, { namespace: NAMESPACE, environment: null });
  const rule = (pair: BurnRateAlert) =>
    group.rules.find(
      (r): r is AlertingRule =>
        'alert' in r && r.alert === ALERTS[slo] && r.labels.burn_rate === String(pair.burnRate),
    )!;
  const expand = (annotations: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(annotations).map(([key, text]) => [key, text.replaceAll('{{ $labels.version }}', 'v2')]),
    );
  return pairs.map((pair) => ({
    exp_annotations: expand(rule(pair).annotations),
    exp_labels: {
      alertname: ALERTS[slo],
      namespace: NAMESPACE,
      service: 'api',
      version: 'v2',
      severity: pair.severity,
      slo,
      burn_rate: String(pair.burnRate),
      long_window: promDuration(pair.longSeconds),
      short_window: promDuration(pair.shortSeconds),
    },
  }));
}

/** Runs one promtool unit test file; fails with promtool's own report. */
function unitTest(name: string, rules: string, test: Record<string, unknown>): void {
  const file = join(dir, `${name}.test.yml`);
  writeFileSync(file, stringify({ rule_files: [rules], evaluation_interval: '1m', tests: [test] }));
  const result = promtool(['test', 'rules', file]);
  assert.equal(result.code, 0, result.output);
}

describe('SLO rules under promtool (Prometheus 2 rule engine)', {
  skip: existsSync(PROMTOOL) ? false : `${PROMTOOL} is missing: apt-get install -y prometheus (.ci/run does)`,
}, () => {
  const rules = writeRules(objectives, 'api');

  it('promtool check rules accepts the rule file for every objective source', () => {
    const files = [
      rules,
      writeRules(monitored(''), 'defaults'),
      writeRules(monitored('    release: { analysis: { successRate: 1 } }\n'), 'no-budget'),
      writeRules(monitored('    slo: { window: 4w }\n'), 'four-weeks'),
    ];
    const result = promtool(['check', 'rules', ...files]);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /SUCCESS: 26 rules found/);
  });

  for (const pair of BURN_RATE_ALERTS) {
    const windows = `${promDuration(pair.longSeconds)}/${promDuration(pair.shortSeconds)}`;
    const budget = 1 - objectives.objectives.availability!;
    // Every pair at or below this burn rate fires; the faster ones stay silent.
    const firing = (above: boolean) =>
      BURN_RATE_ALERTS.filter((p) => (above ? p.burnRate <= pair.burnRate : p.burnRate < pair.burnRate));
    for (const [factor, above] of [
      [1.01, true],
      [0.99, false],
    ] as const) {
      it(`${windows} at ${pair.burnRate}×: ${above ? 'fires at 1.01×' : 'silent at 0.99×'} its threshold burn (errors and latency)`, () => {
        const errors = factor * pair.burnRate * budget;
        const slow = factor * pair.burnRate * LATENCY_BUDGET;
        unitTest(`${pair.burnRate}-${above}`, rules, {
          interval: '1m',
          input_series: series(
            130,
            () => errors,
            () => slow,
          ),
          alert_rule_test: [
            {
              eval_time: '2h',
              alertname: ALERTS.availability,
              exp_alerts: expected(firing(above), 'availability'),
            },
            { eval_time: '2h', alertname: ALERTS.latency, exp_alerts: expected(firing(above), 'latency') },
          ],
        });
      });
    }
  }

  it('1h/5m: silent once the errors stopped (long window still above, short window clean)', () => {
    // 20× burn for 50 minutes, then none: at 65 min the 1h window holds 45 min of it (15×),
    // the 5 m window none. 6h/30m (6×) still fires on its own windows: 30 m holds 15 min of it.
    const burst = (minute: number) => (minute <= 50 ? 20 * 0.001 : 0);
    const p95Burst = (minute: number) => (minute <= 50 ? 0.9 : 0);
    unitTest('stopped', rules, {
      interval: '1m',
      input_series: series(70, burst, p95Burst),
      alert_rule_test: [
        {
          eval_time: '65m',
          alertname: ALERTS.availability,
          exp_alerts: expected(
            BURN_RATE_ALERTS.filter((p) => p.burnRate <= 6),
            'availability',
          ),
        },
      ],
    });
  });
});
