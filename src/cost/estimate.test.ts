import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { costOverPeriod, monthlyCost } from './estimate.ts';
import { exampleModel, modelOf, shippedPrices } from './fixtures.test-support.ts';
import { type PriceTableData, priceTable } from './prices.ts';
import { applyPricing } from './pricing.ts';

const table = shippedPrices();
const close = (actual: number, expected: number) =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${actual} ≠ ${expected}`);
const byId = (lines: { id: string; monthly: number | null }[]) =>
  Object.fromEntries(lines.map((l) => [l.id, l.monthly === null ? null : Math.round(l.monthly * 1e6) / 1e6]));

describe('the example shop on EKS (on-demand, no usage given): what gantry infra builds', () => {
  it('dev: one m6i.large + the system t3.medium, two zones, one NAT, in-cluster postgres and redis — $238.953', () => {
    // Pods: api 250m, worker 100m, shop-db 250m, shop-cache 100m, CoreDNS 2 × 100m = 800m ≤ 1805m → 1 node
    // (the application group's min_size 1). 0.10 × 730 = 73 control plane; 0.096 × 730 = 70.08 node;
    // system group 1 × t3.medium 0.0416 × 730 = 30.368; roots (1 + 1) × 20 GB × 0.08 = 3.20;
    // PVCs 10Gi + 1Gi = 11 × 0.08 = 0.88; NLB 0.0225 × 730 = 16.425; 1 NAT for both zones 0.045 × 730 = 32.85;
    // 3 IPv4 (the NAT's + the NLB's in 2 zones) × 0.005 × 730 = 10.95; 2 KMS keys: no price;
    // 3 secrets × 0.40 = 1.20. Sum 238.953.
    const e = monthlyCost(exampleModel('dev'), table, { provider: 'aws' });
    assert.deepEqual(byId(e.lines), {
      'control-plane': 73,
      nodes: 70.08,
      'system-nodes': 30.368,
      'node-root-volumes': 3.2,
      'persistent-volumes': 0.88,
      nlb: 16.425,
      'nat-gateways': 32.85,
      'public-ipv4': 10.95,
      'kms-keys': null,
      secrets: 1.2,
      egress: null,
      'nat-data': null,
      'nlb-lcu': null,
      'logs-ingestion': null,
      'logs-storage': null,
    });
    close(e.totals.max, 238.953);
    close(e.totals.min, 238.953);
    assert.equal(e.unpriced.length, 6);
    assert.equal(e.region, 'us-east-1');
    assert.equal(e.azs, 2);
  });

  it('staging: two zones, one NAT, the idle colour at 0, RDS db.t3.medium Multi-AZ — $459.541', () => {
    // Pods at max: api-blue 5 × 250m (api-green idle at 0), worker 2 × 100m, shop-cache 100m, CoreDNS 200m
    // = 1750m → 1 node, the application group's min_size makes 2 = 140.16; system 2 × 30.368 = 60.736;
    // roots (2 + 2) × 20 GB = 6.40; cache PVC 10 GB = 0.80; NLB 16.425; 1 NAT = 32.85; 3 IPv4 = 10.95;
    // RDS 0.144 × 730 = 105.12; 50 GB × 0.23 = 11.50; control plane 73;
    // 4 secrets (3 of the services + the RDS master password) = 1.60. Sum 459.541.
    const e = monthlyCost(exampleModel('staging'), table, { provider: 'aws' });
    close(e.totals.max, 459.541);
    assert.deepEqual(e.cluster?.nodes.nodes, { max: 2, min: 2 });
    close(e.lines.find((l) => l.id === 'rds-instance:db')!.monthly!, 105.12);
    assert.equal(e.lines.find((l) => l.id === 'nat-gateways')!.quantity, 1);
  });

  it('prod: three zones, a NAT each, the system node group (2 × t3.medium, $63.94 with roots) — $762.631', () => {
    // Pods at max: api 10 + canary 1 = 11 × 250m, worker 200m, shop-cache 100m, CoreDNS 200m = 3250m
    // → 2 nodes would do, the group's min_size 3 makes 3 = 210.24; system 2 × 30.368 = 60.736;
    // roots (3 + 2) × 20 GB = 8.00; PVC 0.80; NLB 16.425; 3 NAT = 98.55; 6 IPv4 = 21.90;
    // RDS 0.356 × 730 = 259.88; 50 GB × 0.23 = 11.50; control plane 73; secrets 4 × 0.40 = 1.60. Sum 762.631.
    const e = monthlyCost(exampleModel('prod'), table, { provider: 'aws' });
    close(e.totals.max, 762.631);
    const system = e.lines.find((l) => l.id === 'system-nodes')!;
    assert.equal(system.quantity, 2);
    assert.equal(system.item, 'system nodes (t3.medium)');
    // What the system group adds: its nodes and their root volumes, 60.736 + 2 × 20 × 0.08 = 63.936.
    close(system.monthly! + 2 * 20 * 0.08, 63.936);
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
    close(e.totals.max, 762.631 + 36 + 9 + 21.9 + 25 + 1.5);
    // expected = min + (max − min) × 8 / 24; here min = max (3 nodes either way), so expected = max
    assert.equal(e.totals.expected, e.totals.min + ((e.totals.max - e.totals.min) * 8) / 24);
    close(e.totals.expected!, e.totals.max);
  });
});

function presetMedium() {
  return { egressGB: 500, natGB: 200, lcu: 5, logsGB: 50, peakHoursPerDay: 8 };
}

describe('pricing options', () => {
  it('spot takes 90 % off the application nodes (ec2_spot_max), not the on-demand system group, not RDS', () => {
    // prod: nodes 210.24 → 21.024; total 762.631 − 189.216 = 573.415
    const e = monthlyCost(exampleModel('prod'), table, { provider: 'aws', pricing: 'spot' });
    close(e.totals.max, 573.415);
    assert.match(
      e.lines.find((l) => l.id === 'system-nodes')!.note!,
      /spot: gantry infra runs the system node group on demand; on-demand/,
    );
    assert.match(
      e.lines.find((l) => l.id === 'nodes')!.note!,
      /spot: −90% \(aws\.discounts\.ec2_spot_max, up to, the best case; S12\)/,
    );
    assert.match(e.lines.find((l) => l.id === 'rds-instance:db')!.note!, /RDS has no spot pricing/);
  });

  it('savings-3y: compute savings plan 66 % on m6i nodes, the t3.medium 3-year RI row on the system group, 35 % on RDS', () => {
    // 210.24 × 0.66 = 138.7584 off; 60.736 × 0.567 = 34.437312 off; 259.88 × 0.35 = 90.958 off
    // 762.631 − 138.7584 − 34.437312 − 90.958 = 498.477288
    const e = monthlyCost(exampleModel('prod'), table, { provider: 'aws', pricing: 'savings-3y' });
    close(e.totals.max, 498.477288);
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
        ['on-demand', 762.631],
        ['spot', 573.415],
        // only the system group's t3.medium has a 1-year row: 60.736 × 0.373 = 22.654528 off
        ['savings-1y', 739.976],
        ['savings-3y', 498.477],
      ],
    );
  });
});

describe('targets', () => {
  it('ECS on Fargate: the ECS services gantry infra writes, one ALB, managed backing, no control plane', () => {
    // prod: api 0.25 vCPU / 0.5 GB × 3..10 tasks (no canary on ECS), worker × 2:
    // max 12 tasks: 3 vCPU × 0.04048 × 730 = 88.6512; 6 GB × 0.004445 × 730 = 19.4691 → 108.1203
    // ALB 16.425; 3 NAT 98.55; 6 IPv4 (3 NAT + 3 for the ALB) 21.90;
    // cache → ElastiCache 3 × cache.t3.medium 0.068 × 730 = 148.92; db → RDS 259.88 + 11.50;
    // 6 secrets (3 of the services, shop/cache/url, the RDS master password, shop/db/url) = 2.40.
    // Sum 667.6953; at min api runs 3 tasks: 63.070175 less = 604.625125.
    const e = monthlyCost(exampleModel('prod'), table, { provider: 'aws', target: 'ecs' });
    const compute = e.lines.filter((l) => l.id.startsWith('fargate-')).reduce((s, l) => s + l.monthly!, 0);
    close(compute, 108.1203);
    close(e.totals.max, 667.6953);
    close(e.totals.min, 604.625125);
    assert.equal(
      e.lines.some((l) => l.id === 'control-plane' || l.id.includes('canary')),
      false,
    );
    assert.equal(e.lines.find((l) => l.id === 'alb')!.quantity, 1);
    assert.equal(e.lines.find((l) => l.id === 'elasticache:cache')!.quantity, 3);
    assert.deepEqual(
      e.lines.filter((l) => l.price.usd === null).map((l) => l.id),
      ['cloud-map', 'container-insights', 'kms-keys'],
    );
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

describe('region and zones: the ones gantry infra builds in, the ones the table has prices for', () => {
  const euSpec = `app: shop
