/** `gantry cost` as users run it: a real process, its exit code and the text it prints. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gantrySync as gantry } from '../support/gantry.ts';

const EXAMPLE = 'examples/shop/gantry.yaml';
const STAGING_ON_ECS = ['cost', '-f', EXAMPLE, '--env', 'staging', '--target', 'ecs'];
const work = mkdtempSync(join(tmpdir(), 'gantry-cost-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('gantry cost', () => {
  it('prints a table per environment with totals, pricing options and the as-of dates (exit 0)', () => {
    const { code, stdout, stderr } = gantry(['cost', '-f', EXAMPLE]);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    const titles = stdout.split('\n').filter((line) => line.startsWith('shop · '));
    assert.deepEqual(titles, [
      'shop · dev (development) · AWS EKS · us-east-1 · on-demand · 2 zones',
      'shop · staging (staging) · AWS EKS · us-east-1 · on-demand · 2 zones',
      'shop · prod (production) · AWS EKS · us-east-1 · on-demand · 3 zones',
    ]);
    // Totals checked by hand in src/cost/estimate.test.ts: 238.953, 459.541, 762.631.
    const totals = stdout.split('\n').filter((line) => line.startsWith('  total: '));
    assert.deepEqual(totals, [
      '  total: $238.95 a month',
      '  total: $459.54 a month',
      '  total: $762.63 a month',
    ]);
    assert.match(
      stdout,
      /\n {2}system nodes \(t3\.medium\) +2 nodes +\$0\.0416\/hour +\$60\.74 +aws\.ec2\.t3\.medium\n/,
    );
    assert.match(
      stdout,
      /\n {2}not in the total \(not priced: no price in the table\): KMS keys \(customer managed\) × 2\n/,
    );
    assert.match(
      stdout,
      /\n {2}nodes \(m6i\.large\) +3 nodes +\$0\.096\/hour +\$210\.24 +aws\.ec2\.m6i\.large\n/,
    );
    assert.match(stdout, /\n {6}depends on usage: \$0\.09 per GB; first 100 GB a month free/);
    assert.match(stdout, /\n {4}spot +\$573\.42 +\$573\.42 +−\$189\.22\n/);
    assert.match(
      stdout,
      /\nprices: data\/prices\.json \(compiled 2026-11 .*\), for aws us-east-1, gcp us-central1, azure eastus, USD, 730 h a month; as of: S1 2024-07 … 2026-07 \(see per file\); S2 2026-01-19;/,
    );
  });

  it('--output json: every environment, its lines and totals under every pricing option', () => {
    const usage = join(work, 'usage.yaml');
    writeFileSync(usage, 'egressGB: 600\nnatGB: 100\nlcu: 2\nlogsGB: 10\n');
    const { code, stdout, stderr } = gantry(['cost', '-f', EXAMPLE, '--usage', usage, '--output', 'json']);
    assert.equal(code, 0, stderr);
    const json = JSON.parse(stdout);
    const prod = json.environments.find((e: { environment: string }) => e.environment === 'prod');
    // 762.631 + egress (600 − 100) × 0.09 = 45 + NAT 100 × 0.045 = 4.50 + NLB 2 × 730 × 0.006 = 8.76
    // + logs 10 × 0.50 = 5 + 10 × 0.03 = 0.30 → 826.191
    assert.deepEqual(prod.totals, { max: 826.19, min: 826.19 });
    assert.equal(prod.region, 'us-east-1');
    assert.deepEqual(prod.notPriced, ['KMS keys (customer managed) × 2']);
    assert.deepEqual(Object.keys(prod.byPricing), ['on-demand', 'spot', 'savings-1y', 'savings-3y']);
    assert.deepEqual(
      prod.lines.find((l: { id: string }) => l.id === 'egress'),
      {
        id: 'egress',
        section: 'usage',
        item: `internet egress (${usage})`,
        quantity: 600,
        unit: 'GB',
        unitPrice: 0.09,
        per: 'GB',
        monthly: 45,
        priceKey: 'aws.data_transfer.internet_out_first_10tb',
        source: 'aws.data_transfer.internet_out_first_10tb (S1 (2024-09-25), S13)',
        note: 'first 100 GB a month free (data_transfer.internet_out_first_100gb; per account, counted in each estimate), then tiered',
      },
    );
    assert.equal(prod.nodes.type, 'm6i.large');
    assert.deepEqual(json.prices, {
      file: 'data/prices.json',
      currency: 'USD',
      hoursPerMonth: 730,
      generated: json.prices.generated,
      regions: { aws: 'us-east-1', gcp: 'us-central1', azure: 'eastus' },
    });
  });

  it('--output markdown: a heading, a table and the options for a pull-request comment', () => {
    const { code, stdout, stderr } = gantry([...STAGING_ON_ECS, '--output', 'markdown']);
    assert.equal(code, 0, stderr);
    const lines = stdout.split('\n');
    assert.equal(lines[0], '### shop · staging (staging) · AWS ECS · us-east-1 · on-demand · 2 zones');
    assert.ok(lines.includes('| Line | Quantity | Unit price | Monthly | At min | Source |'));
    assert.ok(lines.includes('| Pricing | At max | At min | vs on-demand |'));
    assert.ok(lines.some((line) => line.startsWith('| db: RDS PostgreSQL db.t3.medium Multi-AZ<br><sub>')));
    assert.match(lines.at(-2)!, /^<sub>prices: data\/prices\.json/);
  });

  it('a bad --prices table is reported at its line and field (exit 2)', () => {
    const prices = join(work, 'prices.json');
    writeFileSync(
      prices,
      '{\n  "_meta": { "currency": "USD", "hours_per_month": 730 },\n  "aws": { "ec2": { "m6i.large": { "unit": "hour", "usd": -1, "source": "ours" } } }\n}\n',
    );
    const { code, stdout, stderr } = gantry(['cost', '-f', EXAMPLE, '--prices', prices]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      `${prices}:3:52 error aws.ec2["m6i.large"].usd: must be at least 0, got -1
    3 |   "aws": { "ec2": { "m6i.large": { "unit": "hour", "usd": -1, "source": "ours" } } }
      |                                                    ^

error: ${prices}: 1 error in the price table; nothing estimated
`,
    );
  });

  it('a pod larger than any node type: the pod and the largest type, no stack (exit 1)', () => {
    const spec = join(work, 'big.yaml');
    writeFileSync(
      spec,
      'app: big\nservices:\n  etl: { image: "etl:1", port: 80, resources: { requests: { cpu: 6, memory: 1Gi } } }\n',
    );
    const { code, stderr } = gantry(['cost', '-f', spec]);
    assert.equal(code, 1);
    assert.equal(
      stderr,
      'error: Deployment/etl: a pod asks for 6 CPU and 1Gi memory, more than any node type holds; the largest known is m5.xlarge (3795m CPU, 15.03Gi allocatable)\n  hint: lower its resources.requests, or split the work over more, smaller pods\n',
    );
  });

  it('"no figure" where the price table has no discount row, "no price" where it has no row for a line', () => {
    // The shipped table without its discounts and without the ALB row.
    const shipped = JSON.parse(readFileSync('data/prices.json', 'utf8'));
    delete shipped.aws.discounts;
    delete shipped.aws.elb.alb_hour;
    const prices = join(work, 'no-discounts.json');
    writeFileSync(prices, JSON.stringify(shipped, null, 2));
    const { code, stdout, stderr } = gantry([...STAGING_ON_ECS, '--prices', prices]);
    assert.equal(code, 0, stderr);
    // Staging on ECS without the ALB's price (hand sum): api 5 tasks 36.938 + 8.112125, worker 2 tasks
    // 14.7752 + 3.24485, 1 NAT 32.85, 3 IPv4 10.95, ElastiCache 3 × 24.82, RDS 105.12 + 11.50,
    // 6 secrets 2.40 = 300.350175; at min api runs 3 tasks (27.030075): 282.330125.
    // Every option but on-demand: the same total as on-demand, said as no figure, never "$0.00".
    const options = stdout.slice(stdout.indexOf('  pricing options'), stdout.indexOf('  note: '));
    assert.equal(
      options,
      [
        '  pricing options (total at max, at min, difference from on-demand):',
        '    on-demand   $300.35  $282.33',
        '    spot        $300.35  $282.33  no figure',
        '    savings-1y  $300.35  $282.33  no figure',
        '    savings-3y  $300.35  $282.33  no figure',
        '',
      ].join('\n'),
    );
    assert.doesNotMatch(stdout, /\$0\.00(?!\d)/, 'no saving of $0.00');
    assert.match(
      stdout,
      /\n {2}application load balancer +1 ALB +no price +— +aws\.elb\.alb_hour\n {6}no price: the table has no row aws\.elb\.alb_hour; one ALB routes to every service with routes\n/,
    );
    assert.match(
      stdout,
      /\n {2}not in the total \(not priced: no price in the table\): application load balancer × 1, Cloud Map namespace \(Service Connect\) × 1, Container Insights metrics \(the ECS cluster setting\) × 1, KMS keys \(customer managed\) × 1\n/,
    );
  });

  it('states the region of its prices; --region takes one the table has, and refuses another naming the one it has (exit 2)', () => {
    const same = gantry(['cost', '-f', EXAMPLE, '--env', 'dev', '--region', 'us-east-1']);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /^shop · dev \(development\) · AWS EKS · us-east-1 · on-demand · 2 zones\n/);

    const other = gantry(['cost', '-f', EXAMPLE, '--region', 'eu-west-1']);
    assert.equal(other.code, 2);
    assert.equal(other.stdout, '');
    assert.equal(
      other.stderr,
      'error: no aws prices for eu-west-1 (--region): data/prices.json has aws prices for us-east-1 only\n  hint: pass --region us-east-1 for an estimate at us-east-1 prices, or --prices FILE with eu-west-1 prices (_meta.default_region.aws: eu-west-1)\n',
    );
  });

  it("an environment in a region the table has no prices for: exit 1 naming it; a table of that region's prices prices it", () => {
    const spec = join(work, 'eu.yaml');
    writeFileSync(spec, readFileSync(EXAMPLE, 'utf8').replaceAll('region: us-east-1', 'region: eu-west-1'));
    const refused = gantry(['cost', '-f', spec, '--env', 'prod']);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr,
      'error: no aws prices for eu-west-1 (aws.region): data/prices.json has aws prices for us-east-1 only (environment prod)\n  hint: pass --region us-east-1 for an estimate at us-east-1 prices, or --prices FILE with eu-west-1 prices (_meta.default_region.aws: eu-west-1)\n',
    );

    const shipped = JSON.parse(readFileSync('data/prices.json', 'utf8'));
    shipped._meta.default_region = { aws: 'eu-west-1' };
    const prices = join(work, 'eu-prices.json');
    writeFileSync(prices, JSON.stringify(shipped));
    const priced = gantry(['cost', '-f', spec, '--env', 'prod', '--prices', prices]);
    assert.equal(priced.code, 0, priced.stderr);
    assert.match(priced.stdout, /^shop · prod \(production\) · AWS EKS · eu-west-1 · on-demand · 3 zones\n/);
    assert.match(priced.stdout, /\nprices: [^\n]*, for aws eu-west-1, USD/);
  });

  it('--zones on AWS takes what gantry infra can build (2 or 3), a usage error otherwise (exit 2)', () => {
    const one = gantry(['cost', '-f', EXAMPLE, '--zones', '1']);
    assert.equal(one.code, 2);
    assert.equal(
      one.stderr,
      'error: --zones 1: expected a whole number from 2 to 3\n  hint: gantry infra builds 2 or 3 zones on AWS: EKS and load balancers need two\n',
    );
    const three = gantry(['cost', '-f', EXAMPLE, '--env', 'staging', '--zones', '3']);
    assert.equal(three.code, 0, three.stderr);
    assert.match(three.stdout, /· on-demand · 3 zones\n/);
  });

  it('--help lists the options', () => {
    const { code, stdout } = gantry(['cost', '--help']);
    assert.equal(code, 0);
    for (const option of [
      '--env',
      '--all-envs',
      '--provider',
      '--target',
      '--pricing',
      '--usage',
      '--node-type',
      '--zones',
      '--region',
      '--prices',
      '--output',
    ])
      assert.ok(stdout.includes(option), option);
  });
});
