import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costOverPeriod, monthlyCost } from './estimate.ts';
import { exampleModel, modelOf, shippedPrices } from './fixtures.test-support.ts';
import { applyPricing } from './pricing.ts';

const table = shippedPrices();
const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${actual} ≠ ${expected}`);
const byId = (lines: { id: string; monthly: number | null }[]) =>
  Object.fromEntries(lines.map((l) => [l.id, l.monthly === null ? null : Math.round(l.monthly * 1e6) / 1e6]));

describe('the example shop on EKS (on-demand, no usage given)', () => {
  it('dev: one m6i.large in one zone, in-cluster postgres and redis — $203.335', () => {
    // Pods: api 250m, worker 100m, shop-db 250m, shop-cache 100m, CoreDNS 2 × 100m = 800m ≤ 1805m → 1 node.
    // 0.10 × 730 = 73 control plane; 0.096 × 730 = 70.08 node; 20 GB root × 0.08 = 1.60;
    // PVCs 10Gi + 1Gi = 11 × 0.08 = 0.88; NLB 0.0225 × 730 = 16.425; 1 NAT 0.045 × 730 = 32.85;
    // 2 IPv4 (NAT + NLB) × 0.005 × 730 = 7.30; 3 secrets × 0.40 = 1.20. Sum 203.335.
    const e = monthlyCost(exampleModel('dev'), table, { provider: 'aws' });
    assert.deepEqual(byId(e.lines), {
      'control-plane': 73,
      nodes: 70.08,
      'node-root-volumes': 1.6,
      'persistent-volumes': 0.88,
      nlb: 16.425,
      'nat-gateways': 32.85,
      'public-ipv4': 7.3,
      secrets: 1.2,
      egress: null,
      'nat-data': null,
      'nlb-lcu': null,
      'logs-ingestion': null,
      'logs-storage': null,
    });
    close(e.totals.max, 203.335);
    close(e.totals.min, 203.335);
    assert.equal(e.unpriced.length, 5);
  });

  it('staging: two zones, the idle colour at 0, RDS db.t3.medium Multi-AZ — $431.705', () => {
    // Pods at max: api-blue 5 × 250m (api-green idle at 0), worker 2 × 100m, shop-cache 100m, CoreDNS 200m
    // = 1750m → 1 node, the 2-zone minimum makes 2 = 140.16; roots 40 GB = 3.20; cache PVC 10 GB = 0.80;
    // NLB 16.425; 2 NAT = 65.70; 4 IPv4 (2 NAT + 2 for the NLB) = 14.60;
    // RDS 0.144 × 730 = 105.12; 50 GB × 0.23 = 11.50; control plane 73; secrets 1.20. Sum 431.705.
    const e = monthlyCost(exampleModel('staging'), table, { provider: 'aws' });
    close(e.totals.max, 431.705);
    assert.deepEqual(e.cluster?.nodes.nodes, { max: 2, min: 2 });
    close(e.lines.find((l) => l.id === 'rds-instance:db')!.monthly!, 105.12);
  });

  it('prod: three zones, RDS db.m5.large Multi-AZ — $698.295', () => {
    // Pods at max: api 10 + canary 1 = 11 × 250m, worker 200m, shop-cache 100m, CoreDNS 200m = 3250m
    // → 2 nodes would do, the 3-zone minimum makes 3 = 210.24; roots 60 GB = 4.80; PVC 0.80;
    // NLB 16.425; 3 NAT = 98.55; 6 IPv4 = 21.90; RDS 0.356 × 730 = 259.88; 50 GB × 0.23 = 11.50;
    // control plane 73; secrets 1.20. Sum 698.295.
    const e = monthlyCost(exampleModel('prod'), table, { provider: 'aws' });
    close(e.totals.max, 698.295);
    // OpenCost split of 3 × $70.08: api's 2750m / 2.75 GiB at k = 0.096 / (2 × 0.04048 + 8 × 0.004445)
    // → (2.75 × 0.0333507 + 2.75 × 0.0036622) × 730 = 74.30
    const api = e.cluster!.allocation!.shares.find((s) => s.component === 'api')!;
    assert.equal(api.monthly.toFixed(2), '74.30');
    const total = e.cluster!.allocation!.shares.reduce((sum, s) => sum + s.monthly, 0);
    close(total, 210.24);
  });

  it('prod with the medium preset: usage lines and an expected figure between min and max', () => {
    // Usage adds egress (500 − 100) × 0.09 = 36, NAT 200 × 0.045 = 9, NLB 5 × 730 × 0.006 = 21.90, logs 25 + 1.50.
    const e = monthlyCost(exampleModel('prod'), table, {
      provider: 'aws',
      usage: { ...presetMedium(), from: 'preset medium' },
    });
    assert.deepEqual(byId(e.lines.filter((l) => l.section === 'usage')), {
      egress: 36,
      'nat-data': 9,
      'nlb-lcu': 21.9,
      'logs-ingestion': 25,
      'logs-storage': 1.5,
    });
    close(e.totals.max, 698.295 + 36 + 9 + 21.9 + 25 + 1.5);
    // expected = min + (max − min) × 8 / 24; here min = max (3 nodes either way), so expected = max
    assert.equal(e.totals.expected, e.totals.min + ((e.totals.max - e.totals.min) * 8) / 24);
    close(e.totals.expected!, e.totals.max);
  });
});

function presetMedium() {
  return { egressGB: 500, natGB: 200, lcu: 5, logsGB: 50, peakHoursPerDay: 8 };
}

describe('pricing options', () => {
  it('spot takes 90 % off EC2 nodes (ec2_spot_max) and leaves RDS on-demand', () => {
    // prod: nodes 210.24 → 21.024; total 698.295 − 189.216 = 509.079
    const e = monthlyCost(exampleModel('prod'), table, { provider: 'aws', pricing: 'spot' });
    close(e.totals.max, 509.079);
    assert.match(
      e.lines.find((l) => l.id === 'nodes')!.note!,
      /spot: −90% \(aws\.discounts\.ec2_spot_max, up to, the best case; S12\)/,
    );
    assert.match(e.lines.find((l) => l.id === 'rds-instance:db')!.note!, /RDS has no spot pricing/);
  });

  it('savings-3y: compute savings plan 66 % on nodes, database savings plan 35 % on RDS', () => {
    // 210.24 × 0.34 = 71.4816; 259.88 × 0.65 = 168.922; 698.295 − 138.7584 − 90.958 = 468.5786
    const e = monthlyCost(exampleModel('prod'), table, { provider: 'aws', pricing: 'savings-3y' });
    close(e.totals.max, 468.5786);
  });

  it('savings-1y uses a class row when the table has one (t3.medium 1-yr RI 37.3 %) and says when not', () => {
    const e = monthlyCost(exampleModel('prod'), table, {
      provider: 'aws',
      pricing: 'savings-1y',
      nodeType: 't3.medium',
    });
    const nodes = e.lines.find((l) => l.id === 'nodes')!;
    // t3.medium (1805m, 4 GiB − 0.55 GiB): 3250m → 2 nodes, 3 for the zones: 3 × 0.0416 × 730 = 91.104 × 0.627 = 57.122208
    close(nodes.monthly!, 57.122208);
    const rds = e.lines.find((l) => l.id === 'rds-instance:db')!;
    close(rds.monthly!, 259.88);
    assert.match(rds.note!, /savings-1y: no discount row for it in the price table/);
  });

  it('spot on a share of Fargate: 50 % of tasks at 70 % off = 35 % off', () => {
    const lines = [
      {
        id: 'x',
        section: 'compute' as const,
        item: 'x',
        quantity: 1,
        unit: 'vCPU',
        price: { usd: 1, per: 'h', key: 'k' },
        monthly: 100,
        source: 's',
        commitment: { kind: 'fargate' as const },
      },
    ];
    close(applyPricing(lines, 'spot', table, 0.5)[0]!.monthly!, 65);
  });

  it('every estimate carries the totals of all four options', () => {
    const e = monthlyCost(exampleModel('prod'), table, { provider: 'aws' });
    assert.deepEqual(
      e.byPricing.map((p) => [p.pricing, Math.round(p.totals.max * 1000) / 1000]),
      [
        ['on-demand', 698.295],
        ['spot', 509.079],
        ['savings-1y', 698.295],
        ['savings-3y', 468.579],
      ],
    );
  });
});

describe('targets', () => {
  it('ECS on Fargate: tasks instead of nodes, one ALB, no control plane', () => {
    // prod: api 10 + canary 1 + worker 2 + cache 1 = 14 tasks of 0.25 vCPU / 0.5 GB:
    // 3.5 vCPU × 0.04048 × 730 = 103.4264; 7 GB × 0.004445 × 730 = 22.71395
    const e = monthlyCost(exampleModel('prod'), table, { provider: 'aws', target: 'ecs' });
    const compute = e.lines.filter((l) => l.section === 'compute').reduce((s, l) => s + l.monthly!, 0);
    close(compute, 103.4264 + 22.71395);
    assert.equal(
      e.lines.some((l) => l.id === 'control-plane'),
      false,
    );
    assert.equal(e.lines.find((l) => l.id === 'alb')!.quantity, 1);
  });

  it('a pod larger than any node fails with the pod and the largest type named', () => {
    const spec = `app: big
services:
  etl: { image: "etl:1", port: 80, resources: { requests: { cpu: 6, memory: 1Gi } } }
`;
    assert.throws(() => monthlyCost(modelOf(spec), table, { provider: 'aws' }), {
      message:
        'Deployment/etl: a pod asks for 6 CPU and 1Gi memory, more than any node type holds; the largest known is m5.xlarge (3795m CPU, 15.03Gi allocatable)',
    });
  });

  it('a target of another provider is refused', () => {
    assert.throws(() => monthlyCost(exampleModel('dev'), table, { provider: 'gcp', target: 'eks' }), {
      message: '--target eks does not run on gcp',
    });
  });

  it('costOverPeriod scales a month to hours, min to max by the time at max', () => {
    // (200 + 100 × 0.5) × 24 / 730 = 8.219178…
    close(costOverPeriod({ totals: { max: 300, min: 200 } }, 24, 0.5), (250 * 24) / 730);
  });
});
