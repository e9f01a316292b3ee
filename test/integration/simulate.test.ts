/** `gantry simulate` as users run it: a real process, its exit code and the exact text it prints. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gantrySync as gantry } from '../support/gantry.ts';

const SHOP = 'examples/shop/gantry.yaml';
const work = mkdtempSync(join(tmpdir(), 'gantry-simulate-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The HPA of src/autoscale/simulate.test.ts's hand-derived curve, as a gantry.yaml, plus a cpu-scaled service. */
const SPEC = join(work, 'gantry.yaml');
writeFileSync(
  SPEC,
  `app: demo
services:
  api:
    image: ghcr.io/acme/api:1.0.0
    port: 8000
    autoscale:
      min: 1
      max: 6
      rps: 100
      behavior:
        scaleUp: { stabilizationWindowSeconds: 0, policies: [{ type: Pods, value: 2, periodSeconds: 30 }] }
        scaleDown: { stabilizationWindowSeconds: 30, policies: [{ type: Percent, value: 100, periodSeconds: 15 }] }
  web:
    image: ghcr.io/acme/web:1.0.0
    port: 8080
    resources: { requests: { cpu: 250m } }
    autoscale: { min: 1, max: 3, cpu: 60 }
`,
);

describe('gantry simulate', () => {
  it('charts the hand-derived curve: load, replicas ready (#) and starting (+), unserved load, a summary', () => {
    const { code, stdout, stderr } = gantry([
      'simulate',
      '-f',
      SPEC,
      '--service',
      'api',
      '--load',
      '0:100,15:400,75:400,90:50',
      '--readiness-delay',
      '20',
      '--duration',
      '120',
    ]);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    // Columns are the syncs at 0, 15 … 120 s. Replicas at each sync (current; ready):
    // 1;1  1;1  3;1  3;3  4;3  4;4  4;4  4;4  1;1 — see simulate.test.ts for the arithmetic.
    // Cost: the base spec is priced as gantry infra builds a development environment: EKS 73 + one
    // m6i.large 70.08 + the system node group's t3.medium 30.368 + their 2 × 20 GB disks 3.20 + one NAT
    // 32.85 + its public IPv4 3.65 = $213.148/month, the same at 1 and 6 replicas (one node holds them).
    // 375 replica-seconds over 135 s average 2.8; 213.148 × (135 / 3600) / 730 = $0.011.
    assert.equal(
      stdout,
      `Simulated HPA for api: 1–6 replicas, http_requests_per_second 100 per pod
  capacity 100 rps per ready replica (the spec’s rps target); new replicas ready after 20s; a sync every 15s; 1 replica at the start

load (requests/s)
     400 | #####
         | #####
         | #####
         | #####
     200 | #####
         | #####
         |######
         |#########
replicas (# ready, + starting; max 6)
       6 |
         |
         |    +###
       3 |  +#####
         |  +#####
         |#########
unserved (requests/s beyond what the ready replicas serve)
     300 | !!
         | !!
     150 | !!
         | !!!!
         +---------
          0s     2m

peak: 4 replicas at 45s
replica-seconds: 375 (0.1 replica-hours) over 2m15s
unserved load: for 1m, about 12 000 requests, at most 300 rps (at 15s)
reasons: DesiredWithinRange ×6, ScaleUpLimit ×2, ScaleDownStabilized ×1
cost: $0.01 over 2m15s — AWS EKS on-demand: $213.15/month at min and at max replicas (nodes are not the limit); this run averages 2.8 replicas (gantry cost shows the lines)
`,
    );
  });

  it('prints the timeline as JSON, with the HPA as production renders it (the shop api in prod)', () => {
    const { code, stdout, stderr } = gantry([
      'simulate',
      '-f',
      SHOP,
      '--env',
      'prod',
      '--load',
      '0:100,2m:8000',
      '--duration',
      '3m',
      '--output',
      'json',
    ]);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.service, 'api');
    assert.equal(result.environment, 'prod');
    assert.deepEqual(result.hpa, {
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [
        { name: 'cpu', target: '70% of requests' },
        { name: 'http_requests_per_second', target: '1000 per pod' },
      ],
      notSimulated: ['memory'],
    });
    assert.deepEqual(result.model, {
      capacity: 1000,
      capacitySource: 'the spec’s rps target',
      readinessDelaySeconds: 30,
      syncPeriodSeconds: 15,
      durationSeconds: 180,
      initialReplicas: 3,
    });
    assert.equal(result.timeline.length, 13);
    // Priced from gantry cost's prod estimate ($762.63/month at min and max: see cost.test.ts).
    assert.deepEqual(result.cost.basis, { provider: 'aws', target: 'eks', pricing: 'on-demand' });
    assert.equal(result.cost.monthly.min.toFixed(2), '762.63');
    assert.equal(result.cost.hours, (13 * 15) / 3600);
    assert.equal(result.cost.total.toFixed(4), ((762.631 * (13 * 15)) / 3600 / 730).toFixed(4));
    // t=0: 100 rps over 3 pods of 1000 → 3.3 % utilisation, cpu 3 %; the first sync holds min.
    assert.deepEqual(result.timeline[0], {
      t: 0,
      rps: 100,
      replicas: { current: 3, desired: 3, ready: 3 },
      utilisation: 100 / 3000,
      unserved: 0,
      reason: 'ScaleDownStabilized',
      metrics: { cpu: 3, http_requests_per_second: 33.333 },
    });
    const desired = result.timeline.map((row: { replicas: { desired: number } }) => row.replicas.desired);
    assert.equal(Math.max(...desired), 10, 'reaches max under 8000 rps');
    assert.ok(
      desired.every((n: number, i: number) => i === 0 || n >= desired[i - 1]),
      'never scales down on rising load',
    );
    assert.deepEqual(Object.keys(result.summary), [
      'peakReplicas',
      'peakAt',
      'replicaSeconds',
      'unservedSeconds',
      'unservedRequests',
      'reasons',
    ]);
  });

  it('a bad --load names the item and column and simulates nothing (exit 2)', () => {
    const { code, stdout, stderr } = gantry(['simulate', '-f', SHOP, '--load', '0:100,600:lots']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      `--load:1:7 error item 2 \`600:lots\`: rps must be a number of requests per second (0 or more), got \`lots\`
    1 | 0:100,600:lots
      |       ^
  hint: e.g. 2000 or 12.5; no units

✗ --load: 1 error; nothing simulated
`,
    );
  });

  it('a bad line in a CSV load file names the file, line and field', () => {
    const csv = join(work, 'load.csv');
    writeFileSync(csv, 'seconds,rps\n0,100\n60,fast\n');
    const { code, stderr } = gantry(['simulate', '-f', SHOP, '--load', csv]);
    assert.equal(code, 2);
    assert.match(
      stderr,
      /load\.csv:3:4 error rps: rps must be a number of requests per second \(0 or more\), got `fast`/,
    );
  });

  it('a --load that is neither a file nor a list says what it takes', () => {
    const { code, stderr } = gantry(['simulate', '-f', SHOP, '--load', 'peak.csv']);
    assert.equal(code, 2);
    assert.equal(
      stderr,
      'error: --load peak.csv: no such file\n  hint: pass a CSV file of seconds,rps lines, or the points inline: --load 0:100,600:2000,1200:300\n',
    );
  });

  it('with several autoscaled services, asks which, listing them; a cpu-only one needs --capacity', () => {
    const several = gantry(['simulate', '-f', SPEC, '--load', '0:100']);
    assert.equal(several.code, 2);
    assert.equal(
      several.stderr,
      `error: ${SPEC}: 2 services have autoscale; say which to simulate\n  hint: --service api | web\n`,
    );
    const noCapacity = gantry(['simulate', '-f', SPEC, '--service', 'web', '--load', '0:100']);
    assert.equal(noCapacity.code, 2);
    assert.equal(
      noCapacity.stderr,
      'error: web: no --capacity, and its autoscale has no rps target to take one from\n  hint: --capacity RPS: the requests per second one replica serves at 100% of its cpu request, e.g. --capacity 200\n',
    );
    const notScaled = gantry(['simulate', '-f', SHOP, '--service', 'worker', '--load', '0:100']);
    assert.equal(
      notScaled.stderr,
      `error: ${SHOP}: service \`worker\` has no autoscale\n  hint: autoscaled services: api\n`,
    );
  });

  it('--help lists the options', () => {
    const { code, stdout } = gantry(['simulate', '--help']);
    assert.equal(code, 0);
    for (const option of [
      '--load',
      '--service',
      '--capacity',
      '--step',
      '--readiness-delay',
      '--duration',
      '--output',
    ])
      assert.ok(stdout.includes(option), option);
  });
});