services: { api: { image: "x:1", port: 80 } }
environments:
  prod: { aws: { accountId: "123456789012", region: eu-west-1 } }
`;

  it("an environment in a region the table has no prices for is refused, naming both; never priced at us-east-1's rates", () => {
    assert.throws(() => monthlyCost(modelOf(euSpec, 'prod'), table, { provider: 'aws' }), {
      message: 'no aws prices for eu-west-1 (aws.region): data/prices.json has aws prices for us-east-1 only',
      hint: 'pass --region us-east-1 for an estimate at us-east-1 prices, or --prices FILE with eu-west-1 prices (_meta.default_region.aws: eu-west-1)',
    });
    const asked = monthlyCost(modelOf(euSpec, 'prod'), table, { provider: 'aws', region: 'us-east-1' });
    assert.equal(asked.region, 'us-east-1');
  });

  it("a table of the region's prices takes it; a table that names no region takes any", () => {
    const eu = priceTable(
      {
        ...shippedData(),
        _meta: { currency: 'USD', hours_per_month: 730, default_region: { aws: 'eu-west-1' } },
      },
      'eu.json',
    );
    assert.equal(monthlyCost(modelOf(euSpec, 'prod'), eu, { provider: 'aws' }).region, 'eu-west-1');
    const unnamed = priceTable(
      { ...shippedData(), _meta: { currency: 'USD', hours_per_month: 730 } },
      'mine.json',
    );
    assert.equal(monthlyCost(modelOf(euSpec, 'prod'), unnamed, { provider: 'aws' }).region, 'eu-west-1');
    assert.equal(monthlyCost(exampleModel('dev'), unnamed, { provider: 'gcp' }).region, null);
  });

  it('--zones 3 in staging: 3 zones, still one NAT gateway (non-production), the NLB in 3 zones', () => {
    // 1 NAT IP + 3 for the NLB = 4 × 3.65 = 14.60
    const e = monthlyCost(exampleModel('staging'), table, { provider: 'aws', azs: 3 });
    assert.equal(e.azs, 3);
    assert.deepEqual(byId(e.lines.filter((l) => l.section === 'network')), {
      nlb: 16.425,
      'nat-gateways': 32.85,
      'public-ipv4': 14.6,
    });
  });

  it('pods that need more nodes than the application group allows: said, with the tfvars to raise', () => {
    // 20 pods of 1 CPU, one per m6i.large (1805m allocatable) → 20 nodes; a development group stops at 3.
    const spec =
      'app: big\nservices: { etl: { image: "x:1", replicas: 20, resources: { requests: { cpu: 1 } } } }\n';
    const e = monthlyCost(modelOf(spec), table, { provider: 'aws' });
    assert.equal(e.cluster?.nodes.nodes.max, 20);
    assert.ok(
      e.notes.includes(
        'the pods at max replicas need 20 nodes, but the application node group stops at max_size 3 (gantry infra): raise it in the tfvars, or the last pods stay Pending',
      ),
      e.notes.join('\n'),
    );
  });
});

function shippedData(): PriceTableData {
  return JSON.parse(
    readFileSync(new URL('../../data/prices.json', import.meta.url), 'utf8'),
  ) as PriceTableData;
}
