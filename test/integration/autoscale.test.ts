/** `gantry autoscale explain` as users run it: a real process, its exit code and the exact text it prints. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gantrySync as gantry } from '../support/gantry.ts';

const EXAMPLE = 'examples/autoscale/hpa-observed.yaml';
const work = mkdtempSync(join(tmpdir(), 'gantry-autoscale-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('gantry autoscale explain', () => {
  it('tells what Kubernetes would decide for the example, and why (exit 0)', () => {
    const { code, stdout, stderr } = gantry(['autoscale', 'explain', EXAMPLE]);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    // cpu: 720m of 750m = 96 %, 96/70 = 1.37 up; the unready api-4 at 0: 720m of 1000m = 72 %, 1.03: within.
    // memory: 1100Mi of 2048Mi = 53 %, 53/80 = 0.6625 → ceil(2.65) = 3.
    // requests/s: 540/3 = 180, 1.8 up; api-4 (no sample) at 0: 540/4 = 135, 1.35 → ceil(5.4) = 6.
    // Policies over 60 s, 1 added 30 s ago: start 3 → Pods 3 + 2 = 5, Percent ceil(3 × 1.5) = 5 → 5.
    assert.equal(
      stdout,
      `HorizontalPodAutoscaler api → Deployment/api: 4 → 5 replicas (min 3, max 10)

Metrics (tolerance 0.1: no change while 0.9 ≤ ratio ≤ 1.1)
  cpu: 96% of requests, target 70% → ratio 1.3714
    pods: 3 ready with a sample, 1 unready
    1 unready pod counted as 0: ratio 1.0286 over 4 pods, within the tolerance → stays at 4
  memory: 53% of requests, target 80% → ratio 0.6625
    pods: 4 ready with a sample
    proposes ceil(0.6625 × 4) = 3
  http_requests_per_second: 180 per pod, target 100 per pod → ratio 1.8
    pods: 3 ready with a sample, 1 without a sample
    1 pod without a sample counted as 0 (scaling up): ratio 1.35 over 4 pods → proposes ceil(1.35 × 4) = 6
  recommendation: 6 (the highest, from pods metric http_requests_per_second)

Stabilization (scale-up window 0s, scale-down window 300s)
  lowest recommendation within 0s: 6; highest within 300s: 6
  6 → 6 (ReadyForNewScale)
Scale-up policies (selectPolicy Max)
  Pods: +2 per 60s: start 3 (3 = current − 1 added + 0 removed) → 3 + 2 = 5
  Percent: +50% per 60s: start 3 (3 = current − 1 added + 0 removed) → ceil(3 × 1.5) = 5
  allowed: at most 5; replicas 3–10

Decision: 5 replicas — ScaleUpLimit: the desired replica count is increasing faster than the maximum scale rate
  event: SuccessfulRescale New size: 5; reason: pods metric http_requests_per_second above target
`,
    );
  });

  it('--output json: { desiredReplicas, reason, metrics: [...] } and the rest of the story', () => {
    const { code, stdout, stderr } = gantry(['autoscale', 'explain', EXAMPLE, '--output', 'json']);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout);
    assert.equal(report.desiredReplicas, 5);
    assert.equal(report.reason, 'ScaleUpLimit');
    assert.deepEqual(
      report.metrics.map((m: { name: string; proposal: number; current: unknown }) => [
        m.name,
        m.proposal,
        m.current,
      ]),
      [
        ['cpu', 4, { averageUtilization: 96, averageValue: '240m' }],
        ['memory', 3, { averageUtilization: 53, averageValue: '275Mi' }],
        ['http_requests_per_second', 6, { averageValue: '180' }],
      ],
    );
    assert.deepEqual(report.recommendation, { replicas: 6, metric: 'pods metric http_requests_per_second' });
    assert.deepEqual(report.next.scaleEvents, [
      { change: 1, ageSeconds: 30 },
      { change: 1, ageSeconds: 0 },
    ]);
  });

  it('bad input: every problem with file:line:column, the field and a hint; no stack trace (exit 2)', () => {
    const file = join(work, 'hpa.yaml');
    writeFileSync(
      file,
      `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
spec:
  maxReplicas: 10
  metrics:
    - type: Resource
      resource: { name: cpu, target: { type: Utilization, averageUtilisation: 70 } }
observed:
  replicas: 3
`,
    );
    const { code, stdout, stderr } = gantry(['autoscale', 'explain', file]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      `${file}:7:30 error spec.metrics[0].resource.target: a target of type Utilization needs \`averageUtilization\`
    7 |       resource: { name: cpu, target: { type: Utilization, averageUtilisation: 70 } }
      |                              ^
  hint: averageUtilization: 70 (percent of requests)

${file}:7:59 error spec.metrics[0].resource.target.averageUtilisation: unknown field \`averageUtilisation\`
    7 |       resource: { name: cpu, target: { type: Utilization, averageUtilisation: 70 } }
      |                                                           ^
  hint: did you mean \`averageUtilization\`?

✗ ${file}: 2 errors; nothing explained
`,
    );
  });

  it('a missing file is a usage error (exit 2)', () => {
    const { code, stderr } = gantry(['autoscale', 'explain', 'no-such.yaml']);
    assert.equal(code, 2);
    assert.equal(
      stderr,
      'error: no-such.yaml: no such file\n  hint: pass a YAML file with the HPA and `observed:`, e.g. examples/autoscale/hpa-observed.yaml\n',
    );
  });
});
