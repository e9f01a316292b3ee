import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shippedPrices } from './fixtures.test-support.ts';
import { egressCost, parseUsage, usageCost, usageFor } from './usage.ts';

describe('usage lines', () => {
  const table = shippedPrices();

  it('egress: the first 100 GB a month are free', () => {
    assert.equal(egressCost(0, table), 0);
    assert.equal(egressCost(100, table), 0);
    // 101 GB → 1 × 0.09
    assert.equal(egressCost(101, table)!.toFixed(2), '0.09');
    // 500 GB → 400 × 0.09 = 36.00
    assert.equal(egressCost(500, table)!.toFixed(2), '36.00');
  });

  it('egress: the tiers after 10 TB', () => {
    // 20,480 GB: (10,240 − 100) × 0.09 = 912.60, + 10,240 × 0.085 = 870.40 → 1,783.00
    assert.equal(egressCost(20480, table)!.toFixed(2), '1783.00');
    // 200 TB = 204,800 GB: 912.60 + 40,960 × 0.085 (3,481.60) + 102,400 × 0.07 (7,168.00) + 51,200 × 0.05 (2,560.00)
    assert.equal(egressCost(204800, table)!.toFixed(2), '14122.20');
  });

  it('without usage each line gives its price instead of a figure', () => {
    const lines = usageCost(undefined, table, { loadBalancers: { nlb: 1, alb: 0 } });
    assert.deepEqual(
      lines.map((l) => [l.id, l.monthly, l.note?.split(';')[0]]),
      [
        ['egress', null, 'depends on usage: $0.09 per GB'],
        ['nat-data', null, 'depends on usage: $0.045 per GB'],
        ['nlb-lcu', null, 'depends on usage: $0.006 per NLCU-hour'],
        ['logs-ingestion', null, 'depends on usage: $0.50 per GB'],
        ['logs-storage', null, 'depends on usage: $0.03 per GB-month'],
      ],
    );
  });

  it('with usage: NAT GB, LCU-hours per load balancer, log ingestion and storage', () => {
    const usage = usageFor(
      { egressGB: 50, natGB: 200, lcu: 2, logsGB: 10 },
      'usage.yaml',
      undefined,
      'prod',
    )!;
    const lines = usageCost(usage, table, { loadBalancers: { nlb: 0, alb: 1 } });
    // egress 50 GB: inside the free 100 → 0; NAT 200 × 0.045 = 9.00; ALB 2 LCU × 730 h × 0.008 = 11.68;
    // logs 10 × 0.50 = 5.00 ingested, 10 × 0.03 = 0.30 stored
    assert.deepEqual(
      lines.map((l) => [l.id, Number(l.monthly!.toFixed(2))]),
      [
        ['egress', 0],
        ['nat-data', 9],
        ['alb-lcu', 11.68],
        ['logs-ingestion', 5],
        ['logs-storage', 0.3],
      ],
    );
    assert.equal(lines[0]!.item, 'internet egress (usage.yaml)');
  });

  it('a preset, a file and its environment override each other in that order', () => {
    const file = parseUsage(
      'preset: small\negressGB: 80\nenvironments:\n  prod: { egressGB: 900 }\n',
      'u.yaml',
    );
    assert.equal(file.ok, true);
    if (!file.ok) return;
    assert.deepEqual(usageFor(file.value, 'u.yaml', undefined, 'prod'), {
      egressGB: 900,
      natGB: 20,
      lcu: 1,
      logsGB: 5,
      peakHoursPerDay: 4,
      from: 'preset small + u.yaml',
    });
    assert.equal(usageFor(file.value, 'u.yaml', undefined, 'dev')!.egressGB, 80);
    assert.equal(usageFor(undefined, undefined, undefined, 'dev'), undefined);
  });

  it('reports a bad usage file at its line and field', () => {
    const parsed = parseUsage('egressGB: lots\nlogGB: 3\n', 'usage.yaml');
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    assert.deepEqual(
      parsed.problems.map(
        (p) => `${p.line}:${p.column} ${p.path}: ${p.message}${p.hint ? ` (hint: ${p.hint})` : ''}`,
      ),
      [
        '1:1 egressGB: expected a number, got "lots"',
        '2:1 logGB: unknown field `logGB` (hint: did you mean `logsGB`?)',
      ],
    );
  });
});
