/** `gantry cost` as users run it: a real process, its exit code and the text it prints. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gantrySync as gantry } from '../support/gantry.ts';

const EXAMPLE = 'examples/shop/gantry.yaml';
const work = mkdtempSync(join(tmpdir(), 'gantry-cost-'));
after(() => rmSync(work, { recursive: true, force: true }));

describe('gantry cost', () => {
  it('prints a table per environment with totals, pricing options and the as-of dates (exit 0)', () => {
    const { code, stdout, stderr } = gantry(['cost', '-f', EXAMPLE]);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    const titles = stdout.split('\n').filter((line) => line.startsWith('shop · '));
    assert.deepEqual(titles, [
      'shop · dev (development) · AWS EKS · on-demand · 1 zone',
      'shop · staging (staging) · AWS EKS · on-demand · 2 zones',
      'shop · prod (production) · AWS EKS · on-demand · 3 zones',
    ]);
    // Totals checked by hand in src/cost/estimate.test.ts: 203.335, 431.705, 698.295.
    const totals = stdout.split('\n').filter((line) => line.startsWith('  total: '));
    assert.deepEqual(totals, [
      '  total: $203.34 a month',
      '  total: $431.71 a month',
      '  total: $698.30 a month',
    ]);
    assert.match(
      stdout,
      /\n {2}nodes \(m6i\.large\) +3 nodes +\$0\.096\/hour +\$210\.24 +aws\.ec2\.m6i\.large\n/,
    );
    assert.match(stdout, /\n {6}depends on usage: \$0\.09 per GB; first 100 GB a month free/);
    assert.match(stdout, /\n {4}spot +\$509\.08 +\$509\.08 +−\$189\.22\n/);
    assert.match(
      stdout,
      /\nprices: data\/prices\.json \(compiled 2026-11 .*\), USD, 730 h a month; as of: S1 2024-07 … 2026-07 \(see per file\); S2 2026-01-19;/,
    );
  });

  it('--output json: every environment, its lines and totals under every pricing option', () => {
    const usage = join(work, 'usage.yaml');
    writeFileSync(usage, 'egressGB: 600\nnatGB: 100\nlcu: 2\nlogsGB: 10\n');
    const { code, stdout, stderr } = gantry(['cost', '-f', EXAMPLE, '--usage', usage, '--output', 'json']);
    assert.equal(code, 0, stderr);
    const json = JSON.parse(stdout);
    const prod = json.environments.find((e: { environment: string }) => e.environment === 'prod');
    // 698.295 + egress (600 − 100) × 0.09 = 45 + NAT 100 × 0.045 = 4.50 + NLB 2 × 730 × 0.006 = 8.76
    // + logs 10 × 0.50 = 5 + 10 × 0.03 = 0.30 → 761.855
    assert.deepEqual(prod.totals, { max: 761.86, min: 761.86 });
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
    });
  });

  it('--output markdown: a heading, a table and the options for a pull-request comment', () => {
    const { code, stdout, stderr } = gantry([
      'cost',
      '-f',
      EXAMPLE,
      '--env',
      'staging',
      '--target',
      'ecs',
      '--output',
      'markdown',
    ]);
    assert.equal(code, 0, stderr);
    const lines = stdout.split('\n');
    assert.equal(lines[0], '### shop · staging (staging) · AWS ECS · on-demand · 2 zones');
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
      '--prices',
      '--output',
    ])
      assert.ok(stdout.includes(option), option);
  });
});
